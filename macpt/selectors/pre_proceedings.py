"""Reading pre-proceedings, and the census's view of it: module 5 (PreProceedingsandFGDM) of the CIN census 2026-27.

Whoever sees the child's whole record (cases.permissions.person_record_scope) sees the child's pre-proceedings;
anything else is 404. `census_block` is one episode as a census year reports it, and `module5_errors` checks a block
against every module 5 rule (../shared/data/cin/module5_rules.md), so a test can prove that what the service accepts
is always a valid return.

FGDMMeetingOffer and FGDMMeetingFac are not this strand's: they are read from the FGDM strand's one selector of the
pre-proceedings measures through the record (`registry.provider("fgdm.pre_proceedings_measures")`, never an import),
the same one the quarterly return reads, so the three can never disagree. With no provider registered they are "not
recorded" (None), and the census says so (9007) rather than guess."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cases.models import User
from cases.permissions import person_record_scope
from cases.registry import registry

from ..models import MeetingKind, PPOutcome, PreProceedings


def pre_proceedings_get_for_user(*, user: User, pp_id: int) -> PreProceedings:
    try:
        return (
            PreProceedings.objects.filter(person__in=person_record_scope(user, relatives=False).values("pk"))
            .select_related("person", "started_by")
            .get(pk=pp_id)
        )
    except (PreProceedings.DoesNotExist, ValueError, TypeError):
        raise Http404("No such pre-proceedings") from None


def pre_proceedings_for_person(*, person) -> QuerySet[PreProceedings]:
    """The child's pre-proceedings, newest first, with their initial meeting date and review count."""
    return (
        PreProceedings.objects.filter(person=person)
        .annotate(review_count=Count("meetings", filter=Q(meetings__kind=MeetingKind.REVIEW)))
        .order_by("-start_date", "-id")
    )


# --- the FGDM answers, from the FGDM strand's one selector -------------------------------------------------------

FGDM_MEASURES = "fgdm.pre_proceedings_measures"


def fgdm_measures(pps: Iterable[PreProceedings]) -> Mapping[int, Any] | None:
    """episode id -> the FGDM strand's answers (`.offered`, `.facilitated`: True/False/None; `.census_offer`,
    `.census_facilitated`: 1/0/None; `.offer_url`) for every episode, in one batch (a fixed number of queries), or None
    when no strand provides them ("not recorded")."""
    provide = registry.provider(FGDM_MEASURES)
    if provide is None:
        return None
    records = [
        {"id": pp.pk, "start_date": pp.start_date, "lbp_sent_date": pp.lbp_sent_date, "end_date": pp.step_decision_date}
        for pp in pps
    ]
    return provide(records, model=PreProceedings._meta.label_lower)


def fgdm_period_totals(*, first: dt.date, last: dt.date) -> Any | None:
    """The quarterly return's two FGDM figures for the days first..last (a quarter or a collection year): `.offered`
    (offered prior to or at the letter before proceedings, counted on the letter's day) and `.facilitated` (meetings
    facilitated after the offer, on the meeting's day), from the one selector over the episodes that can count in
    the period: a letter in it, or a meeting in it, whose letter is in the same census year (April to March) and no
    later than its end. Summed over a year's quarters they are the census's module 5 counts. None: not recorded."""
    year_first = dt.date(first.year if first.month >= 4 else first.year - 1, 4, 1)
    pps = PreProceedings.objects.filter(lbp_sent_date__gte=year_first, lbp_sent_date__lte=last).only(
        "pk", "start_date", "lbp_sent_date", "step_decision_date"
    )
    measures = fgdm_measures(pps)
    return None if measures is None else measures.totals(first, last)


def fgdm_measure(pp: PreProceedings) -> Any | None:
    """One episode's FGDM answers (see fgdm_measures), or None when not recorded."""
    measures = fgdm_measures([pp])
    return None if measures is None else measures.get(pp.pk)


# --- the census ------------------------------------------------------------------------------------------------

ELEMENTS = (
    "PPStartDate",
    "LBPSentDate",
    "FGDMMeetingOffer",
    "FGDMMeetingFac",
    "InitialPPMeetingDate",
    "ReviewMeetingsCount",
    "StepDecisionDate",
    "PPOutcome",
    "CourtAppDate",
    "LetterInitCPDate",
)


def census_year(year_start: int) -> tuple[dt.date, dt.date]:
    """The census year starting 1 April `year_start` (2026 -> 2026-27): its first and last days."""
    return dt.date(year_start, 4, 1), dt.date(year_start + 1, 3, 31)


_ASK = object()


def census_blocks(pps: Iterable[PreProceedings], *, year_start: int) -> list[tuple[PreProceedings, dict | None]]:
    """Every episode's block for the census year, in a fixed number of queries however many there are: the meetings
    prefetched (when a queryset is given) and the FGDM answers asked of the provider once."""
    if isinstance(pps, QuerySet):
        pps = pps.prefetch_related("meetings")
    pps = list(pps)
    measures = fgdm_measures(pps)
    return [
        (pp, census_block(pp, year_start=year_start, fgdm=None if measures is None else measures.get(pp.pk)))
        for pp in pps
    ]


def census_block(pp: PreProceedings, *, year_start: int, fgdm: Any = _ASK) -> dict | None:
    """One pre-proceedings episode as the census year reports it (element -> value, in the sample's order), or None
        if nothing of it falls in the year. A date outside the year is left out ("when present, falls within the census
        year": 9005, 9006, 9008, 9009, 9012, 9013); the FGDM answers go with their letter (9007, 9010Q); the review
        count with the initial meeting (9015Q); the outcome with its decision (9011). `fgdm`: the episode's FGDM answers
    (census_blocks passes them from one batch); asked of the provider when not given."""
    first, last = census_year(year_start)

    def within(day):
        return day if day is not None and first <= day <= last else None

    meetings = [(m.kind, m.held_on) for m in pp.meetings.all()]
    initial = next((day for kind, day in meetings if kind == MeetingKind.INITIAL), None)
    ended_before = pp.step_decision_date is not None and pp.step_decision_date < first
    later = [d for d in (pp.court_application_date, pp.letter_initiating_date) if d is not None]
    if pp.start_date > last or (ended_before and not any(first <= d <= last for d in later)):
        return None
    lbp = within(pp.lbp_sent_date)
    decision = within(pp.step_decision_date)
    if fgdm is _ASK:
        fgdm = fgdm_measure(pp) if lbp is not None else None
    block = {
        "PPStartDate": within(pp.start_date),
        "LBPSentDate": lbp,
        # The answers go with their letter (9007): in the block of the year the letter falls in, and no other.
        "FGDMMeetingOffer": None if lbp is None or fgdm is None else fgdm.census_offer,
        "FGDMMeetingFac": None if lbp is None or fgdm is None else fgdm.census_facilitated,
        "InitialPPMeetingDate": within(initial),
        "ReviewMeetingsCount": None,
        "StepDecisionDate": decision,
        "PPOutcome": pp.outcome if decision is not None else None,
        "CourtAppDate": within(pp.court_application_date),
        "LetterInitCPDate": within(pp.letter_initiating_date),
    }
    if block["InitialPPMeetingDate"] is not None:
        block["ReviewMeetingsCount"] = sum(
            1 for kind, day in meetings if kind == MeetingKind.REVIEW and first <= day <= last
        )
    return block


def module5_errors(block: dict, *, year_start: int) -> list[str]:
    """The module 5 rules a block breaks (codes; queries end in Q): what DfE's validator will say of it."""
    first, last = census_year(year_start)
    errors = []

    def outside(name):
        value = block.get(name)
        return value is not None and not (first <= value <= last)

    start, lbp = block.get("PPStartDate"), block.get("LBPSentDate")
    decision, court, letter = block.get("StepDecisionDate"), block.get("CourtAppDate"), block.get("LetterInitCPDate")
    if outside("PPStartDate"):
        errors.append("9005")
    if outside("LBPSentDate") or (lbp is not None and start is not None and lbp < start):
        errors.append("9006")
    offer = block.get("FGDMMeetingOffer")
    if (lbp is not None and offer is None) or (lbp is None and offer is not None):
        errors.append("9007")
    if outside("InitialPPMeetingDate"):
        errors.append("9008")
    if outside("StepDecisionDate") or (decision is not None and start is not None and decision < start):
        errors.append("9009")
    if offer == 1 and block.get("FGDMMeetingFac") is None:
        errors.append("9010Q")
    if block.get("PPOutcome") is not None and block["PPOutcome"] not in PPOutcome.values:
        errors.append("9011")
    if outside("CourtAppDate") or (court is not None and decision is not None and court < decision):
        errors.append("9012")
    if outside("LetterInitCPDate") or (letter is not None and court is not None and letter < court):
        errors.append("9013")
    if block.get("InitialPPMeetingDate") is not None and block.get("ReviewMeetingsCount") is None:
        errors.append("9015Q")
    return errors
