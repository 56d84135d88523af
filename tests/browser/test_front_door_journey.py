"""The front-door journey in Chromium, each person signing in through the real sign-in page: a school DSL
refers a child; a triage officer picks it up from the queue, creates the child's record and asks the police;
the police answer from their inbox; the officer decides; the DSL sees the outcome in plain words. axe-core
finds no WCAG 2.2 AA violation on any page on the way (and on the error states met on the way)."""

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import LeadKind, Person
from cases.services import (
    cin_referral_close,
    cin_referral_open,
    episode_set_lead,
    person_create,
    relationship_add,
    taf_add,
)
from cases.workdays import LONDON
from front_door.models import OUTCOME_PLAIN_WORDS, Contact, ContactStatus, Decision
from front_door.services import contact_create
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out, success_banner
from tests.front_door.support import CONTACT

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
    # The household, optional (issue 13 item 10): a person begun needs a relationship and both names.
    mum = page.locator("#household-1")
    mum.get_by_label("First name").fill("Jade")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Person 1 in the household: Enter their last name")
    expect(page.locator("#household-1").get_by_label("First name")).to_have_value("Jade")
    assert_no_axe_violations(page)
    mum = page.locator("#household-1")
    mum.get_by_label("How are they related to the child?").select_option("mother")
    mum.get_by_label("Last name").fill("Quinton")
    page.get_by_role("button", name="Add another person").click()
    brother = page.locator("#household-2")
    expect(brother).to_be_visible()
    brother.get_by_label("How are they related to the child?").select_option("sibling")
    brother.get_by_label("First name").fill("Theo")
    brother.get_by_label("Last name").fill("Quinton")
    brother.get_by_label("Day").fill("2")
    brother.get_by_label("Month").fill("2")
    brother.get_by_label("Year").fill("2020")
    assert_reflows(page)
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
    assert [(p.relationship, p.first_name) for p in contact.household.all()] == [
        ("mother", "Jade"),
        ("sibling", "Theo"),
    ]
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
    expect(page.locator("table", has_text="Jade Quinton")).to_contain_text("Mother")
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
    ruby = Person.objects.get(first_name="Ruby", last_name="Quinton")
    expect(page.get_by_role("link", name="Ruby Quinton")).to_have_attribute("href", f"/cases/people/{ruby.pk}/")
    assert (ruby.date_of_birth, ruby.nhs_number) == (dt.date(2017, 9, 4), "9434765919")
    assert str(ruby.addresses.get()) == "14 Larch Close, Eastfield, LS12 3AB"
    # ... and the household is on the record, related to her: the family Family Help's allocation will build.
    assert sorted(ruby.relationships_in.values_list("from_person__first_name", "type")) == [
        ("Jade", "mother"),
        ("Theo", "sibling"),
    ]

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
    # Not decided until the manager agrees (issue 13 item 3): the clock still runs, and the page says so.
    expect(page.locator("#clock-waits-for-signoff")).to_contain_text("Not decided until the manager agrees")
    expect(page.get_by_text("No (outcomes 7 and 8 are not referrals)")).to_be_visible()
    contact.refresh_from_db()
    assert contact.decided_at is None and not contact.is_referral
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off the decision")
    assert_no_axe_violations(page)
    page.get_by_label("Yes, sign it off").check()
    page.get_by_role("button", name="Save sign-off").click()
    expect(success_banner(page)).to_contain_text(f"Decision on contact {contact.reference} signed off")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.decided_at is not None and contact.decided_at <= contact.decision_due_at
    nav(page, "Front door dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door dashboard")
    expect(page.get_by_text("contacts received today")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_school_refers_a_child_open_to_family_help_the_lead_is_told_and_triage_sees_the_context(
    page, live_server, people, family, fh_manager, vcs_fhlp, health_practitioner, password
):
    """Issue 13 items 4 and 13: a school refers Mia, already open to Family Help and referred three months ago, who
    also has a second record made by mistake. Triage sees both records flagged as likely duplicates, matches the
    right one, and sees on the contact what the record already knows (episode and level, lead, team around the
    family, brother, earlier contacts, re-referral), on a desktop and at 320 px wide; the lead is told; the search
    page flags the pair with a link to compare them."""
    base = live_server.url
    triage, mia, leo = people["triage"], family["mia"], family["leo"]
    episode_set_lead(episode=family["episodes"]["Mia"], actor=fh_manager, user=vcs_fhlp, kind=LeadKind.FHLP)
    taf_add(family_case=family["case"], actor=fh_manager, user=health_practitioner, role="Health visitor")
    relationship_add(actor=triage, from_person=mia, to_person=leo, type="sibling")
    three_months_ago = timezone.localdate() - relativedelta(months=3)
    cin_referral_open(
        person=mia, episode=None, referral_date=three_months_ago, source_code="2A", source=None, actor=triage
    )
    cin_referral_close(person=mia, on=three_months_ago, reason_code="RC8", actor=triage)
    earlier, _ = contact_create(
        actor=triage,
        data={**CONTACT, "received_at": timezone.now() - dt.timedelta(days=90)},
        children=[{"person": mia}],
    )
    second = person_create(
        actor=triage, data={"first_name": "Mia", "last_name": "Okafor-Lewis", "date_of_birth": mia.date_of_birth}
    )
    contact, _ = contact_create(
        actor=people["dsl"],
        data={**CONTACT, "worry": WORRY},
        children=[
            {"given_first_name": "Mia", "given_last_name": "Okafor-Lewis", "given_date_of_birth": mia.date_of_birth}
        ],
    )

    # 1. Triage matches Mia: the two records offered are flagged as likely the same child.
    sign_in(page, base, triage.email, password)
    page.goto(f"{base}/front-door/contacts/{contact.pk}/")
    page.get_by_role("link", name="Find or create record for Mia Okafor-Lewis").click()
    expect(page.locator(".app-duplicate-flag")).to_have_count(2)
    expect(
        page.get_by_role("link", name=f"Compare and merge {mia.la_child_id} and {second.la_child_id}")
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.locator(f'input[name="match-person"][value="{mia.pk}"]').check()
    page.get_by_role("button", name="Use this record").click()
    expect(success_banner(page)).to_contain_text(f"may be the same child as {second.la_child_id}")

    # 2. The contact shows what the record already knows about Mia.
    context = page.locator("#triage-context")
    expect(context).to_be_visible()
    expect(page.locator("#context-episode-1")).to_contain_text("Targeted early help")
    expect(page.locator("#context-leads-1")).to_contain_text(vcs_fhlp.full_name)
    expect(page.locator("#context-taf-1")).to_contain_text(health_practitioner.full_name)
    expect(page.locator("#context-siblings-1")).to_contain_text("Leo Okafor-Lewis")
    expect(page.locator("#context-contacts-1")).to_contain_text(earlier.reference)
    expect(page.locator("#context-re-referral-1")).to_contain_text(
        f"Yes: referred on {three_months_ago.day} {three_months_ago:%B %Y}"
    )
    expect(page.locator("#context-re-referral-tag-1")).to_have_text("Re-referral")
    assert_no_axe_violations(page)
    # Reflow (WCAG 1.4.10): at 320 CSS pixels the panel fits the width, nothing scrolled sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    expect(context).to_be_visible()
    box = context.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    assert page.evaluate("() => document.documentElement.scrollWidth <= 320")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 720})

    # 3. The search page flags the pair, with a link to compare them on the merge page.
    page.goto(f"{base}/cases/people/search/?name=Mia+Okafor-Lewis")
    expect(page.locator(".app-duplicate-flag")).to_have_count(2)
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_role("link", name=f"Compare and merge {mia.la_child_id} and {second.la_child_id}").click()
    expect(page.get_by_text(second.la_child_id).first).to_be_visible()
    assert_no_axe_violations(page)
    sign_out(page)

    # 4. The lead is told, without the child's name, and the link opens Mia's chronology with the contact on it.
    sign_in(page, base, vcs_fhlp.email, password)
    nav(page, "Notifications").click()
    title = f"New contact {contact.reference} about a child you are lead practitioner for"
    expect(page.get_by_text(title, exact=True)).to_be_visible()
    assert "Okafor" not in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("button", name=f"Open notification: {title}").click()
    expect(page.get_by_text(f"Contact {contact.reference}").first).to_be_visible()
    assert_no_axe_violations(page)
