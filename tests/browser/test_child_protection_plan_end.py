"""Issue 14 item 11: an LCPP ends a child protection plan without a conference from the plan page (Mia moved to
another council). A date in the future is refused with the reason and what was typed is kept; axe-core finds no
WCAG 2.2 AA violation on the form and its error page, and both reflow at 320 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import InvolvementRole, LeadKind, Role
from cases.services import episode_change_level, episode_set_lead, involvement_add
from cases.services.plans import plan_start
from macpt.models import ChildProtectionPlan
from macpt.services.conference import conference_arrange, conference_decide
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in, success_banner
from tests.browser.test_child_protection_conference import _fill_date, _working_days_back
from tests.factories import UserFactory
from tests.personas import team

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_an_lcpp_ends_the_plan_without_a_conference_from_the_plan_page(
    page, live_server, family, levels, sw_fhlp, fh_manager, lcpp, council, password
):
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    plan_start(family_case=family["case"], actor=sw_fhlp, data={"worries": "Bruising on Mia's arm"})
    mia = family["mia"]
    episode_change_level(episode=family["episodes"]["Mia"], actor=sw_fhlp, level=levels["child_protection"], reason="x")
    episode_set_lead(episode=family["episodes"]["Mia"], actor=lcpp, user=lcpp, kind=LeadKind.LCPP)
    involvement_add(person=mia, actor=lcpp, role=InvolvementRole.MACPT_MEMBER, team=team("macpt"))
    chair = UserFactory(agency=council, roles=[Role.LCPP], full_name="Cher Chair", email="chair@example.test")
    icpc = _working_days_back(2)
    conference = conference_arrange(
        actor=lcpp, family_case=family["case"], kind="initial", date=icpc, children=[mia], chair=chair
    )
    conference_decide(conference=conference, actor=chair, decisions={mia.pk: {"plan": True, "category": "NEG"}})
    plan = ChildProtectionPlan.objects.get()

    base = live_server.url
    sign_in(page, base, chair.email, password)
    page.goto(f"{base}/child-protection/plans/{plan.pk}/")
    page.locator("#end-plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End the child protection plan without a conference")
    _checked(page)
    page.get_by_label("Moved to another council").check()
    _fill_date(page, "end_date", timezone.localdate() + dt.timedelta(days=3))
    page.get_by_label("Details (optional)").fill("Moved to Leeds: their conference takes over")
    page.locator("#save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("today or in the past")
    expect(page.get_by_label("Details (optional)")).to_have_value("Moved to Leeds: their conference takes over")
    expect(page.get_by_label("Moved to another council")).to_be_checked()
    _checked(page)
    _fill_date(page, "end_date", timezone.localdate())
    page.locator("#save").click()
    expect(success_banner(page)).to_contain_text("Child protection plan ended")
    expect(page.locator("#end-plan")).to_have_count(0)
    _checked(page)
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (timezone.localdate(), "transferred_out")
