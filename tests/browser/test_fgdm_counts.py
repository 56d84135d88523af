"""Issue 15 item 7 in Chromium: a manager opens the FGDM counts from the menu (the current collection year by
default), chooses a quarter, follows a decision point to the offers counted there, and a period not in the list is
refused with the reason; axe-core finds no WCAG 2.2 AA violation on each page, and at 320 CSS pixels wide nothing
scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in
from tests.fgdm.pp_support import counts_world

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_a_manager_reads_the_fgdm_counts(
    page, live_server, family, lcpp, fgdm_facilitator, fh_manager, password, monkeypatch
):
    world = counts_world(family, by=lcpp, facilitator=fgdm_facilitator, monkeypatch=monkeypatch)
    base = live_server.url
    sign_in(page, base, fh_manager.email, password)
    nav(page, "FGDM counts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FGDM counts")
    expect(page.locator("#counts-period-label")).to_contain_text("Collection year 2026 to 2027")
    expect(page.locator("#counts-total")).to_contain_text("4")
    expect(page.locator("#counts-pp-offered")).to_have_text("1")
    _checked(page)

    page.get_by_label("Period").select_option("2026-27-Q2")
    page.locator("#counts-show").click()
    expect(page.locator("#counts-period-label")).to_contain_text("Quarter 2 of 2026 to 2027")
    expect(page.locator("#counts-meetings-held")).to_have_text("2")
    expect(page.locator("#counts-pp-facilitated")).to_have_text("1")
    _checked(page)

    page.get_by_label("Period").select_option("2026-27")
    page.locator("#counts-show").click()
    page.locator("#counts-family_plan").get_by_role("link", name="Family plan").click()
    expect(page.locator("#counted-offers")).to_contain_text("Offers at: Family plan")
    expect(page.locator(f"#counted-offer-{world['plan_offer'].pk}")).to_contain_text(family["mia"].display_name)
    _checked(page)

    page.goto(base + "/family-group-decision-making/counts/?period=2031-99")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a collection year or a quarter from the list")
    _checked(page)
