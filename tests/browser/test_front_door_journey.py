"""The front-door journey in Chromium: a school DSL refers, triage works it from the queue, asks the police,
the police answer, triage decides, and the DSL sees the outcome. axe on every page on the way."""

import pytest
from playwright.sync_api import expect

from cases.models import AgencyType, Role
from front_door.models import Contact
from tests.axe import assert_no_axe_violations
from tests.conftest import need_level
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_referral_from_school_to_decision_and_back(page, live_server, triage_officer, password):
    base = live_server.url
    for code in ("child_in_need", "targeted_early_help", "child_protection", "universal"):
        need_level(code)
    school = AgencyFactory(name="Journey Primary School", type=AgencyType.EDUCATION)
    UserFactory(email="dsl@journey.test", full_name="Dana School", agency=school, roles=[Role.PARTNER_REFERRER],
                job_title="Designated safeguarding lead")
    police = AgencyFactory(name="Journey Police", type=AgencyType.POLICE)
    UserFactory(email="pc@journey.test", full_name="Pat Police", agency=police, roles=[Role.MACPT_MEMBER])

    # 1. The school's DSL refers.
    sign_in(page, base, "dsl@journey.test", password)
    page.get_by_role("link", name="Refer a child").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer a child to the front door")
    assert_no_axe_violations(page)
    page.get_by_label("Where the contact came from").select_option("2A")
    page.get_by_label("What is the worry?").fill("Ruby came to school hungry three days running and has a bruise.")
    page.get_by_label("Neglect").check()
    page.get_by_label("The family knows and agrees").check()
    page.get_by_label("First name").fill("Ruby")
    page.get_by_label("Last name").fill("Quinton")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    assert_no_axe_violations(page)
    reference = Contact.objects.get().reference
    sign_out(page)

    # 2. Triage picks it up from the queue and creates the child's record.
    sign_in(page, base, "triage@example.test", password)
    page.get_by_role("link", name="Front door").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Front door queue")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=f"Assign to me ({reference})").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Find or create record for Ruby Quinton").click()
    assert_no_axe_violations(page)
    page.get_by_label("Female").check()
    page.get_by_role("button", name="Create a new record").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ruby Quinton linked")

    # 3. ... and asks the police what they know.
    page.get_by_role("link", name="Request information").click()
    assert_no_axe_violations(page)
    page.get_by_label("Agency").select_option(label="Journey Police")
    page.get_by_label("What do you need to know?").fill("Any call-outs to the family's address?")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Information requested from Journey Police")
    sign_out(page)

    # 4. The police answer from their inbox.
    sign_in(page, base, "pc@journey.test", password)
    page.get_by_role("link", name="Information requests").first.click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=reference).click()
    assert_no_axe_violations(page)
    page.get_by_label("Your answer").fill("One domestic incident reported last month.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your answer has been sent")
    sign_out(page)

    # 5. Triage sees the answer and decides.
    sign_in(page, base, "triage@example.test", password)
    page.goto(base + f"/front-door/contacts/{Contact.objects.get().pk}/")
    expect(page.get_by_text("One domestic incident reported last month.")).to_be_visible()
    page.get_by_role("link", name="Record decision").click()
    assert_no_axe_violations(page)
    page.get_by_label("Child in need: assessment under s17").check()
    page.get_by_label("Level of need").select_option("child_in_need")
    page.get_by_label("Reasons for the decision").fill("Neglect indicators and police information: assess.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    assert_no_axe_violations(page)
    sign_out(page)

    # 6. The DSL sees the outcome in plain words, and nothing more.
    sign_in(page, base, "dsl@journey.test", password)
    page.get_by_role("link", name="My referrals").first.click()
    expect(page.get_by_text("A social worker will assess what help the family needs.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Decided")).to_be_visible()
    assert "police information" not in page.content()
    assert_no_axe_violations(page)
