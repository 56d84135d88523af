"""Issue 15 items 2 and 3 in Chromium, signing in through the real sign-in page: the family's lead practitioner refers
the FGDM offer the family accepted from its page (a family network meeting: refused first, with the reason, when no
meeting type is chosen); a manager opens the referral hand-off and allocates an independent facilitator on its
allocation page; the facilitator finds the family on their caseload (menu and home page), records a preparation step
and adds the children's grandmother to the network, who then appears in Mia's relationships on her record. axe-core
finds no WCAG 2.2 AA violation on each page, and at 320 CSS pixels wide nothing scrolls sideways."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import LeadKind, Role
from cases.services import episode_set_lead
from fgdm.models import FgdmReferral
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out, success_banner
from tests.factories import UserFactory
from tests.fgdm.facilitation_support import accepted_offer

pytestmark = pytest.mark.django_db(transaction=True)


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def test_refer_allocate_a_facilitator_and_prepare_adding_a_grandparent(
    page, live_server, family, sw_fhlp, fh_manager, council, password
):
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    offer = accepted_offer(children=[family["mia"], family["leo"]], family_case=family["case"], offered_by=sw_fhlp)
    facilitator = UserFactory(
        agency=council, roles=[Role.FGDM_FACILITATOR], full_name="Fay Facilitator", email="fay@example.test"
    )
    base = live_server.url

    # The lead practitioner refers the accepted offer.
    sign_in(page, base, sw_fhlp.email, password)
    page.goto(base + reverse("fgdm:offer", args=[offer.pk]))
    page.locator("#refer-offer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to the FGDM service")
    page.get_by_role("button", name="Refer").click()  # nothing chosen: refused, with the reasons
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the kind of meeting")
    _checked(page)
    page.get_by_label("Family network meeting").check()
    page.get_by_label("What do the family and professionals want the meeting to decide?").fill(
        "Who looks after Mia and Leo after school while their mum is in hospital."
    )
    page.get_by_role("button", name="Refer").click()
    expect(success_banner(page)).to_contain_text("Referred to the FGDM service")
    _checked(page)
    sign_out(page)
    referral = FgdmReferral.objects.get(offer=offer)

    # A manager allocates an independent facilitator (the lead practitioner cannot be chosen for their own family).
    sign_in(page, base, fh_manager.email, password)
    page.goto(base + reverse("cases:work_request", args=[referral.work_request_id]))
    _checked(page)
    page.locator("#accept").click()  # the hand-off's own page sends the manager to this strand's allocation page
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate a facilitator")
    _checked(page)
    page.get_by_label("Fay Facilitator").check()
    page.get_by_role("button", name="Allocate").click()
    expect(success_banner(page)).to_contain_text("Fay Facilitator is the family's facilitator")
    expect(page.locator("#referral-facilitator")).to_contain_text("Fay Facilitator")
    sign_out(page)

    # The facilitator finds the family on their caseload and prepares.
    sign_in(page, base, facilitator.email, password)
    expect(page.locator("#fgdm-caseload-panel")).to_contain_text("1 family allocated to you")
    _checked(page)
    nav(page, "FGDM caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your FGDM caseload")
    expect(page.locator("#fgdm-caseload")).to_contain_text("Meeting with the referring professionals")
    _checked(page)
    page.get_by_role("link", name="Okafor-Lewis family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prepare the family network meeting")
    _checked(page)
    page.get_by_text("Record a step").click()
    page.get_by_label("Meeting with the referring professionals").check()
    _fill_date(page, "step-date", timezone.localdate() - dt.timedelta(days=1))
    page.get_by_label("Notes").fill("Met Sol Social and the school.")
    page.locator("#step-save").click()
    expect(success_banner(page)).to_contain_text("Meeting with the referring professionals recorded")
    expect(page.locator("#next-step")).to_contain_text("pre-meeting with a parent")
    page.get_by_label("First name").fill("Adaeze")
    page.get_by_label("Last name").fill("Okafor")
    _fill_date(page, "member-date_of_birth", dt.date(1962, 6, 1))
    page.get_by_label("How they are related to the children").select_option("grandparent")
    page.locator("#member-add").click()
    expect(success_banner(page)).to_contain_text("Adaeze Okafor added to the family network")
    expect(page.locator("#network-list")).to_contain_text("Adaeze Okafor")
    _checked(page)

    # She is in Mia's relationships on the shared record.
    page.goto(base + reverse("cases:person_detail", args=[family["mia"].pk]))
    expect(page.locator("main")).to_contain_text("Adaeze Okafor")
    # The record's tables (network, involvements, chronology) scroll in their own regions: it was 466 px wide at 320.
    _checked(page)
