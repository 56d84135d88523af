"""The demo council's grant ledger (issue 16 item 4): the Families First Partnership grant with its allocation for the
current and the previous collection year and spend lines in each quarter of them up to today's, through the ledger's
services (so audited), so the FFP quarterly return's expenditure has figures; from the second quarter to the third
of a year, transformation is past 30% of the year's spend and the ledger and the return warn. Written once: a second
run leaves an existing grant as it is."""

from django.utils import timezone

from . import ledger
from .models import Grant
from .periods import quarter_of, quarters_of_year, year_key

GRANT = "Families First Partnership grant"
# (quarter n, category, local sub-category, status, amount): a year's pattern, scaled by the year.
PATTERN = [
    (1, "transformation", "Practice model and training", "actual", 42_000),
    (1, "service_design", "Co-design with families", "actual", 18_500),
    (1, "service_delivery", "Family hubs", "actual", 96_000),
    (2, "transformation", "Case management system", "actual", 55_000),
    (2, "transformation", "Case management system", "committed", 110_000),
    (2, "service_delivery", "Family Help teams", "actual", 120_000),
    (2, "service_delivery", "Family group decision making", "actual", 22_000),
    (3, "service_design", "Multi-agency front door", "actual", 26_000),
    (3, "service_delivery", "Family Help teams", "actual", 118_000),
    (3, "service_delivery", "Family hubs", "committed", 30_000),
    (4, "transformation", "Practice model and training", "committed", 15_000),
    (4, "service_delivery", "Family Help teams", "actual", 121_000),
]


def seed_ledger_demo() -> dict:
    if Grant.objects.filter(name=GRANT).exists():
        return {"grant spend lines": 0}
    today = timezone.localdate()
    current = quarter_of(today)
    this_year = int(current[:4])
    grant = ledger.grant_create(actor=None, name=GRANT, reference="DfE FFP 2025-28")
    lines = 0
    for year_start, allocation in ((this_year - 1, "1450000"), (this_year, "1620000")):
        ledger.allocation_set(grant=grant, actor=None, year=year_key(year_start), amount=allocation)
        quarters = quarters_of_year(year_start)
        for n, category, sub, status, amount in PATTERN:
            quarter = quarters[n - 1]
            if quarter > current:
                continue
            ledger.spend_line_add(
                grant=grant,
                actor=None,
                quarter=quarter,
                category=category,
                sub_category=sub,
                # Spend committed in an earlier year has been paid since: actual.
                status=status if year_start == this_year else "actual",
                amount=amount,
            )
            lines += 1
    return {"grant spend lines": lines}
