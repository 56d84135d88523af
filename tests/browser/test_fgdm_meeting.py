"""Issue 15 items 4-6 in Chromium, signing in through the real sign-in page: the allocated facilitator opens the
meeting from the preparation page and records it: refused first without private family time (with the reason, what
was typed kept), then with it and who came; what a professional shared (refused when timed inside private family
time); the family's plan in their words; a Family Network Support Package (a negative cost refused); the
professionals' view ("not safe" without a reason refused) and the review date. The family's plan then shows on the
family's one plan page, the family's PDF downloads, and the facilitator reviews the plan (a review before the meeting
refused). axe-core finds no WCAG 2.2 AA violation on each page, and at 320 CSS pixels wide nothing scrolls sideways."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import LeadKind, Role
from cases.services import episode_set_lead
from fgdm.models import FamilyPlanReview, FgdmMeeting, FgdmReferral
from fgdm.services.referrals import referral_allocate, referral_create
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in, success_banner
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


def _errors(page):
    return page.locator(".govuk-error-summary")


def test_record_a_meeting_with_private_family_time_and_the_familys_plan_then_review_it(
    page, live_server, family, sw_fhlp, fh_manager, council, password
):
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    facilitator = UserFactory(
        agency=council, roles=[Role.FGDM_FACILITATOR], full_name="Fay Facilitator", email="fay@example.test"
    )
    offer = accepted_offer(children=[family["mia"], family["leo"]], family_case=family["case"], offered_by=sw_fhlp)
    referral = referral_create(
        offer=offer, actor=sw_fhlp, meeting_type="fgc", reason="Who looks after Mia and Leo while mum is in hospital."
    )
    referral_allocate(referral=referral, actor=fh_manager, facilitator=facilitator)
    today = timezone.localdate()
    held = today - dt.timedelta(days=2)
    FgdmReferral.objects.filter(pk=referral.pk).update(
        referred_on=today - dt.timedelta(days=20), language="Polish", interpreter_needed=True
    )
    base = live_server.url

    sign_in(page, base, facilitator.email, password)
    page.goto(base + reverse("fgdm:preparation", args=[referral.pk]))
    page.locator("#record-meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the meeting")
    _checked(page)

    # No private family time: refused with the reason, the date and who came kept.
    _fill_date(page, "held_on", held)
    page.get_by_label("Grace Okafor").check()
    page.get_by_label(f"{sw_fhlp.full_name}, {sw_fhlp.agency.name}").check()
    page.get_by_role("button", name="Record the meeting").click()
    expect(_errors(page)).to_contain_text("private family time")
    expect(page.locator("#id_held_on_year")).to_have_value(str(held.year))
    expect(page.get_by_label("Grace Okafor")).to_be_checked()
    _checked(page)
    page.get_by_label("Private family time started at").fill("13:00")
    page.get_by_label("Private family time ended at").fill("14:30")
    page.get_by_role("button", name="Record the meeting").click()
    expect(success_banner(page)).to_contain_text("Meeting recorded")
    expect(page.locator("#private-family-time")).to_have_text("13:00 to 14:30")
    expect(page.locator("#attendees")).to_contain_text("Grace Okafor")
    _checked(page)
    meeting = FgdmMeeting.objects.get(referral=referral)

    # What the lead practitioner shared: not during private family time.
    page.locator("#add-information").click()
    page.get_by_label("Who shared it?").select_option(label=f"{sw_fhlp.full_name}, {sw_fhlp.agency.name}")
    page.get_by_label("What they shared").fill("Mia's attendance is 80% this term.")
    page.get_by_label("When it was shared (optional)").fill("13:45")
    page.get_by_role("button", name="Save the information").click()
    expect(_errors(page)).to_contain_text("Professionals record nothing during private family time")
    expect(page.get_by_label("What they shared")).to_have_value("Mia's attendance is 80% this term.")
    _checked(page)
    page.get_by_label("When it was shared (optional)").fill("12:40")
    page.get_by_role("button", name="Save the information").click()
    expect(success_banner(page)).to_contain_text("Information recorded")

    # The family's plan, in their words.
    page.locator("#add-plan-item").click()
    page.get_by_label("What will happen, in the family's words").fill("Nana Zofia picks Mia and Leo up from school")
    page.get_by_label("Who will do it").fill("Nana Zofia")
    page.get_by_label("When").fill("Every school day until mum is home")
    page.get_by_label("If it does not happen, what then?").fill("Uncle Piotr does it")
    _checked(page)
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#family-plan")).to_contain_text("Nana Zofia picks Mia and Leo up from school")

    # A Family Network Support Package: a negative cost refused, what was typed kept.
    page.locator("#add-support").click()
    page.get_by_label("Financial help").check()
    page.get_by_label("What the family asked for").fill("Nana Zofia's bus fares")
    page.get_by_label("A Family Network Support Package").check()
    page.get_by_label("Cost in pounds").fill("-5")
    page.get_by_role("button", name="Save the support").click()
    expect(_errors(page)).to_contain_text("cannot be negative")
    expect(page.get_by_label("What the family asked for")).to_have_value("Nana Zofia's bus fares")
    _checked(page)
    page.get_by_label("Cost in pounds").fill("320.00")
    page.get_by_role("button", name="Save the support").click()
    expect(page.locator("#support")).to_contain_text("£320.00")

    # The professionals' view: "not safe" needs a reason.
    review_on = today + dt.timedelta(days=42)
    page.locator("#agree").click()
    page.locator("#id_plan_agreed_0").check()
    page.locator("#id_keeps_child_safe_1").check()
    _fill_date(page, "review_date", review_on)
    page.get_by_role("button", name="Record the family's plan").click()
    expect(_errors(page)).to_contain_text("Say why")
    expect(page.locator("#id_review_date_year")).to_have_value(str(review_on.year))
    _checked(page)
    page.locator("#id_keeps_child_safe_0").check()
    page.get_by_role("button", name="Record the family's plan").click()
    expect(page.locator("#agreement")).to_contain_text("The professionals agree it keeps the children safe")
    expect(page.locator("#review-date")).to_contain_text(f"{review_on:%-d %B %Y}")
    _checked(page)

    # The family's plan on the family's one plan page, linking back to the meeting.
    page.goto(base + reverse("cases:plan", args=[family["case"].pk]))
    prompt = page.locator(".app-prompt", has_text="The family's own plan")
    expect(prompt).to_contain_text("Nana Zofia picks Mia and Leo up from school")
    _checked(page)
    prompt.get_by_role("link", name="See the meeting and the family's plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family group conference")

    # The family's PDF downloads.
    with page.expect_download() as download:
        page.locator("#family-plan-pdf").click()
    assert download.value.suggested_filename == f"family-plan-{meeting.pk}.pdf"

    # The review: not before the meeting.
    page.locator("#record-review").click()
    _fill_date(page, "held_on", held - dt.timedelta(days=1))
    page.get_by_label("The plan is working").check()
    page.get_by_label("What the family said").fill("Nana Zofia says the pick-ups are going well")
    page.get_by_role("button", name="Record the review").click()
    expect(_errors(page)).to_contain_text("before the meeting")
    expect(page.get_by_label("What the family said")).to_have_value("Nana Zofia says the pick-ups are going well")
    _checked(page)
    _fill_date(page, "held_on", today)
    page.get_by_role("button", name="Record the review").click()
    expect(success_banner(page)).to_contain_text("Review recorded")
    expect(page.locator("#reviews")).to_contain_text("The plan is working")
    _checked(page)
    assert FamilyPlanReview.objects.filter(meeting=meeting, outcome="working").count() == 1
