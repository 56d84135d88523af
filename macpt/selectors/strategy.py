"""Reads for strategy discussions, s47 enquiries and MACPT teams, scoped to the user: a discussion opens only for a
user who may open the whole record of every child it is about, an enquiry for one who may open its child's; anything
else is 404. The agencies' information is read under the information tags' rules (cases.policy.tag_filter)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cases import policy
from cases.models import Person, Team, User
from cases.permissions import person_record_scope

from ..models import (
    S47Enquiry,
    S47Information,
    StrategyAttendee,
    StrategyChild,
    StrategyDiscussion,
    StrategyInformation,
)
from ..permissions import CHAIR, CONTRIBUTE, LEAD_ENQUIRY, MANAGE_TEAMS


def may_chair(user: User) -> bool:
    return policy.may(user, CHAIR)


def may_contribute(user: User) -> bool:
    return policy.may(user, CONTRIBUTE) and user.agency_id is not None


def may_lead_enquiry(user: User) -> bool:
    return policy.may(user, LEAD_ENQUIRY)


def may_manage_teams(user: User) -> bool:
    return policy.may(user, MANAGE_TEAMS)


# --- teams -----------------------------------------------------------------------------------------------------


def macpt_teams() -> QuerySet[Team]:
    """Every multi-agency team, with its member count (the managers' list)."""
    return (
        Team.objects.filter(multi_agency=True)
        .select_related("agency")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


def macpt_team_get(*, user: User, team_id: int) -> Team:
    if not may_manage_teams(user):
        raise Http404("No such team")
    team = Team.objects.filter(pk=team_id, multi_agency=True).select_related("agency").first()
    if team is None:
        raise Http404("No such team")
    return team


def macpt_team_members(*, team: Team) -> list[User]:
    """The team's active members by agency, then name."""
    return list(
        team.members.filter(is_active=True).select_related("agency").order_by("agency__name", "full_name", "id")
    )


def macpt_member_candidates(*, team: Team) -> list[User]:
    """Active practitioners of any agency not yet in the team (an administrator never: they see no child)."""
    return list(
        User.objects.filter(is_active=True, agency__isnull=False)
        .exclude(teams=team)
        .exclude(groups__name__in=policy.NEVER)
        .select_related("agency")
        .order_by("agency__name", "full_name", "id")
    )


def chair_teams(*, user: User) -> list[Team]:
    """The MACPTs an LCPP may hold a discussion in: their own multi-agency teams first, then the others."""
    teams = list(Team.objects.filter(multi_agency=True).select_related("agency").order_by("name"))
    mine = set(user.teams.values_list("pk", flat=True))
    return sorted(teams, key=lambda t: (t.pk not in mine, t.name))


# --- discussions -----------------------------------------------------------------------------------------------


def _in_scope_ids(user: User, ids) -> set[int]:
    return set(person_record_scope(user, relatives=False).filter(pk__in=list(ids)).values_list("pk", flat=True))


def discussion_get_for_user(*, user: User, discussion_id: int) -> StrategyDiscussion:
    """One discussion with its children, attendees and chair, if the user may open every child's whole record."""
    try:
        discussion = (
            StrategyDiscussion.objects.select_related("team", "chair", "work_request")
            .prefetch_related(
                Prefetch("children", queryset=StrategyChild.objects.select_related("person").order_by("id")),
                Prefetch(
                    "attendees", queryset=StrategyAttendee.objects.select_related("agency", "user").order_by("id")
                ),
            )
            .get(pk=discussion_id)
        )
    except (StrategyDiscussion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such discussion") from None
    ids = {c.person_id for c in discussion.children.all()}
    if not ids or _in_scope_ids(user, ids) != ids:
        raise Http404("No such discussion")
    return discussion


def discussion_information(*, discussion: StrategyDiscussion, user: User) -> list[StrategyInformation]:
    """What the agencies shared, as this user may read it: an item about one child under that child's tag rules, an
    item about the whole family under the rules for any of the discussion's children (they share one MACPT)."""
    about_child = policy.tag_filter(user, tags="tags", person="person", agency="agency_id", author="author")
    about_family = policy.tag_filter(
        user, tags="tags", person="discussion__children__person", agency="agency_id", author="author"
    )
    return list(
        StrategyInformation.objects.filter(discussion=discussion)
        .filter((Q(person__isnull=False) & about_child) | (Q(person__isnull=True) & about_family))
        .select_related("agency", "author", "person")
        .distinct()
        .order_by("id")
    )


def information_get_for_user(*, user: User, item_id: int) -> StrategyInformation:
    """One item, for a user who may open the discussion and read the item."""
    item = StrategyInformation.objects.filter(pk=item_id).select_related("discussion").first()
    if item is None:
        raise Http404("No such information")
    discussion = discussion_get_for_user(user=user, discussion_id=item.discussion_id)
    if item.pk not in {i.pk for i in discussion_information(discussion=discussion, user=user)}:
        raise Http404("No such information")
    return item


def discussions_for_person(*, person: Person) -> QuerySet[StrategyDiscussion]:
    return StrategyDiscussion.objects.filter(children__person=person).select_related("chair", "team").distinct()


# --- enquiries -------------------------------------------------------------------------------------------------


def enquiry_get_for_user(*, user: User, enquiry_id: int) -> S47Enquiry:
    try:
        enquiry = S47Enquiry.objects.select_related("person", "lead", "team", "started_at_discussion").get(
            pk=enquiry_id
        )
    except (S47Enquiry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such enquiry") from None
    if not _in_scope_ids(user, [enquiry.person_id]):
        raise Http404("No such enquiry")
    return enquiry


def enquiry_information(*, enquiry: S47Enquiry, user: User) -> list[S47Information]:
    readable = policy.tag_filter(user, tags="tags", person="enquiry__person", agency="agency_id", author="author")
    return list(
        S47Information.objects.filter(enquiry=enquiry)
        .filter(readable)
        .select_related("agency", "author")
        .order_by("id")
    )


def s47_information_get_for_user(*, user: User, item_id: int) -> S47Information:
    item = S47Information.objects.filter(pk=item_id).first()
    if item is None:
        raise Http404("No such information")
    enquiry = enquiry_get_for_user(user=user, enquiry_id=item.enquiry_id)
    if item.pk not in {i.pk for i in enquiry_information(enquiry=enquiry, user=user)}:
        raise Http404("No such information")
    item.enquiry = enquiry
    return item


def enquiries_for_discussion(*, discussion: StrategyDiscussion) -> dict[int, S47Enquiry]:
    """The enquiries started at this discussion, by child."""
    return {e.person_id: e for e in S47Enquiry.objects.filter(started_at_discussion=discussion)}


def open_enquiries(*, person: Person) -> QuerySet[S47Enquiry]:
    return S47Enquiry.objects.filter(person=person, ended_on__isnull=True)
