"""The Family Help plan in Chromium, each person signing in through the real sign-in page: a lead practitioner
(allocated in setup through the shared record's services) starts the plan, adds two outcomes (one refused first
for want of a measure), adds a health visitor to the team around the family and an action she owns, and holds a
review re-rating both outcomes; the health visitor then signs in, opens the family's plan from her notification
and records progress on her action. axe-core finds no WCAG 2.2 AA violation on any page on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Action, ActionStatus, LeadKind, Outcome, PlanVersion
from cases.services import episode_set_lead
from family_help.services.assessment import (
    assessment_authorise,
    assessment_save_draft,
    assessment_start,
    assessment_submit,
)
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in
from tests.family_help.assessment_support import complete

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend: str, value: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def success(page):
    return page.locator(".govuk-notification-banner--success")


STRENGTHS = "Grace walks Leo to nursery every day."
HOUSING = "Two months of rent arrears; a notice has been served."


@pytest.fixture
def allocated(family, sw_fhlp, fh_manager, health_practitioner):
    """The lead allocated, and the family's assessment authorised: the plan starts from it."""
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    assessment = complete(assessment_start(family_case=family["case"], actor=sw_fhlp), sw_fhlp)
    assessment = assessment_save_draft(
        assessment=assessment,
        actor=sw_fhlp,
        expected_version=assessment.version,
        data={"housing": HOUSING, "strengths": STRENGTHS},
        sections={},
    )
    assessment_authorise(assessment=assessment_submit(assessment=assessment, actor=sw_fhlp), actor=fh_manager)
    return family


def test_lead_builds_and_reviews_the_plan_and_the_health_visitor_updates_her_action(
    page, live_server, allocated, password
):
    base, case = live_server.url, allocated["case"]
    today = timezone.localdate()

    # 1. The lead practitioner starts the plan.
    sign_in(page, base, "sw.fhlp@example.test", password)
    page.goto(f"{base}/family-help/families/{case.pk}/")
    panel = page.locator("section[aria-labelledby=fh-plan-panel-title]")
    expect(panel).to_contain_text("No plan yet")
    assert_no_axe_violations(page)
    panel.get_by_role("link", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start the family plan")
    # Nothing typed twice (issue 13 item 12): it starts from the authorised assessment, every part editable.
    expect(page.locator("#plan-started-from")).to_contain_text("From the assessment authorised on")
    expect(page.get_by_label("What are we worried about?")).to_have_value(f"Housing: {HOUSING}")
    expect(page.get_by_label("What is working well?")).to_have_value(STRENGTHS)
    expect(page.get_by_label("What does the family say?")).to_have_value(re.compile(r"Mia says: .*Leo says: ", re.S))
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_label("What are we worried about?").fill("Mia's attendance has fallen and the flat is at risk.")
    page.get_by_label("What does the family say?").fill("Grace: 'we need help with the landlord'.")
    page.get_by_label("Professional notes (not for the family)").fill("Police log: one call-out in March.")
    page.get_by_role("button", name="Start the plan").click()
    expect(success(page)).to_contain_text("Plan started")
    assert_no_axe_violations(page)

    # 2. Two outcomes; the first try has no measure and is refused with everything kept.
    page.get_by_role("link", name="Add an outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an outcome")
    assert_no_axe_violations(page)
    page.get_by_label("Mia Okafor-Lewis").check()
    page.get_by_label("What will be different?").fill("Mia goes to school every day and on time")
    page.get_by_label("Baseline").fill("3")
    page.get_by_label("Target").fill("9")
    page.get_by_role("button", name="Add the outcome").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say how you will measure this outcome")
    expect(page.get_by_label("What will be different?")).to_have_value("Mia goes to school every day and on time")
    expect(page.get_by_label("Target")).to_have_value("9")
    assert_no_axe_violations(page)
    page.get_by_label("How will we measure it?").fill("Attendance from the school register each half term")
    page.get_by_role("button", name="Add the outcome").click()
    expect(success(page)).to_contain_text("Outcome added")

    page.get_by_role("link", name="Add an outcome").click()
    page.get_by_label("Leo Okafor-Lewis").check()
    page.get_by_label("What will be different?").fill("Leo's bedtime routine is settled")
    page.get_by_label("How will we measure it?").fill("Nights a week in bed by 7.30, from Grace's diary")
    page.get_by_label("Baseline").fill("2")
    page.get_by_label("Target").fill("8")
    page.get_by_role("button", name="Add the outcome").click()
    expect(success(page)).to_contain_text("Outcome added")

    # 3. A health visitor joins the team around the family.
    page.get_by_role("link", name="Manage the team around the family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team around the family")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add a practitioner").click()
    assert_no_axe_violations(page)
    # Chosen from a list of practitioners of any agency, searched on the server (no email address typed).
    page.get_by_label("Their role for this family").fill("Health visitor")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the practitioner to add")
    assert_no_axe_violations(page)
    page.get_by_label("Search for a practitioner").fill("community health")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("group", name="Practitioners matching 'community health'")).to_be_visible()
    expect(page.get_by_label("Hal Health")).to_be_visible()
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_label("Hal Health").check()
    page.get_by_label("Their role for this family").fill("Health visitor")
    page.get_by_role("button", name="Add to the team").click()
    expect(success(page)).to_contain_text("Hal Health added to the team around the family")
    expect(page.locator("table")).to_contain_text("Test Community Health Trust")
    assert_no_axe_violations(page)

    # 4. An action she owns.
    page.get_by_role("link", name="Family plan").click()
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    assert_no_axe_violations(page)
    page.get_by_label("What will be done?").fill("Leo's two-year developmental check and sleep advice")
    page.get_by_label("Who will do it?").select_option(label="Hal Health (Test Community Health Trust)")
    fill_date(page, "Due date", today + dt.timedelta(days=21))
    page.get_by_role("button", name="Add the action").click()
    expect(success(page)).to_contain_text("Action added")
    expect(page.locator("#main-content")).to_contain_text("Hal Health")

    # 5. The review re-rates both outcomes and freezes version 2.
    page.get_by_role("link", name="Record a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review of the plan")
    assert_no_axe_violations(page)
    # Who came, picked from the team around the family; the family typed as others.
    page.get_by_label("Hal Health (Health visitor, Test Community Health Trust)").check()
    page.get_by_label("Anyone else who came (optional)").fill("Grace, Sol (lead practitioner)")
    assert_reflows(page)
    page.get_by_label("What did the review find?").fill("Attendance up; bedtimes better most nights.")
    mia_outcome, leo_outcome = Outcome.objects.filter(plan__family_case=case).order_by("id")
    page.locator(f"#id_rating_{mia_outcome.pk}").fill("6")
    page.locator(f"#id_rating_{leo_outcome.pk}").fill("5")
    fill_date(page, "Next review date", today + dt.timedelta(days=60))
    page.get_by_role("button", name="Save the review").click()
    expect(success(page)).to_contain_text("this is version 2 of the plan")
    expect(page.locator("#ratings-table")).to_contain_text("Review 1")
    expect(page.locator("svg.app-rating-chart")).to_have_count(2)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family plan: version 1")
    expect(page.locator("#main-content")).to_contain_text("3 of 10")
    assert_no_axe_violations(page)
    assert PlanVersion.objects.filter(plan__family_case=case).count() == 2
    review = PlanVersion.objects.get(plan__family_case=case, number=2).snapshot["review"]
    assert (
        review["attendees"]
        == "Hal Health (Health visitor, Test Community Health Trust); Grace, Sol (lead practitioner)"
    )
    # The family's page now summarises the plan.
    page.goto(f"{base}/family-help/families/{case.pk}/")
    expect(panel).to_contain_text("2: 2 improved since the baseline")
    expect(panel).to_contain_text("Hal Health (Health visitor, Test Community Health Trust)")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()

    # 6. The health visitor opens the plan from her notification and records progress on her action.
    sign_in(page, base, "hv@example.test", password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Notifications", exact=True).click()
    page.get_by_role(
        "button", name="Open notification: You have been added to the team around the Okafor-Lewis family"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family plan")
    expect(page.get_by_role("link", name="Change the plan")).to_have_count(0)
    assert_no_axe_violations(page)
    # (GOV.UK's visually-hidden text is spaced with ::before/::after, hence the pattern.)
    page.get_by_role("link", name=re.compile(r"^Update progress\s*:\s*Leo's two-year developmental check")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update progress on your action")
    assert_no_axe_violations(page)
    page.get_by_label("In progress").check()
    page.get_by_label("Progress", exact=True).fill("Check booked for next Tuesday at the children's centre.")
    page.get_by_role("button", name="Save progress").click()
    expect(success(page)).to_contain_text("Progress saved")
    expect(page.locator("#main-content")).to_contain_text("Check booked for next Tuesday")
    assert_no_axe_violations(page)
    action = Action.objects.get(plan__family_case=case)
    assert action.status == ActionStatus.IN_PROGRESS and action.updated_by.email == "hv@example.test"
