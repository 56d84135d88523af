"""Child protection from the front door to the end of a plan, in Chromium (issue 14's done-when), each person signing
in through the real sign-in page: a school refers Mia; triage decides a strategy discussion; the LCPP accepts the
request from the inbox and holds the discussion with the police and health, who each share their agency's
information; the decision is a joint section 47 enquiry; the enquiry finds a conference is needed; the initial child
protection conference puts Mia on a plan under neglect, on the family's one plan; the core group meets; the review
conference ends the plan and Mia steps down to Family Help, where her lead practitioner carries on with the family's
plan. The strategy record, the minutes and the family's version are produced as PDFs on the way. axe-core finds no
WCAG 2.2 AA violation on any page, and the pages reflow at 320 CSS pixels.

The journey is dated back from today on the working-day calendar, so it never needs a date in the future: the
discussion 40 working days ago, the conference 30, the core group 25 and the review 5."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import AgencyType, CinPlanPeriod, Notification, Role, WorkRequest
from cases.selectors import current_lead_ids
from cases.services import episode_current_level, plan_start, team_member_add
from cases.workdays import Calendar
from front_door.models import Contact
from macpt.models import ChildProtectionConference, ChildProtectionPlan, S47Enquiry, StrategyDiscussion
from macpt.selectors.census import child_protection_census, collection_year
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out, success_banner
from tests.factories import UserFactory
from tests.family_help.assessment_support import appoint_lead
from tests.personas import agency, team

pytestmark = pytest.mark.django_db(transaction=True)

WORRY = "Mia came to school hungry again, in the same clothes all week; she says there is no food at home."
RATIONALE = "Persistent neglect with a new disclosure: a strategy discussion is needed today."
POLICE_INFO = "Two call-outs to the address this year for a man shouting; no one arrested."
HEALTH_INFO = "Mia missed her last two dental appointments and her weight has dropped."


def _fill_date(scope, day: dt.date) -> None:
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def collection_year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.year if day.month >= 4 else day.year - 1
    return collection_year(f"{first}-{(first + 1) % 100:02d}")


def _working_days_back(calendar: Calendar, n: int) -> dt.date:
    """The working day n working days before the last working day on or before today."""
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    while n:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def test_a_child_goes_from_the_front_door_through_a_plan_and_steps_down_to_family_help(
    page, live_server, family, school_dsl, triage_officer, lcpp, police_officer, vcs_fhlp, fh_manager, password
):
    base, mia = live_server.url, family["mia"]
    calendar = Calendar.from_database()
    discussed_on = _working_days_back(calendar, 40)
    macpt = team("macpt")
    nurse = UserFactory(
        email="nurse@example.test", full_name="Nia Nurse", agency=agency("health"), roles=[Role.MACPT_MEMBER]
    )
    team_member_add(team=macpt, user=nurse, actor=None)
    # The conferences' chair: an LCPP who does not lead Mia's case.
    chair = UserFactory(email="chair@example.test", full_name="Cara Chair", agency=lcpp.agency, roles=[Role.LCPP])
    # Mia's Family Help lead practitioner, who stays with the family alongside the LCPP.
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    # ... with the family's one plan from their time in targeted early help: the child protection plan wraps it.
    family_plan = plan_start(
        family_case=family["case"], actor=vcs_fhlp, data={"worries": "Money is short and meals are missed."}
    )
    assert nurse.agency.type == AgencyType.HEALTH and police_officer.agency.type == AgencyType.POLICE

    # 1. The school's DSL refers Mia.
    sign_in(page, base, school_dsl.email, password)
    nav(page, "Refer a child").click()
    page.get_by_label("What is the worry?").fill(WORRY)
    page.get_by_label("Neglect").check()
    page.get_by_label("The family knows and agrees").check()
    child = page.locator("#child-1")
    child.get_by_label("First name").fill("Mia")
    child.get_by_label("Last name").fill("Okafor-Lewis")
    _fill_date(child, mia.date_of_birth)
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    contact = Contact.objects.get()
    sign_out(page)

    # 2. Triage matches Mia to her record and decides a strategy discussion: the request goes to the LCPPs at once.
    sign_in(page, base, triage_officer.email, password)
    nav(page, "Front door").click()
    page.get_by_role("button", name=f"Assign to me ({contact.reference})").click()
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("link", name="Find or create record for Mia Okafor-Lewis").click()
    page.get_by_label("Mia Okafor-Lewis", exact=False).first.check()
    page.get_by_role("button", name="Use this record").click()
    expect(success_banner(page)).to_contain_text("Mia Okafor-Lewis linked to contact")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_label("Strategy discussion and s47 enquiry").check()
    page.get_by_label("Level of need").select_option("child_protection")
    page.get_by_label("Reasons for the decision").fill(RATIONALE)
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_contain_text(f"Decision recorded on contact {contact.reference}")
    request = WorkRequest.objects.get(person=mia, kind=WorkRequest.Kind.STRATEGY_DISCUSSION)
    sign_out(page)

    # 3. The LCPP accepts the request from the inbox by starting the discussion (held 40 working days ago).
    sign_in(page, base, lcpp.email, password)
    nav(page, "Work requests").click()
    card = page.locator(f"#work-request-{request.pk}")
    card.get_by_role("link", name="Open").click()
    page.get_by_role("button", name="Accept the strategy discussion").click()
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_label("Mia Okafor-Lewis", exact=False).check()
    page.get_by_label("Multi-agency child protection team").select_option(label=macpt.name)
    _fill_date(page.locator("#strategy-start-form"), discussed_on)
    page.get_by_label("Time held").fill("10:00")
    page.get_by_label("What are the concerns?").fill(RATIONALE)
    page.get_by_role("button", name="Start the strategy discussion").click()
    expect(success_banner(page)).to_be_visible()
    discussion = StrategyDiscussion.objects.get()
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.ACCEPTED and discussion.work_request_id == request.pk

    # ... the police and health attend.
    for who in (police_officer, nurse):
        page.get_by_text("Add an attendee").click()
        form = page.locator("#attendee-form")
        form.get_by_label("A member of the team").select_option(value=str(who.pk))
        form.get_by_label("Attended").check()
        page.get_by_role("button", name="Add the attendee").click()
        expect(page.locator("#attendee-table")).to_contain_text(who.full_name)
    expect(page.locator("#missing-agencies")).to_have_count(0)
    assert_no_axe_violations(page)
    assert_reflows(page)
    sign_out(page)

    # 4. The police officer and the nurse each share their agency's information: it carries their agency's tag.
    for who, text in ((police_officer, POLICE_INFO), (nurse, HEALTH_INFO)):
        sign_in(page, base, who.email, password)
        page.goto(f"{base}/child-protection/strategy/{discussion.pk}/")
        page.get_by_label("Information your agency shares").fill(text)
        page.get_by_role("button", name="Add the information").click()
        expect(page.locator("#information")).to_be_visible()
        expect(page.locator("main")).to_contain_text(text)
        assert_no_axe_violations(page)
        sign_out(page)
    tags = dict(discussion.information.values_list("agency__type", "tags"))
    assert tags[AgencyType.POLICE] == ["police"] and tags[AgencyType.HEALTH] == ["health"]

    # 5. The LCPP records the decision (a joint s47), shares the record, and the enquiry finds a conference is needed.
    sign_in(page, base, lcpp.email, password)
    page.goto(f"{base}/child-protection/strategy/{discussion.pk}/")
    page.get_by_role("link", name="Record the decision for Mia Okafor-Lewis").click()
    page.get_by_label("Section 47 enquiry (joint with police)").check()
    page.get_by_label("Why?").fill("Neglect over months and a police history at the address.")
    page.get_by_role("button", name="Record the decision").click()
    expect(success_banner(page)).to_be_visible()
    enquiry = S47Enquiry.objects.get(person=mia)
    assert enquiry.start_date == discussed_on and enquiry.joint_with_police
    assert enquiry.icpc_target == calendar.add_working_days(discussed_on, 15)
    page.get_by_role("button", name="Share the record with the attendees").click()
    expect(page.locator("#record-shared")).to_contain_text("Shared with the attendees")
    shared = Notification.objects.filter(kind="macpt.strategy_record_shared")
    assert set(shared.values_list("user", flat=True)) >= {police_officer.pk, nurse.pk}
    pdf = page.request.get(f"{base}/child-protection/strategy/{discussion.pk}/record.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name="Section 47 enquiry for Mia Okafor-Lewis").click()
    assert_no_axe_violations(page)
    assert_reflows(page)
    seen = page.locator("#child-seen")
    _fill_date(seen, calendar.add_working_days(discussed_on, 1))
    page.get_by_role("button", name="Save the date seen").click()
    expect(page.locator("#child-seen-on")).not_to_have_text("Not recorded")
    page.get_by_label("Concerns substantiated, initial child protection conference needed").check()
    _fill_date(page.locator("#outcome-form"), calendar.add_working_days(discussed_on, 8))
    page.get_by_label("Why?").fill("Neglect is substantiated; the family needs a plan.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator("#s47-outcome")).to_contain_text("conference needed")
    assert_no_axe_violations(page)

    # 6. The LCPP arranges the initial conference, chaired by another LCPP, 12 working days after the discussion.
    icpc_on = calendar.add_working_days(discussed_on, 12)
    page.get_by_role("link", name="Arrange the initial conference").click()
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_label("Initial child protection conference", exact=True).check()
    _fill_date(page.get_by_role("group", name="Date of the conference"), icpc_on)
    page.get_by_label("Chair (an LCPP who does not lead the case)").select_option(label=chair.full_name)
    page.get_by_role("button", name="Arrange the conference").click()
    expect(success_banner(page)).to_contain_text("arranged")
    conference = ChildProtectionConference.objects.get(kind="initial")
    assert conference.enquiry_id == enquiry.pk and conference.date == icpc_on
    sign_out(page)

    # 7. The chair holds it: Mia's mother and the police officer are invited and attend, the family's views and the
    # minutes are recorded, and Mia is put on a plan under neglect. The minutes and the family's version are PDFs.
    sign_in(page, base, chair.email, password)
    conference_url = f"{base}/child-protection/conferences/{conference.pk}/"
    page.goto(conference_url)
    assert_no_axe_violations(page)
    assert_reflows(page)
    for choose in (
        lambda: page.get_by_label("A family member from the child's network").select_option(label="Grace Okafor"),
        lambda: page.get_by_label("Or a practitioner").select_option(value=str(police_officer.pk)),
    ):
        page.get_by_role("link", name="Invite someone").click()
        choose()
        page.get_by_role("button", name="Invite", exact=True).click()
        expect(success_banner(page)).to_contain_text("Invitation recorded")
    expect(page.locator("#invitees")).to_contain_text("Grace Okafor")
    page.get_by_role("link", name="Record attendance").click()
    for radio in page.get_by_role("radio", name="Attended").all():
        radio.check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#invitees")).to_contain_text("Grace Okafor: Attended")
    page.get_by_role("link", name="Record the family's views and minutes").click()
    page.get_by_label("What the family and the children say").fill("Grace wants help with money and food.")
    page.get_by_label("Minutes (shared with the family)").fill("The conference agreed Mia needs a plan.")
    page.get_by_label("Minutes not for the family").fill("Police intelligence about the partner was discussed.")
    page.get_by_role("button", name="Save the minutes").click()
    expect(success_banner(page)).to_contain_text("Minutes saved")
    page.get_by_role("link", name="Record the decisions").click()
    page.get_by_role("group", name="Does Mia Okafor-Lewis need a child protection plan?").get_by_label("Yes").check()
    page.get_by_label("Category of abuse for Mia Okafor-Lewis").select_option("NEG")
    page.get_by_label("Why (for Mia Okafor-Lewis)").fill("Neglect is likely to continue without a plan.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the decisions").click()
    expect(success_banner(page)).to_contain_text("Decisions recorded")
    plan = ChildProtectionPlan.objects.get(person=mia)
    assert plan.start_date == icpc_on and plan.initial_category == "NEG"
    assert plan.family_plan_id == family_plan.pk  # the family's one plan, not a second one
    minutes = page.request.get(f"{conference_url}minutes.pdf")
    family_version = page.request.get(f"{conference_url}family-minutes.pdf")
    assert minutes.status == 200 and minutes.body().startswith(b"%PDF")
    assert family_version.status == 200 and family_version.body().startswith(b"%PDF")
    assert len(family_version.body()) < len(minutes.body())
    sign_out(page)

    # 8. The LCPP records the first core group, 5 working days after the conference (due within 10).
    sign_in(page, base, lcpp.email, password)
    page.goto(f"{base}/child-protection/plans/{plan.pk}/")
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_role("link", name="Record a core group").click()
    _fill_date(page.locator("form"), calendar.add_working_days(icpc_on, 5))
    page.get_by_label("Who came").fill("Grace Okafor (mother), Val Voluntary (Family Help), Pat Police (police)")
    page.get_by_label("What was agreed").fill("A food bank referral this week; a health check for Mia.")
    page.get_by_role("button", name="Save the core group").click()
    expect(success_banner(page)).to_contain_text("Core group recorded")
    assert plan.core_groups.count() == 1

    # 9. The review conference, 5 working days ago, ends the plan: Mia steps down to child in need with her Family
    # Help lead practitioner carrying on.
    review_on = _working_days_back(calendar, 5)
    page.get_by_role("link", name="Arrange a review conference").click()
    page.get_by_label("Review child protection conference", exact=True).check()
    _fill_date(page.get_by_role("group", name="Date of the conference"), review_on)
    page.get_by_label("Chair (an LCPP who does not lead the case)").select_option(label=chair.full_name)
    page.get_by_role("button", name="Arrange the conference").click()
    expect(success_banner(page)).to_contain_text("arranged")
    review = ChildProtectionConference.objects.get(kind="review")
    sign_out(page)
    sign_in(page, base, chair.email, password)
    page.goto(f"{base}/child-protection/conferences/{review.pk}/")
    page.get_by_role("link", name="Record the decisions").click()
    page.get_by_role("group", name="Does Mia Okafor-Lewis's child protection plan continue?").get_by_label("No").check()
    page.get_by_label("Why (for Mia Okafor-Lewis)").fill("Mia is fed and at school every day; the risk is gone.")
    page.get_by_label("If the plan ends: why (Mia Okafor-Lewis)").select_option("no_longer_at_risk")
    page.get_by_label("Child in need (the child remains in need)").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the decisions").click()
    expect(success_banner(page)).to_contain_text("Decisions recorded")
    assert_no_axe_violations(page)
    assert_reflows(page)
    plan.refresh_from_db()
    assert plan.end_date == review_on and plan.ended_by_conference_id == review.pk
    episode = family["episodes"]["Mia"]
    assert episode_current_level(episode).census_meaning == "child_in_need"
    assert vcs_fhlp.pk in set(current_lead_ids(person_id=mia.pk).values_list("user_id", flat=True))
    assert CinPlanPeriod.objects.filter(episode=episode, start_date=review_on, end_date__isnull=True).exists()
    sign_out(page)

    # The census's child protection items for Mia are all filled from what was recorded (issue 16 writes the XML).
    year = collection_year_of(review_on)
    census = child_protection_census(user=fh_manager, start=year[0], end=year[1])[mia.pk]
    [s47] = census.section47
    assert s47 == {
        "S47ActualStartDate": discussed_on,
        "InitialCPCtarget": calendar.add_working_days(discussed_on, 15),
        "DateOfInitialCPC": icpc_on,
        "ICPCnotRequired": False,
    }
    assert census.date_of_initial_cpc == icpc_on
    [cpp] = census.cp_plans
    assert cpp == {
        "CPPstartDate": icpc_on,
        "CPPendDate": review_on,
        "InitialCategoryOfAbuse": "NEG",
        "LatestCategoryOfAbuse": "NEG",
        "NumberOfPreviousCPP": 0,
        "CPPreviewDate": [review_on],
    }
