"""THE one selector of the FGDM pre-proceedings measures (issue 15 item 7): what the child protection strand's
pre-proceedings record shows, what the CIN census 2026-27 module 5 reports (`FGDMMeetingOffer`, `FGDMMeetingFac`) and
what the FFP quarterly return counts ("FGDM meetings offered prior to or at the letter before proceedings to parents
or those with parental responsibility"; "meetings facilitated after the offer") all come from here, so they can never
disagree. Registered as provider "fgdm.pre_proceedings_measures" (fgdm/apps.py); the other strands call it through
`cases.registry.registry.provider(...)` and never import this strand, and this strand never imports theirs: the caller
passes what it knows of each pre-proceedings record (`PPFacts`).

Definitions (the unit is one pre-proceedings episode, one child's `macpt.PreProceedings` row):

- **Offered** (`FGDMMeetingOffer`; the quarterly return's first measure). Known only once the letter before
  proceedings is sent (rule 9007: the answer goes with the letter; before it, None). 1 when an FGDM meeting was offered
  to those with parental responsibility by the letter: an `FgdmOffer` whose source is the episode, made at decision
  point "lbp" (in the letter), or at "pre_proceedings" (before the letter) on or before the letter's date, that was
  really made (its response is not "not offered") and has at least one recipient. Otherwise 0 (no offer, or "not
  offered in the child's best interests"). An offer made before the letter counts because the return asks for offers
  "prior to or at" the letter and the census item must equal it; the census's "in the letter" offer is the "lbp" one,
  which is the answer's offer when there is one (`offer_id`).
  **Counted on the letter's date** (LBPSentDate): the census reports the answer in the block of the census year its
  letter falls in, and nowhere else, so the quarter of the letter is where the return counts it.
- **Facilitated** (`FGDMMeetingFac`; the return's second measure). Known only when offered (9010Q); 1 when a meeting
  (`FgdmMeeting`) of an offering offer's referral was held on or after that offer's date and on or after the
  episode's start, and no later than the end of the pre-proceedings period: the step decision date, and at the latest
  the last day of the census year of the letter (31 March): that year's census block is the only one that carries the
  answer, so a meeting held later cannot be reported by the census and is not counted by the return either. A meeting
  counts only within that census year too (held on or after its 1 April), for the same reason.
  **Counted on the day of the first such meeting** (`facilitated_on`), or on the letter's day if the meeting came
  before the letter (after an offer made earlier in pre-proceedings): "meetings facilitated" in a quarter are those
  held in it, and none is counted before there is a letter to count it against, so a quarter's figure never changes
  after it ends (`facilitated_counted_on`).

So for any collection year, the sum of the four quarters' measures equals the census's count of module 5 blocks with
FGDMMeetingOffer = 1 and FGDMMeetingFac = 1 (tests/fgdm/test_pre_proceedings_measures.py proves it), and a quarter's
figures do not change once it has ended (each is dated by a day in it).

Batch: `pre_proceedings_measures(records, model=...)` answers thousands of records in a fixed number of queries (two
per 10,000 records, plus the content type, cached)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse

from cases.registry import registry

from ..models import DecisionPointKind, FgdmMeeting, FgdmOffer, OfferResponse

PROVIDER = "fgdm.pre_proceedings_measures"
# The decision points at which an offer answers the pre-proceedings measures: before the letter, and in it.
PP_DECISION_POINTS = (DecisionPointKind.PRE_PROCEEDINGS, DecisionPointKind.LETTER_BEFORE_PROCEEDINGS)
CHUNK = 10_000


@dataclass(frozen=True)
class PPFacts:
    """What the caller knows of one pre-proceedings episode: its id, PPStartDate, LBPSentDate, and the end of the
    period (StepDecisionDate; None while open)."""

    id: int
    start_date: dt.date
    lbp_sent_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass(frozen=True)
class PPMeasure:
    """The two answers for one episode. `offered`/`facilitated`: True, False, or None (not known: no letter yet, or
    not offered). `offer_id`/`offer_url`: the offer that answers (the letter's when there is one), for a link;
    `counted_on`: the day the offered measure is counted on (the letter's date); `facilitated_on`: the first meeting
    that counts; `facilitated_counted_on`: the day the facilitated measure is counted on (that meeting's, or the
    letter's if later)."""

    offered: bool | None
    facilitated: bool | None
    offer_id: int | None = None
    offer_url: str = ""
    offered_on: dt.date | None = None
    counted_on: dt.date | None = None
    facilitated_on: dt.date | None = None

    @property
    def facilitated_counted_on(self) -> dt.date | None:
        if not self.facilitated:
            return None
        return max(self.facilitated_on, self.counted_on)

    @property
    def census_offer(self) -> int | None:
        """FGDMMeetingOffer as the census writes it (1/0), or None."""
        return None if self.offered is None else int(self.offered)

    @property
    def census_facilitated(self) -> int | None:
        """FGDMMeetingFac as the census writes it (1/0), or None."""
        return None if self.facilitated is None else int(self.facilitated)


NOT_KNOWN = PPMeasure(offered=None, facilitated=None)


@dataclass(frozen=True)
class PeriodMeasures:
    """The quarterly return's two figures for a period: episodes offered FGDM prior to or at the letter before
    proceedings (to those with parental responsibility), and meetings facilitated after the offer."""

    offered: int
    facilitated: int


class Measures(dict):
    """episode id -> PPMeasure, with the period totals the quarterly return (and the FGDM counts page) reports."""

    def totals(self, first: dt.date, last: dt.date) -> PeriodMeasures:
        """The two figures for the days first..last (a quarter, or a collection year: the four quarters sum to it)."""
        offered = sum(1 for m in self.values() if m.offered and first <= m.counted_on <= last)
        facilitated = sum(1 for m in self.values() if m.facilitated and first <= m.facilitated_counted_on <= last)
        return PeriodMeasures(offered=offered, facilitated=facilitated)


def census_year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The census (collection) year, 1 April to 31 March, that `day` falls in."""
    start = day.year if day.month >= 4 else day.year - 1
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def _facts(record: PPFacts | Mapping[str, Any] | Any) -> PPFacts:
    if isinstance(record, PPFacts):
        return record
    if isinstance(record, Mapping):
        return PPFacts(
            id=record["id"],
            start_date=record["start_date"],
            lbp_sent_date=record.get("lbp_sent_date"),
            end_date=record.get("end_date", record.get("step_decision_date")),
        )
    # A model instance (or anything shaped like one): macpt.PreProceedings passes itself.
    return PPFacts(
        id=record.pk if hasattr(record, "pk") else record.id,
        start_date=record.start_date,
        lbp_sent_date=getattr(record, "lbp_sent_date", None),
        end_date=getattr(record, "end_date", getattr(record, "step_decision_date", None)),
    )


def offer_url(offer_id: int) -> str:
    try:
        return reverse("fgdm:offer", args=[offer_id])
    except NoReverseMatch:  # the offer page is not there yet
        return ""


def _content_type(model: str) -> ContentType:
    app_label, model_name = model.lower().split(".")
    return ContentType.objects.get_by_natural_key(app_label, model_name)


def pre_proceedings_measures(records: Iterable[PPFacts | Mapping[str, Any] | Any], *, model: str) -> Measures:
    """THE provider "fgdm.pre_proceedings_measures". `records`: the pre-proceedings episodes (PPFacts, mappings with
    id/start_date/lbp_sent_date/end_date, or the model instances themselves); `model`: their model's label
    ("macpt.preproceedings"), which the offers' source points at. Returns Measures (id -> PPMeasure; `.totals(first,
    last)` for a period) for every record given. Two queries per 10,000 records, however many there are."""
    facts = [_facts(r) for r in records]
    result = Measures()
    if not facts:
        return result
    content_type = _content_type(model)
    offers: dict[int, list[dict]] = defaultdict(list)
    meetings: dict[int, list[dt.date]] = defaultdict(list)
    ids = [f.id for f in facts]
    for at in range(0, len(ids), CHUNK):
        chunk = ids[at : at + CHUNK]
        rows = list(
            FgdmOffer.objects.filter(
                source_type=content_type, source_id__in=chunk, decision_point__in=PP_DECISION_POINTS
            )
            .annotate(has_recipients=Exists(FgdmOffer.recipients.through.objects.filter(fgdmoffer_id=OuterRef("pk"))))
            .order_by("offered_on", "pk")
            .values("pk", "source_id", "decision_point", "response", "offered_on", "has_recipients")
        )
        for row in rows:
            offers[row["source_id"]].append(row)
        offer_ids = [row["pk"] for row in rows]
        if offer_ids:
            for offer_id, held_on in FgdmMeeting.objects.filter(referral__offer_id__in=offer_ids).values_list(
                "referral__offer_id", "held_on"
            ):
                meetings[offer_id].append(held_on)
    for fact in facts:
        result[fact.id] = _measure(fact, offers.get(fact.id, ()), meetings)
    return result


def _measure(fact: PPFacts, offers: Iterable[dict], meetings: Mapping[int, list[dt.date]]) -> PPMeasure:
    letter = fact.lbp_sent_date
    offers = list(offers)
    # The offer to link to: the letter's, else the earliest before it (even a "not offered" one: the page shows it).
    shown = next((o for o in offers if o["decision_point"] == DecisionPointKind.LETTER_BEFORE_PROCEEDINGS), None) or (
        offers[0] if offers else None
    )
    if letter is None:
        # No letter yet: no census answer (9007), nothing counted; the offer made so far is still linked.
        return PPMeasure(
            offered=None,
            facilitated=None,
            offer_id=shown and shown["pk"],
            offer_url=offer_url(shown["pk"]) if shown else "",
            offered_on=shown and shown["offered_on"],
        )
    offering = [
        o
        for o in offers
        if o["response"] != OfferResponse.NOT_OFFERED
        and o["has_recipients"]
        and (o["decision_point"] == DecisionPointKind.LETTER_BEFORE_PROCEEDINGS or o["offered_on"] <= letter)
    ]
    if offering:
        shown = next(
            (o for o in offering if o["decision_point"] == DecisionPointKind.LETTER_BEFORE_PROCEEDINGS), offering[0]
        )
    base = {
        "offer_id": shown and shown["pk"],
        "offer_url": offer_url(shown["pk"]) if shown else "",
        "offered_on": shown and shown["offered_on"],
        "counted_on": letter,
    }
    if not offering:
        return PPMeasure(offered=False, facilitated=None, **base)
    year_first, year_last = census_year_of(letter)
    last = year_last if fact.end_date is None else min(fact.end_date, year_last)
    held = [
        day
        for o in offering
        for day in meetings.get(o["pk"], ())
        if max(o["offered_on"], fact.start_date, year_first) <= day <= last
    ]
    first_meeting = min(held) if held else None
    return PPMeasure(offered=True, facilitated=first_meeting is not None, facilitated_on=first_meeting, **base)


def pre_proceedings_period_measures(*, first: dt.date, last: dt.date) -> PeriodMeasures:
    """The two figures for a period, for this strand's own counts page: the episodes are the sources of the offers
    made at pre-proceedings (an episode without one counts in neither), described by the strand that owns them
    (cases.registry.decision_point: facts start_date, lbp_sent_date, end_date), then the one provider above."""
    return pre_proceedings_measures_all(offered_by=last, offered_from=first).totals(first, last)


def pre_proceedings_measures_all(*, offered_by: dt.date | None = None, offered_from: dt.date | None = None) -> Measures:
    """Measures of every pre-proceedings episode an offer was made at (one query per source model, the describer's
    per episode, plus the provider's own). An episode whose strand does not describe it is left out (its letter date
    is not known here). `offered_by`/`offered_from` narrow the episodes to those that can count in a period ending
    or starting then: an offer counts no earlier than its own day, and within a year of the census year it counts in
    (a letter, and a meeting, are in the census year they count in; an offer before the letter is in pre-proceedings,
    which is months, not years)."""
    offers = FgdmOffer.objects.filter(decision_point__in=PP_DECISION_POINTS, source_type__isnull=False)
    if offered_by is not None:
        offers = offers.filter(offered_on__lte=offered_by)
    if offered_from is not None:
        offers = offers.filter(offered_on__gte=census_year_of(offered_from)[0] - dt.timedelta(days=366))
    sources: dict[int, set[int]] = defaultdict(set)
    for type_id, source_id in offers.values_list("source_type_id", "source_id").distinct():
        sources[type_id].add(source_id)
    measures = Measures()
    for type_id, ids in sources.items():
        content_type = ContentType.objects.get_for_id(type_id)
        model_class = content_type.model_class()
        if model_class is None:
            continue
        records = []
        for obj in model_class._default_manager.filter(pk__in=ids):
            point = registry.decision_point(obj)
            if point is None or "start_date" not in point.facts:
                continue
            records.append(
                PPFacts(
                    id=obj.pk,
                    start_date=point.facts["start_date"],
                    lbp_sent_date=point.facts.get("lbp_sent_date"),
                    end_date=point.facts.get("end_date"),
                )
            )
        measures.update(pre_proceedings_measures(records, model=f"{content_type.app_label}.{content_type.model}"))
    return measures
