"""Two-factor sign-in in Chromium (issue 17 item 1; battery rows B13 and B24, done-when part 1): a lead practitioner
signs in for the first time, sets up her authenticator app from the secret the page shows, keeps her recovery codes,
signs out and in again within the same 30 seconds with the next code; she starts the family's assessment, types, is
timed out mid-assessment, signs in again with a code and finds what she typed intact, byte for byte. axe-core finds
no WCAG 2.2 AA violation on each two-factor page, and each reflows at 320 px."""

import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from family_help.models import Assessment
from tests.axe import assert_no_axe_violations
from tests.browser.journey import CODE_HEADING, CODE_LABEL, assert_reflows, enter_code, sign_in, sign_out
from tests.family_help.assessment_support import appoint_lead
from tests.two_factor import code_for_secret

pytestmark = pytest.mark.django_db(transaction=True)

MIA_VOICE = "I don't like it when mum is sad —\nI want « my own bed ». 🛏️"
TITLE = "You’re about to be signed out"


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_IDLE_TIMEOUT = 30
    settings.SESSION_TIMEOUT_WARNING = 10
    settings.SESSION_ACTIVITY_RESOLUTION = 1


def _password(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_set_up_then_time_out_mid_assessment_and_find_the_draft(
    page, live_server, family, vcs_fhlp, fh_manager, password, short_sessions
):
    base = live_server.url
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    TOTPDevice.objects.filter(user=vcs_fhlp).delete()

    # 1. First sign-in: the password, then setting up the app from the key the page shows.
    page.goto(base + "/accounts/login/")
    _password(page, vcs_fhlp.email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code to add FFP Case to your authenticator app")).to_be_visible()
    assert_no_axe_violations(page)
    assert_reflows(page)
    secret = page.locator("[data-totp-secret]").inner_text()
    page.get_by_label("Enter the 6-digit code your app shows").fill(
        "000000" if code_for_secret(secret) != "000000" else "1"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_no_axe_violations(page)
    page.wait_for_timeout(1100)  # django-otp's throttle after one wrong code: 1 s
    page.get_by_label("Enter the 6-digit code your app shows").fill(code_for_secret(secret))
    page.get_by_role("button", name="Continue").click()

    # 2. The ten recovery codes, shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # 3. Out and in again at once: the code page, and the next time step's code (the last one is used up).
    sign_out(page)
    _password(page, vcs_fhlp.email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_HEADING)
    assert_no_axe_violations(page)
    assert_reflows(page)
    page.get_by_label(CODE_LABEL).fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    expect(page.get_by_label(CODE_LABEL)).to_have_value("12345")  # what was typed stays
    assert_no_axe_violations(page)
    page.wait_for_timeout(1100)  # the 1 s throttle
    enter_code(page, vcs_fhlp.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # 4. She starts the family's assessment and writes Mia's voice.
    page.goto(f"{base}/family-help/families/{family['case'].pk}/")
    page.locator("#assessment-panel").get_by_role("link", name="Start an assessment").click()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family Help assessment")
    assessment_url = page.url
    sign_in_visits = []
    page.on(
        "framenavigated",
        lambda frame: (
            sign_in_visits.append(frame.url) if frame == page.main_frame and "/accounts/login/" in frame.url else None
        ),
    )
    page.wait_for_timeout(8_000)  # she thinks before she writes: the page's countdown runs on
    voice = page.get_by_label("Mia's voice")
    voice.fill(MIA_VOICE)
    expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=15_000)
    saved = time.monotonic()

    # 5. Nobody answers the warning: signed out mid-assessment. The autosave was activity, so the countdown starts
    # again from it, as the server's does: the warning comes 20 s after the save, not 20 s after the page's load, and
    # the page goes to the sign-in page once, when the server has ended the session (before, it went at the page's
    # 30 s, the server's session still open sent it back to the assessment, and the countdown began again).
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible(timeout=30_000)
    assert time.monotonic() - saved >= 18, "the warning came on the page's load's count, not the autosave's"
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to FFP Case", timeout=30_000)
    assert len(sign_in_visits) == 1, sign_in_visits

    # 6. Signing in again takes a code as well, then comes back to the assessment with the draft intact.
    _password(page, vcs_fhlp.email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_HEADING)
    enter_code(page, vcs_fhlp.email)
    page.wait_for_url(assessment_url)
    expect(page.get_by_label("Mia's voice")).to_have_value(MIA_VOICE)
    assert page.get_by_label("Mia's voice").input_value().encode() == MIA_VOICE.encode()  # byte-identical
    mia = Assessment.objects.get().children.get(person=family["mia"])
    assert mia.child_voice == MIA_VOICE  # and the autosaved draft in the database
    assert_no_axe_violations(page)


def test_the_journey_sign_in_works_twice_within_thirty_seconds(page, live_server, triage_officer, password):
    """The harness's sign_in: a second sign-in in the same time step uses the next step's code, no sleep."""
    base = live_server.url
    sign_in(page, base, triage_officer.email, password)
    sign_out(page)
    sign_in(page, base, triage_officer.email, password)
    sign_out(page)


def test_the_set_up_page_keeps_the_content_security_policy(browser, live_server, triage_officer, password):
    """The QR code is SVG markup in the page: no inline style or script, so the enforced policy reports nothing and
    the code is drawn."""
    from tests.browser.test_content_security_policy import Enforced

    TOTPDevice.objects.filter(user=triage_officer).delete()
    enforced = Enforced(browser, live_server.url)
    try:
        page = enforced.page
        enforced.open("/accounts/login/")
        _password(page, triage_officer.email, password)
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
        box = page.locator(".app-qr-code svg").bounding_box()
        assert box and box["width"] >= 100 and box["height"] >= 100, box
        enforced.assert_clean()
    finally:
        enforced.context.close()
