"""Issue 16 item 7 in Chromium: a manager opens the dashboards from the menu (the current collection year, all teams),
reads the charts (each an image with a name, its numbers in a table), chooses a quarter and a team, and a period not
in the list is refused with the reason on the page, the team chosen kept; axe-core finds no WCAG 2.2 AA violation on
each page, and at 320 CSS pixels wide nothing scrolls sideways (the charts scale down with the column)."""

import pytest
from playwright.sync_api import expect

from tests import personas
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in
from tests.fgdm.pp_support import counts_world

pytestmark = pytest.mark.django_db(transaction=True)

CHARTS = (
    "contacts",
    "decided",
    "journey",
    "re-referrals",
    "timescales",
    "fgdm",
    "caseload-practitioner",
    "caseload-agency",
    "caseload-qualification",
)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _cell(page, chart: str, row: str):
    return page.locator(f"#chart-{chart}-table tr").filter(has=page.get_by_role("rowheader", name=row, exact=True))


def test_a_manager_reads_the_dashboards(
    page, live_server, family, lcpp, fgdm_facilitator, fh_manager, password, monkeypatch
):
    counts_world(family, by=lcpp, facilitator=fgdm_facilitator, monkeypatch=monkeypatch)
    team = personas.team("macpt")  # the LCPP's, who made the offers
    base = live_server.url
    sign_in(page, base, fh_manager.email, password)
    nav(page, "Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards")
    expect(page.locator("#dashboards-period-label")).to_contain_text(
        "Collection year 2026 to 2027 (1 April 2026 to 31 March 2027): all teams"
    )
    for key in CHARTS:
        chart = page.locator(f"#chart-{key}")
        expect(chart.get_by_role("img")).to_be_visible()
        expect(chart.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("img", name="Family group decision making: offers, answers and meetings")).to_have_count(1)
    expect(_cell(page, "fgdm", "Offers made")).to_contain_text("4")
    expect(_cell(page, "fgdm", "Meetings held")).to_contain_text("2")
    # The chart's own bar says the same number, written next to it.
    expect(page.locator("#chart-fgdm svg text.app-chart__value").nth(4)).to_have_text("2")
    _checked(page)

    page.get_by_label("Period").select_option("2026-27-Q2")
    page.get_by_label("Team").select_option(label=team.name)
    page.locator("#dashboards-show").click()
    expect(page.locator("#dashboards-period-label")).to_contain_text(f"to 30 September 2026): {team.name}")
    expect(_cell(page, "contacts", "August 2026")).to_be_visible()
    # The team's offers in the quarter (one declined; one not offered, with the rationale) and the two meetings that
    # came of its earlier offers.
    expect(page.locator("#chart-fgdm")).to_contain_text("The offers the team's practitioners made")
    expect(_cell(page, "fgdm", "Offers made")).to_contain_text("1")
    expect(_cell(page, "fgdm", "Meetings held")).to_contain_text("2")
    _checked(page)

    page.goto(base + f"/reports/dashboards/?period=2031-99&team={team.pk}")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "“2031-99” is not in the list: choose a collection year or a quarter from the list"
    )
    expect(page.get_by_label("Team")).to_have_value(str(team.pk))
    _checked(page)
