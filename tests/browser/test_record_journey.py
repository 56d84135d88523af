"""A triage officer finds a likely duplicate and opens the child's record in Chromium; every page of the
shared record passes axe at WCAG 2.2 AA, including the error and duplicate states."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases.models import CaseNote, Strand
from cases.services import (
    case_note_finalise,
    case_note_save_draft,
    chronology_add,
    person_add_address,
    person_create,
    relationship_add,
)
from tests.axe import assert_no_axe_violations
from tests.browser.journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def john_smith(triage_officer):
    child = person_create(
        actor=triage_officer,
        data={
            "first_name": "John",
            "last_name": "Smith",
            "date_of_birth": dt.date(2016, 5, 1),
            "sex": "M",
            "ethnicity": "WBRI",
            "disabilities": ["AUT"],
            "nhs_number": "9434765919",
            "first_language": "English",
        },
    )
    mother = person_create(
        actor=triage_officer,
        data={"first_name": "Sarah", "last_name": "Smith", "date_of_birth": dt.date(1990, 2, 2), "sex": "F"},
    )
    relationship_add(
        actor=triage_officer, from_person=mother, to_person=child, type="mother", parental_responsibility=True
    )
    person_add_address(person=child, actor=triage_officer, line1="1 Test Street", town="Testville", postcode="AB1 2CD")
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.FRONT_DOOR,
        kind="contact",
        summary="School raised a concern",
        significant=True,
        occurred_at=dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC),
    )
    note = case_note_save_draft(
        person=child,
        actor=triage_officer,
        data={
            "kind": CaseNote.Kind.VISIT,
            "occurred_at": dt.datetime(2026, 1, 6, 14, tzinfo=dt.UTC),
            "subject": "Home visit",
            "body": "Saw John at home.",
            "child_seen": True,
            "child_seen_alone": False,
        },
    )
    case_note_finalise(note=note, actor=triage_officer)
    return child


def test_triage_officer_finds_a_likely_duplicate_and_opens_the_record(
    page, live_server, triage_officer, password, john_smith
):
    sign_in(page, live_server.url, "triage@example.test", password)
    page.get_by_role("link", name="Search people").first.click()
    expect(page).to_have_title("Search people - FFP Case - Demo Borough")
    assert_no_axe_violations(page)

    page.get_by_label("Name").fill("Jon Smyth")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_title("Search results - FFP Case - Demo Borough")
    results = page.locator("#search-results table")
    expect(results).to_contain_text("John Smith")
    expect(results).to_contain_text("%")
    expect(results).to_contain_text("Name sounds the same")
    assert_no_axe_violations(page)

    results.get_by_role("link", name="John Smith").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    expect(page).to_have_title("John Smith - FFP Case - Demo Borough")
    expect(page.locator("main")).to_contain_text("943 476 5919")
    expect(page.locator("main")).to_contain_text("Sarah Smith")
    expect(page.locator("main")).to_contain_text("School raised a concern")
    assert_no_axe_violations(page)


def test_creating_a_record_shows_the_likely_duplicate_first(page, live_server, triage_officer, password, john_smith):
    sign_in(page, live_server.url, "triage@example.test", password)
    page.goto(live_server.url + "/cases/people/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a new record")
    assert_no_axe_violations(page)

    page.get_by_label("First name").fill("Jon")
    page.get_by_label("Last name").fill("Smith")
    dob = page.get_by_role("group", name="Date of birth", exact=True)
    dob.get_by_label("Day").fill("1")
    dob.get_by_label("Month").fill("5")
    dob.get_by_label("Year").fill("2016")
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Check for existing records and continue").click()
    expect(page.locator("#duplicates")).to_contain_text("John Smith")
    expect(page.get_by_label("First name")).to_have_value("Jon")
    assert_no_axe_violations(page)

    page.get_by_label("NHS number").fill("1234567890")
    page.get_by_label("None of these is the same person – create a new record").check()
    page.get_by_role("button", name="Continue").first.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("check digit")
    expect(page).to_have_title("Error: Create a new record - FFP Case - Demo Borough")
    assert_no_axe_violations(page)

    page.get_by_label("NHS number").fill("")
    page.get_by_role("button", name="Continue").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jon Smith")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Record created")


def test_every_page_of_the_record_passes_axe(page, live_server, triage_officer, password, john_smith, privacy_officer):
    from cases.models import PersonMerge

    sign_in(page, live_server.url, "triage@example.test", password)
    base = f"{live_server.url}/cases/people/{john_smith.pk}"
    note = CaseNote.objects.get(person=john_smith)
    for url in (
        f"{base}/chronology/",
        f"{base}/chronology/?strand=bad&from_day=31&from_month=2&from_year=2026",
        f"{base}/edit/",
        f"{base}/notes/new/",
        f"/cases/notes/{note.pk}/",
        f"{base}/merge/",
    ):
        page.goto(url if url.startswith("http") else live_server.url + url)
        expect(page.locator("h1")).to_be_visible()
        assert_no_axe_violations(page)

    # The edit page in error, and the note form in error.
    page.goto(f"{base}/edit/")
    page.get_by_label("UPN").fill("A1")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("13 characters")
    assert_no_axe_violations(page)
    page.goto(f"{base}/notes/new/")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a subject")
    assert_no_axe_violations(page)

    # Merge: compare, then the merged record listed with its undo form.
    dup = person_create(
        actor=triage_officer, data={"first_name": "Jon", "last_name": "Smith", "date_of_birth": dt.date(2016, 5, 1)}
    )
    page.goto(f"{base}/merge/?duplicate={dup.la_child_id}")
    expect(page.get_by_role("heading", name="Check these are the same person")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Why are these the same person?").fill("Typo in the first name")
    page.get_by_role("button", name=f"Merge {dup.la_child_id} into this record").click()
    assert PersonMerge.objects.filter(kept=john_smith, merged=dup).exists()
    page.goto(f"{base}/merge/")
    expect(page.get_by_role("heading", name="Records merged into this one")).to_be_visible()
    assert_no_axe_violations(page)

    # The privacy officer's pages.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, privacy_officer.email, password)
    page.goto(f"{base}/access-log/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at this record")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Access audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access audit")
    assert_no_axe_violations(page)
