"""Issue 16 item 4 on seed_demo: the demo's return tells the demo's story. Robin Helper (alternatively qualified, on
22.5 hours, up to 30 from July 2026) and Sam Casework (qualified as a social worker in September 2025) are the lead
practitioners, counted as the history held them at each quarter's end; the pre-proceedings family's FGDM offer and
meeting reach the return as they reach census module 5; the grant ledger gives the expenditure."""

from decimal import Decimal

import pytest
from django.utils import timezone

from macpt.models import PreProceedings
from macpt.selectors.pre_proceedings import census_blocks
from reporting.ffp_return.figures import EXPENDITURE, FGDM, WORKFORCE, ffp_figures
from reporting.periods import quarter_of, quarters_of_year, year_key

pytestmark = pytest.mark.django_db

HEADCOUNT, FTE = "Lead practitioners (headcount)", "Lead practitioners (FTE)"
SW, AQ = "Registered social worker", "Alternatively qualified practitioner"


def test_the_demo_return_counts_the_demo_workforce_as_it_was_each_quarter(seeded_demo):
    q4 = ffp_figures("2024-25-Q4")  # Sam still in training: both alternatively qualified
    assert (q4.value(WORKFORCE, HEADCOUNT, AQ), q4.value(WORKFORCE, HEADCOUNT, SW)) == (2, 0)
    q1 = ffp_figures("2026-27-Q1")
    assert (q1.value(WORKFORCE, HEADCOUNT, AQ), q1.value(WORKFORCE, HEADCOUNT, SW)) == (1, 1)
    assert (q1.value(WORKFORCE, FTE, AQ), q1.value(WORKFORCE, FTE)) == ("0.61", "1.61")
    q2 = ffp_figures("2026-27-Q2")
    assert q2.value(WORKFORCE, FTE, AQ) == "0.81"  # Robin's hours up from 1 July


def test_the_demo_return_fgdm_figures_are_the_census_module_5_counts_and_the_ledger_gives_its_spend(seeded_demo):
    for year_start in (2025, 2026):
        blocks = [b for _, b in census_blocks(PreProceedings.objects.all(), year_start=year_start) if b]
        census = (
            sum(1 for b in blocks if b["FGDMMeetingOffer"] == 1),
            sum(1 for b in blocks if b["FGDMMeetingFac"] == 1),
        )
        quarters = [ffp_figures(q) for q in quarters_of_year(year_start)]
        offered = sum(
            q.value(FGDM, "FGDM meetings offered prior to or at the letter before proceedings") for q in quarters
        )
        facilitated = sum(q.value(FGDM, "FGDM meetings facilitated after the offer") for q in quarters)
        assert (offered, facilitated) == census
    assert census[0] >= 1 and census[1] >= 1  # 2026-27: the pre-proceedings family, offered in the letter and met
    this_year = int(quarter_of(timezone.localdate())[:4])
    q1 = ffp_figures(f"{year_key(this_year)}-Q1")
    assert Decimal(q1.value(EXPENDITURE, "Actual spend in the quarter")) == Decimal("156500.00")
    assert q1.value(EXPENDITURE, "Allocation for the year") == "1620000.00"
