"""Issue 17 item 3 in Chromium: the privacy officer records a subject access request (a wrong LA child ID: the
message, and what was typed kept), reads its due date and the bundle with the police item withheld; a second privacy
officer releases it with a reason and downloads the bundle, which holds it. A practitioner downloading a chronology
records the decision on its form (an incomplete one comes back with the messages and what was typed). axe-core: no
WCAG 2.2 AA violation on each page; at 320 CSS pixels wide nothing scrolls sideways."""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import DisclosureDecision, Role
from cases.services.notes import case_note_save
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _pdf_text(path) -> str:
    with open(path, "rb") as handle:
        return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(handle.read())).pages)


def test_a_subject_access_request_from_receipt_to_the_bundle(
    page, live_server, make_person, sw_fhlp, privacy_officer, password
):
    second = UserFactory(
        email="second.po@council.test",
        full_name="Sol Second",
        agency=privacy_officer.agency,
        roles=[Role.PRIVACY_OFFICER],
    )
    child = make_person(first="Wenna", last="Trevaskis")
    case_note_save(
        person=child,
        actor=sw_fhlp,
        data={
            "kind": "phone",
            "occurred_at": timezone.now(),
            "subject": "Police information",
            "body": "Police said pgcanaryq",
            "visibility_tags": ["police"],
        },
        finalise=True,
    )
    base = live_server.url

    sign_in(page, base, privacy_officer.email, password)
    nav(page, "Subject access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    _checked(page)
    page.get_by_label("LA child ID of the person the information is about").fill("NOPE1")
    page.get_by_label("Name of the person asking").fill("Wenna Trevaskis")
    page.get_by_label("Who they are to the person").fill("Themself")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No record you can open has that LA child ID")
    expect(page.get_by_label("Name of the person asking")).to_have_value("Wenna Trevaskis")
    _checked(page)
    page.get_by_label("LA child ID of the person the information is about").fill(child.la_child_id)
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator("#sar-due")).to_contain_text("Monday 5 October 2026")
    expect(page.locator("#bundle-counts")).to_contain_text("0 released")
    expect(page.locator(".app-sar-item", has_text="pgcanaryq")).to_contain_text("Withheld")
    expect(page.get_by_role("button", name="Release into the bundle")).to_have_count(0)
    _checked(page)
    detail = page.url
    sign_out(page)

    sign_in(page, base, second.email, password)
    page.goto(detail)
    page.locator(".app-sar-item", has_text="pgcanaryq").get_by_role("button", name="Release into the bundle").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for releasing it")
    _checked(page)
    note = page.locator(".app-sar-item", has_text="pgcanaryq")
    note.get_by_label("Why this can be released").fill("The police agreed to its release")
    note.get_by_role("button", name="Release into the bundle").click()
    expect(page.locator("#bundle-counts")).to_contain_text("1 released")
    _checked(page)
    with page.expect_download() as download:
        page.locator("#bundle-pdf").click()
    assert "pgcanaryq" in _pdf_text(download.value.path())
    assert DisclosureDecision.objects.filter(what_type="sar_bundle", decided_by=second).count() == 1


def test_a_practitioner_records_the_decision_before_sharing_a_chronology(
    page, live_server, make_person, privacy_officer, password
):
    child = make_person(first="Kenver", last="Polglase")
    base = live_server.url
    sign_in(page, base, privacy_officer.email, password)
    page.goto(f"{base}/cases/people/{child.pk}/chronology.pdf?decide=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you share this")
    _checked(page)
    page.get_by_label("Yes, I am sharing it").check()
    page.get_by_label("What is it shared for?").fill("For the court bundle")
    page.get_by_role("button", name="Record the decision and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the lawful basis for sharing it")
    expect(page.get_by_label("What is it shared for?")).to_have_value("For the court bundle")
    _checked(page)
    page.get_by_label("Lawful basis").select_option(
        label="UK GDPR 6(1)(c) legal obligation (a court order, a statutory return)"
    )
    page.get_by_label("Who receives it (name)").fill("Family court")
    with page.expect_download():
        page.get_by_role("button", name="Record the decision and continue").click()
    decision = DisclosureDecision.objects.get(what_type="chronology_pdf")
    assert (decision.purpose, decision.lawful_basis, decision.recipient_name) == (
        "For the court bundle",
        "6_1_c",
        "Family court",
    )
