"""The Content-Security-Policy in a real browser (issue 12 item 9): Chromium enforcing the policy (this context
does not bypass it, unlike the axe-checked journeys) reports no violation on the main pages, and their scripts
still run: GOV.UK Frontend starts (the service navigation's menu opens on a phone), the assessment autosaves,
Swagger UI draws the API, the admin's scripts load.

Violations are caught twice: a `securitypolicyviolation` listener installed before any page script runs, and
the console, where Chromium writes "Refused to ..." for each blocked script, style or handler.
"""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Role
from family_help.services.assessment import assessment_start
from tests.browser.journey import enter_code, sign_in
from tests.factories import UserFactory
from tests.family_help.assessment_support import appoint_lead
from tests.two_factor import device_for

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Enforced:
    """A page in a browser context that enforces the policy, recording every violation it reports."""

    def __init__(self, browser, base: str) -> None:
        self.context = browser.new_context(bypass_csp=False, locale="en-GB")
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.base = base
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.violations: list[str] = []
        self.visited: list[str] = []

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        header = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in header
        assert "unsafe-inline" not in header
        self.page.wait_for_load_state("load")
        self.visited.append(path)
        return response

    def collect(self) -> list[str]:
        """The violations the current page reported (read before leaving it: the list lives in the page)."""
        found = self.page.evaluate("window.__cspViolations")
        self.violations += [f"{self.page.url}: {v}" for v in found]
        return found

    def assert_clean(self) -> None:
        self.collect()
        assert self.violations == [], "\n".join(self.violations)
        assert self.console == [], "\n".join(self.console)


@pytest.fixture
def enforced(browser, live_server):
    made = Enforced(browser, live_server.url)
    yield made
    made.context.close()


def test_the_listener_sees_a_violation_and_the_context_enforces_the_policy(enforced, db):
    """The checks below can fail: an inline style added by a script is refused and reported."""
    enforced.open("/accounts/login/")
    enforced.page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'body{color:red}';"
        " document.head.append(s); }"
    )
    enforced.page.wait_for_function("window.__cspViolations.length > 0")
    assert enforced.collect() == [enforced.collect()[0]]
    assert enforced.collect()[0].startswith("style-src-elem blocked inline")
    # The inline style did not apply.
    assert enforced.page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"


def test_main_pages_report_no_violation_and_their_scripts_run(
    enforced, triage_officer, vcs_fhlp, fh_manager, family, password
):
    page = enforced.page
    enforced.open("/accounts/login/")
    # GOV.UK Frontend started from static/build/app.mjs (no inline script marks the page as JS-enabled).
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b.*\bgovuk-frontend-supported\b"))
    enforced.collect()

    sign_in(page, enforced.base, triage_officer.email, password)
    enforced.collect()
    mia = family["mia"]
    for path in (
        "/",
        "/cases/people/search/?q=Mia",
        f"/cases/people/{mia.pk}/",
        f"/cases/people/{mia.pk}/chronology/",
        "/front-door/",
        "/front-door/contacts/new/",
        f"/family-help/families/{family['case'].pk}/",
        f"/cases/people/{mia.pk}/notes/new/",
        "/cases/notifications/",
    ):
        enforced.open(path)
        enforced.collect()

    # The service navigation's menu on a phone: GOV.UK Frontend shows the Menu button and opens the list.
    page.set_viewport_size({"width": 375, "height": 800})
    enforced.open("/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#navigation")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#navigation")).to_be_visible()
    enforced.collect()
    page.set_viewport_size({"width": 1280, "height": 900})

    # Swagger UI: its start script is a file (/api/docs/?script), and it draws the API's operations.
    enforced.open("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("FFP Case API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    enforced.collect()

    # The API in a browser tab is JSON (DRF's browsable pages, with their inline styles, are off).
    api = page.goto(enforced.base + "/api/v1/people/")
    assert api is not None
    assert api.status == 200
    assert api.headers["content-type"] == "application/json"

    # A missing page (the 404 template) is under the same policy.
    missing = page.goto(enforced.base + "/no-such-page/")
    assert missing is not None
    assert missing.status == 404
    assert "unsafe-inline" not in missing.headers["content-security-policy"]
    enforced.collect()

    # The Family Help assessment autosaves (static/build/fh-assessment.mjs posts the draft as JSON).
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    assessment = assessment_start(family_case=family["case"], actor=vcs_fhlp)
    page.context.clear_cookies()
    sign_in(page, enforced.base, vcs_fhlp.email, password)
    enforced.open(f"/family-help/assessments/{assessment.pk}/edit/")
    page.get_by_label("Mia's voice").fill("I want my own bed.")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=15_000)
    enforced.collect()

    enforced.assert_clean()


def test_the_admin_reports_no_violation(enforced, password, db):
    admin = UserFactory(email="admin.csp@example.test", roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    device_for(admin)  # their authenticator app, set up before
    page = enforced.page
    enforced.open("/admin/login/")
    page.locator("#id_username").fill(admin.email)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()
    enter_code(page, admin.email)  # the admin needs the second factor too (issue 17 item 1)
    expect(page.get_by_role("heading", level=1)).to_contain_text("administration")
    enforced.collect()
    for path in ("/admin/", "/admin/cases/user/", f"/admin/cases/user/{admin.pk}/change/", "/admin/cases/team/add/"):
        enforced.open(path)
        enforced.collect()
    enforced.assert_clean()
