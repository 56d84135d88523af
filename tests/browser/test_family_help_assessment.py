"""The Family Help assessment in Chromium: the family's lead practitioner (from a voluntary-sector agency)
starts the assessment, writes Mia's voice and sees it autosaved, reloads and finds it still there, completes
and submits it; a manager authorises it. axe-core finds no WCAG 2.2 AA violation on any page on the way.
A second journey shows the autosave refusing a stale version with the message on the page."""

import re

import pytest
from playwright.sync_api import expect

from family_help.models import Assessment, AssessmentStatus
from family_help.services.assessment import assessment_save_draft, assessment_start
from tests.axe import assert_no_axe_violations
from tests.browser.journey import sign_in, sign_out, success_banner
from tests.family_help.assessment_support import appoint_lead

pytestmark = pytest.mark.django_db(transaction=True)

MIA_VOICE = "I don't like it when mum is sad. I want my own bed and to get to school on time."
LEO_REASON = "Leo is four and did not want to talk; I watched him play with his sister instead."


def test_lead_practitioner_writes_the_assessment_and_a_manager_authorises_it(
    page, live_server, family, vcs_fhlp, fh_manager, password
):
    base = live_server.url
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)

    # 1. The lead practitioner starts the family's assessment.
    sign_in(page, base, vcs_fhlp.email, password)
    page.goto(f"{base}/family-help/families/{family['case'].pk}/")
    panel = page.locator("#assessment-panel")
    expect(panel).to_contain_text("No assessment in progress")
    panel.get_by_role("link", name="Start an assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a Family Help assessment")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Start the assessment").click()
    expect(success_banner(page)).to_contain_text("Assessment started")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family Help assessment")
    expect(page.locator("#assessment-due")).to_contain_text("working days left")
    assert_no_axe_violations(page)
    assessment = Assessment.objects.get()
    mia = assessment.children.get(person=family["mia"])
    leo = assessment.children.get(person=family["leo"])

    # 2. She types Mia's voice; the page saves it by itself and says when.
    page.get_by_label("Mia's voice").fill(MIA_VOICE)
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=15_000)
    mia.refresh_from_db()
    assert mia.child_voice == MIA_VOICE

    # 3. A reload (or a timed-out session) loses nothing: the draft is in the database.
    page.reload()
    expect(page.get_by_label("Mia's voice")).to_have_value(MIA_VOICE)
    expect(page.locator("#autosave-status")).to_contain_text("Draft last saved at")

    # 4. She completes it and checks it before submitting.
    page.get_by_label("Housing").fill("Damp two-bedroom flat; the family is on the housing register.")
    page.locator(f"input[name='child-{mia.pk}-factors'][value='4B']").check()
    page.locator(f"#id_child-{mia.pk}-primary_need").select_option("N4")
    page.get_by_label("If you could not gather Leo's views, say why").fill(LEO_REASON)
    page.locator(f"input[name='child-{leo.pk}-factors'][value='4B']").check()
    page.get_by_label("Analysis", exact=True).fill(
        "Mum's low mood and the housing are the main needs; the children are safe and loved."
    )
    page.get_by_label("Targeted early help (Family Help)").check()
    page.get_by_role("button", name="Save and check before submitting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the assessment before you submit it")
    expect(page.get_by_text(MIA_VOICE)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Submit for authorisation").click()
    expect(success_banner(page)).to_contain_text("Assessment submitted for authorisation")
    expect(page.get_by_text("Waiting for authorisation")).to_be_visible()
    assert_no_axe_violations(page)
    sign_out(page)

    # 5. The manager authorises it (the date is the census authorisation date).
    sign_in(page, base, fh_manager.email, password)
    page.goto(f"{base}/family-help/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Authorise or return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authorise the assessment")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save decision").click()  # no decision chosen: an error, nothing lost
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether to authorise or return")
    assert_no_axe_violations(page)
    page.get_by_label("Authorise the assessment").check()
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_contain_text("Assessment authorised")
    expect(page.locator(".govuk-tag", has_text="Authorised")).to_be_visible()
    assert_no_axe_violations(page)
    # The family's page lists it as a past assessment, and offers the next one.
    page.goto(f"{base}/family-help/families/{family['case'].pk}/")
    expect(page.locator("#assessment-panel")).to_contain_text("Authorised within the timescale".lower())
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED and assessment.authorised_by == fh_manager


def test_autosave_refuses_a_stale_version_and_says_so_on_the_page(
    page, live_server, family, vcs_fhlp, fh_manager, password
):
    base = live_server.url
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    assessment = assessment_start(family_case=family["case"], actor=vcs_fhlp)
    sign_in(page, base, vcs_fhlp.email, password)
    page.goto(f"{base}/family-help/assessments/{assessment.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family Help assessment")
    # Meanwhile the manager saves a change from their own screen.
    assessment_save_draft(
        assessment=assessment, actor=fh_manager, expected_version=1, data={"risks": "Dad's visits are unpredictable"}
    )
    page.get_by_label("Risks").fill("No risks seen")
    problem = page.locator("#autosave-problem")
    expect(problem).to_contain_text("Your latest changes have not been saved", timeout=15_000)
    expect(problem).to_contain_text("Dad's visits are unpredictable")
    expect(page.get_by_label("Risks")).to_have_value("No risks seen")  # what was typed is still there
    assert_no_axe_violations(page)
    assessment.refresh_from_db()
    assert assessment.risks == "Dad's visits are unpredictable"
