"""Issue 15 item 1 in Chromium, signing in through the real sign-in page: the family's lead practitioner sees, on the
family's plan, that no family group decision making offer is recorded there; follows the prompt to the offer page
(the children from the plan, their mother ticked as the one with parental responsibility); "not offered" without a
rationale is refused with the reason and what was typed kept; the offer is recorded, then the family's acceptance;
the plan's prompt then says what was answered. axe-core finds no WCAG 2.2 AA violation on each page, and at 320 CSS
pixels wide nothing scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import LeadKind
from cases.services import episode_set_lead
from cases.services.plans import plan_start
from fgdm.models import FgdmOffer, OfferResponse
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows, nav, sign_in, success_banner

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(page, name: str, day) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def _checked(page) -> None:
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_the_lead_offers_fgdm_from_the_familys_plan_and_records_the_acceptance(
    page, live_server, family, sw_fhlp, fh_manager, password
):
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    plan_start(family_case=family["case"], actor=sw_fhlp, data={"worries": "Mia's attendance"})
    today = timezone.localdate()

    base = live_server.url
    sign_in(page, base, sw_fhlp.email, password)
    page.goto(f"{base}/cases/families/{family['case'].pk}/plan/")
    prompt = page.locator(".app-prompt", has_text="family group decision making")
    expect(prompt).to_contain_text("No family group decision making offer is recorded at the family's plan")
    _checked(page)
    prompt.get_by_role("link", name="Offer family group decision making").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Offer family group decision making")
    expect(page.get_by_label("Mia Okafor-Lewis")).to_be_checked()
    expect(page.get_by_label("Leo Okafor-Lewis")).to_be_checked()
    expect(page.get_by_label("Grace Okafor")).to_be_checked()  # the one with parental responsibility
    _checked(page)
    _fill_date(page, "offered_on", today)
    page.get_by_label("Not offered: not in the child's best interests").check()
    page.locator("#save-offer").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("not in the child's best interests")
    expect(page.locator("#id_offered_on_day")).to_have_value(str(today.day))  # nothing typed is lost
    expect(page.get_by_label("Not offered: not in the child's best interests")).to_be_checked()
    _checked(page)
    assert not FgdmOffer.objects.exists()

    page.get_by_label("Offered to the family").check()
    page.locator("#save-offer").click()
    expect(success_banner(page)).to_contain_text("Offer recorded")
    expect(page.locator("#offer-answer")).to_contain_text("Offered, waiting for the family's answer")
    _checked(page)

    page.locator("#record-answer").click()
    page.get_by_label("Accepted").check()
    _fill_date(page, "responded_on", today)
    _checked(page)
    page.locator("#save-answer").click()
    expect(success_banner(page)).to_contain_text("Answer recorded: accepted")
    expect(page.locator("#offer-answer")).to_contain_text("Accepted")
    _checked(page)
    offer = FgdmOffer.objects.get()
    assert offer.response == OfferResponse.ACCEPTED and list(offer.recipients.all()) == [family["grace"]]

    page.goto(f"{base}/cases/families/{family['case'].pk}/plan/")
    expect(page.locator(".app-prompt", has_text="family group decision making")).to_contain_text(
        f"Family group decision making offered on {today.day} {today:%B %Y}: accepted"
    )
    nav(page, "Family group decision making").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family group decision making")
    expect(page.locator("#fgdm-no-awaiting")).to_be_visible()  # answered: nothing waits
    _checked(page)
