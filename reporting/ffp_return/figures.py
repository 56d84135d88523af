"""The FFP quarterly return's figures (issue 16 item 4), as reporting/ffp_return/DEFINITION.md defines them (VERSION
there and here agree: a test reads both). Every figure is a count or a sum: no child is named, and a statutory return
counts every child the council worked with, restricted records included.

One `Row(section, measure, breakdown, value)` per figure: the XLSX, the CSV and the PDF summary are all written from
the same rows, so they agree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from cases.models import AgencyType, CensusMeaning, EpisodeLevel, Qualification
from cases.selectors.workforce import practitioner_records_at
from macpt.models import ChildProtectionPlan, PreProceedings, S47Enquiry
from macpt.selectors.pre_proceedings import fgdm_period_totals

from .. import ledger
from ..models import GrantAllocation, SpendCategory
from ..periods import quarter_dates, quarters_of_year, year_key, year_of_quarter

VERSION = "1.0"

WORKFORCE, CHILDREN, FGDM, EXPENDITURE = "Workforce", "Children", "FGDM", "Expenditure"
SECTIONS = (WORKFORCE, CHILDREN, FGDM, EXPENDITURE)
TOTAL = "All"
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Row:
    section: str
    measure: str
    breakdown: str
    value: int | str  # a count, or money / FTE as a decimal string ("12.50"), or NOT_RECORDED


@dataclass
class Figures:
    quarter: str
    first: dt.date
    last: dt.date
    version: str = VERSION
    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status: str = ""  # "Draft (prepared by the schedule)" or "Prepared for submission", once written

    def value(self, section: str, measure: str, breakdown: str = TOTAL) -> int | str | None:
        return next(
            (r.value for r in self.rows if (r.section, r.measure, r.breakdown) == (section, measure, breakdown)), None
        )

    def headline(self) -> dict[str, int | str]:
        """The figures a reader looks at first (the run's page and the PDF's top table)."""
        pick = [
            ("Lead practitioners (headcount)", WORKFORCE, "Lead practitioners (headcount)"),
            ("Lead practitioners (FTE)", WORKFORCE, "Lead practitioners (FTE)"),
            ("Children in targeted early help", CHILDREN, "Targeted early help during the quarter"),
            ("Children in need", CHILDREN, "Child in need during the quarter"),
            ("Children in s47 enquiries", CHILDREN, "In a section 47 enquiry during the quarter"),
            ("Children on a CP plan at the end", CHILDREN, "On a child protection plan at the end of the quarter"),
            (
                "FGDM offered at or before the LBP",
                FGDM,
                "FGDM meetings offered prior to or at the letter before proceedings",
            ),
            ("FGDM meetings facilitated", FGDM, "FGDM meetings facilitated after the offer"),
            ("Spend in the quarter, actual (£)", EXPENDITURE, "Actual spend in the quarter"),
            ("Spend in the quarter, committed (£)", EXPENDITURE, "Committed spend in the quarter"),
        ]
        return {label: self.value(section, measure) for label, section, measure in pick}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The quarter as London times: from the first day's midnight to the midnight after its last day."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), tz)
    return start, end


def workforce_rows(last: dt.date) -> list[Row]:
    """Lead practitioners in post on the quarter's last day (their record in force that day: lead practitioner, more
    than 0 hours), headcount and FTE, by agency type and qualification, from the dated history."""
    agency_labels = dict(AgencyType.choices)
    qualification_labels = dict(Qualification.choices)
    qualification_labels[""] = "Not recorded"
    heads: dict[tuple[str, str], int] = defaultdict(int)
    fte: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for record in practitioner_records_at(last):
        if not record.lead_practitioner or not record.in_post:
            continue
        key = (record.agency.type, record.qualification)
        heads[key] += 1
        fte[key] += record.fte
    rows = [
        Row(WORKFORCE, "Lead practitioners (headcount)", TOTAL, sum(heads.values())),
        Row(WORKFORCE, "Lead practitioners (FTE)", TOTAL, _money(sum(fte.values(), Decimal(0)))),
    ]
    for qualification in (Qualification.SOCIAL_WORKER, Qualification.ALTERNATIVELY_QUALIFIED):
        label = qualification_labels[qualification]
        rows.append(
            Row(
                WORKFORCE,
                "Lead practitioners (headcount)",
                label,
                sum(v for k, v in heads.items() if k[1] == qualification),
            )
        )
        rows.append(
            Row(
                WORKFORCE,
                "Lead practitioners (FTE)",
                label,
                _money(sum((v for k, v in fte.items() if k[1] == qualification), Decimal(0))),
            )
        )
    for agency_type, qualification in sorted(heads):
        label = f"{agency_labels.get(agency_type, agency_type)}: {qualification_labels[qualification]}"
        rows.append(Row(WORKFORCE, "Lead practitioners (headcount)", label, heads[(agency_type, qualification)]))
        rows.append(Row(WORKFORCE, "Lead practitioners (FTE)", label, _money(fte[(agency_type, qualification)])))
    return rows


def children_rows(first: dt.date, last: dt.date) -> list[Row]:
    """Distinct children at each level during the quarter (a level of need on an episode open on some day of it),
    in an s47 enquiry during it, on a child protection plan at its end, and in pre-proceedings during it."""
    start, end = _bounds(first, last)
    during = (
        Q(started_at__lt=end)
        & (Q(ended_at__isnull=True) | Q(ended_at__gte=start))
        & Q(episode__opened_on__lte=last)
        & (Q(episode__closed_on__isnull=True) | Q(episode__closed_on__gte=first))
        & Q(episode__person__merged_into__isnull=True)
    )

    def at(meaning: str) -> int:
        return (
            EpisodeLevel.objects.filter(during, level__census_meaning=meaning)
            .values("episode__person_id")
            .distinct()
            .count()
        )

    family_help = (
        EpisodeLevel.objects.filter(
            during, level__census_meaning__in=[CensusMeaning.EARLY_HELP, CensusMeaning.CHILD_IN_NEED]
        )
        .values("episode__person_id")
        .distinct()
        .count()
    )
    s47 = _children(
        S47Enquiry.objects.filter(start_date__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    )
    on_plan = _children(
        ChildProtectionPlan.objects.filter(start_date__lte=last).filter(Q(end_date__isnull=True) | Q(end_date__gt=last))
    )
    pre_proceedings = _children(
        PreProceedings.objects.filter(start_date__lte=last).filter(
            Q(step_decision_date__isnull=True) | Q(step_decision_date__gte=first)
        )
    )
    return [
        Row(CHILDREN, "Receiving Family Help during the quarter", TOTAL, family_help),
        Row(CHILDREN, "Targeted early help during the quarter", TOTAL, at(CensusMeaning.EARLY_HELP)),
        Row(CHILDREN, "Child in need during the quarter", TOTAL, at(CensusMeaning.CHILD_IN_NEED)),
        Row(CHILDREN, "In a section 47 enquiry during the quarter", TOTAL, s47),
        Row(CHILDREN, "On a child protection plan at the end of the quarter", TOTAL, on_plan),
        Row(CHILDREN, "In pre-proceedings during the quarter", TOTAL, pre_proceedings),
    ]


def fgdm_rows(first: dt.date, last: dt.date) -> list[Row]:
    """Through THE one selector the census's module 5 reads too (macpt.selectors.pre_proceedings)."""
    totals = fgdm_period_totals(first=first, last=last)
    offered = NOT_RECORDED if totals is None else totals.offered
    facilitated = NOT_RECORDED if totals is None else totals.facilitated
    return [
        Row(FGDM, "FGDM meetings offered prior to or at the letter before proceedings", TOTAL, offered),
        Row(FGDM, "FGDM meetings facilitated after the offer", TOTAL, facilitated),
    ]


def expenditure_rows(quarter: str) -> tuple[list[Row], list[str]]:
    """The ledger's spend in the quarter and the year to its end, by category and local sub-category; the year's
    allocations; the transformation-share warnings for the year to the quarter."""
    year_start = year_of_quarter(quarter)
    year_quarters = quarters_of_year(year_start)
    to_date = year_quarters[: year_quarters.index(quarter) + 1]
    spend = ledger.expenditure(quarters=[quarter])
    ytd = ledger.expenditure(quarters=to_date)
    allocated = sum(
        GrantAllocation.objects.filter(year=year_key(year_start)).values_list("amount", flat=True), Decimal(0)
    )
    rows = [
        Row(EXPENDITURE, "Allocation for the year", TOTAL, _money(allocated)),
        Row(EXPENDITURE, "Actual spend in the quarter", TOTAL, _money(spend.actual)),
        Row(EXPENDITURE, "Committed spend in the quarter", TOTAL, _money(spend.committed)),
    ]
    for _key, label, totals in spend.categories:
        rows.append(Row(EXPENDITURE, "Actual spend in the quarter", label, _money(totals.actual)))
        rows.append(Row(EXPENDITURE, "Committed spend in the quarter", label, _money(totals.committed)))
    for category_label, sub, totals in spend.sub_categories:
        rows.append(Row(EXPENDITURE, "Actual spend in the quarter", f"{category_label}: {sub}", _money(totals.actual)))
        rows.append(
            Row(EXPENDITURE, "Committed spend in the quarter", f"{category_label}: {sub}", _money(totals.committed))
        )
    rows.append(Row(EXPENDITURE, "Actual spend in the year to date", TOTAL, _money(ytd.actual)))
    rows.append(Row(EXPENDITURE, "Committed spend in the year to date", TOTAL, _money(ytd.committed)))
    for _key, label, totals in ytd.categories:
        rows.append(Row(EXPENDITURE, "Spend in the year to date (actual and committed)", label, _money(totals.total)))
    share = ytd.share(SpendCategory.TRANSFORMATION)
    rows.append(
        Row(
            EXPENDITURE,
            "Transformation share of the year to date (%)",
            TOTAL,
            NOT_RECORDED if share is None else f"{share}",
        )
    )
    warnings = [w.message for w in ledger.transformation_warnings(year_start=year_start, up_to_quarter=quarter)]
    return rows, warnings


def ffp_figures(quarter: str, progress=None) -> Figures:
    """Every figure of the return for the quarter ("2026-27-Q2"). `progress(done, total, label)` after each section."""
    first, last = quarter_dates(quarter)
    figures = Figures(quarter=quarter, first=first, last=last)
    steps = [
        ("the workforce", lambda: workforce_rows(last)),
        ("the children", lambda: children_rows(first, last)),
        ("FGDM", lambda: fgdm_rows(first, last)),
    ]
    for n, (label, step) in enumerate(steps):
        if progress:
            progress(n, len(steps) + 1, f"counting {label}")
        figures.rows += step()
    if progress:
        progress(len(steps), len(steps) + 1, "adding up the expenditure")
    rows, warnings = expenditure_rows(quarter)
    figures.rows += rows
    figures.warnings = warnings
    return figures


def _children(records) -> int:
    """How many children (records merged away left out) these s47, plan or pre-proceedings records are about."""
    return records.filter(person__merged_into__isnull=True).values("person_id").distinct().count()
