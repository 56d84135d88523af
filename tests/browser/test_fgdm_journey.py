"""Family group decision making from the family's plan to the review of the family's own plan, in Chromium (issue 15's
done-when), each person signing in through the real sign-in page:

1. Mia and Leo's lead practitioner sees on the family's plan that no FGDM offer is recorded there, offers a family
   group conference to their mother (the one with parental responsibility), and records that the family accepted.
2. The lead practitioner refers the accepted offer to the FGDM service.
3. A manager opens the referral from the work-request inbox and allocates an independent facilitator: the lead
   practitioner is listed as not independent and cannot be chosen.
4. The facilitator, who could not open the family before, finds them on their caseload, prepares (a dated step with
   the referring professionals, the children's grandfather added to the network), and he then appears in Mia's
   relationships on her record.
5. The facilitator records the meeting with private family time, the family's plan in their words, the professionals'
   agreement that it keeps the children safe, and the review date; the family's plan shows on the family's one plan.
6. At the agreed time (the clock moved on to the review date) the shared deadlines remind the facilitator once, and
   the facilitator reviews the family's plan; the reminder is met.

axe-core finds no WCAG 2.2 AA violation on any page, and every page reflows at 320 CSS pixels."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Deadline, LeadKind, Notification, Relationship, WorkRequest
from cases.services import deadline_sweep, episode_set_lead, plan_start
from cases.workdays import Calendar
from fgdm.models import FamilyPlanReview, FgdmMeeting, FgdmOffer, FgdmReferral, OfferResponse
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out, success_banner

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "How Mia and Leo are looked after while their mum is in hospital for six weeks."


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def _fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def _working_day_on_or_before(day: dt.date) -> dt.date:
    calendar = Calendar.from_database()
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def test_a_family_is_offered_fgdm_from_their_plan_and_makes_and_reviews_their_own_plan(
    page, live_server, family, sw_fhlp, fh_manager, fgdm_facilitator, password
):
    base, mia, leo, grace = live_server.url, family["mia"], family["leo"], family["grace"]
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    family_plan = plan_start(
        family_case=family["case"], actor=sw_fhlp, data={"worries": "Grace goes into hospital for six weeks."}
    )
    today = timezone.localdate()
    # Before any allocation the facilitator cannot open the family: need to know.
    sign_in(page, base, fgdm_facilitator.email, password)
    response = page.goto(base + reverse("cases:person_detail", args=[mia.pk]))
    assert response.status == 404
    sign_out(page)

    # 1. The lead practitioner offers FGDM from the family's plan, and the family accepts.
    sign_in(page, base, sw_fhlp.email, password)
    page.goto(base + reverse("cases:plan", args=[family["case"].pk]))
    prompt = page.locator(".app-prompt", has_text="family group decision making")
    expect(prompt).to_contain_text("No family group decision making offer is recorded at the family's plan")
    _checked(page)
    prompt.get_by_role("link", name="Offer family group decision making").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer family group decision making")
    expect(page.get_by_label("Grace Okafor")).to_be_checked()  # the one with parental responsibility
    _checked(page)
    _fill_date(page, "offered_on", today)
    page.get_by_label("Offered to the family").check()
    page.locator("#save-offer").click()
    expect(success_banner(page)).to_contain_text("Offer recorded")
    page.locator("#record-answer").click()
    page.get_by_label("Accepted").check()
    _fill_date(page, "responded_on", today)
    _checked(page)
    page.locator("#save-answer").click()
    expect(success_banner(page)).to_contain_text("Answer recorded: accepted")
    offer = FgdmOffer.objects.get()
    assert offer.response == OfferResponse.ACCEPTED and offer.source_id == family_plan.pk
    assert set(offer.children.all()) == {mia, leo} and list(offer.recipients.all()) == [grace]

    # 2. ... and refers it to the FGDM service.
    page.locator("#refer-offer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to the FGDM service")
    page.get_by_label("Family group conference").check()
    page.get_by_label("What do the family and professionals want the meeting to decide?").fill(REASON)
    _checked(page)
    page.get_by_role("button", name="Refer").click()
    expect(success_banner(page)).to_contain_text("Referred to the FGDM service")
    referral = FgdmReferral.objects.get(offer=offer)
    request = WorkRequest.objects.get(pk=referral.work_request_id, kind=WorkRequest.Kind.FGDM_REFERRAL)
    sign_out(page)

    # 3. A manager allocates an independent facilitator from the work-request inbox.
    sign_in(page, base, fh_manager.email, password)
    nav(page, "Work requests").click()
    page.locator(f"#work-request-{request.pk}").get_by_role("link", name="Open").click()
    page.get_by_role("link", name="Allocate a facilitator").or_(
        page.get_by_role("button", name="Allocate a facilitator")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate a facilitator")
    _checked(page)
    expect(page.get_by_label(sw_fhlp.full_name, exact=False)).to_have_count(0)  # the family's own lead: not offered
    page.get_by_label(fgdm_facilitator.full_name).check()
    page.get_by_role("button", name="Allocate").click()
    expect(success_banner(page)).to_contain_text(f"{fgdm_facilitator.full_name} is the family's facilitator")
    request.refresh_from_db()
    assert request.status == WorkRequest.Status.ACCEPTED
    sign_out(page)

    # 4. The facilitator finds the family on their caseload and prepares, adding the children's grandfather.
    sign_in(page, base, fgdm_facilitator.email, password)
    nav(page, "FGDM caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your FGDM caseload")
    _checked(page)
    page.get_by_role("link", name=family["case"].name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prepare the family group conference")
    _checked(page)
    page.get_by_text("Record a step").click()
    page.get_by_label("Meeting with the referring professionals").check()
    _fill_date(page, "step-date", today)
    page.get_by_label("Notes").fill("Met the lead practitioner and the school's DSL.")
    page.locator("#step-save").click()
    expect(success_banner(page)).to_contain_text("Meeting with the referring professionals recorded")
    page.get_by_label("First name").fill("Emeka")
    page.get_by_label("Last name").fill("Okafor")
    _fill_date(page, "member-date_of_birth", dt.date(1958, 2, 14))
    page.get_by_label("How they are related to the children").select_option("grandparent")
    page.locator("#member-add").click()
    expect(success_banner(page)).to_contain_text("Emeka Okafor added to the family network")
    _checked(page)
    grandfather = Relationship.objects.get(to_person=mia, from_person__first_name="Emeka").from_person
    page.goto(base + reverse("cases:person_detail", args=[mia.pk]))
    expect(page.locator("#family-network ~ div, #family-network ~ table").first).to_contain_text("Emeka Okafor")
    _checked(page)

    # 5. The meeting, with private family time and the family's own plan.
    page.goto(base + reverse("fgdm:referral", args=[referral.pk]))
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the meeting")
    _checked(page)
    _fill_date(page, "held_on", today)
    page.get_by_label("Private family time started at").fill("11:00")
    page.get_by_label("Private family time ended at").fill("12:15")
    page.get_by_label("Grace Okafor").check()
    page.get_by_label("Emeka Okafor").check()
    page.locator("#save").click()
    expect(success_banner(page)).to_be_visible()
    meeting = FgdmMeeting.objects.get(referral=referral)
    expect(page.locator("#private-family-time")).to_contain_text("11:00 to 12:15")
    _checked(page)
    page.locator("#add-plan-item").click()
    page.get_by_label("What will happen, in the family's words").fill(
        "Grandad Emeka moves in and takes Mia and Leo to school every day."
    )
    page.get_by_label("Who will do it").fill("Grandad Emeka")
    page.get_by_label("When").fill("From the day Grace goes into hospital until she is home")
    page.get_by_label("If it does not happen, what then?").fill("Aunt Ngozi has them at hers.")
    _checked(page)
    page.locator("#save").click()
    expect(page.locator("#family-plan")).to_contain_text("Grandad Emeka moves in")
    page.locator("#agree").click()
    page.get_by_role("group", name="Did the family agree a plan?").get_by_label("Yes").check()
    page.get_by_role("group", name="Do the professionals agree the plan keeps the children safe?").get_by_label(
        "Yes"
    ).check()
    review_on = _working_day_on_or_before(today + dt.timedelta(days=42))
    _fill_date(page, "review_date", review_on)
    _checked(page)
    page.locator("#save").click()
    expect(page.locator("#agreement")).to_contain_text("The professionals agree it keeps the children safe")
    expect(page.locator("#review-date")).to_contain_text(f"{review_on.day} {review_on:%B %Y}")
    meeting.refresh_from_db()
    assert meeting.plan_id == family_plan.pk  # the family's one plan, not a second one
    # The family's plan is on the family's one plan.
    page.goto(base + reverse("cases:plan", args=[family["case"].pk]))
    expect(page.locator("main")).to_contain_text("Grandad Emeka moves in")
    _checked(page)
    sign_out(page)

    # 6. At the agreed time: reminded once, and the facilitator reviews the family's plan.
    deadline = Deadline.objects.get(kind="fgdm.review", state=Deadline.State.OPEN)
    reminded_at = timezone.make_aware(dt.datetime.combine(review_on, dt.time(9, 0)))
    deadline_sweep(now=reminded_at)
    deadline_sweep(now=reminded_at)
    reminders = Notification.objects.filter(user=fgdm_facilitator, link__contains=f"/meetings/{meeting.pk}/")
    assert reminders.filter(title__icontains="review").count() == 1
    with time_machine.travel(reminded_at + dt.timedelta(hours=1), tick=True):
        sign_in(page, base, fgdm_facilitator.email, password)
        page.goto(base + reverse("fgdm:meeting", args=[meeting.pk]))
        page.locator("#record-review").click()
        _fill_date(page, "held_on", review_on)
        page.get_by_label("The plan is working").check()
        page.get_by_label("What the family said").fill("Emeka has done every school run; the children are settled.")
        _checked(page)
        page.locator("#save").click()
        expect(page.locator("#reviews")).to_contain_text("The plan is working")
        _checked(page)
    review = FamilyPlanReview.objects.get(meeting=meeting)
    assert review.held_on == review_on
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET
    # The grandfather is in both children's network in the shared record, not only in this strand.
    assert Relationship.objects.filter(from_person=grandfather, to_person=leo).exists()
