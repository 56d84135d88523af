"""The work-request inbox in Chromium (issue 13 item 1), the LCPP signing in through the real sign-in page: the home
page counts what waits, the inbox lists each request with its due time and its RAG in words, an empty hand-back is
refused with an error summary, another request is handed back with a reason that the request's page then shows,
and the LCPP accepts the strategy discussion and becomes the child's LCPP. axe-core finds no WCAG 2.2 AA violation
on any of these pages, and at 320 CSS pixels wide nothing scrolls sideways (reflow, WCAG 1.4.10)."""

import pytest
from playwright.sync_api import expect

from cases.models import EpisodeLead, LeadKind, WorkRequest
from cases.services import work_request_create
from tests.axe import assert_no_axe_violations
from tests.browser.journey import nav, sign_in, success_banner

pytestmark = pytest.mark.django_db(transaction=True)

HAND_BACK = "Leo is already part of the strategy discussion held for Mia this morning."


def _fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_lcpp_accepts_the_strategy_discussion_from_the_inbox(page, live_server, family, triage_officer, lcpp, password):
    strategy = work_request_create(
        kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
        person=family["mia"],
        actor=triage_officer,
        episode=family["episodes"]["Mia"],
        summary="Disclosure at school of being hit by mum's partner.",
        urgent=True,
    )
    other = work_request_create(
        kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
        person=family["leo"],
        actor=triage_officer,
        episode=family["episodes"]["Leo"],
        summary="Leo was present during the incident.",
    )
    base = live_server.url
    sign_in(page, base, lcpp.email, password)
    expect(page.locator("#work-requests-panel")).to_contain_text("2 requests waiting for you to accept")
    nav(page, "Work requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work requests")
    card = page.locator(f"#work-request-{strategy.pk}")
    expect(card).to_contain_text("Strategy discussion: Mia Okafor-Lewis")
    expect(card).to_contain_text("Urgent")
    expect(card).to_contain_text("On time")  # the RAG in words, not colour alone
    assert_no_axe_violations(page)
    _fits_320(page)

    page.locator(f"#work-request-{other.pk}").get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategy discussion request")
    assert_no_axe_violations(page)
    _fits_320(page)
    page.get_by_role("button", name="Hand back").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you are handing this request back")
    assert_no_axe_violations(page)
    page.get_by_label("Why are you handing this request back?").fill(HAND_BACK)
    page.get_by_role("button", name="Hand back").click()
    expect(success_banner(page)).to_contain_text("You handed the request back")
    expect(page.locator(f"#work-request-{other.pk}")).to_have_count(0)
    page.goto(base + f"/cases/work-requests/{other.pk}/")
    expect(page.locator("#work-request-status")).to_contain_text("Declined by")
    expect(page.locator("#work-request-reason")).to_have_text(HAND_BACK)
    assert_no_axe_violations(page)

    nav(page, "Work requests").click()
    page.locator(f"#work-request-{strategy.pk}").get_by_role("link", name="Open").click()
    # Child protection's accept page (issue 14): accepting the request starts the strategy discussion.
    page.get_by_role("button", name="Accept the strategy discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a strategy discussion")
    assert_no_axe_violations(page)
    _fits_320(page)
    page.locator("#start-discussion").click()
    expect(success_banner(page)).to_contain_text("Strategy discussion started")
    assert_no_axe_violations(page)
    page.goto(base + f"/cases/work-requests/{strategy.pk}/")
    expect(page.locator("#work-request-status")).to_contain_text(f"Accepted by {lcpp.full_name}")
    assert_no_axe_violations(page)
    lead = EpisodeLead.objects.get(episode=family["episodes"]["Mia"], kind=LeadKind.LCPP, ended_at__isnull=True)
    assert lead.user == lcpp

    page.get_by_role("link", name="Mia Okafor-Lewis").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mia Okafor-Lewis")
