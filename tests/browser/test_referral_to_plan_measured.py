"""The referral-to-plan journey, measured as a practitioner lives it (issue 13, "nothing typed twice"): a school's
DSL refers a child with her mother; triage creates the child's record and decides child in need; a Family Help
manager allocates a lead practitioner; she writes the assessment, a manager authorises it, and she starts the
family plan. Every page load and every field a person types is counted, and each typed value is tagged with what it
is, so a value typed again later (the child's address on the record, the assessment's worries in the plan) is a
re-typed field. The numbers go to the closing note; the test fails if anything is re-typed."""

import pytest
from playwright.sync_api import expect

from front_door.models import Contact
from tests.axe import assert_no_axe_violations
from tests.browser.journey import nav, sign_in, sign_out, success_banner

pytestmark = pytest.mark.django_db(transaction=True)


class Tally:
    """Counts the pages the browser loads and the fields people type, and which of them were typed before."""

    def __init__(self, page) -> None:
        self.page = page
        self.loads = 0
        self.typed: list[str] = []
        self.retyped: list[str] = []
        self.chosen = 0
        self.lost: list[str] = []  # given once, not on the record, and no page to put it there
        page.on("framenavigated", lambda frame: self._navigated(frame))

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def type(self, locator, value: str, what: str) -> None:
        """Type `value` into a field; `what` names the fact it records (the same fact typed twice is re-typed)."""
        locator.fill(value)
        if what in self.typed:
            self.retyped.append(what)
        self.typed.append(what)

    def choose(self, locator, value: str | None = None) -> None:
        """A click on a radio, a checkbox or an option: an answer, not typing."""
        if value is None:
            locator.check()
        else:
            locator.select_option(value)
        self.chosen += 1

    def report(self) -> str:
        return (
            f"page loads {self.loads}, fields typed {len(self.typed)}, choices {self.chosen}, "
            f"re-typed {len(self.retyped)} ({', '.join(self.retyped) or 'none'}), "
            f"lost {len(self.lost)} ({', '.join(self.lost) or 'none'})"
        )


@pytest.fixture
def cast(school_dsl, triage_officer, fh_manager, vcs_fhlp, levels):
    return {"dsl": school_dsl, "triage": triage_officer, "manager": fh_manager, "lead": vcs_fhlp}


def test_referral_to_a_started_family_plan_types_nothing_twice(page, live_server, cast, password, record_property):
    base = live_server.url
    tally = Tally(page)

    # 1. The school's DSL refers Ruby, giving everything she knows about her and her mother.
    sign_in(page, base, cast["dsl"].email, password)
    nav(page, "Refer a child").click()
    tally.type(
        page.get_by_label("What is the worry?"),
        "Ruby is hungry most mornings and her mother Sara says she cannot afford the electricity.",
        "worry",
    )
    tally.choose(page.get_by_label("Neglect"))
    tally.choose(page.get_by_label("The family knows and agrees"))
    child = page.locator("#child-1")
    tally.type(child.get_by_label("First name"), "Ruby", "child.first_name")
    tally.type(child.get_by_label("Last name"), "Quinton", "child.last_name")
    tally.type(child.get_by_label("Day"), "4", "child.dob.day")
    tally.type(child.get_by_label("Month"), "9", "child.dob.month")
    tally.type(child.get_by_label("Year"), "2017", "child.dob.year")
    tally.type(child.get_by_label("NHS number"), "943 476 5919", "child.nhs_number")
    tally.type(child.get_by_label("Address"), "12 Example Row, Testville", "child.address")
    tally.type(child.get_by_label("Postcode"), "TE1 1ST", "child.postcode")
    mother = page.locator("#household-1")
    tally.choose(mother.get_by_label("How are they related to the child?"), "mother")
    tally.type(mother.get_by_label("First name"), "Sara", "mother.first_name")
    tally.type(mother.get_by_label("Last name"), "Quinton", "mother.last_name")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    reference = Contact.objects.get().reference
    sign_out(page)

    # 2. Triage picks it up, creates Ruby's record from the details given and decides child in need.
    sign_in(page, base, cast["triage"].email, password)
    nav(page, "Front door").click()
    page.get_by_role("button", name=f"Assign to me ({reference})").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Find or create record for Ruby Quinton").click()
    tally.choose(page.get_by_label("Female"))
    page.get_by_role("button", name="Create a new record").click()
    expect(success_banner(page)).to_contain_text("Ruby Quinton linked to contact")
    # The record must hold her address (for the lead practitioner's visit) and NHS number (for health).
    page.get_by_role("link", name="Ruby Quinton").first.click()
    shown = page.locator("main").inner_text()
    for fact, text in (("child.address", "TE1 1ST"), ("child.nhs_number", "943")):
        if text not in shown:
            tally.lost.append(fact)
    page.go_back()
    nav(page, "Front door").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Record decision").click()
    tally.choose(page.get_by_label("Child in need: assessment under s17"))
    tally.choose(page.get_by_label("Level of need"), "child_in_need")
    tally.type(
        page.get_by_label("Reasons for the decision"),
        "Persistent neglect of basic needs linked to poverty: an assessment under s17 is needed.",
        "rationale",
    )
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_be_visible()
    sign_out(page)

    # 3. A Family Help manager allocates a lead practitioner.
    sign_in(page, base, cast["manager"].email, password)
    nav(page, "Family Help allocations").click()
    page.locator("tr", has_text="Ruby Quinton").get_by_role("link", name="Allocate").click()
    tally.choose(page.get_by_label("Val Voluntary", exact=False))
    page.get_by_role("button", name="Allocate").click()
    expect(success_banner(page)).to_contain_text("Val Voluntary is now the lead practitioner")
    sign_out(page)

    # 4. The lead practitioner writes the assessment and submits it.
    sign_in(page, base, cast["lead"].email, password)
    nav(page, "My families").click()
    page.get_by_role("link", name="Quinton family").click()
    page.locator("#assessment-panel").get_by_role("link", name="Start an assessment").click()
    page.get_by_role("button", name="Start the assessment").click()
    expect(success_banner(page)).to_contain_text("Assessment started")
    tally.type(page.get_by_label("Ruby's voice"), "I want the lights to stay on and breakfast at home.", "voice")
    tally.type(page.get_by_label("Income and debt"), "Prepayment meter often empty; debts to the council.", "income")
    tally.type(page.get_by_label("Strengths"), "Sara gets Ruby to school every day.", "strengths")
    tally.type(page.get_by_label("Risks"), "Ruby goes without breakfast most days.", "worries")
    tally.type(page.get_by_label("Analysis", exact=True), "Poverty, not neglect by choice: practical help.", "analysis")
    tally.choose(page.locator("input[name$='-factors'][value='4B']").first)
    tally.choose(page.locator("select[id$='-primary_need']").first, "N4")
    tally.choose(page.get_by_label("Targeted early help (Family Help)"))
    page.get_by_role("button", name="Save and check before submitting").click()
    page.get_by_role("button", name="Submit for authorisation").click()
    expect(success_banner(page)).to_contain_text("Assessment submitted for authorisation")
    sign_out(page)

    # 5. The manager authorises it.
    sign_in(page, base, cast["manager"].email, password)
    nav(page, "Notifications").click()
    page.get_by_role("button", name="Open notification: Assessment to authorise: Quinton family").first.click()
    tally.choose(page.get_by_label("Authorise the assessment"))
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_contain_text("Assessment authorised")
    sign_out(page)

    # 6. The lead starts the family plan from the assessment.
    sign_in(page, base, cast["lead"].email, password)
    nav(page, "My families").click()
    page.get_by_role("link", name="Quinton family").click()
    page.locator("section[aria-labelledby=fh-plan-panel-title]").get_by_role("link", name="Start the plan").click()
    worries = page.get_by_label("What are we worried about?")
    if not worries.input_value():
        tally.type(worries, "Ruby goes without breakfast most days.", "worries")
    strengths = page.get_by_label("What is working well?")
    if not strengths.input_value():
        tally.type(strengths, "Sara gets Ruby to school every day.", "strengths")
    views = page.get_by_label("What does the family say?")
    if not views.input_value():
        tally.type(views, "I want the lights to stay on and breakfast at home.", "voice")
    page.get_by_role("button", name="Start the plan").click()
    expect(success_banner(page)).to_contain_text("Plan started")
    assert_no_axe_violations(page)
    loads = tally.loads
    # The mother the DSL named is one of the family the plan is for.
    page.get_by_role("link", name="Quinton family").first.click()
    if "Sara Quinton" not in page.locator("main").inner_text():
        tally.lost.append("household.mother")
    tally.loads = loads

    record_property("referral_to_plan", tally.report())
    print("\nreferral to plan:", tally.report())
    assert tally.retyped == [] and tally.lost == [], tally.report()
