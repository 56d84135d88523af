"""The FGDM counts (issue 15 item 7) for a period: a quarter or a collection year (1 April to 31 March), as the CIN
census and the FFP quarterly return count them (the default: the current collection year).

What is counted, and on which day:
- **Offers by decision point**: the offers recorded with `offered_on` in the period (made, or recorded as not made
  because not in the child's best interests), by the decision point they were made at, with each offer's answer as
  it stands now: accepted, declined, still waiting, and "not offered" (rationale). "Offered" is those really made, so
  offered = accepted + declined + waiting on every row.
- **Meetings held** (`held_on` in the period) and, of them, **plans agreed** (the family agreed a plan at it).
- **Reviews** of the family's plan held in the period.
- **The two pre-proceedings measures** from THE one selector (fgdm.selectors.pre_proceedings): offered prior to or
  at the letter before proceedings (counted on the letter's day) and meetings facilitated after the offer (on the
  meeting's day), the same figures the census module 5 and the quarterly return give.

These are council-wide aggregates and name no child. A drill-down that lists children (the offers at one decision
point) reads through fgdm.selectors.scope, so it lists only the offers whose children the reader may open."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cases.models import User

from ..models import DecisionPointKind, FamilyPlanReview, FgdmMeeting, FgdmOffer, OfferResponse
from .pre_proceedings import PeriodMeasures, census_year_of, pre_proceedings_period_measures
from .scope import offers_visible

QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
PERIOD_RE = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})(?:-Q(?P<q>[1-4]))?$")
# The earliest collection year offered in the period list (the FFP quarterly return started in June 2025).
FIRST_YEAR = 2024


@dataclass(frozen=True)
class Period:
    key: str  # "2026-27" (a collection year) or "2026-27-Q2" (a quarter of it)
    first: dt.date
    last: dt.date

    @property
    def is_quarter(self) -> bool:
        return "-Q" in self.key

    @property
    def label(self) -> str:
        start = int(self.key[:4])
        year = f"{start} to {start + 1}"
        if not self.is_quarter:
            return f"Collection year {year} (1 April {start} to 31 March {start + 1})"
        return f"Quarter {self.key[-1]} of {year} ({self.first:%-d %B %Y} to {self.last:%-d %B %Y})"


def year_key(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def period_parse(value: str) -> Period:
    """'2026-27' -> the collection year; '2026-27-Q2' -> July to September 2026. ValueError when it is neither."""
    match = PERIOD_RE.match(value or "")
    if match is None:
        raise ValueError("Choose a collection year or a quarter from the list")
    start = int(match["start"])
    if (start + 1) % 100 != int(match["end"]):
        raise ValueError("Choose a collection year or a quarter from the list")
    if match["q"] is None:
        return Period(key=year_key(start), first=dt.date(start, 4, 1), last=dt.date(start + 1, 3, 31))
    quarter = int(match["q"])
    first_month, last_month = QUARTER_MONTHS[quarter]
    year = start if quarter < 4 else start + 1
    last = (dt.date(year, last_month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Period(key=f"{year_key(start)}-Q{quarter}", first=dt.date(year, first_month, 1), last=last)


def period_current_year(today: dt.date) -> Period:
    return period_parse(year_key(census_year_of(today)[0].year))


def period_choices(today: dt.date) -> list[Period]:
    """Every collection year from FIRST_YEAR to the current one, newest first, each followed by its quarters that
    have begun."""
    periods = []
    current = census_year_of(today)[0].year
    for start in range(current, FIRST_YEAR - 1, -1):
        periods.append(period_parse(year_key(start)))
        periods.extend(p for q in range(1, 5) if (p := period_parse(f"{year_key(start)}-Q{q}")).first <= today)
    return periods


@dataclass(frozen=True)
class DecisionPointRow:
    kind: str
    label: str
    offered: int
    accepted: int
    declined: int
    awaiting: int
    not_offered: int

    @property
    def recorded(self) -> int:
        return self.offered + self.not_offered


@dataclass(frozen=True)
class FgdmCounts:
    period: Period
    rows: tuple[DecisionPointRow, ...]
    total: DecisionPointRow
    meetings_held: int
    plans_agreed: int
    reviews: int
    pre_proceedings: PeriodMeasures | None  # None when not asked for (with_pre_proceedings=False)


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.first, f"{field}__lte": period.last})


def fgdm_counts(*, period: Period, with_pre_proceedings: bool = True, offered_by: QuerySet | None = None) -> FgdmCounts:
    """Every count of the page for the period: one query for the offers, one for the meetings, one for the reviews,
    and the pre-proceedings measures' own few (their describer asks one query per pre-proceedings episode offered
    at; the managers' dashboards, which must ask a fixed number whatever the data, leave them out with
    `with_pre_proceedings=False`). `offered_by` (users, or a query of their pks: a team's members) narrows the counts
    to the offers those practitioners made and the meetings and reviews that came of them."""
    offers = FgdmOffer.objects.filter(_in("offered_on", period))
    meetings = FgdmMeeting.objects.filter(_in("held_on", period))
    reviews = FamilyPlanReview.objects.filter(_in("held_on", period))
    if offered_by is not None:
        offers = offers.filter(offered_by__in=offered_by)
        meetings = meetings.filter(referral__offer__offered_by__in=offered_by)
        reviews = reviews.filter(meeting__referral__offer__offered_by__in=offered_by)
    by_kind = {
        row["decision_point"]: row
        for row in offers.values("decision_point")
        .annotate(
            offered=Count("pk", filter=~Q(response=OfferResponse.NOT_OFFERED)),
            accepted=Count("pk", filter=Q(response=OfferResponse.ACCEPTED)),
            declined=Count("pk", filter=Q(response=OfferResponse.DECLINED)),
            awaiting=Count("pk", filter=Q(response=OfferResponse.AWAITING)),
            not_offered=Count("pk", filter=Q(response=OfferResponse.NOT_OFFERED)),
        )
        .order_by()
    }
    fields = ("offered", "accepted", "declined", "awaiting", "not_offered")
    rows = tuple(
        DecisionPointRow(kind.value, kind.label, **{f: by_kind.get(kind.value, {}).get(f, 0) for f in fields})
        for kind in DecisionPointKind
    )
    total = DecisionPointRow("", "All decision points", **{f: sum(getattr(r, f) for r in rows) for f in fields})
    held = meetings.aggregate(held=Count("pk"), agreed=Count("pk", filter=Q(plan_agreed=True)))
    return FgdmCounts(
        period=period,
        rows=rows,
        total=total,
        meetings_held=held["held"],
        plans_agreed=held["agreed"],
        reviews=reviews.count(),
        pre_proceedings=(
            pre_proceedings_period_measures(first=period.first, last=period.last) if with_pre_proceedings else None
        ),
    )


def offers_counted(*, user: User, period: Period, decision_point: str) -> QuerySet[FgdmOffer]:
    """The drill-down: the offers one row counts that the user may open (fgdm.selectors.scope), newest first."""
    return (
        offers_visible(user)
        .filter(_in("offered_on", period), decision_point=decision_point)
        .select_related("offered_by")
        .prefetch_related("children")
        .order_by("-offered_on", "-pk")
    )
