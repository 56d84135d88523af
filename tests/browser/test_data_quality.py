"""Issue 16 item 3 in Chromium: a manager reads the draft census's counts on the home page, opens the data-quality
page, sees each child's errors and queries (a restricted child they are not on the list for without a name), and
follows the field to fix to the child's record; axe-core finds no WCAG 2.2 AA violation on each page, and at 320 CSS
pixels wide nothing scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import person_restrict
from reporting.models import ReturnRun, RunKind, RunStatus
from reporting.quality import draft
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _row(child, rule, kind="Error", table="ChildIdentifiers", column="PersonBirthDate", value="2015-03-14"):
    return {
        "rule": rule,
        "type": kind,
        "LAchildID": child,
        "table": table,
        "column": column,
        "value": value,
        "message": f"What rule {rule} says",
        "source": "csc-validator-be-cin",
    }


def test_a_manager_follows_a_data_quality_issue_to_the_record(
    page, live_server, fh_manager, privacy_officer, make_person, password
):
    amelia = make_person(first="Amelia", last="Hartley")
    hidden = make_person(first="Hidden", last="Child")
    person_restrict(person=hidden, actor=privacy_officer, reason="staff_family", access_users=[])
    run = ReturnRun.objects.create(
        kind=RunKind.DRAFT_CENSUS,
        period="2025-26",
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        summary={"validator": "csc-validator-be-cin 0.1.13"},
    )
    draft.record_issues(
        run,
        [
            _row(amelia.la_child_id, "4180", column="Sex", value=""),
            _row(amelia.la_child_id, "8869Q", kind="Query", table="Section47", column="S47ActualStartDate"),
            _row(hidden.la_child_id, "1520"),
            _row(None, "8995Q", kind="Query", table=None, column=None, value=None),
        ],
    )
    base = live_server.url
    sign_in(page, base, fh_manager.email, password)
    expect(page.locator("#reporting-data-quality-counts")).to_contain_text("2 errors")
    expect(page.locator("#reporting-data-quality-counts")).to_contain_text("2 queries")
    _checked(page)

    page.get_by_role("link", name="Data quality: the errors and queries to fix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data quality: CIN census 2025-26")
    expect(page.locator("#dq-errors")).to_have_text("2")
    expect(page.locator("#dq-council-list")).to_contain_text("8995Q")
    expect(page.get_by_role("heading", name="Restricted record", exact=True)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Hidden")
    _checked(page)

    page.get_by_role("link", name="Errors only").click()
    expect(page.locator('[data-rule="8869Q"]')).to_have_count(0)
    expect(page.locator('[data-rule="4180"]')).to_have_count(1)
    _checked(page)

    # A manager who may not edit the child's details is taken to the child's record (who may edit it is named there).
    page.locator('[data-rule="4180"]').get_by_role("link", name="Sex").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Hartley")
    _checked(page)
