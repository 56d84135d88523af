"""The front-door journey in Chromium, each person signing in through the real sign-in page: a school DSL
refers a child; a triage officer picks it up from the queue, creates the child's record and asks the police;
the police answer from their inbox; the officer decides; the DSL sees the outcome in plain words. axe-core
finds no WCAG 2.2 AA violation on any page on the way (and on the error states met on the way)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cases.models import Person
from cases.services import person_create
from cases.workdays import LONDON
from front_door.models import OUTCOME_PLAIN_WORDS, Contact, ContactStatus, Decision
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out, success_banner

pytestmark = pytest.mark.django_db(transaction=True)

WORRY = "Ruby came to school hungry three days running and has a bruise on her arm."
QUESTION = "Any call-outs to the family's address in the last year?"
ANSWER = "One domestic incident reported last month; no arrests."
RATIONALE = "Neglect indicators and the police information: a s17 assessment is needed."


@pytest.fixture
def people(triage_officer, school_dsl, police_officer, health_practitioner, levels):
    return {"dsl": school_dsl, "police": police_officer, "triage": triage_officer, "health": health_practitioner}


def test_referral_from_school_to_decision_and_back(page, live_server, people, password):
    base = live_server.url

    # 1. The school's DSL refers Ruby through the partner form.
    sign_in(page, base, people["dsl"].email, password)
    nav(page, "Refer a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a child to the front door")
    expect(page.get_by_label("Your name")).to_have_value("Dana School")
    expect(page.get_by_label("Referral source")).to_have_value("2A")
    assert_no_axe_violations(page)

    # Sent half-filled: every problem in one summary, linked to its field, and nothing typed is lost.
    page.get_by_label("What is the worry?").fill(WORRY)
    page.get_by_role("button", name="Send referral").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say whether the family knows about and agrees to this")
    expect(summary).to_contain_text("Name at least one child, or describe the child")
    expect(page.get_by_label("What is the worry?")).to_have_value(WORRY)
    assert_no_axe_violations(page)

    page.get_by_label("Neglect").check()
    page.get_by_label("The family knows and agrees").check()
    child = page.locator("#child-1")
    child.get_by_label("First name").fill("Ruby")
    child.get_by_label("Last name").fill("Quinton")
    child.get_by_label("Day").fill("4")
    child.get_by_label("Month").fill("9")
    child.get_by_label("Year").fill("2017")
    child.get_by_label("NHS number (if known)").fill("943 476 5919")
    child.get_by_label("Address (if known)").fill("14 Larch Close, Eastfield")
    child.get_by_label("Postcode (if known)").fill("ls12 3ab")
    # "Add another child" comes back with a second, blank child and Ruby kept; left blank, it is ignored.
    page.get_by_role("button", name="Add another child").click()
    expect(page.locator("#child-2")).to_be_visible()
    expect(page.locator("#child-1").get_by_label("First name")).to_have_value("Ruby")
    expect(page.get_by_label("The family knows and agrees")).to_be_checked()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    contact = Contact.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(contact.reference)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    assert [c.given_name for c in contact.children.all()] == ["Ruby Quinton"]
    assert_no_axe_violations(page)
    sign_out(page)

    # 2. Triage picks it up from the queue and creates Ruby's record.
    sign_in(page, base, "triage@example.test", password)
    nav(page, "Front door").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door queue")
    row = page.locator("tr", has_text=contact.reference)
    expect(row).to_contain_text("On track")
    expect(row).to_contain_text("Ruby Quinton")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=f"Assign to me ({contact.reference})").click()
    expect(success_banner(page)).to_contain_text(f"Contact {contact.reference} is assigned to you")
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(contact.reference)
    expect(page.get_by_text(WORRY)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Find or create record for Ruby Quinton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find or create the child's record")
    expect(page.get_by_text("No existing record looks like this child.")).to_be_visible()
    assert_no_axe_violations(page)
    expect(page.get_by_label("First name", exact=True).last).to_have_value("Ruby")
    # Nothing typed twice (issue 13 item 10): what the school gave is already in the new record's form.
    expect(page.get_by_label("NHS number (if known)")).to_have_value("9434765919")
    expect(page.get_by_label("Address line 1 (if known)")).to_have_value("14 Larch Close")
    expect(page.get_by_label("Town or city (optional)")).to_have_value("Eastfield")
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("LS12 3AB")
    assert_reflows(page)
    page.get_by_label("Female").check()
    page.get_by_role("button", name="Create a new record").click()
    expect(success_banner(page)).to_contain_text("Ruby Quinton linked to contact")
    ruby = Person.objects.get(last_name="Quinton")
    expect(page.get_by_role("link", name="Ruby Quinton")).to_have_attribute("href", f"/cases/people/{ruby.pk}/")
    assert (ruby.date_of_birth, ruby.nhs_number) == (dt.date(2017, 9, 4), "9434765919")
    assert str(ruby.addresses.get()) == "14 Larch Close, Eastfield, LS12 3AB"

    # 3. ... and asks the police and health what they know, in one go (issue 13 item 11).
    page.get_by_role("button", name="Request information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request information from a partner")
    assert_no_axe_violations(page)
    page.get_by_label("What do you need to know?").fill(QUESTION)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one agency to ask")
    expect(page.get_by_label("What do you need to know?")).to_have_value(QUESTION)
    assert_no_axe_violations(page)
    page.get_by_label(people["police"].agency.name, exact=True).check()
    page.get_by_label(people["health"].agency.name, exact=True).check()
    assert_reflows(page)
    page.get_by_role("button", name="Send request").click()
    expect(success_banner(page)).to_contain_text(
        f"Information requested from {people['health'].agency.name}, {people['police'].agency.name}"
    )
    assert contact.information_requests.count() == 2
    sign_out(page)

    # 4. The police answer from their inbox (Ruby's first name and age in the list), and the request names her in
    # full, with her date of birth, address and NHS number, to search their own systems.
    sign_in(page, base, people["police"].email, password)
    nav(page, "Information requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information requests")
    row = page.locator("tr", has_text=contact.reference)
    expect(row).to_contain_text(re.compile(r"Ruby, \d+"))
    expect(row).not_to_contain_text("Quinton")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    card = page.locator("#request-child-1")
    expect(card).to_contain_text("Ruby Quinton")
    expect(card).to_contain_text("4 September 2017")
    expect(card).to_contain_text("14 Larch Close, Eastfield, LS12 3AB")
    expect(card).to_contain_text("943 476 5919")
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_role("button", name="Send answer").click()  # empty first: an error, not a lost page
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your answer")
    assert_no_axe_violations(page)
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Send answer").click()
    expect(success_banner(page)).to_contain_text("Your answer has been sent to the front door")
    sign_out(page)

    # 5. Triage sees the answer on the contact and decides: child in need (no sign-off needed by default).
    sign_in(page, base, "triage@example.test", password)
    nav(page, "Front door").click()
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the decision")
    assert_no_axe_violations(page)
    page.get_by_label("Child in need: assessment under s17").check()
    page.get_by_label("Level of need").select_option("child_in_need")
    page.get_by_label("Reasons for the decision").fill(RATIONALE)
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_contain_text(f"Decision recorded on contact {contact.reference}")
    expect(page.locator(".govuk-summary-card")).to_contain_text("Child in need: assessment under s17")
    assert_no_axe_violations(page)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED and contact.is_referral
    assert Decision.objects.get().decided_by == people["triage"]
    nav(page, "Front door").click()
    expect(page.get_by_text("There are no open contacts.")).to_be_visible()
    sign_out(page)

    # 6. The DSL sees the outcome in plain words, and nothing more.
    sign_in(page, base, people["dsl"].email, password)
    nav(page, "My referrals").click()
    row = page.locator("tr", has_text=contact.reference)
    expect(row).to_contain_text("Decided")
    expect(row).to_contain_text(OUTCOME_PLAIN_WORDS[3])
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(contact.reference)
    expect(page.get_by_text(OUTCOME_PLAIN_WORDS[3])).to_be_visible()
    content = page.content()
    assert RATIONALE not in content and ANSWER not in content and "Child in need (s17)" not in content
    assert_no_axe_violations(page)

    # ... and was told in their notifications, which they mark as read.
    nav(page, "Notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text(f"Your referral {contact.reference}: decision made", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mark as read").first.click()
    expect(page.get_by_text("You have no unread notifications.")).to_be_visible()


def test_a_phone_contact_matched_to_a_record_decided_and_signed_off(
    page, live_server, people, front_door_manager, password
):
    """The other half of the front door: a phone contact, a likely record chosen, a decision that needs sign-off,
    and the manager's sign-off and dashboard."""
    base = live_server.url
    amelia = person_create(
        actor=people["triage"],
        data={"first_name": "Amelia", "last_name": "Hartley", "date_of_birth": dt.date(2015, 3, 14)},
    )

    # 1. A neighbour phones; triage records the contact.
    sign_in(page, base, "triage@example.test", password)
    nav(page, "Front door").click()
    page.get_by_role("button", name="Record a contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    expect(page.get_by_role("radio", name="Phone")).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_label("Time received").fill("")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the time the contact was received")
    assert_no_axe_violations(page)
    page.get_by_label("Time received").fill("00:05")  # earlier today, whenever the test runs
    page.get_by_label("Name of the person who is worried").fill("Nan Neighbour")
    page.get_by_label("Referral source").select_option("1B")
    page.get_by_label("What is the worry?").fill("Shouting every night; the girl next door is often left alone.")
    page.get_by_label("Not sought: a child may be at risk of significant harm").check()
    page.get_by_label("Why was consent not sought?").fill("The caller fears the father's reaction.")
    child = page.locator("#child-1")
    child.get_by_label("First name").fill("Amelia")
    child.get_by_label("Last name").fill("Hartley")
    child.get_by_label("Day").fill("14")
    child.get_by_label("Month").fill("3")
    child.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Save contact").click()
    contact = Contact.objects.get()
    expect(success_banner(page)).to_contain_text(f"Contact {contact.reference} recorded")
    assert contact.received_at.astimezone(LONDON).strftime("%H:%M") == "00:05" and contact.channel == "phone"

    # 2. The child is matched to the record that already exists.
    page.get_by_role("link", name="Find or create record for Amelia Hartley").click()
    expect(page.get_by_text("% match")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Amelia Hartley, born 14 March 2015").check()
    page.get_by_role("button", name="Use this record").click()
    expect(success_banner(page)).to_contain_text("Amelia Hartley linked to contact")
    assert contact.children.get().person == amelia

    # 3. No further action: the advice is asked for, and a manager must sign it off.
    page.get_by_role("button", name="Record decision").click()
    page.get_by_label("No further action: information, advice and guidance").check()
    page.get_by_label("Level of need").select_option("universal")
    page.get_by_label("Reasons for the decision").fill("Police and school have no concerns; universal needs.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Record the advice and information given")
    expect(page.get_by_label("Reasons for the decision")).to_have_value(
        "Police and school have no concerns; universal needs."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Advice and information given").fill("Caller given the parenting helpline number.")
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_contain_text("waiting for a manager's sign-off")
    sign_out(page)

    # 4. The manager sees it waiting, signs it off, and looks at the dashboard.
    sign_in(page, base, front_door_manager.email, password)
    nav(page, "Front door").click()
    page.get_by_role("link", name="awaiting sign-off").click()
    expect(page.locator("tr", has_text=contact.reference)).to_contain_text("Decision awaiting manager sign-off")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off the decision")
    assert_no_axe_violations(page)
    page.get_by_label("Yes, sign it off").check()
    page.get_by_role("button", name="Save sign-off").click()
    expect(success_banner(page)).to_contain_text(f"Decision on contact {contact.reference} signed off")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    nav(page, "Front door dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door dashboard")
    expect(page.get_by_text("contacts received today")).to_be_visible()
    assert_no_axe_violations(page)
