"""The managers' dashboards' figures (issue 16 item 7) for a period (a collection year or a quarter, as the FGDM
counts and the returns take it: fgdm.selectors.counts.Period) and, optionally, a team.

Every figure is an aggregate: no child is named, and nothing here returns a child's id to a page. Each measure is the
strand's own definition, read through the strand where it has one:
- front door: contacts received, and per cent decided within one working day with the front door's own filters
  (front_door.selectors.decision_timeliness_filters / timeliness, the ones its dashboard counts with), and its
  dashboard's "now" figures (front_door.selectors.dashboard_figures);
- the journey contacts -> referrals (CIN census referrals) -> children assessed (Family Help assessments started)
  -> s47 enquiries started -> children at an initial child protection conference -> child protection plans started;
- re-referrals within 12 months: a referral in the period with an earlier referral of the same child inside
  front_door.selectors.re_referral_window (the DfE's meaning, the front door's one function);
- assessments authorised within their 45 working days (the assessment's `due_on`, set by Family Help from the
  referral date: authorised on or before it, as family_help.selectors.assessment timescale says "within");
- initial conferences within 15 working days of the strategy discussion (the enquiry's `icpc_target`, census
  InitialCPCtarget);
- reviews on time: child protection review conferences by macpt.timescales.review_due (3 months after the ICPC,
  then 6 after the last review) and reviews of the family's one plan by the date the review before set;
- FGDM offers, answers, meetings (fgdm.selectors.counts.fgdm_counts; without its pre-proceedings measures, whose
  describer asks a query per episode: the FGDM counts page and the returns show those);
- caseloads: children whose open episode each practitioner leads at the period's end (or today), by practitioner,
  and by agency and qualification as the workforce history held them that day (cases PractitionerRecord).

The team filter narrows each figure to the team's work: contacts the team worked (Contact.team), referrals opened,
assessments written and family plan reviews held by its members, enquiries and conferences of the team, the FGDM
offers its members made and the meetings and reviews that came of them, and the caseloads of its members. The front
door's "now" figures are council-wide (the page says so).

A fixed number of queries, whatever the data (tests/reporting/test_dashboards.py counts them)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import CinReferral, EpisodeLead, Qualification, Review, Team, User
from cases.selectors.workforce import practitioner_records_at
from cases.workdays import LONDON, Calendar
from family_help.models import Assessment, AssessmentChild, AssessmentStatus
from fgdm.selectors.counts import FgdmCounts, Period, fgdm_counts
from front_door.models import Contact
from front_door.selectors import dashboard_figures, decision_timeliness_filters, re_referral_window, timeliness
from macpt.models import ChildProtectionConference, ChildProtectionPlan, ConferenceChild, S47Enquiry
from macpt.timescales import review_due

ICPC_KINDS = (ChildProtectionConference.Kind.INITIAL, ChildProtectionConference.Kind.UNBORN)
DECIDED = ChildProtectionConference.Status.DECIDED
REVIEW = ChildProtectionConference.Kind.REVIEW
# The practitioner chart shows at most this many (the largest caseloads); the table below it lists them all.
PRACTITIONER_CHART_LIMIT = 25


@dataclass(frozen=True)
class Rate:
    """`on_time` of `due` (per cent None when nothing was due)."""

    label: str
    due: int
    on_time: int

    @property
    def percent(self) -> float | None:
        return timeliness(self.due, self.on_time)["percent"]

    @property
    def late(self) -> int:
        return self.due - self.on_time


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    received: int
    decided_in_time: Rate
    referrals: int = 0
    re_referrals: int = 0

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def re_referral_rate(self) -> Rate:
        return Rate(self.label, self.referrals, self.re_referrals)


@dataclass(frozen=True)
class Caseload:
    label: str
    practitioners: int
    children: int

    @property
    def average(self) -> float | None:
        return round(self.children / self.practitioners, 1) if self.practitioners else None


@dataclass
class Dashboard:
    period: Period
    team: Team | None
    as_at: dt.date
    months: list[MonthRow]
    journey: list[tuple[str, int]]
    timescales: list[Rate]
    re_referrals: Rate
    fgdm: FgdmCounts
    by_practitioner: list[Caseload]
    by_agency: list[Caseload]
    by_qualification: list[Caseload]
    front_door_now: dict = field(default_factory=dict)

    @property
    def contacts(self) -> int:
        return sum(m.received for m in self.months)


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's first day's London midnight, and the midnight after its last day."""
    start = dt.datetime.combine(period.first, dt.time(0), tzinfo=LONDON)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    return start, end


def _months(period: Period) -> list[dt.date]:
    months, day = [], period.first.replace(day=1)
    while day <= period.last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _members(team: Team | None) -> QuerySet[User] | None:
    return None if team is None else User.objects.filter(teams=team).values("pk")


def _front_door(period: Period, team: Team | None, now: dt.datetime) -> dict[dt.date, dict]:
    """Contacts received in each month of the period, those now due and those decided in time: one query."""
    start, end = _bounds(period)
    due, in_time = decision_timeliness_filters(now)
    contacts = Contact.objects.filter(received_at__gte=start, received_at__lt=end)
    if team is not None:
        contacts = contacts.filter(team=team)
    rows = (
        contacts.annotate(month=TruncMonth("received_at", tzinfo=LONDON))
        .values("month")
        .annotate(received=Count("pk"), due=Count("pk", filter=due), in_time=Count("pk", filter=in_time))
        .order_by("month")
    )
    return {row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]: row for row in rows}


def _referrals(period: Period, members) -> tuple[list[tuple[int, int, dt.date]], dict[int, list[tuple[dt.date, int]]]]:
    """The period's referrals (pk, child, date) and every referral of those children from 12 months before the
    period's first day to its last: two queries."""
    referrals = CinReferral.objects.filter(referral_date__gte=period.first, referral_date__lte=period.last)
    if members is not None:
        referrals = referrals.filter(opened_by__in=members)
    in_period = list(referrals.values_list("pk", "person_id", "referral_date"))
    earliest = re_referral_window(period.first)[0]
    history: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for person_id, day, pk in (
        CinReferral.objects.filter(
            person_id__in=referrals.values("person_id"), referral_date__gte=earliest, referral_date__lte=period.last
        )
        .order_by()
        .values_list("person_id", "referral_date", "pk")
    ):
        history[person_id].append((day, pk))
    return in_period, history


_window_start = functools.lru_cache(maxsize=1024)(lambda day: re_referral_window(day)[0])


def _is_re_referral(pk: int, day: dt.date, history: list[tuple[dt.date, int]]) -> bool:
    """Another referral of the child inside the window before this one (the same day counts when recorded first)."""
    low = _window_start(day)
    return any(low <= other <= day and (other, other_pk) < (day, pk) for other, other_pk in history)


def _cp_reviews(period: Period, team: Team | None, calendar: Calendar) -> Rate:
    """Review conferences held in the period (per child): on time when held by macpt.timescales.review_due from the
    conference before (the plan's ICPC, or the last review). One query."""
    reviews = ConferenceChild.objects.filter(conference__kind=REVIEW, conference__status=DECIDED, plan__isnull=False)
    earlier = (
        reviews.filter(plan=OuterRef("plan"), conference__date__lt=OuterRef("conference__date"))
        .order_by("-conference__date")
        .values("conference__date")[:1]
    )
    rows = reviews.filter(conference__date__gte=period.first, conference__date__lte=period.last)
    if team is not None:
        rows = rows.filter(conference__team=team)
    due = on_time = 0
    for held, started, previous in rows.annotate(previous=Subquery(earlier)).values_list(
        "conference__date", "plan__start_date", "previous"
    ):
        due += 1
        on_time += held <= review_due(calendar, previous or started, first=previous is None)
    return Rate("Child protection reviews on time", due, on_time)


def _plan_reviews(period: Period, members) -> Rate:
    """Reviews of the family's one plan held in the period that had a date set by the review before: on time when
    held by it. One query."""
    previous = (
        Review.objects.filter(plan=OuterRef("plan"))
        .filter(Q(held_on__lt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), pk__lt=OuterRef("pk")))
        .order_by("-held_on", "-pk")
        .values("next_review_on")[:1]
    )
    rows = Review.objects.filter(held_on__gte=period.first, held_on__lte=period.last)
    if members is not None:
        rows = rows.filter(reviewed_by__in=members)
    counts = (
        rows.annotate(due_on=Subquery(previous))
        .filter(due_on__isnull=False)
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(held_on__lte=F("due_on"))))
    )
    return Rate("Family plan reviews on time", counts["due"], counts["on_time"])


def _caseloads(as_at: dt.date, members) -> list[dict]:
    """Each practitioner leading an open episode at the end of `as_at`: the number of children, and their agency and
    qualification on that day from the workforce history (cases.selectors.workforce.practitioner_records_at, the
    record in force then), or the user's own where the history holds no record for them. Two queries."""
    moment = dt.datetime.combine(as_at + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    leads = EpisodeLead.objects.filter(started_at__lt=moment).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=moment))
    records = practitioner_records_at(as_at)
    if members is not None:
        leads = leads.filter(user__in=members)
        records = records.filter(user__in=members)
    history = {
        user_id: (agency, qualification)
        for user_id, agency, qualification in records.values_list("user_id", "agency__name", "qualification")
    }
    rows = list(
        leads.values("user_id", "user__full_name", "user__agency__name", "user__qualification")
        .annotate(children=Count("episode__person", distinct=True))
        .order_by("-children", "user__full_name", "user_id")
    )
    for row in rows:
        if row["user_id"] in history:
            row["user__agency__name"], row["user__qualification"] = history[row["user_id"]]
    return rows


def _group(rows: list[dict], key) -> list[Caseload]:
    practitioners: dict[str, int] = defaultdict(int)
    children: dict[str, int] = defaultdict(int)
    for row in rows:
        practitioners[key(row)] += 1
        children[key(row)] += row["children"]
    return [Caseload(label, practitioners[label], children[label]) for label in sorted(practitioners)]


def qualification_label(value: str) -> str:
    return Qualification(value).label if value in Qualification.values else "Not recorded"


def dashboard(*, period: Period, team: Team | None = None, now: dt.datetime | None = None) -> Dashboard:
    """Every figure of the dashboards page for the period and team."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    as_at = min(period.last, today)
    members = _members(team)
    calendar = Calendar.from_database()

    front = _front_door(period, team, now)
    referrals, history = _referrals(period, members)
    by_month: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    re_referred = 0
    for pk, person_id, day in referrals:
        counts = by_month[day.replace(day=1)]
        counts[0] += 1
        if _is_re_referral(pk, day, history[person_id]):
            counts[1] += 1
            re_referred += 1
    months = []
    for month in _months(period):
        row = front.get(month, {})
        months.append(
            MonthRow(
                month=month,
                received=row.get("received", 0),
                decided_in_time=Rate(f"{month:%B %Y}", row.get("due", 0), row.get("in_time", 0)),
                referrals=by_month[month][0],
                re_referrals=by_month[month][1],
            )
        )

    assessed = AssessmentChild.objects.filter(
        assessment__started_on__gte=period.first, assessment__started_on__lte=period.last
    )
    enquiries = S47Enquiry.objects.filter(start_date__gte=period.first, start_date__lte=period.last)
    icpcs = ConferenceChild.objects.filter(
        conference__kind__in=ICPC_KINDS,
        conference__status=DECIDED,
        conference__date__gte=period.first,
        conference__date__lte=period.last,
    )
    plans = ChildProtectionPlan.objects.filter(start_date__gte=period.first, start_date__lte=period.last)
    authorised = Assessment.objects.filter(
        status=AssessmentStatus.AUTHORISED, authorised_on__gte=period.first, authorised_on__lte=period.last
    )
    if team is not None:
        assessed = assessed.filter(assessment__author__in=members)
        authorised = authorised.filter(author__in=members)
        enquiries = enquiries.filter(team=team)
        icpcs = icpcs.filter(conference__team=team)
        plans = plans.filter(conference__team=team)
    icpc_counts = icpcs.aggregate(
        children=Count("pk"),
        due=Count("pk", filter=Q(conference__enquiry__isnull=False)),
        on_time=Count("pk", filter=Q(conference__date__lte=F("conference__enquiry__icpc_target"))),
    )
    assessment_counts = authorised.aggregate(
        due=Count("pk"), on_time=Count("pk", filter=Q(authorised_on__lte=F("due_on")))
    )
    contacts_due = sum(m.decided_in_time.due for m in months)
    contacts_in_time = sum(m.decided_in_time.on_time for m in months)

    caseloads = _caseloads(as_at, members)
    by_practitioner = [
        Caseload(row["user__full_name"] or f"Practitioner {row['user_id']}", 1, row["children"]) for row in caseloads
    ]
    return Dashboard(
        period=period,
        team=team,
        as_at=as_at,
        months=months,
        journey=[
            ("Contacts received", sum(m.received for m in months)),
            ("Referrals", len(referrals)),
            ("Children assessed", assessed.count()),
            ("Section 47 enquiries", enquiries.count()),
            ("Children at an initial conference", icpc_counts["children"]),
            ("Child protection plans started", plans.count()),
        ],
        timescales=[
            Rate("Contacts decided within one working day", contacts_due, contacts_in_time),
            Rate("Assessments within 45 working days", assessment_counts["due"], assessment_counts["on_time"]),
            Rate("Initial conferences within 15 working days", icpc_counts["due"], icpc_counts["on_time"]),
            _cp_reviews(period, team, calendar),
            _plan_reviews(period, members),
        ],
        re_referrals=Rate("Re-referrals within 12 months", len(referrals), re_referred),
        fgdm=fgdm_counts(period=period, with_pre_proceedings=False, offered_by=members),
        by_practitioner=by_practitioner,
        by_agency=_group(caseloads, lambda r: r["user__agency__name"] or "No agency"),
        by_qualification=_group(caseloads, lambda r: qualification_label(r["user__qualification"])),
        front_door_now=dashboard_figures(now=now),
    )
