"""What the CIN census's child protection modules hold for each child in a collection year, read from the strand's
records: `Section47` (S47ActualStartDate, InitialCPCtarget, DateOfInitialCPC, ICPCnotRequired), the `CINdetails`
DateOfInitialCPC, and `ChildProtectionPlans` (CPPstartDate, CPPendDate, InitialCategoryOfAbuse, LatestCategoryOfAbuse,
NumberOfPreviousCPP, CPPreviewDate). The census return (reporting, issue 16) writes the XML from these rows; the
census never needs a manual fix because each value is the one the practitioners recorded.

A census is a council-wide return: only a user the policy lets oversee child protection reads it (macpt.oversee), and
what they read is their record scope (cases.permissions.person_record_scope). Queries do not grow with the children:
one query each for enquiries, initial conferences, plans, the children's earlier plans and review conferences."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from cases import policy
from cases.models import User
from cases.permissions import person_record_scope

from ..models import ChildProtectionConference, ChildProtectionPlan, ConferenceChild, S47Enquiry, S47Outcome
from ..permissions import OVERSEE

# The census items each module holds, in the schema's order: what the strand's records fill.
SECTION47_FIELDS = ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired")
CIN_DETAILS_FIELDS = ("DateOfInitialCPC",)
CP_PLAN_FIELDS = (
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
    "CPPreviewDate",
)
_NO_CONFERENCE = frozenset({S47Outcome.NOT_SUBSTANTIATED, S47Outcome.SUBSTANTIATED_NO_CONFERENCE})


@dataclass
class ChildCensus:
    """One child's child protection items for the year: `section47` and `cp_plans` are lists of {census item: value}
    in the schema's order (CPPreviewDate a list of dates); `date_of_initial_cpc` the CINdetails item."""

    person_id: int
    section47: list[dict] = field(default_factory=list)
    cp_plans: list[dict] = field(default_factory=list)
    date_of_initial_cpc: dt.date | None = None


def collection_year(year: str) -> tuple[dt.date, dt.date]:
    """'2025-26' -> 1 April 2025 to 31 March 2026 (the census's collection year)."""
    first = int(year.split("-")[0])
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def child_protection_census(*, user: User, start: dt.date, end: dt.date) -> dict[int, ChildCensus]:
    """Each child in scope with an s47 enquiry or a child protection plan open at any time from `start` to `end`."""
    if not policy.may(user, OVERSEE):
        raise Http404
    return child_protection_rows(person_record_scope(user).values("pk"), start=start, end=end)


def child_protection_rows(people, *, start: dt.date, end: dt.date) -> dict[int, ChildCensus]:
    """The same rows for `people` (a queryset of person pks or a list of ids), with no permission check: for the
    census return (reporting), which decides who may run it and streams the children in batches."""
    enquiries = list(
        S47Enquiry.objects.filter(person__in=people, start_date__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("person_id", "start_date", "pk")
    )
    initial_dates = dict(
        ChildProtectionConference.objects.filter(
            enquiry__in=[e.pk for e in enquiries],
            status=ChildProtectionConference.Status.DECIDED,
        )
        .exclude(kind=ChildProtectionConference.Kind.REVIEW)
        .order_by("enquiry_id", "-date")
        .values_list("enquiry_id", "date")
    )
    # A family's initial conference names one enquiry; a brother's or sister's enquiry reaches it through the
    # conference's children: the child's first initial conference on or after their enquiry started.
    attended: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, held in (
        ConferenceChild.objects.filter(
            person__in={e.person_id for e in enquiries},
            conference__status=ChildProtectionConference.Status.DECIDED,
            conference__date__gte=min((e.start_date for e in enquiries), default=start),
        )
        .exclude(conference__kind=ChildProtectionConference.Kind.REVIEW)
        .order_by("conference__date")
        .values_list("person_id", "conference__date")
    ):
        attended[person_id].append(held)
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for enquiry in enquiries:
        starts[enquiry.person_id].append(enquiry.start_date)
    plans = list(
        ChildProtectionPlan.objects.filter(person__in=people, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("person_id", "start_date", "pk")
    )
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, started in ChildProtectionPlan.objects.filter(person__in={p.person_id for p in plans}).values_list(
        "person_id", "start_date"
    ):
        earlier[person_id].append(started)
    reviews: dict[int, list[dt.date]] = defaultdict(list)
    for plan_id, held in (
        ConferenceChild.objects.filter(
            plan__in=[p.pk for p in plans],
            conference__kind=ChildProtectionConference.Kind.REVIEW,
            conference__status=ChildProtectionConference.Status.DECIDED,
            conference__date__gte=start,
            conference__date__lte=end,
        )
        .order_by("conference__date")
        .values_list("plan_id", "conference__date")
    ):
        reviews[plan_id].append(held)

    children: dict[int, ChildCensus] = {}
    for enquiry in enquiries:
        child = children.setdefault(enquiry.person_id, ChildCensus(enquiry.person_id))
        held = initial_dates.get(enquiry.pk) or _first_conference(
            enquiry, starts[enquiry.person_id], attended[enquiry.person_id]
        )
        child.section47.append(
            {
                "S47ActualStartDate": enquiry.start_date,
                "InitialCPCtarget": enquiry.icpc_target,
                "DateOfInitialCPC": held,
                "ICPCnotRequired": enquiry.outcome in _NO_CONFERENCE,
            }
        )
        if held and (child.date_of_initial_cpc is None or held > child.date_of_initial_cpc):
            child.date_of_initial_cpc = held
    for plan in plans:
        child = children.setdefault(plan.person_id, ChildCensus(plan.person_id))
        before_here = sum(1 for started in earlier[plan.person_id] if started < plan.start_date)
        child.cp_plans.append(
            {
                "CPPstartDate": plan.start_date,
                "CPPendDate": plan.end_date if plan.end_date and plan.end_date <= end else None,
                "InitialCategoryOfAbuse": plan.initial_category,
                "LatestCategoryOfAbuse": plan.latest_category,
                "NumberOfPreviousCPP": before_here + plan.previous_plans_elsewhere,
                "CPPreviewDate": reviews[plan.pk],
            }
        )
    return children


def _first_conference(enquiry, starts: list[dt.date], attended: list[dt.date]) -> dt.date | None:
    """The child's first initial conference from the enquiry's start, before the child's next enquiry (if any)."""
    until = min((day for day in starts if day > enquiry.start_date), default=None)
    return next((day for day in attended if day >= enquiry.start_date and (until is None or day < until)), None)
