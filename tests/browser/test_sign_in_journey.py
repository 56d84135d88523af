"""A person signs in through the real page in Chromium; both pages pass axe at WCAG 2.2 AA."""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_no_axe_violations
from tests.browser.journey import enter_code
from tests.two_factor import device_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_then_home_with_no_accessibility_violations(page, live_server, triage_officer, password):
    device_for(triage_officer)  # set up already: the code page follows the password (first set-up: test_mfa_journey)
    page.goto(live_server.url + "/")
    expect(page).to_have_title("Sign in - FFP Case - Demo Borough")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to FFP Case")
    assert_no_axe_violations(page)

    page.get_by_label("Email address").fill("triage@example.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("triage@example.test")
    assert_no_axe_violations(page)

    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, triage_officer.email)  # the user's device (tests.two_factor): issue 17's second step
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tess")
    assert page.url == live_server.url + "/"
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to FFP Case")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    assert_no_axe_violations(page)


def test_skip_link_moves_focus_to_main_content(page, live_server, db):
    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    assert page.url.endswith("#main-content")
