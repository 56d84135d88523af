"""MACPT teams and their members. A MACPT is a `cases.Team` with multi_agency=True; a manager adds members of each
agency (council social care, police, health, education). A member reaches the children their MACPT works with (an
active MACPT-member involvement of the team on the child) and no others: cases.permissions grants it to the team's
group, so joining and leaving the team is all that membership changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases import policy
from cases.models import Team, User
from cases.services import team_member_add, team_member_remove

from ..permissions import MANAGE_TEAMS


def _require_manager(actor: User) -> None:
    if not policy.may(actor, MANAGE_TEAMS):
        raise PermissionDenied("Only a manager sets up MACPT teams")


def _require_macpt(team: Team) -> None:
    if not team.multi_agency:
        raise ValidationError("This team is not a multi-agency child protection team")


@transaction.atomic
def macpt_member_add(*, team: Team, user: User, actor: User) -> None:
    """Add a practitioner of any agency to the MACPT. An administrator never reads a child's record, and a user with
    no agency has none to speak for: both are refused with the reason."""
    _require_manager(actor)
    _require_macpt(team)
    if not user.is_active:
        raise ValidationError({"user": ["This user's account is closed"]})
    if user.roles and user.roles <= policy.NEVER:
        raise ValidationError(
            {"user": ["An administrator cannot be a member of a MACPT: they never see a child's record"]}
        )
    if user.agency_id is None:
        raise ValidationError({"user": ["This user has no agency: a MACPT member speaks for their agency"]})
    if team.members.filter(pk=user.pk).exists():
        raise ValidationError({"user": [f"{user.full_name} is already a member of {team.name}"]})
    team_member_add(team=team, user=user, actor=actor)


@transaction.atomic
def macpt_member_remove(*, team: Team, user: User, actor: User) -> None:
    """Remove a member: from the next request they no longer reach the MACPT's children (unless involved otherwise)."""
    _require_manager(actor)
    _require_macpt(team)
    if not team.members.filter(pk=user.pk).exists():
        raise ValidationError({"user": [f"{user.full_name} is not a member of {team.name}"]})
    team_member_remove(team=team, user=user, actor=actor)
