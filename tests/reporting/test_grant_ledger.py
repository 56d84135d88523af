"""Issue 16 item 4: the grant ledger managers keep (allocations, actual and committed spend lines by quarter per
grant, in transformation / service design / service delivery with local sub-categories) and its warning when
transformation passes its expected share of the year's spend (30% unless changed; per grant). Pages for managers
only (policy GRANT_LEDGER; others 404); bad input answered on the page, keeping what was typed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reporting import ledger
from reporting.models import Grant, SpendLine

pytestmark = pytest.mark.django_db


def _line(grant, actor, quarter, category, amount, status="actual", sub="Practice model"):
    return ledger.spend_line_add(
        grant=grant, actor=actor, quarter=quarter, category=category, sub_category=sub, status=status, amount=amount
    )


def test_the_warning_comes_when_transformation_passes_its_expected_share_of_the_years_spend(fh_manager):
    grant = ledger.grant_create(actor=fh_manager, name="Families First Partnership grant")
    assert grant.expected_transformation_percent == Decimal("30")
    ledger.allocation_set(grant=grant, actor=fh_manager, year="2026-27", amount="1,000,000")
    _line(grant, fh_manager, "2026-27-Q1", "transformation", "30000")
    _line(grant, fh_manager, "2026-27-Q1", "service_delivery", "70000", sub="Family hubs")
    assert ledger.transformation_warnings(year_start=2026) == []  # exactly 30%: not past it
    _line(grant, fh_manager, "2026-27-Q2", "transformation", "10000", status="committed", sub="Case system")
    warnings = ledger.transformation_warnings(year_start=2026)
    assert [(w.grant, w.share) for w in warnings] == [(grant.name, Decimal("36.4"))]
    assert "above the expected 30%" in warnings[0].message
    # To Q1 only, the year was within its share; the Q2 commitment is what passed it.
    assert ledger.transformation_warnings(year_start=2026, up_to_quarter="2026-27-Q1") == []
    # Configurable: a grant expected to spend 40% on transformation is within it.
    ledger.grant_update(grant=grant, actor=fh_manager, expected_transformation_percent="40")
    assert ledger.transformation_warnings(year_start=2026) == []
    # The year's spend by category and sub-category, actual and committed.
    spend = ledger.expenditure(quarters=["2026-27-Q1", "2026-27-Q2"], grant=grant)
    assert (spend.actual, spend.committed, spend.share("transformation")) == (
        Decimal("100000.00"),
        Decimal("10000.00"),
        Decimal("36.4"),
    )
    assert spend.by_sub_category[("transformation", "Case system")].committed == Decimal("10000.00")


@override_settings(FFP_TRANSFORMATION_EXPECTED_PERCENT=25)
def test_the_default_expected_share_is_a_setting(fh_manager):
    assert ledger.grant_create(actor=fh_manager, name="Top-up").expected_transformation_percent == Decimal("25")


def test_the_services_refuse_bad_input_and_anyone_but_a_manager(fh_manager, sw_fhlp):
    with pytest.raises(PermissionDenied):
        ledger.grant_create(actor=sw_fhlp, name="Grant")
    grant = ledger.grant_create(actor=fh_manager, name="Grant")
    with pytest.raises(ValidationError) as error:
        ledger.spend_line_add(
            grant=grant,
            actor=fh_manager,
            quarter="2026-Q5",
            category="consultancy",
            sub_category=" ",
            status="maybe",
            amount="-5",
        )
    assert set(error.value.message_dict) == {"quarter", "category", "sub_category", "status", "amount"}
    with pytest.raises(ValidationError):
        ledger.allocation_set(grant=grant, actor=fh_manager, year="2026-28", amount="10")
    with pytest.raises(ValidationError):
        ledger.grant_update(grant=grant, actor=fh_manager, expected_transformation_percent="120")
    with pytest.raises(ValidationError):
        ledger.grant_create(actor=fh_manager, name="grant")  # the same name
    assert not SpendLine.objects.exists()


def test_a_manager_keeps_the_ledger_on_its_pages_and_others_are_told_it_is_not_there(client, fh_manager, sw_fhlp):
    client.force_login(sw_fhlp)
    assert client.get(reverse("reporting:ledger")).status_code == 404
    client.force_login(fh_manager)
    assert client.get(reverse("reporting:ledger")).status_code == 200
    created = client.post(reverse("reporting:grant_new"), {"name": "FFP grant", "expected_transformation_percent": ""})
    assert created.status_code == 302
    grant = Grant.objects.get()
    url = reverse("reporting:grant", args=[grant.pk])
    line = {
        "form": "line",
        "line-quarter": "2026-27-Q2",
        "line-category": "transformation",
        "line-sub_category": '=HYPERLINK("http://x.invalid")',
        "line-status": "actual",
        "line-amount": "twelve",
        "line-description": "Practice model training",
    }
    bad = client.post(url, line)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter an amount in pounds" in body and 'value="twelve"' in body
    assert "Practice model training" in body
    assert client.post(url, {**line, "line-amount": "12,500.50"}).status_code == 302
    assert client.post(url, {**line, "line-category": "service_delivery", "line-amount": "10000"}).status_code == 302
    assert (
        client.post(
            url, {"form": "allocation", "allocation-year": "2026-27", "allocation-amount": "250000"}
        ).status_code
        == 302
    )
    page = client.get(url + "?year=2026-27").content.decode()
    assert "£250,000.00" in page and "55.6%" in page
    assert "above the expected 30%" in page  # the warning
    ledger_page = client.get(reverse("reporting:ledger") + "?year=2026-27").content.decode()
    assert "above the expected 30%" in ledger_page and "FFP grant" in ledger_page
    assert client.post(url, {"form": "percent", "percent-expected_transformation_percent": "abc"}).status_code == 400
    removed = SpendLine.objects.filter(category="transformation").get()
    assert client.post(url, {"form": "remove", "line": str(removed.pk)}).status_code == 302
    assert "above the expected" not in client.get(url + "?year=2026-27").content.decode()


def test_the_demo_ledger_gives_the_return_its_expenditure_once():
    from reporting.demo import seed_ledger_demo
    from reporting.ffp_return.figures import EXPENDITURE, ffp_figures
    from reporting.periods import previous_quarter

    assert seed_ledger_demo()["grant spend lines"] > 0
    assert seed_ledger_demo() == {"grant spend lines": 0}
    figures = ffp_figures(previous_quarter(timezone.localdate()))
    assert Decimal(figures.value(EXPENDITURE, "Actual spend in the quarter")) > 0
    assert Decimal(figures.value(EXPENDITURE, "Allocation for the year")) > 0
