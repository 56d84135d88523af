"""Issue 16 item 4 in Chromium: a manager records a practitioner's change of hours and qualification on the workforce
page (a mistyped number answered on the page, what was typed kept), keeps the grant ledger (a grant, spend lines by
quarter; the warning when transformation passes 30%), runs the FFP quarterly return from the reports page and
downloads its workbook, CSV and one-page PDF. axe-core finds no WCAG 2.2 AA violation on each page, and at 320 CSS
pixels wide nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from reporting.models import ExportRecord
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, success_banner

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_a_manager_keeps_the_workforce_and_the_ledger_and_downloads_the_return(
    page, live_server, fh_manager, vcs_fhlp, password, celery_worker_process
):
    base = live_server.url
    sign_in(page, base, fh_manager.email, password)

    nav(page, "Workforce").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce")
    _checked(page)
    page.get_by_role("link", name=vcs_fhlp.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vcs_fhlp.full_name)
    page.locator("#id_valid_from_day").fill("1")
    page.locator("#id_valid_from_month").fill("7")
    page.locator("#id_valid_from_year").fill("2026")
    page.get_by_label("Registered social worker").check()
    page.get_by_label("Contracted hours a week").fill("thirty")
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the hours a week as a number")
    expect(page.get_by_label("Contracted hours a week")).to_have_value("thirty")
    _checked(page)
    page.get_by_label("Contracted hours a week").fill("30")
    page.get_by_role("button", name="Save the record").click()
    expect(success_banner(page)).to_contain_text("is saved")
    expect(page.locator("#history-table")).to_contain_text("Registered social worker")
    expect(page.locator("#history-table")).to_contain_text("0.81")
    _checked(page)

    nav(page, "Grant ledger").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grant ledger")
    _checked(page)
    page.get_by_label("Grant name").fill("Families First Partnership grant")
    page.get_by_role("button", name="Add the grant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families First Partnership grant")
    page.get_by_label("Collection year").last.fill("2026-27")
    page.get_by_label("Allocation (£)").fill("400000")
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.locator("#grant-allocation")).to_have_text("£400,000.00")
    for category, sub, amount in (
        ("Transformation", "Practice model", "40000"),
        ("Service delivery", "Family hubs", "60000"),
    ):
        page.get_by_label("Quarter", exact=True).fill("2026-27-Q2")
        page.get_by_label(category, exact=True).check()
        page.get_by_label("Local sub-category").fill(sub)
        page.get_by_label("Actual", exact=True).check()
        page.get_by_label("Amount (£)").fill(amount)
        page.get_by_role("button", name="Add the line").click()
        expect(success_banner(page)).to_contain_text("is added")
    # 40,000 of 100,000 on transformation: past the expected 30%.
    expect(page.locator(".app-share-warning")).to_contain_text("Transformation is 40.0%")
    _checked(page)
    page.get_by_label("Amount (£)").fill("lots")
    page.get_by_role("button", name="Add the line").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the category")
    expect(page.get_by_label("Amount (£)")).to_have_value("lots")
    _checked(page)
    nav(page, "Grant ledger").click()
    expect(page.locator(".app-share-warning")).to_contain_text("Transformation is 40.0%")
    expect(page.get_by_role("rowheader", name="2026-27-Q2")).to_be_visible()
    _checked(page)

    nav(page, "Reports and returns").click()
    section = page.locator("#run-ffp_return")
    section.get_by_label("Period").select_option("2026-27-Q2")
    section.get_by_label("What is it for?").fill("FFP return Q2 to DfE")
    section.get_by_role("button", name="Run the FFP quarterly return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FFP quarterly return 2026-27-Q2")
    # Built by the worker; the page follows its progress to the end.
    expect(page.locator("#run-progress-text")).to_contain_text("Done", timeout=120_000)
    page.reload()
    expect(page.locator("#run-summary-list")).to_contain_text("Transformation is 40.0%")
    _checked(page)
    for link, suffix in (("#run-download-link", ".xlsx"), ("#run-download-csv", ".csv"), ("#run-download-pdf", ".pdf")):
        with page.expect_download() as download:
            page.locator(link).click()
        assert download.value.suggested_filename.endswith(suffix)
    assert sorted(ExportRecord.objects.values_list("format", flat=True)) == ["csv", "pdf", "xlsx"]
