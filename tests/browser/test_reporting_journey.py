"""Issue 16's done-when journey in Chromium, on the demo's records with a real Celery worker: a manager runs the CIN
census from the reports page and watches its progress bar to the download (a file the year's schema accepts); runs the
draft census, opens the data-quality page, finds the child whose initial conference was moved to a Saturday (written
straight to the table, as an import from an old system would: the conference service refuses it) under DfE's rule, and
follows the link to the child's record; runs and downloads the FFP quarterly return (XLSX, CSV, PDF) and Ofsted's Annex
A; and reads the dashboards. axe-core finds no WCAG 2.2 AA violation on each page, and at 320 CSS pixels wide nothing
scrolls sideways."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import User
from macpt.models import ChildProtectionConference, ChildProtectionPlan
from reporting.census.xsd import validate_xsd
from reporting.models import ExportRecord
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "a-demo-password-for-the-journey"
RUN_TIMEOUT_MS = 240_000


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _saturday_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 5) % 7 or 7)


def _weekend_icpc() -> tuple[ChildProtectionConference, dt.date]:
    """The demo's latest initial conference (and the plan it started) moved to the Saturday before it, straight in
    the tables: what an import from an old system could leave."""
    conference = (
        ChildProtectionConference.objects.filter(
            kind=ChildProtectionConference.Kind.INITIAL, status=ChildProtectionConference.Status.DECIDED
        )
        .order_by("-date")
        .first()
    )
    saturday = _saturday_before(conference.date)
    people = conference.children.values("person")
    ChildProtectionPlan.objects.filter(start_date=conference.date, person__in=people).update(start_date=saturday)
    ChildProtectionConference.objects.filter(pk=conference.pk).update(date=saturday)
    return conference, saturday


def _run(page, kind: str, period: str, purpose: str) -> None:
    """Run a return from the reports page and wait on its page until the progress bar says it is done."""
    section = page.locator(f"#run-{kind}")
    section.locator(f"#id_{kind}-period").select_option(period)
    section.locator(f"#id_{kind}-purpose").fill(purpose)
    section.locator(f"#run-{kind}-start").click()
    expect(page.locator("#run-progress-bar")).to_be_visible()
    expect(page.locator("#run-progress-text")).to_contain_text("Done", timeout=RUN_TIMEOUT_MS)
    expect(page.locator("#run-progress-bar")).to_have_attribute("value", "100")


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_a_manager_runs_the_returns_fixes_a_record_and_reads_the_dashboards(
    page, live_server, celery_worker_process, monkeypatch
):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("seed_demo", stdout=io.StringIO())
    conference, saturday = _weekend_icpc()
    child = conference.children.order_by("pk").first().person
    today = timezone.localdate()
    year = f"{today.year if today.month >= 4 else today.year - 1}"
    this_year = f"{year}-{str(int(year) + 1)[2:]}"
    manager = User.objects.get(email="manager@demo.test")
    base = live_server.url

    sign_in(page, base, manager.email, DEMO_PASSWORD)
    expect(page.locator("#reporting-returns-panel")).to_be_visible()
    _checked(page)

    # The census, in the background, with its progress bar; the download is a file the year's schema accepts.
    nav(page, "Reports and returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports and returns")
    _checked(page)
    _run(page, "cin_census", this_year, "Draft of the CIN census for the performance board")
    _checked(page)
    census = _download(page, page.locator("#run-download-link"))
    assert validate_xsd(census, this_year) == []
    assert ExportRecord.objects.filter(user=manager, kind="cin_census", period=this_year).count() == 1

    # The draft census with DfE's validator: the child whose ICPC is on a Saturday is named, with the field to fix.
    page.goto(base + "/reports/")
    _run(page, "draft_census", this_year, "Data-quality check before the census")
    page.goto(base + "/")
    expect(page.locator("#reporting-data-quality-counts")).to_contain_text("error")
    page.get_by_role("link", name="Data quality: the errors and queries to fix").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data quality")
    _checked(page)
    card = page.locator(f"[data-la-child-id='{child.la_child_id}']")
    expect(card).to_contain_text(f"{child.first_name} {child.last_name}")
    rule = card.locator("[data-rule='8875']")  # DfE: the date of the initial conference cannot be a weekend
    expect(rule).to_contain_text(saturday.isoformat())
    # The field to fix is the conference's date: its link opens the conference, where the date is recorded.
    rule.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Initial child protection conference")
    expect(page.locator("main")).to_contain_text(child.first_name)
    _checked(page)
    # The child's own name on the data-quality page opens their record.
    page.go_back()
    card.get_by_role("link", name=f"{child.first_name} {child.last_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(child.first_name)
    _checked(page)

    # The FFP quarterly return: the workbook, and the CSV and PDF beside it.
    page.goto(base + "/reports/")
    quarter = page.locator("#id_ffp_return-period option").first.get_attribute("value")
    _run(page, "ffp_return", quarter, "FFP quarterly return to DfE")
    workbook = _download(page, page.locator("#run-download-link"))
    assert workbook[:2] == b"PK"  # an XLSX is a zip
    _checked(page)

    # Ofsted's Annex A.
    page.goto(base + "/reports/")
    _run(page, "annex_a", this_year, "Ofsted inspection: Annex A")
    annex = _download(page, page.locator("#run-download-link"))
    assert annex[:2] == b"PK"
    _checked(page)

    # The dashboards.
    nav(page, "Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboards")
    expect(page.locator("svg[role='img']").first).to_be_visible()
    _checked(page)
