"""Issue 17 items 4 and 2 in Chromium: the privacy officer opens Retention from the menu, reads the dry run (a child
past 75 due, one under a legal hold kept), mistypes a rule and is told why with what was typed kept, saves it, ticks
the confirmation and disposes of the due record; then opens Restricted records, reviews a list (removing a name,
setting an expiry for another) and the next review is 90 days away. axe-core finds no WCAG 2.2 AA violation on each
page, and at 320 CSS pixels wide nothing scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Person, RestrictedAccess, RestrictionReason
from cases.services import episode_close, episode_open, person_restrict
from cases.services.retention import legal_hold_create
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, success_banner

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _old_child(make_person, actor, levels, first):
    child = make_person(first=first, last="Longago", dob=dt.date(1946, 5, 1))
    episode = episode_open(person=child, actor=actor, level=levels["child_in_need"], opened_on=dt.date(1956, 1, 1))
    episode_close(episode=episode, actor=actor, reason_code="RC8", summary="x", closed_on=dt.date(1957, 1, 1))
    return child


def test_the_privacy_officer_runs_disposal_and_reviews_a_restricted_list(
    page, live_server, make_person, triage_officer, front_door_manager, privacy_officer, levels, password
):
    due = _old_child(make_person, triage_officer, levels, "Edith")
    held = _old_child(make_person, triage_officer, levels, "Mabel")
    legal_hold_create(actor=privacy_officer, name="Historic Abuse Inquiry notice 2", people=[held])
    rosa = make_person(first="Rosa", last="Restricted")
    person_restrict(
        person=rosa,
        actor=front_door_manager,
        reason=RestrictionReason.HIGH_PROFILE,
        access_users=[triage_officer, privacy_officer],
    )
    base = live_server.url
    sign_in(page, base, privacy_officer.email, password)

    nav(page, "Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention and disposal")
    expect(page.locator("#dry-run-summary")).to_have_text("1 record would be disposed of now; 1 kept by a legal hold.")
    expect(page.locator("#due-table")).to_contain_text(due.la_child_id)
    expect(page.locator("#due-table")).to_contain_text("Historic Abuse Inquiry notice 2")
    _checked(page)

    form = page.locator("#rule-early_help")
    form.get_by_label("Years", exact=True).fill("six")
    form.get_by_role("button").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Years must be a whole number, like 75")
    expect(page.locator("#rule-early_help").get_by_label("Years", exact=True)).to_have_value("six")
    _checked(page)
    page.locator("#rule-early_help").get_by_label("Years", exact=True).fill("7")
    page.locator("#rule-early_help").get_by_role("button").click()
    expect(success_banner(page)).to_contain_text("is saved")
    expect(page.locator("#rule-early_help-now")).to_contain_text("Now: 7 years after the last episode closed")

    page.get_by_label("I confirm").check()
    page.locator("#dispose").click()
    expect(success_banner(page)).to_contain_text("1 records disposed of; 1 kept by a legal hold")
    expect(page.locator("#dry-run-summary")).to_have_text("0 records would be disposed of now; 1 kept by a legal hold.")
    assert not Person.objects.filter(pk=due.pk).exists()
    assert Person.objects.filter(pk=held.pk).exists()
    _checked(page)

    nav(page, "Restricted records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Restricted records")
    _checked(page)
    page.get_by_role("link", name=f"Rosa Restricted ({rosa.la_child_id})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review who may see Rosa Restricted's record")
    _checked(page)
    entry = page.locator(f"#entry-{triage_officer.pk}")
    entry.locator("label", has_text="Remove").click()
    until = timezone.localdate() + dt.timedelta(days=60)
    manager = page.locator(f"#entry-{front_door_manager.pk}")
    manager.get_by_label("Day").fill(str(until.day))
    manager.get_by_label("Month").fill(str(until.month))
    manager.get_by_label("Year").fill(str(until.year))
    page.locator("#review-save").click()
    expect(success_banner(page)).to_contain_text("The next one is due in 90 days")
    next_due = timezone.localdate() + dt.timedelta(days=90)
    expect(page.locator("#restricted-table")).to_contain_text(f"{next_due.day} {next_due:%b %Y}")
    assert set(RestrictedAccess.objects.filter(person=rosa).values_list("user_id", flat=True)) == {
        front_door_manager.pk,
        privacy_officer.pk,
    }
    _checked(page)
