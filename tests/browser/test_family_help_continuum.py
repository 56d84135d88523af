"""The continuum in Chromium: the lead practitioner moves Mia to child in need (a new referral: its source asked),
steps her up to child protection, records a visit and closes Family Help for Leo (meeting the error states on the
way); Mia, at child protection, is not theirs to step down or close: the LCPP steps her down to targeted early help
with a reason and the census reason for closure. The manager records supervision. A voluntary-sector lead is not
offered the step down from child protection. axe-core finds no WCAG 2.2 AA violation on any of these pages, and
the step-down page reflows at 320 px."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import CinReferral, Episode, EpisodeLevel, WorkRequest
from family_help.models import Supervision
from family_help.services.allocation import allocation_create
from family_help.services.continuum import continuum_step_up
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, sign_in, sign_out
from tests.family_help.assessment_support import appoint_lead

pytestmark = pytest.mark.django_db(transaction=True)


def success(page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def test_lead_moves_a_family_along_the_continuum_and_the_manager_supervises(
    page, live_server, family, fh_manager, sw_fhlp, lcpp, password
):
    allocation_create(work_request=family["request"], actor=fh_manager, lead=sw_fhlp)
    base, case = live_server.url, family["case"]
    family_page = f"{base}/family-help/families/{case.pk}/"

    sign_in(page, base, sw_fhlp.email, password)
    page.goto(family_page)
    expect(page.get_by_role("heading", name="Level of need")).to_be_visible()
    assert_no_axe_violations(page)

    # Child in need, after a refused first try that keeps nothing back.
    page.get_by_role("link", name="Change level").click()
    page.get_by_role("button", name="Change the level").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select at least one child")
    expect(summary).to_contain_text("Give the reason for the change")
    assert_no_axe_violations(page)
    page.get_by_label("Mia Okafor-Lewis").check()
    page.get_by_label("Child in need (section 17)").check()
    page.get_by_label("Why is the level changing?").fill("The assessment found complex needs")
    page.get_by_role("button", name="Change the level").click()
    # Moving up from early help is a new referral to children's social care: its source is asked, keeping the rest.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose where the referral came from")
    expect(page.get_by_label("Why is the level changing?")).to_have_value("The assessment found complex needs")
    assert_no_axe_violations(page)
    page.get_by_label("Where did the referral come from?").select_option("2A")
    page.get_by_role("button", name="Change the level").click()
    success(page, "Level of need changed")
    expect(page.get_by_role("heading", name="Mia Okafor-Lewis: Child in need")).to_be_visible()

    # Step up.
    page.get_by_role("link", name="Step up to child protection").click()
    assert_no_axe_violations(page)
    page.get_by_label("Mia Okafor-Lewis").check()
    page.get_by_label("What is the worry?").fill("Mia said mum's partner hit her")
    page.get_by_label("Why does this need child protection now?").fill("Likely significant harm")
    page.get_by_role("button", name="Step up and ask for a strategy discussion").click()
    success(page, "strategy discussion")
    assert WorkRequest.objects.filter(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).count() == 1

    # A visit.
    page.get_by_role("link", name="Record a visit").click()
    assert_no_axe_violations(page)
    page.get_by_label("Leo Okafor-Lewis").check()
    page.get_by_label("Subject").fill("Home visit")
    page.get_by_label("Note", exact=True).fill("Leo was playing with his sister.")
    page.get_by_role("group", name="Was the child seen?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("No").check()
    page.get_by_role("button", name="Save and make final").click()
    success(page, "Saved and made final")

    # Closure: Mia, at child protection with a strategy discussion asked for, is the LCPP's; Leo closes. The summary
    # is missing the first time.
    page.goto(family_page)
    page.get_by_role("link", name="Close", exact=True).click()
    expect(page.locator("#lcpp-only")).to_contain_text("Mia Okafor-Lewis")
    expect(page.get_by_role("checkbox", name=re.compile("Mia Okafor-Lewis"))).to_have_count(0)
    page.get_by_label("Reason for closure").select_option("RC7")
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the closure summary")
    expect(page.get_by_label("Reason for closure")).to_have_value("RC7")
    assert_no_axe_violations(page)
    page.get_by_label("Closure summary").fill("Strategy discussion held; MACPT leads now")
    page.get_by_role("button", name="Close", exact=True).click()
    success(page, "Family Help closed")
    assert list(Episode.objects.filter(family_case=case, closed_on__isnull=True)) == [family["episodes"]["Mia"]]

    # The LCPP steps Mia down to targeted early help: the census reason for closure is asked, then recorded.
    sign_out(page)
    sign_in(page, base, lcpp.email, password)
    page.goto(family_page)
    page.get_by_role("link", name="Step down").click()
    page.get_by_label("Mia Okafor-Lewis").check()
    page.get_by_label("Targeted early help").check()
    page.get_by_label("Why step down?").fill("Strategy discussion: no s47; Family Help continues at early help")
    page.get_by_role("button", name="Step down", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("census reason for closure")
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_label("Census reason for closure").select_option("RC7")
    page.get_by_role("button", name="Step down", exact=True).click()
    success(page, "Stepped down")
    assert EpisodeLevel.objects.filter(episode__person=family["mia"]).count() == 4
    referral = CinReferral.objects.get(person=family["mia"])
    assert referral.closure_reason == "RC7" and referral.closed_by == lcpp
    assert WorkRequest.objects.get(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).status == WorkRequest.Status.CANCELLED

    # The manager's supervision pages.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, fh_manager.email, password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Supervision", exact=True).click()
    expect(page.get_by_role("row", name="Sol Social")).to_contain_text("Never held")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Record a supervision").click()
    page.get_by_label("Practitioner").select_option(label="Sol Social")
    page.get_by_role("button", name="Save supervision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reflection")
    assert_no_axe_violations(page)
    page.get_by_label("Reflection").fill("Reflected on the step up and how Sol is coping.")
    page.get_by_label("Action 1", exact=True).fill("Book a debrief")
    row = page.get_by_role("group", name="Action 1: due")
    row.get_by_label("Day").fill("1")
    row.get_by_label("Month").fill("1")
    row.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Save supervision").click()
    success(page, "Supervision recorded")
    expect(page.get_by_role("cell", name="Book a debrief", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile(r"^Mark done\W+Book a debrief$")).click()
    success(page, "Action marked done")
    expect(page.get_by_role("cell", name="Book a debrief", exact=True)).to_be_visible()
    assert Supervision.objects.count() == 1


def test_a_voluntary_sector_lead_is_not_offered_the_step_down_from_child_protection(
    page, live_server, family, fh_manager, vcs_fhlp, password
):
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    continuum_step_up(
        family_case=family["case"],
        actor=vcs_fhlp,
        children=[family["mia"]],
        worry="Bruise on Mia's cheek",
        reason="Likely significant harm",
        referral_source="2A",
    )
    base, case = live_server.url, family["case"]
    sign_in(page, base, vcs_fhlp.email, password)
    page.goto(f"{base}/family-help/families/{case.pk}/step-down/")
    expect(page.locator("#lcpp-only")).to_contain_text("Only a Lead Child Protection Practitioner")
    expect(page.locator("#lcpp-only")).to_contain_text("Mia Okafor-Lewis")
    expect(page.get_by_role("checkbox", name=re.compile("Mia Okafor-Lewis"))).to_have_count(0)
    expect(page.get_by_role("checkbox", name=re.compile("Leo Okafor-Lewis"))).to_have_count(1)
    assert_no_axe_violations(page)
    assert_reflows(page)
    assert WorkRequest.objects.get(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).status == WorkRequest.Status.OPEN
