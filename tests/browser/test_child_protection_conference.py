"""Issue 14 items 4, 5 and 11 in Chromium, signing in through the real sign-in page: an LCPP who does not lead the
case arranges the initial child protection conference from the family's child protection page, invites Mia's mother
from her network, records who came, adds the council's report, the family's views and the minutes, and decides a
plan (category physical abuse); both minutes PDFs download (the family's without what is not for the family). The
plan page shows the plan on the family's one plan with its clocks; the lead practitioner records a core group and a
visit; a review conference ends the plan and Mia steps down to child in need. axe-core finds no WCAG 2.2 AA
violation on each page, and at 320 CSS pixels wide nothing scrolls sideways."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import EpisodeLevel, InvolvementRole, LeadKind, Role
from cases.services import episode_change_level, episode_set_lead, involvement_add
from cases.services.plans import plan_start
from cases.workdays import Calendar
from macpt.models import ChildProtectionPlan
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in, success_banner
from tests.factories import UserFactory
from tests.personas import team

pytestmark = pytest.mark.django_db(transaction=True)


def _working_days_back(n: int) -> dt.date:
    """The n-th working day before today (0: the last working day on or before today)."""
    calendar, day = Calendar(), timezone.localdate()
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return day


def _fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.body())).pages)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_icpc_to_plan_to_core_group_to_review_and_step_down(
    page, live_server, family, levels, sw_fhlp, fh_manager, lcpp, council, password
):
    # Sol Social leads the family; the family's plan is agreed; Mia is at child protection with Lou Lead as her LCPP.
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    plan_start(family_case=family["case"], actor=sw_fhlp, data={"worries": "Bruising on Mia's arm"})
    mia = family["mia"]
    episode_change_level(episode=family["episodes"]["Mia"], actor=sw_fhlp, level=levels["child_protection"], reason="x")
    episode_set_lead(episode=family["episodes"]["Mia"], actor=lcpp, user=lcpp, kind=LeadKind.LCPP)
    involvement_add(person=mia, actor=lcpp, role=InvolvementRole.MACPT_MEMBER, team=team("macpt"))
    chair = UserFactory(agency=council, roles=[Role.LCPP], full_name="Cher Chair", email="chair@example.test")
    icpc, review = _working_days_back(1), _working_days_back(0)

    base = live_server.url
    sign_in(page, base, chair.email, password)
    page.goto(f"{base}/child-protection/families/{family['case'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Child protection")
    _checked(page)
    page.locator("#arrange-conference").click()
    page.get_by_label("Initial child protection conference", exact=True).check()
    _fill_date(page, "date", icpc)
    page.get_by_label("Mia Okafor-Lewis").check()
    page.get_by_label("Chair (an LCPP who does not lead the case)").select_option(label="Cher Chair")
    _checked(page)
    page.locator("#arrange-submit").click()
    expect(success_banner(page)).to_contain_text("Initial child protection conference arranged")
    conference_url = page.url
    _checked(page)

    page.locator("#invite").click()
    page.get_by_label("A family member from the child's network").select_option(label="Grace Okafor")
    page.get_by_label("Their role").fill("Mother")
    _checked(page)
    page.locator("#save").click()
    page.locator("#record-attendance").click()
    page.get_by_role("group", name="Grace Okafor (Mother)").get_by_text("Attended", exact=True).click()
    _checked(page)
    page.locator("#save").click()
    expect(page.locator("#invitees")).to_contain_text("Grace Okafor (Mother): Attended")

    page.locator("#add-report").click()
    page.get_by_label("Your agency's report").fill("Social care: the bruise was explained inconsistently.")
    page.get_by_label("Not to be shared with the family").uncheck()
    _checked(page)
    page.locator("#save").click()
    page.locator("#record-minutes").click()
    page.get_by_label("What the family and the children say").fill("Grace: we will work with you.")
    page.get_by_label("Minutes (shared with the family)").fill("The conference agreed a plan.")
    page.get_by_label("Minutes not for the family").fill("Police intelligence about a visitor.")
    _checked(page)
    page.locator("#save").click()

    page.locator("#record-decision").click()
    decision = page.get_by_role("group", name="Does Mia Okafor-Lewis need a child protection plan?")
    decision.get_by_text("Yes", exact=True).click()
    page.get_by_label("Category of abuse for Mia Okafor-Lewis").select_option(label="Physical abuse")
    _checked(page)
    page.locator("#save").click()
    expect(page.locator("#conference-status")).to_have_text("Held: decisions recorded")
    _checked(page)

    minutes = _pdf_text(page.request.get(base + page.locator("#minutes-pdf").get_attribute("href")))
    family_version = _pdf_text(page.request.get(base + page.locator("#family-minutes-pdf").get_attribute("href")))
    assert "Police intelligence about a visitor" in minutes and "Physical abuse" in minutes
    assert "Police intelligence" not in family_version and "The conference agreed a plan." in family_version

    page.get_by_role("link", name="Child protection plan for Mia Okafor-Lewis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child protection plan")
    expect(page.locator("#cp-plan-due")).to_contain_text("First core group")
    expect(page.locator("#cp-plan-due")).to_contain_text("Review child protection conference")
    _checked(page)
    plan = ChildProtectionPlan.objects.get(person=mia)
    assert plan.start_date == icpc and plan.family_plan.family_case_id == family["case"].pk

    # The family's lead practitioner records the core group and a visit.
    page.context.clear_cookies()
    sign_in(page, base, sw_fhlp.email, password)
    page.goto(f"{base}/child-protection/plans/{plan.pk}/")
    page.locator("#record-core-group").click()
    _fill_date(page, "date", review)
    page.get_by_label("Who came").fill("Sol Social (council), Lou Lead (LCPP), Grace Okafor")
    _checked(page)
    page.locator("#save").click()
    expect(success_banner(page)).to_contain_text("Core group recorded")
    page.locator("#record-visit").click()
    _fill_date(page, "date", review)
    page.get_by_role("group", name="Was the child seen?").get_by_text("Yes", exact=True).click()
    page.get_by_role("group", name="Was the child seen alone?").get_by_text("Yes", exact=True).click()
    _checked(page)
    page.locator("#save").click()
    expect(page.locator("#visits")).to_contain_text("seen alone (Sol Social)")

    # The review conference ends the plan: Mia steps down to child in need and Sol carries on.
    page.context.clear_cookies()
    sign_in(page, base, chair.email, password)
    page.goto(f"{base}/child-protection/plans/{plan.pk}/")
    page.locator("#arrange-review").click()
    _fill_date(page, "date", review)
    page.get_by_label("Chair (an LCPP who does not lead the case)").select_option(label="Cher Chair")
    page.locator("#arrange-submit").click()
    expect(success_banner(page)).to_contain_text("Review child protection conference arranged")
    page.locator("#record-decision").click()
    page.get_by_role("group", name="Does Mia Okafor-Lewis's child protection plan continue?").get_by_text(
        "No", exact=True
    ).click()
    page.get_by_label("If the plan ends: why (Mia Okafor-Lewis)").select_option(
        label="No longer at continuing risk of significant harm"
    )
    page.get_by_label("Child in need (the child remains in need)").check()
    _checked(page)
    page.locator("#save").click()
    expect(page.locator("#conference-children")).to_contain_text("the plan ended: stepped down")
    page.goto(f"{base}/child-protection/plans/{plan.pk}/")
    expect(page.locator("#cp-plan-status")).to_contain_text("Ended on")
    _checked(page)
    level = EpisodeLevel.objects.get(episode=family["episodes"]["Mia"], ended_at__isnull=True).level
    assert level.census_meaning == "child_in_need"
    assert conference_url.endswith(f"/child-protection/conferences/{plan.conference_id}/")
