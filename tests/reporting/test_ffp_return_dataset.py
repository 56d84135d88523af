"""Issue 16 item 4 on the generated `small` data set: the FFP return's FGDM figures for a collection year's four
quarters sum to the CIN census's module 5 counts for that year (macpt census_blocks: FGDMMeetingOffer = 1,
FGDMMeetingFac = 1), and its other figures equal counts made here apart from its code, row by row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from cases.models import EpisodeLevel, PractitionerRecord
from macpt.models import ChildProtectionPlan, PreProceedings, S47Enquiry
from macpt.selectors.pre_proceedings import census_blocks
from reporting.ffp_return.figures import CHILDREN, FGDM, WORKFORCE, ffp_figures
from reporting.periods import previous_quarter, quarter_dates, quarters_of_year

from .census_checks import census_bytes

pytestmark = pytest.mark.django_db
MODULE_5_FROM = 2026

OFFERED = "FGDM meetings offered prior to or at the letter before proceedings"
FACILITATED = "FGDM meetings facilitated after the offer"


def _years() -> list[int]:
    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    return [current - 1, current]


@pytest.mark.parametrize("year_start", _years())
def test_the_four_quarters_fgdm_figures_sum_to_the_census_module_5_counts_for_the_year(small_dataset, year_start):
    blocks = [b for _, b in census_blocks(PreProceedings.objects.all(), year_start=year_start) if b is not None]
    census = (
        sum(1 for b in blocks if b["FGDMMeetingOffer"] == 1),
        sum(1 for b in blocks if b["FGDMMeetingFac"] == 1),
    )
    quarters = [ffp_figures(q) for q in quarters_of_year(year_start)]
    summed = (sum(q.value(FGDM, OFFERED) for q in quarters), sum(q.value(FGDM, FACILITATED) for q in quarters))
    assert summed == census
    if year_start >= MODULE_5_FROM:
        # And the census file itself (module 5 is in the census from 2026-27): the blocks DfE receives say the same.
        root = etree.fromstring(census_bytes(f"{year_start}-{str(year_start + 1)[2:]}")[0])
        sent = root.findall("Children/Child/CINdetails/PreProceedingsandFGDM")
        assert sent and summed[0] > 0, "the data set should have pre-proceedings with FGDM offers in 2026-27"
        assert (
            sum(1 for b in sent if b.findtext("FGDMMeetingOffer") == "1"),
            sum(1 for b in sent if b.findtext("FGDMMeetingFac") == "1"),
        ) == summed
    if year_start == _years()[0]:
        assert census[0] > 0, "the data set should offer FGDM in some letters before proceedings"


def test_the_children_and_workforce_figures_equal_counts_made_apart(small_dataset):
    quarter = previous_quarter(timezone.localdate())
    first, last = quarter_dates(quarter)
    with CaptureQueriesContext(connection) as queries:
        figures = ffp_figures(quarter)
    assert len(queries) <= 20, len(queries)  # a fixed number, whatever the data
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tz)
    by_meaning: dict[str, set[int]] = {"early_help": set(), "child_in_need": set()}
    for level in EpisodeLevel.objects.select_related("episode", "level", "episode__person"):
        episode = level.episode
        if level.level.census_meaning not in by_meaning or episode.person.merged_into_id:
            continue
        in_quarter = level.started_at < end and (level.ended_at is None or level.ended_at >= start)
        if in_quarter and episode.opened_on <= last and (episode.closed_on is None or episode.closed_on >= first):
            by_meaning[level.level.census_meaning].add(episode.person_id)
    assert figures.value(CHILDREN, "Targeted early help during the quarter") == len(by_meaning["early_help"]) > 0
    assert figures.value(CHILDREN, "Child in need during the quarter") == len(by_meaning["child_in_need"]) > 0
    assert figures.value(CHILDREN, "Receiving Family Help during the quarter") == len(
        by_meaning["early_help"] | by_meaning["child_in_need"]
    )
    s47 = {e.person_id for e in S47Enquiry.objects.all() if e.start_date <= last and (e.ended_on or last) >= first}
    assert figures.value(CHILDREN, "In a section 47 enquiry during the quarter") == len(s47) > 0
    plans = {
        p.person_id
        for p in ChildProtectionPlan.objects.all()
        if p.start_date <= last and (p.end_date is None or p.end_date > last)
    }
    assert figures.value(CHILDREN, "On a child protection plan at the end of the quarter") == len(plans) > 0
    # The workforce: each practitioner's latest record from on or before the quarter's last day.
    latest: dict[int, PractitionerRecord] = {}
    for record in PractitionerRecord.objects.order_by("valid_from"):
        if record.valid_from <= last:
            latest[record.user_id] = record
    leads = [r for r in latest.values() if r.lead_practitioner and r.hours_per_week > 0]
    assert figures.value(WORKFORCE, "Lead practitioners (headcount)") == len(leads) > 0
    fte = sum((r.hours_per_week / Decimal(37)).quantize(Decimal("0.01")) for r in leads)
    assert figures.value(WORKFORCE, "Lead practitioners (FTE)") == f"{fte:.2f}"
    # The history changed some practitioners during the data set's years: not today's values only.
    assert PractitionerRecord.objects.values("user").distinct().count() < PractitionerRecord.objects.count()
