"""The continuum without gaps, in Chromium (issue 13's done-when), each person signing in through the real sign-in
page: a school refers Mia, who is already open to Family Help with a voluntary-sector lead; the lead is told and
triage sees what the record knows; triage decides a strategy discussion (a decision that waits for the manager's
sign-off, while the request and the LCPPs' alert go at once); the LCPP accepts the request from the work-request
inbox and becomes Mia's LCPP before the manager agrees the decision (which opens Mia's CIN referral); the
voluntary-sector lead cannot step Mia down from child protection; the LCPP steps
her down to Family Help with a reason, and the census reason for closure is recorded on her CIN referral.
axe-core finds no WCAG 2.2 AA violation on any page on the way, and the pages reflow at 320 CSS pixels."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CinReferral, EpisodeLead, LeadKind, Notification, WorkRequest
from cases.services import episode_current_level
from front_door.models import Contact
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, sign_out, success_banner
from tests.family_help.assessment_support import appoint_lead

pytestmark = pytest.mark.django_db(transaction=True)

WORRY = "Mia told her teacher that mum's partner hit her with a belt last night; she has a mark on her arm."
RATIONALE = "A disclosure of physical harm by an adult in the home: a strategy discussion is needed today."
STEP_DOWN = "The strategy discussion found no s47 threshold; Family Help continues with the family."


def test_a_school_referral_of_an_open_child_reaches_the_lead_and_the_lcpp_steps_down(
    page, live_server, family, school_dsl, triage_officer, front_door_manager, lcpp, vcs_fhlp, fh_manager, password
):
    base, mia = live_server.url, family["mia"]
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)

    # 1. The school's DSL refers Mia.
    sign_in(page, base, school_dsl.email, password)
    nav(page, "Refer a child").click()
    page.get_by_label("What is the worry?").fill(WORRY)
    page.get_by_label("Physical abuse").check()
    page.get_by_label("The family knows and agrees").check()
    child = page.locator("#child-1")
    child.get_by_label("First name").fill("Mia")
    child.get_by_label("Last name").fill("Okafor-Lewis")
    child.get_by_label("Day").fill("2")
    child.get_by_label("Month").fill("5")
    child.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    contact = Contact.objects.get()
    sign_out(page)

    # 2. Triage matches Mia to her record: the page shows her open episode and her lead practitioner.
    sign_in(page, base, triage_officer.email, password)
    nav(page, "Front door").click()
    page.get_by_role("button", name=f"Assign to me ({contact.reference})").click()
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("link", name="Find or create record for Mia Okafor-Lewis").click()
    page.get_by_label("Mia Okafor-Lewis", exact=False).first.check()
    page.get_by_role("button", name="Use this record").click()
    expect(success_banner(page)).to_contain_text("Mia Okafor-Lewis linked to contact")
    context = page.locator("#context-child-1")
    expect(page.locator("#context-episode-1")).to_contain_text("Targeted early help")
    expect(page.locator("#context-leads-1")).to_contain_text("Val Voluntary")
    expect(page.locator("#context-siblings-1")).to_contain_text("Leo Okafor-Lewis")
    expect(context).to_be_visible()
    assert_no_axe_violations(page)
    assert_reflows(page)
    # ... and the lead practitioner is told (never the child's name in the title), with a link she can open.
    told = Notification.objects.get(user=vcs_fhlp, kind="contact.child_open")
    assert contact.reference in told.title and "Mia" not in told.title

    # 3. Triage decides a strategy discussion; sign-off is the manager's, but the request goes now.
    page.get_by_role("button", name="Record decision").click()
    page.get_by_label("Strategy discussion and s47 enquiry").check()
    page.get_by_label("Level of need").select_option("child_protection")
    page.get_by_label("Reasons for the decision").fill(RATIONALE)
    page.get_by_role("button", name="Save decision").click()
    expect(success_banner(page)).to_contain_text(f"Decision recorded on contact {contact.reference}")
    assert_no_axe_violations(page)
    request = WorkRequest.objects.get(person=mia, kind=WorkRequest.Kind.STRATEGY_DISCUSSION)
    assert request.status == WorkRequest.Status.OPEN
    sign_out(page)

    # 4. The LCPP accepts it from the inbox (starting the strategy discussion) and becomes Mia's LCPP.
    sign_in(page, base, lcpp.email, password)
    nav(page, "Work requests").click()
    card = page.locator(f"#work-request-{request.pk}")
    expect(card).to_contain_text("Strategy discussion: Mia Okafor-Lewis")
    assert_no_axe_violations(page)
    assert_reflows(page)
    card.get_by_role("link", name="Open").click()
    page.get_by_role("button", name="Accept the strategy discussion").click()
    # Child protection's accept page (issue 14): accepting the request starts the strategy discussion.
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a strategy discussion")
    page.locator("#start-discussion").click()
    expect(success_banner(page)).to_contain_text("Strategy discussion started")
    assert_no_axe_violations(page)
    episode = family["episodes"]["Mia"]
    assert EpisodeLead.objects.get(episode=episode, kind=LeadKind.LCPP, ended_at__isnull=True).user == lcpp
    assert episode_current_level(episode).census_meaning == "child_protection"
    sign_out(page)

    # 5. The front door manager agrees the decision, after the LCPP has already acted on it: Mia's CIN referral
    # dates from the day the school's contact came in.
    sign_in(page, base, front_door_manager.email, password)
    nav(page, "Front door").click()
    page.get_by_role("link", name="awaiting sign-off").click()
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("button", name="Sign off").click()
    page.get_by_label("Yes, sign it off").check()
    page.get_by_role("button", name="Save sign-off").click()
    expect(success_banner(page)).to_contain_text(f"Decision on contact {contact.reference} signed off")
    referral = CinReferral.objects.get(person=mia)
    assert referral.referral_date == timezone.localtime(contact.received_at).date() and referral.closed_on is None
    sign_out(page)

    # 6. The voluntary-sector lead sees the contact in her notifications, and cannot step Mia down.
    sign_in(page, base, vcs_fhlp.email, password)
    nav(page, "Notifications").click()
    page.get_by_role("button", name=f"Open notification: {told.title}").click()
    expect(page.locator("main")).to_contain_text(contact.reference)
    assert_no_axe_violations(page)
    page.goto(f"{base}/family-help/families/{family['case'].pk}/step-down/")
    expect(page.get_by_label("Mia Okafor-Lewis")).to_have_count(0)
    assert_no_axe_violations(page)
    sign_out(page)

    # 7. The LCPP steps Mia down to Family Help with a reason and the census reason for closure.
    sign_in(page, base, lcpp.email, password)
    page.goto(f"{base}/family-help/families/{family['case'].pk}/")
    page.get_by_role("link", name="Step down").click()
    page.get_by_role("checkbox", name="Mia Okafor-Lewis").check()
    page.get_by_role("radio", name="Targeted early help").check()
    page.get_by_label("Why step down?").fill(STEP_DOWN)
    page.get_by_label("Reason for closure").select_option("RC7")
    page.get_by_role("button", name="Step down").click()
    expect(success_banner(page)).to_be_visible()
    assert_no_axe_violations(page)
    assert_reflows(page)
    assert episode_current_level(episode).census_meaning == "early_help"
    referral.refresh_from_db()
    assert referral.closure_reason == "RC7" and referral.closed_on == timezone.localdate()
