"""The continuum in Chromium: the lead practitioner moves Mia to child in need, steps her up to child protection,
records a visit and closes Family Help (meeting the error states on the way); the manager records supervision.
axe-core finds no WCAG 2.2 AA violation on any of these pages."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Episode, EpisodeLevel, WorkRequest
from family_help.models import Supervision
from family_help.services.allocation import allocation_create
from tests.axe import assert_no_axe_violations
from tests.browser.journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def success(page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def test_lead_moves_a_family_along_the_continuum_and_the_manager_supervises(
    page, live_server, family, fh_manager, sw_fhlp, password
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

    # Closure: the summary is missing the first time.
    page.goto(family_page)
    page.get_by_role("link", name="Close", exact=True).click()
    page.get_by_label("Reason for closure").select_option("RC7")
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the closure summary")
    expect(page.get_by_label("Reason for closure")).to_have_value("RC7")
    assert_no_axe_violations(page)
    page.get_by_label("Closure summary").fill("Strategy discussion held; MACPT leads now")
    page.get_by_role("button", name="Close", exact=True).click()
    success(page, "Family Help closed")
    assert Episode.objects.filter(family_case=case, closed_on__isnull=True).count() == 0
    assert EpisodeLevel.objects.filter(episode__person=family["mia"]).count() == 3

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
