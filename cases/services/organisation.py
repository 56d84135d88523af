"""Teams and their members (a team is a permission group)."""

from django.contrib.auth.models import Group
from django.db import transaction

from ..models import (
    Team,
    User,
)
from .audit import audit_record


@transaction.atomic
def team_ensure_group(*, team: Team) -> Group:
    """Each team has a group that holds the object permissions granted to the team."""
    if team.group_id:
        return team.group
    group, _ = Group.objects.get_or_create(name=f"team:{team.pk}")
    Team.objects.filter(pk=team.pk).update(group=group)
    team.group = group
    return group


@transaction.atomic
def team_member_add(*, team: Team, user: User, actor: User | None) -> None:
    group = team_ensure_group(team=team)
    user.teams.add(team)
    user.groups.add(group)
    audit_record(actor=actor, verb="team.member_added", target=team, related={"user": user})


@transaction.atomic
def team_member_remove(*, team: Team, user: User, actor: User | None) -> None:
    user.teams.remove(team)
    if team.group_id:
        user.groups.remove(team.group)
    audit_record(actor=actor, verb="team.member_removed", target=team, related={"user": user})
