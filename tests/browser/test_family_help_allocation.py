"""Allocation in Chromium, each person signing in through the real sign-in page: a team manager finds the
Okafor-Lewis family on the waiting list, tries to allocate without choosing anyone (an error summary, the reason
kept), allocates a voluntary-sector lead practitioner, and sees the family's page; the lead finds the family in
"my families" and opens the family page; the manager's team view shows the caseload. axe-core finds no WCAG 2.2
AA violation on any of these pages."""

import pytest
from playwright.sync_api import expect

from family_help.models import Allocation
from tests.axe import assert_no_axe_violations
from tests.browser.journey import nav, sign_in, sign_out, success_banner

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Val's charity already runs the parenting group Grace goes to."


def test_manager_allocates_a_voluntary_sector_lead_who_then_sees_the_family(
    page, live_server, family, fh_manager, vcs_fhlp, sw_fhlp, password
):
    base = live_server.url
    sign_in(page, base, fh_manager.email, password)
    nav(page, "Family Help allocations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families waiting for a lead practitioner")
    row = page.locator("tr", has_text="Mia Okafor-Lewis")
    expect(row).to_contain_text("Okafor-Lewis family")
    expect(row).to_contain_text("Mum struggling with housing")
    assert_no_axe_violations(page)

    row.get_by_role("link", name="Allocate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate a lead practitioner")
    expect(
        page.get_by_text("Val Voluntary, Test Family Charity (alternatively qualified): leads 0 families, 0 children")
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Why this practitioner? (optional)").fill(REASON)
    page.get_by_role("button", name="Allocate").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a lead practitioner")
    expect(page.get_by_label("Why this practitioner? (optional)")).to_have_value(REASON)
    assert_no_axe_violations(page)

    page.get_by_label("Val Voluntary", exact=False).check()
    page.get_by_role("button", name="Allocate").click()
    expect(success_banner(page)).to_contain_text(
        "Val Voluntary is now the lead practitioner for the Okafor-Lewis family"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Okafor-Lewis family")
    expect(page.locator("#lead-practitioner")).to_contain_text("Test Family Charity")
    assert_no_axe_violations(page)
    assert Allocation.objects.get().lead == vcs_fhlp

    nav(page, "Family Help team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team caseloads")
    expect(page.locator("#caseloads tr", has_text="Val Voluntary")).to_contain_text("Alternatively qualified")
    assert_no_axe_violations(page)
    sign_out(page)

    sign_in(page, base, vcs_fhlp.email, password)
    nav(page, "My families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My families")
    expect(page.locator("#families-led")).to_contain_text("Mia Okafor-Lewis")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Okafor-Lewis family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Okafor-Lewis family")
    expect(page.get_by_role("link", name="Leo Okafor-Lewis")).to_be_visible()
    assert_no_axe_violations(page)
