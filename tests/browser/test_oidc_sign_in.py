"""Sign-in through the council's identity provider (issue 17 item 1), against a REAL OpenID Connect provider: a
second Django project (tests/oidc_provider/, django-oauth-toolkit with OIDC, an RSA key made at its start) run as
its own process on a free port. Chromium follows the real redirects: our sign-in page -> the provider's sign-in
page -> our callback, which exchanges the code for tokens over HTTP and checks the id token's signature against the
provider's published keys. Nothing is mocked.

- an id token whose `amr` holds "mfa" passes two-factor (the session is marked verified by the identity provider);
- an id token with amr ["pwd"] signs in without passing it: the user goes on to our own code step;
- an email with no account here is refused with a message on the sign-in page; no account is created."""

import importlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import clear_url_caches
from playwright.sync_api import expect

from cases.mfa import IDENTITY_PROVIDER, SESSION_KEY
from cases.models import AuditEvent, User
from tests.axe import assert_no_axe_violations
from tests.browser.journey import assert_reflows

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_PASSWORD = "council-directory-password-7"
CLIENT_ID, CLIENT_SECRET = "ffp-case-test", "a-client-secret-for-the-test-provider"
PROVIDER_USERS = [
    # The triage officer's council sign-in did multi-factor; the manager's did a password only.
    {"username": "tess", "password": PROVIDER_PASSWORD, "email": "triage@example.test", "amr": ["pwd", "mfa"]},
    {"username": "fran", "password": PROVIDER_PASSWORD, "email": "FDM@example.test", "amr": ["pwd"]},
    {"username": "newstarter", "password": PROVIDER_PASSWORD, "email": "new.starter@example.test", "amr": ["mfa"]},
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the identity provider stopped: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return json.loads(response.read())
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the identity provider did not answer {url} in {seconds} s")


@pytest.fixture(scope="module")
def provider_process(live_server, tmp_path_factory):
    """The provider process, once for the module (it takes ~10-30 s to start on a busy CI machine): its discovery
    document."""
    port, directory = _free_port(), tmp_path_factory.mktemp("oidc_provider")
    log = directory / "provider.log"  # a file, not a pipe: a full pipe would stop the provider mid-test
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DIR": str(directory),
        "OIDC_PROVIDER_USERS": json.dumps(PROVIDER_USERS),
        "PYTHONPATH": str(ROOT),
    }
    callback = f"{live_server.url}/accounts/council/callback/"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port), CLIENT_ID, CLIENT_SECRET, callback],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield _wait_for(f"http://127.0.0.1:{port}/o/.well-known/openid-configuration", process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def identity_provider(provider_process, settings):
    """Our app configured for the provider from its discovery document (as a council would be)."""
    discovery = provider_process
    try:
        settings.OIDC_ENABLED = True
        settings.OIDC_PROVIDER_NAME = "Test Council account"
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "cases.oidc.CouncilIdentityBackend"]
        _reload_urls()  # ffp/urls.py routes the provider's pages only when OIDC_ENABLED
        yield discovery
    finally:
        settings.OIDC_ENABLED = False
        _reload_urls()


def _reload_urls() -> None:
    import ffp.urls

    importlib.reload(ffp.urls)
    clear_url_caches()


def _session_of(page, live_server) -> dict:
    cookie = next(c for c in page.context.cookies(live_server.url) if c["name"] == "sessionid")
    return Session.objects.get(session_key=cookie["value"]).get_decoded()


def _sign_in_at_the_provider(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Sign in with Test Council account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test Council account")  # the provider's page
    assert page.url.startswith("http://127.0.0.1:")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in to the council").click()


def test_council_sign_in_with_mfa_at_the_provider_passes_two_factor(
    page, live_server, identity_provider, triage_officer
):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with Test Council account")).to_be_visible()
    assert_no_axe_violations(page)
    assert_reflows(page)

    _sign_in_at_the_provider(page, live_server, "tess")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tess")
    assert page.url == live_server.url + "/"
    session = _session_of(page, live_server)
    assert session["_auth_user_id"] == str(triage_officer.pk)
    assert session[SESSION_KEY]["method"] == IDENTITY_PROVIDER
    assert AuditEvent.objects.filter(verb="auth.sign_in", actor_id=triage_officer.pk).count() == 1
    assert_no_axe_violations(page)


def test_council_sign_in_without_mfa_signs_in_without_passing_two_factor(
    page, live_server, identity_provider, front_door_manager
):
    _sign_in_at_the_provider(page, live_server, "fran")  # the provider's email is FDM@…: matched ignoring case
    page.wait_for_url(lambda url: url.startswith(live_server.url))
    session = _session_of(page, live_server)
    assert session["_auth_user_id"] == str(front_door_manager.pk)
    assert SESSION_KEY not in session  # the two-factor step (cases.mfa) is still to come
    assert AuditEvent.objects.filter(verb="auth.sign_in", actor_id=front_door_manager.pk).count() == 1


def test_council_sign_in_for_an_email_with_no_account_here_is_refused_and_creates_none(
    page, live_server, identity_provider, triage_officer
):
    users = User.objects.count()
    _sign_in_at_the_provider(page, live_server, "newstarter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to FFP Case")
    expect(page.get_by_text("You could not be signed in with your council account")).to_be_visible()
    assert User.objects.count() == users
    assert "_auth_user_id" not in _session_of(page, live_server)
    assert AuditEvent.objects.filter(verb="auth.identity_provider_failed").count() == 1
    assert_no_axe_violations(page)
    assert_reflows(page)


def test_the_sign_in_page_offers_no_council_sign_in_when_none_is_configured(page, live_server, db):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to FFP Case")
    expect(page.get_by_text("Sign in with")).to_have_count(0)
