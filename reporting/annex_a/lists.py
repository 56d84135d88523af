"""The Annex A lists this data model fills (Ofsted's inspection of local authority children's services): list by list,
its sheet name and column headings as Ofsted's template has them, and its rows read from the strands' records for a
window of dates. Lists 8 to 11 (children looked after, care leavers, adoption, adopters) are about care, which this
product does not record: their sheets carry Ofsted's headings and no rows, so the workbook has the template's layout
and the tools that read it find every list (reporting/annex_a/README.md).

Every list is streamed: one query per list read with .iterator(), joined to what it needs through the database, plus
two small look-ups held for the run (the allocated worker and team of each child, and each child's dated counts).
Children come from the reader's record scope with restriction ignored (person_record_scope(user,
ignore_restriction=True)): Ofsted counts every child. Annex A names no child, so a restricted record appears by its
id and codes as every other."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import CaseNote, CinPlanPeriod, CinReferral, EpisodeLead, LeadKind, Person, User
from family_help.models import AssessmentChild, AssessmentOutcome
from front_door.models import ContactChild
from macpt.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    EmergencyAction,
    S47Enquiry,
    S47Outcome,
    StatutoryVisit,
)

from . import codes

CHILD = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
DISABILITY = "Does the Child have a Disability"
ALLOCATED = ("Allocated Team", "Allocated Worker")
CHUNK = 2000


@dataclass(frozen=True)
class Window:
    """The dates a run covers, both inclusive."""

    start: dt.date
    end: dt.date

    def twelve_months_before(self, day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str
    headings: tuple[str, ...]
    rows: Callable[["Context"], Iterator[tuple]]
    # False for a list about care (looked after, care leavers, adoption), which this product does not record: its
    # sheet has Ofsted's headings and no rows, so the workbook keeps the template's layout.
    recorded: bool = True

    @property
    def sheet(self) -> str:
        return f"List {self.number}"


class Context:
    """What every list reads: the window, the children in scope, and the look-ups shared between lists."""

    def __init__(self, *, window: Window, people: QuerySet[Person]) -> None:
        self.window = window
        self.people = people
        self._allocated: dict[int, int] | None = None
        self._workers: dict[int, tuple[str, str]] | None = None

    def worker(self, user_id: int | None) -> tuple[str, str]:
        """A practitioner's team and name: their first team by name, or their agency when they are in no team."""
        if self._workers is None:
            teams: dict[int, str] = {}
            for user_id_, name in User.teams.through.objects.order_by("user_id", "team__name").values_list(
                "user_id", "team__name"
            ):
                teams.setdefault(user_id_, name)
            self._workers = {
                pk: (teams.get(pk) or agency or "", name)
                for pk, name, agency in User.objects.values_list("pk", "full_name", "agency__name")
            }
        return self._workers.get(user_id, ("", "")) if user_id else ("", "")

    def team_of(self, user_id: int | None) -> str:
        return self.worker(user_id)[0]

    def allocated(self, person_id: int, fallback: int | None = None) -> tuple[str, str]:
        """The child's allocated team and worker at the window's end: the lead child protection practitioner if there
        is one, else the Family Help lead practitioner; for a child whose work had ended by then, the last of them;
        for a child never allocated a lead, `fallback` (who took the referral, who wrote the assessment)."""
        if self._allocated is None:
            end = day_start(self.window.end + dt.timedelta(days=1))
            rank = {(True, LeadKind.LCPP): 0, (True, LeadKind.FHLP): 1, (False, LeadKind.LCPP): 2}
            best: dict[int, tuple[int, int]] = {}
            leads = (
                EpisodeLead.objects.filter(episode__person__in=self.people, started_at__lt=end)
                .order_by("started_at", "pk")
                .values_list("episode__person_id", "kind", "user_id", "ended_at")
            )
            for person_id_, kind, user_id, ended in leads.iterator(chunk_size=CHUNK):
                order = rank.get((ended is None or ended >= end, kind), 3)
                if person_id_ not in best or order <= best[person_id_][0]:
                    best[person_id_] = (order, user_id)  # the later of two of the same rank wins
            self._allocated = {person_id_: user_id for person_id_, (_, user_id) in best.items()}
        return self.worker(self._allocated.get(person_id, fallback))


PERSON_FIELDS = (
    "person_id",
    "person__la_child_id",
    "person__sex",
    "person__ethnicity",
    "person__date_of_birth",
    "person__disabilities",
)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the council's time zone (settings.TIME_ZONE, Europe/London)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _age(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None:
        return None
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return max(years, 0)


def _child(row: dict, on: dt.date) -> tuple:
    dob = row["person__date_of_birth"]
    return (
        row["person__la_child_id"],
        codes.gender(row["person__sex"]),
        codes.ethnicity(row["person__ethnicity"]),
        dob,
        _age(dob, on),
    )


def _counts_before(dates_by_child: dict[int, list[dt.date]], person_id: int, day: dt.date, window: Window) -> int:
    """How many of the child's dated events fell in the 12 months before `day` (not counting `day`'s own)."""
    since = window.twelve_months_before(day)
    return sum(1 for d in dates_by_child.get(person_id, ()) if since <= d < day)


# --- List 1: contacts ---------------------------------------------------------------------------------------------


def contacts(ctx: Context) -> Iterator[tuple]:
    """Every contact about a child in the window (a contact about two children is a row each); a child the front door
    never matched to a record has no Child Unique ID, so it is not listed."""
    start, end = day_start(ctx.window.start), day_start(ctx.window.end + dt.timedelta(days=1))
    rows = (
        ContactChild.objects.filter(
            person__in=ctx.people, contact__received_at__gte=start, contact__received_at__lt=end
        )
        .order_by("contact__received_at", "id")
        .values(*PERSON_FIELDS, "contact__received_at", "contact__source_code")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        day = timezone.localdate(row["contact__received_at"])
        yield (*_child(row, day), day, codes.source(row["contact__source_code"]))


# --- Lists 2 and 4: assessments ----------------------------------------------------------------------------------


def _assessments(ctx: Context, *, statutory: bool) -> QuerySet:
    """The children's sections of Family Help assessments started in the window, or started before it and still open
    at its start. A child's assessment is a social care assessment (list 4, the census's) when the child had a
    referral to children's social care open on the day it started; otherwise it is early help (list 2)."""
    w = ctx.window
    in_referral = CinReferral.objects.filter(
        person_id=OuterRef("person_id"), referral_date__lte=OuterRef("assessment__started_on")
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=OuterRef("assessment__started_on")))
    qs = (
        AssessmentChild.objects.filter(person__in=ctx.people, assessment__started_on__lte=w.end)
        .filter(Q(assessment__authorised_on__isnull=True) | Q(assessment__authorised_on__gte=w.start))
        .annotate(in_referral=Exists(in_referral))
        .filter(in_referral=statutory)
    )
    return qs.order_by("assessment__started_on", "id")


def early_help(ctx: Context) -> Iterator[tuple]:
    rows = _assessments(ctx, statutory=False).values(
        *PERSON_FIELDS, "assessment__started_on", "assessment__authorised_on", "assessment__author__agency__name"
    )
    for row in rows.iterator(chunk_size=CHUNK):
        started = row["assessment__started_on"]
        completed = row["assessment__authorised_on"]
        yield (*_child(row, started), started, completed, row["assessment__author__agency__name"] or "")


def assessments(ctx: Context) -> Iterator[tuple]:
    seen = CaseNote.objects.filter(
        person_id=OuterRef("person_id"),
        status=CaseNote.Status.FINAL,
        child_seen=True,
        occurred_at__date__gte=OuterRef("assessment__started_on"),
    )
    rows = (
        _assessments(ctx, statutory=True)
        .annotate(seen=Exists(seen))
        .values(
            *PERSON_FIELDS,
            "seen",
            "assessment__started_on",
            "assessment__authorised_on",
            "assessment__outcome",
            "assessment__author_id",
        )
    )
    support = {AssessmentOutcome.CHILD_IN_NEED, AssessmentOutcome.STEP_UP}
    for row in rows.iterator(chunk_size=CHUNK):
        started = row["assessment__started_on"]
        authorised = row["assessment__authorised_on"]
        outcome = row["assessment__outcome"]
        yield (
            *_child(row, started),
            codes.disability(row["person__disabilities"]),
            started,
            codes.yes_no(row["seen"]),
            authorised,
            codes.yes_no(outcome in support) if authorised and outcome else "",
            *ctx.worker(row["assessment__author_id"]),
        )


# --- List 3: referrals --------------------------------------------------------------------------------------------


def referrals(ctx: Context) -> Iterator[tuple]:
    w = ctx.window
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, day in (
        CinReferral.objects.filter(
            person__in=ctx.people, referral_date__gte=w.twelve_months_before(w.start), referral_date__lte=w.end
        )
        .order_by()
        .values_list("person_id", "referral_date")
        .iterator(chunk_size=CHUNK)
    ):
        earlier[person_id].append(day)
    rows = (
        CinReferral.objects.filter(person__in=ctx.people, referral_date__gte=w.start, referral_date__lte=w.end)
        .order_by("referral_date", "id")
        .values(*PERSON_FIELDS, "referral_date", "source_code", "nfa", "opened_by_id")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        day = row["referral_date"]
        yield (
            *_child(row, day),
            day,
            codes.source(row["source_code"]),
            codes.yes_no(row["nfa"]),
            _counts_before(earlier, row["person_id"], day, w),
            *ctx.allocated(row["person_id"], fallback=row["opened_by_id"]),
        )


# --- List 5: section 47 enquiries and ICPCs -----------------------------------------------------------------------


def section47(ctx: Context) -> Iterator[tuple]:
    w = ctx.window
    since = w.twelve_months_before(w.start)
    earlier_s47: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, day in (
        S47Enquiry.objects.filter(person__in=ctx.people, start_date__gte=since, start_date__lte=w.end)
        .order_by()
        .values_list("person_id", "start_date")
        .iterator(chunk_size=CHUNK)
    ):
        earlier_s47[person_id].append(day)
    initial = ConferenceChild.objects.filter(
        person__in=ctx.people,
        conference__status=ChildProtectionConference.Status.DECIDED,
        conference__date__gte=since,
        conference__date__lte=w.end,
    ).exclude(conference__kind=ChildProtectionConference.Kind.REVIEW)
    earlier_icpc: dict[int, list[dt.date]] = defaultdict(list)
    by_enquiry: dict[tuple[int, int], tuple[dt.date, bool | None]] = {}
    for person_id, day, enquiry_id, decided in (
        initial.order_by("conference__date")
        .values_list("person_id", "conference__date", "conference__enquiry_id", "plan_decided")
        .iterator(chunk_size=CHUNK)
    ):
        earlier_icpc[person_id].append(day)
        if enquiry_id:
            by_enquiry[(enquiry_id, person_id)] = (day, decided)
    rows = (
        S47Enquiry.objects.filter(person__in=ctx.people, start_date__gte=w.start, start_date__lte=w.end)
        .order_by("start_date", "id")
        .values(*PERSON_FIELDS, "id", "start_date", "outcome", "team__name", "lead__full_name")
    )
    no_conference = {S47Outcome.NOT_SUBSTANTIATED, S47Outcome.SUBSTANTIATED_NO_CONFERENCE}
    for row in rows.iterator(chunk_size=CHUNK):
        day = row["start_date"]
        held, plan = by_enquiry.get((row["id"], row["person_id"]), (None, None))
        outcome = row["outcome"]
        yield (
            *_child(row, day),
            codes.disability(row["person__disabilities"]),
            day,
            codes.yes_no(outcome in no_conference) if outcome else "",
            held,
            codes.yes_no(plan) if held else "",
            _counts_before(earlier_s47, row["person_id"], day, w),
            _counts_before(earlier_icpc, row["person_id"], day, w),
            row["team__name"] or "",
            row["lead__full_name"] or "",
        )


# --- List 6: children in need -------------------------------------------------------------------------------------


def children_in_need(ctx: Context) -> Iterator[tuple]:
    """Each referral to children's social care open at any time in the window (a child in need), with its status at
    the window's end."""
    w = ctx.window
    last_seen = _last_seen(ctx)
    need: dict[int, str] = {}
    for person_id, code in (
        AssessmentChild.objects.filter(person__in=ctx.people, assessment__started_on__lte=w.end)
        .exclude(primary_need="")
        .order_by("person_id", "assessment__started_on", "id")
        .values_list("person_id", "primary_need")
        .iterator(chunk_size=CHUNK)
    ):
        need[person_id] = code  # the latest wins
    on_cp_plan = set(
        ChildProtectionPlan.objects.filter(person__in=ctx.people, start_date__lte=w.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=w.end))
        .values_list("person_id", flat=True)
    )
    on_cin_plan = set(
        CinPlanPeriod.objects.filter(episode__person__in=ctx.people, start_date__lte=w.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=w.end))
        .values_list("episode__person_id", flat=True)
    )
    rows = (
        CinReferral.objects.filter(person__in=ctx.people, referral_date__lte=w.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=w.start))
        .order_by("referral_date", "id")
        .values(*PERSON_FIELDS, "referral_date", "closed_on", "closure_reason", "opened_by_id")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        person_id = row["person_id"]
        closed = row["closed_on"] if row["closed_on"] and row["closed_on"] <= w.end else None
        if closed:
            status = codes.CASE_STATUS_CLOSED
        elif person_id in on_cp_plan:
            status = codes.CASE_STATUS_CP
        elif person_id in on_cin_plan:
            status = codes.CASE_STATUS_CIN
        else:
            status = codes.CASE_STATUS_ASSESSMENT
        yield (
            *_child(row, w.end),
            codes.disability(row["person__disabilities"]),
            row["referral_date"],
            codes.primary_need(need.get(person_id, "")),
            last_seen.get(person_id),
            closed,
            codes.closure_reason(row["closure_reason"]) if closed else "",
            status,
            *ctx.allocated(person_id, fallback=row["opened_by_id"]),
        )


def _last_seen(ctx: Context) -> dict[int, dt.date]:
    """The last day up to the window's end each child was seen: a visit note or a statutory visit that saw them."""
    w = ctx.window
    seen: dict[int, dt.date] = {}
    notes = (
        CaseNote.objects.filter(
            person__in=ctx.people, status=CaseNote.Status.FINAL, child_seen=True, occurred_at__date__lte=w.end
        )
        .order_by()
        .values_list("person_id", "occurred_at__date")
    )
    visits = (
        StatutoryVisit.objects.filter(plan__person__in=ctx.people, seen=True, date__lte=w.end)
        .order_by()
        .values_list("plan__person_id", "date")
    )
    for source in (notes, visits):
        for person_id, day in source.iterator(chunk_size=CHUNK):
            if person_id not in seen or day > seen[person_id]:
                seen[person_id] = day
    return seen


# --- List 7: child protection plans -------------------------------------------------------------------------------


def child_protection(ctx: Context) -> Iterator[tuple]:
    w = ctx.window
    last_visit: dict[int, tuple[dt.date, bool]] = {}
    for plan_id, day, alone in (
        StatutoryVisit.objects.filter(plan__person__in=ctx.people, date__lte=w.end)
        .order_by("plan_id", "date", "id")
        .values_list("plan_id", "date", "seen_alone")
        .iterator(chunk_size=CHUNK)
    ):
        last_visit[plan_id] = (day, alone)
    last_review: dict[int, dt.date] = {}
    for plan_id, day in (
        ConferenceChild.objects.filter(
            plan__person__in=ctx.people,
            conference__kind=ChildProtectionConference.Kind.REVIEW,
            conference__status=ChildProtectionConference.Status.DECIDED,
            conference__date__lte=w.end,
        )
        .order_by("plan_id", "conference__date")
        .values_list("plan_id", "conference__date")
        .iterator(chunk_size=CHUNK)
    ):
        last_review[plan_id] = day
    six_months = day_start(w.end - dt.timedelta(days=183))
    end = day_start(w.end + dt.timedelta(days=1))
    emergency = set(
        EmergencyAction.objects.filter(person__in=ctx.people, started_at__gte=six_months, started_at__lt=end)
        .values_list("person_id", flat=True)
        .distinct()
    )
    earlier: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, day in (
        ChildProtectionPlan.objects.filter(person__in=ctx.people, start_date__lte=w.end)
        .order_by()
        .values_list("person_id", "start_date")
        .iterator(chunk_size=CHUNK)
    ):
        earlier[person_id].append(day)
    rows = (
        ChildProtectionPlan.objects.filter(person__in=ctx.people, start_date__lte=w.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=w.start))
        .order_by("start_date", "id")
        .values(
            *PERSON_FIELDS,
            "id",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "previous_plans_elsewhere",
            "conference__chair_id",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        person_id = row["person_id"]
        visit_day, alone = last_visit.get(row["id"], (None, None))
        ended = row["end_date"] if row["end_date"] and row["end_date"] <= w.end else None
        previous = sum(1 for d in earlier[person_id] if d < row["start_date"]) + row["previous_plans_elsewhere"]
        yield (
            *_child(row, row["start_date"]),
            codes.disability(row["person__disabilities"]),
            row["start_date"],
            codes.category(row["initial_category"]),
            codes.category(row["latest_category"]),
            visit_day,
            codes.yes_no(alone) if visit_day else "",
            last_review.get(row["id"]),
            ended,
            codes.yes_no(person_id in emergency),
            previous,
            *ctx.allocated(person_id, fallback=row["conference__chair_id"]),
        )


def not_recorded(ctx: Context) -> Iterator[tuple]:
    return iter(())


LISTS: tuple[AnnexList, ...] = (
    AnnexList(1, "Contacts", (*CHILD, "Date of Contact", "Contact Source"), contacts),
    AnnexList(
        2,
        "Early help",
        (*CHILD, "Assessment start date", "Assessment completion date", "Organisation completing assessment"),
        early_help,
    ),
    AnnexList(
        3,
        "Referrals",
        (
            *CHILD,
            "Date of Referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            *ALLOCATED,
        ),
        referrals,
    ),
    AnnexList(
        4,
        "Assessments",
        (
            *CHILD,
            DISABILITY,
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Was the child assessed as requiring LA children's social care support?",
            *ALLOCATED,
        ),
        assessments,
    ),
    AnnexList(
        5,
        "Section 47 enquiries and ICPCs",
        (
            *CHILD,
            DISABILITY,
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            "Date of Initial Child Protection Conference",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            *ALLOCATED,
        ),
        section47,
    ),
    AnnexList(
        6,
        "Children in need",
        (
            *CHILD,
            DISABILITY,
            "CIN Start Date",
            "Primary Need Code",
            "Date Child Was Last Seen",
            "CIN Closure Date",
            "Reason for Closure",
            "Case Status",
            *ALLOCATED,
        ),
        children_in_need,
    ),
    AnnexList(
        7,
        "Child protection plans",
        (
            *CHILD,
            DISABILITY,
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Date of the Last Statutory Visit",
            "Was the Child Seen Alone?",
            "Date of latest review conference",
            "Child Protection Plan End Date",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
            "Number of Previous Child Protection Plans",
            *ALLOCATED,
        ),
        child_protection,
    ),
    AnnexList(
        8,
        "Children looked after",
        (
            *CHILD,
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            DISABILITY,
            "Date Started to be Looked After",
            "Child's Category of Need",
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
            "Start date of current legal status",
            "Child's Legal Status",
            "Date of Latest Statutory Review",
            "Date of Last Social Work Visit",
            "What is the permanence plan for this child?",
            "Date of Last IRO Visit / Contact to the Child",
            "Date of Last Health Assessment",
            "Date of Last Dental Check",
            "Number of Placements in the Last 12 months",
            "Date Ceased to be Looked After",
            "Reason Ceased to be Looked After",
            "Start Date of Most Recent Placement",
            "Placement Type",
            "Placement Provider",
            "Placement postcode",
            "URN of Placement",
            "Placement Location",
            "LA of Placement",
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            *ALLOCATED,
        ),
        not_recorded,
        recorded=False,
    ),
    AnnexList(
        9,
        "Care leavers",
        (
            *CHILD,
            DISABILITY,
            *ALLOCATED,
            "Eligibility Category",
            "LA in Touch",
            "Type of Accommodation",
            "Suitability of Accommodation",
            "Activity Status",
        ),
        not_recorded,
        recorded=False,
    ),
    AnnexList(
        10,
        "Adoption",
        (
            "Child Unique ID",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            DISABILITY,
            "Date the Child Entered Care",
            "Date of Decision that Child Should be Placed for Adoption",
            "Date of Placement Order",
            "Date of Matching Child and Prospective Adopters",
            "Date Placed for Adoption",
            "Date of Adoption Order",
            "Date of Decision that Child Should No Longer be Placed for Adoption",
            "Reason Why Child No Longer Placed for Adoption",
            "Date the child was placed for fostering in FFA or concurrent planning placement",
        ),
        not_recorded,
        recorded=False,
    ),
    AnnexList(
        11,
        "Adopters",
        (
            "Individual adopter identifier",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Disability",
            "Is the (prospective) adopter fostering for adoption?",
            "Date enquiry received",
            "Date Stage 1 started",
            "Date Stage 1 ended",
            "Date Stage 2 started",
            "Date Stage 2 ended",
            "Date application submitted",
            "Date application approved",
            "Date adopter matched with child(ren)",
            "Date child/children placed with adopter(s)",
            "No. of children placed",
            "Date of Adoption Order",
            "Date of leaving adoption process",
            "Reason for leaving adoption process",
        ),
        not_recorded,
        recorded=False,
    ),
)
