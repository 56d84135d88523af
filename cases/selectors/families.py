"""Reads of a family case (the family being helped), scoped to the user. A family case is in a user's scope when at
least one of its children is: access is never stored on the family, it follows the children's involvements. Out of
scope is 404.

Two levels (cases.policy): by default at least the summary (cases.permissions.person_scope), which is what the
family's plan and its team around the family need (a team-around-the-family member sees them); `record=True` asks
for the whole record (person_record_scope), which is what a strand's own pages of the family need (Family Help's
family page, assessments, continuum: family_help.selectors passes it)."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404

from .. import policy
from ..models import (
    Address,
    AgencyType,
    EpisodeLead,
    FamilyCase,
    FamilyCaseMember,
    Involvement,
    Person,
    User,
)
from ..permissions import person_record_scope, person_scope, restricted_access_in_force


def _children_scope(user: User, record: bool, *, ignore_restriction: bool = False) -> QuerySet[Person]:
    scope = person_record_scope if record else person_scope
    return scope(user, relatives=False, ignore_restriction=ignore_restriction)


def family_case_scope(user: User, *, record: bool = False) -> QuerySet[FamilyCase]:
    """Every family case with at least one child this user may see (the whole record's, with `record`)."""
    visible_children = FamilyCaseMember.objects.filter(
        family_case=OuterRef("pk"),
        role=FamilyCaseMember.Role.CHILD,
        person__in=_children_scope(user, record).values("pk"),
    )
    return FamilyCase.objects.filter(Exists(visible_children))


def family_case_get_for_user(*, user: User, family_case_id: int, record: bool = False) -> FamilyCase:
    """The family case if this user may see it; 404 whether missing or out of scope."""
    try:
        return family_case_scope(user, record=record).get(pk=family_case_id)
    except (FamilyCase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such family") from None


def family_children(*, family_case: FamilyCase, user: User | None = None, record: bool = False) -> list[Person]:
    """The family's current children (only those this user may see, when a user is given)."""
    qs = Person.objects.filter(
        family_memberships__family_case=family_case,
        family_memberships__role=FamilyCaseMember.Role.CHILD,
        family_memberships__end_date__isnull=True,
        merged_into__isnull=True,
    )
    if user is not None:
        qs = qs.filter(pk__in=_children_scope(user, record).values("pk"))
    return list(qs.order_by("date_of_birth", "id").distinct())


def family_children_shown(*, family_case: FamilyCase, user: User, record: bool = False) -> tuple[list[Person], int]:
    """The family's current children this user may see (as family_children), and how many more are restricted
    records they are not on the list of but would otherwise see: the family's pages show those as "Restricted
    record" (no name, no identifier), so that the family is not shown with a child silently missing. A child the
    user could not see anyway is not counted (that would tell them more than they could learn otherwise). One
    query, as family_children alone."""
    people = list(
        Person.objects.filter(
            family_memberships__family_case=family_case,
            family_memberships__role=FamilyCaseMember.Role.CHILD,
            family_memberships__end_date__isnull=True,
            merged_into__isnull=True,
            pk__in=_children_scope(user, record, ignore_restriction=True).values("pk"),
        )
        .annotate(on_list=Exists(restricted_access_in_force(person=OuterRef("pk"), user=user)))
        .order_by("date_of_birth", "id")
        .distinct()
    )
    shown = [p for p in people if not p.restricted or p.on_list]
    return shown, len(people) - len(shown)


def family_children_restricted(*, family_case: FamilyCase, user: User, record: bool = False) -> int:
    """How many of the family's children are "Restricted record" to this user (family_children_shown)."""
    return family_children_shown(family_case=family_case, user=user, record=record)[1]


def family_summary(*, family_case: FamilyCase, children: list[Person], user: User) -> dict:
    """The summary level's view of a family (what a team-around-the-family member sees beside the plan): each child's
    identity summary (name, date of birth, current address, school) and the adults in the family's plan, with which
    children's whole records this user may open (their names link there), in one query however many children.

    The address is the current one (an end date of none), unless it is a safe address this user may not see; the
    school is the education agency of a current involvement with the child. Nothing else of the record is here: no
    NHS number, no chronology, no network."""
    ids = {c.pk for c in children}
    address = (
        Address.objects.filter(person=OuterRef("person_id"), end_date__isnull=True)
        # A safe address the user may not see is not shown at all (cases.policy: the safe-address tag's rule).
        .filter(policy.safe_address_filter(user))
        .order_by("-start_date", "-id")
        .values(json=JSONObject(line1="line1", line2="line2", town="town", postcode="postcode"))[:1]
    )
    schools = ArraySubquery(
        Involvement.objects.active()
        .filter(person=OuterRef("person_id"), agency__type=AgencyType.EDUCATION)
        .order_by("agency__name")
        .values("agency__name")
    )
    openable = person_record_scope(user, relatives=False).filter(pk=OuterRef("person_id"))
    members = list(
        FamilyCaseMember.objects.filter(family_case=family_case, end_date__isnull=True, person__merged_into=None)
        .select_related("person")
        .annotate(
            address=Subquery(address),
            schools=schools,
            openable=Exists(openable),
            on_list=Exists(restricted_access_in_force(person=OuterRef("person_id"), user=user)),
        )
        .order_by("id")
    )
    by_child = {m.person_id: m for m in members if m.role == FamilyCaseMember.Role.CHILD and m.person_id in ids}
    rows = []
    for child in children:
        member = by_child.get(child.pk)
        parts = (member.address or {}) if member else {}
        rows.append(
            {
                "person": child,
                "address": ", ".join(parts[k] for k in ("line1", "line2", "town", "postcode") if parts.get(k)),
                "schools": list(dict.fromkeys(member.schools)) if member else [],
                "openable": bool(member and member.openable),
            }
        )
    # A restricted adult is named only to their list (the restricted-record rule), never by the family's plan.
    adults = [m for m in members if m.role != FamilyCaseMember.Role.CHILD and (not m.person.restricted or m.on_list)]
    return {
        "children": rows,
        "adults": [{"person": m.person, "role": m.get_role_display()} for m in adults],
        "record": any(row["openable"] for row in rows),
    }


def current_lead_ids(*, person_id: int) -> QuerySet:
    """The user ids of the child's lead practitioners now (FHLP and LCPP of the open episode), as a subquery."""
    return EpisodeLead.objects.filter(
        episode__person_id=person_id, episode__closed_on__isnull=True, ended_at__isnull=True
    ).values("user_id")


def current_leads_of(*, person_ids) -> list[User]:
    """The active lead practitioners now of any of these children, once each, by id, in one query: who is told when
    something reaches a family (current_leads asked child by child, and merged, gives the same)."""
    lead_ids = EpisodeLead.objects.filter(
        episode__person_id__in=list(person_ids), episode__closed_on__isnull=True, ended_at__isnull=True
    ).values("user_id")
    return list(User.objects.filter(pk__in=lead_ids, is_active=True).order_by("pk"))


def current_leads(*, person_id: int) -> list[User]:
    """The child's active lead practitioners now, once each, by id: who is told when something reaches the child."""
    return list(User.objects.filter(pk__in=current_lead_ids(person_id=person_id), is_active=True).order_by("pk"))
