"""Agencies, teams and users, as the pages' choosers and the services' arguments need them."""

from django.db.models import QuerySet

from ..models import Agency, AgencyType, Team, User

COUNCIL_AGENCY_TYPES = (AgencyType.COUNCIL_SOCIAL_CARE, AgencyType.COUNCIL_EARLY_HELP)


def users_with_role(*roles: str) -> QuerySet[User]:
    """Active users holding any of these roles, by name."""
    return User.objects.filter(groups__name__in=roles, is_active=True).distinct().order_by("full_name", "id")


def user_find(*, user_id: int | None, active_only: bool = False) -> User | None:
    """The user with this id, or None (a chooser's value is checked by the service it is given to)."""
    if not user_id:
        return None
    users = User.objects.select_related("agency")
    if active_only:
        users = users.filter(is_active=True)
    return users.filter(pk=user_id).first()


def users_by_id(*, user_ids, active_only: bool = False) -> dict[int, User]:
    """These users, by id (those that do not exist, or are inactive when asked, are left out)."""
    users = User.objects.filter(pk__in=set(user_ids))
    if active_only:
        users = users.filter(is_active=True)
    return {u.pk: u for u in users}


def agency_find(*, agency_id: int | None) -> Agency | None:
    return Agency.objects.filter(pk=agency_id).first() if agency_id else None


def council_teams() -> QuerySet[Team]:
    """The council's own teams (the front door's queue filters by them)."""
    return Team.objects.filter(agency__type__in=COUNCIL_AGENCY_TYPES).order_by("name")


def agency_liaison_users(*, agency_id: int | None) -> QuerySet[User]:
    """The active users of the agency's liaison team (Agency.liaison_team) who work for the agency: those who
    receive, read and answer the front door's information requests to it. No liaison team: nobody."""
    if not agency_id:
        return User.objects.none()
    return User.objects.filter(agency_id=agency_id, teams__liaison_for__pk=agency_id, is_active=True).distinct()


def is_liaison(*, user: User, agency_id: int | None) -> bool:
    """Whether this user receives the agency's information requests (agency_liaison_users)."""
    return bool(agency_id) and agency_liaison_users(agency_id=agency_id).filter(pk=user.pk).exists()
