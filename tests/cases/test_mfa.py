"""Two-factor sign-in (issue 17 item 1, battery B13): every non-public URL refuses a session that has passed only the
password (100 % of URL patterns, walked with the endpoint inventory's resolver walk); a TOTP code is accepted once;
the admin needs the second factor; a recovery code works once; wrong codes are throttled; the set-up shows the
secret and a QR code and keeps the recovery codes hashed; the demo's shared secret is development only."""

import io
import re
import time

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import resolve
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import mfa
from cases.models import AuditEvent, Role
from tests.factories import UserFactory
from tests.test_permission_matrix import url_patterns
from tests.two_factor import code_for, code_for_secret, device_for, password_only

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/set-up/"
RECOVERY = "/accounts/two-factor/recovery-codes/"
# The endpoint inventory's public allowlist (tests/test_permission_matrix.py PUBLIC_ALLOWLIST) and the two-factor
# pages a password-only session must reach to pass.
OPEN_TO_PASSWORD_ONLY = mfa.ALLOWED_UNVERIFIED
_REGEX_ROUTES = {
    "family-help/^families/\\d+/(?:plan|team)/": "/family-help/families/1/plan/",
    "api/v1/family-help/^families/\\d+/(?:plan|team)/": "/api/v1/family-help/families/1/plan/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}


def _path(route: str) -> str:
    """A path the pattern resolves, with any value in its converters (the refusal comes before the view)."""
    if route.startswith("admin/^(?P<app_label>"):
        return "/admin/cases/"
    if route in _REGEX_ROUTES:
        return _REGEX_ROUTES[route]
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in (None, "int") else "x", route)


def _sign_in_password_only(client: Client, email: str, password: str) -> None:
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=")


def _is_refusal(response, path: str) -> bool:
    if path.startswith("/api/"):
        return response.status_code == 401 and response.json().get("code") == "second_factor_required"
    return response.status_code == 302 and response["Location"].startswith(VERIFY + "?next=")


@pytest.fixture
def superuser(council):
    """Staff and superuser with every role: the strictest case for the walk (the admin and every role's pages would
    otherwise let them in)."""
    return UserFactory(
        email="everyone@example.test", agency=council, roles=list(Role.values), is_staff=True, is_superuser=True
    )


def test_every_non_public_url_refuses_a_password_only_session(client, superuser):
    """B13: the URL walk. Each pattern asked with GET (and the API's with POST too) by a session that passed the
    password only: pages go to the code page with ?next=, the API answers 401 with the reason. 100 %."""
    password_only(client, superuser)
    patterns = url_patterns()
    walked, refused, failures = 0, 0, []
    started = time.monotonic()
    for route, ident in patterns:
        if ident in OPEN_TO_PASSWORD_ONLY:
            continue
        path = _path(route)
        match = resolve(path.split("?")[0])
        same = match.route.replace("^", "").replace("$", "") == route.replace("^", "").replace("$", "")
        assert match.view_name == ident or same, (ident, match.view_name, match.route)
        for method in ("get", "post") if path.startswith("/api/") else ("get",):
            walked += 1
            response = getattr(client, method)(path)
            if _is_refusal(response, path):
                refused += 1
            else:
                failures.append(f"{method.upper()} {path} ({ident}): {response.status_code}")
    assert not failures, failures
    assert walked > 200 and refused == walked
    print(
        f"\nB13: {refused}/{walked} requests refused ({len(patterns)} URL patterns, "
        f"{len(OPEN_TO_PASSWORD_ONLY & {i for _, i in patterns})} open to a password-only session), "
        f"{time.monotonic() - started:.1f} s"
    )
    core = {"login", "logout", "healthz", "mfa_verify", "mfa_enrol"}
    assert core <= {ident for _, ident in patterns}
    assert OPEN_TO_PASSWORD_ONLY - core == {"oidc_authentication_init", "oidc_authentication_callback"}


def test_the_refusal_keeps_where_the_user_was_going(client, triage_officer, password):
    _sign_in_password_only(client, triage_officer.email, password)
    response = client.get("/cases/people/search/?q=smith")
    assert response["Location"] == VERIFY + "?next=%2Fcases%2Fpeople%2Fsearch%2F%3Fq%3Dsmith"
    device = device_for(triage_officer)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/cases/people/search/?q=smith"})
    assert response["Location"] == "/cases/people/search/?q=smith"
    assert client.get("/cases/people/search/").status_code == 200


def test_the_api_refuses_a_password_only_session_with_the_reason(client, triage_officer, settings):
    password_only(client, triage_officer)
    response = client.get("/api/v1/people/")
    assert response.status_code == 401
    assert response.json() == {"code": "second_factor_required", "detail": mfa.REASON}
    # With an Authorization header the middleware leaves the API's DRF views to authenticate: a scheme no token class
    # takes falls back to the session, which DRF's session authentication refuses the same way.
    response = client.get("/api/v1/people/", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401 and response.json()["code"] == "second_factor_required"
    # Without the middleware, DRF's session authentication refuses it too (cases.mfa.VerifiedSessionAuthentication).
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "cases.mfa.SecondFactorMiddleware"]
    without = Client()  # a client loads the middleware once: a new one, with the same session
    without.cookies = client.cookies
    response = without.get("/api/v1/people/")
    assert response.status_code == 401
    assert response.json()["code"] == "second_factor_required"


def test_a_totp_code_cannot_be_replayed(client, triage_officer, password):
    device = device_for(triage_officer)
    code = code_for(device)
    _sign_in_password_only(client, triage_officer.email, password)
    assert client.post(VERIFY, {"code": code, "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")

    # The same code again, as someone who read it over the shoulder or from a log would send it.
    other = Client()
    _sign_in_password_only(other, triage_officer.email, password)
    response = other.post(VERIFY, {"code": code, "next": "/"})
    assert response.status_code == 200
    assert "The code is not right, or has been used already" in response.content.decode()
    assert not response.wsgi_request.session.get(mfa.SESSION_KEY)
    assert _is_refusal(other.get("/"), "/")
    assert AuditEvent.objects.filter(verb="auth.second_factor_failed", actor_id=triage_officer.pk).count() == 1
    # The next time step's code (within django-otp's tolerance of one step) works once the 1 s throttle has passed.
    with time_machine.travel(time.time() + 2, tick=True):
        response = other.post(VERIFY, {"code": code_for(device), "next": "/"})
    assert response.status_code == 302
    assert other.get("/").status_code == 200


def test_the_admin_needs_the_second_factor(settings, council, password):
    admin_user = UserFactory(email="admin@example.test", agency=council, roles=[Role.ADMIN], is_staff=True)
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": admin_user.email, "password": password})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == VERIFY + "?next=%2Fadmin%2F"
    assert _is_refusal(client.get("/admin/cases/user/"), "/admin/cases/user/")
    # The admin site itself asks too (FfpAdminSite.has_permission), should a request get past the middleware.
    middleware = settings.MIDDLEWARE
    settings.MIDDLEWARE = [m for m in middleware if m != "cases.mfa.SecondFactorMiddleware"]
    without = Client()  # a client loads the middleware once: a new one, with the same session
    without.cookies = client.cookies
    response = without.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    settings.MIDDLEWARE = middleware
    assert client.post(VERIFY, {"code": code_for(device_for(admin_user)), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def _enrol(client: Client, email: str, password: str) -> tuple[str, list[str]]:
    """A first sign-in: password, the set-up page's secret, its code, the recovery codes."""
    _sign_in_password_only(client, email, password)
    response = client.get(VERIFY + "?next=/")
    assert response.status_code == 302 and response["Location"] == ENROL + "?next=%2F"
    page = client.get(ENROL + "?next=/").content.decode()
    assert "Set up two-factor sign-in" in page
    assert "<svg" in page and "<script>" not in page and " style=" not in page  # the CSP: no inline script or style
    secret = re.search(r"<code class=\"app-totp-secret\" data-totp-secret>([A-Z2-7 ]+)</code>", page).group(1)
    assert client.get(ENROL + "?next=/").content.decode().count(secret) == 1  # the same secret on a reload
    wrong = client.post(ENROL, {"code": "000000" if code_for_secret(secret) != "000000" else "111111", "next": "/"})
    assert "The code is not right" in wrong.content.decode()
    with time_machine.travel(time.time() + 2, tick=True):  # past the 1 s throttle of the wrong code
        response = client.post(ENROL, {"code": code_for_secret(secret), "next": "/"})
    assert response.status_code == 302 and response["Location"] == RECOVERY + "?next=%2F"
    page = client.get(RECOVERY + "?next=/").content.decode()
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", page)
    assert client.get(RECOVERY + "?next=/")["Location"] == "/"  # shown once
    assert client.get("/").status_code == 200
    return secret, codes


def test_first_sign_in_sets_up_the_app_and_recovery_codes_work_once(triage_officer, password):
    TOTPDevice.objects.filter(user=triage_officer).delete()
    secret, codes = _enrol(Client(), triage_officer.email, password)
    assert len(codes) == 10 and len(set(codes)) == 10
    kept = set(StaticToken.objects.filter(device__user=triage_officer).values_list("token", flat=True))
    assert len(kept) == 10 and not kept & {c.replace("-", "") for c in codes} and not kept & set(codes)  # hashed
    device = TOTPDevice.objects.get(user=triage_officer)
    assert device.confirmed
    assert AuditEvent.objects.filter(verb="auth.second_factor_enrolled", actor_id=triage_officer.pk).count() == 1

    first = Client()
    _sign_in_password_only(first, triage_officer.email, password)
    assert first.post(VERIFY, {"code": codes[3].lower(), "next": "/"})["Location"] == "/"  # typed in lower case
    assert first.get("/").status_code == 200
    assert first.session[mfa.SESSION_KEY]["method"] == mfa.RECOVERY_CODE
    assert StaticToken.objects.filter(device__user=triage_officer).count() == 9

    again = Client()
    _sign_in_password_only(again, triage_officer.email, password)
    response = again.post(VERIFY, {"code": codes[3], "next": "/"})
    assert response.status_code == 200 and "has been used already" in response.content.decode()
    assert _is_refusal(again.get("/"), "/")
    with time_machine.travel(time.time() + 2, tick=True):
        assert again.post(VERIFY, {"code": codes[4], "next": "/"})["Location"] == "/"


def test_wrong_codes_are_throttled_by_the_device(client, triage_officer, password):
    """django-otp's throttle (not the password lockout): after n wrong codes in a row the next try is refused,
    unchecked, for 2^(n-1) seconds; the right code is refused too until then. Wrong recovery codes count as well."""
    device = device_for(triage_officer)
    _sign_in_password_only(client, triage_officer.email, password)
    now = time.time()
    for n, wrong in enumerate(["123456", "NOT-A-CODE", "654321", "ABCDE-FGHJK", "111111"], start=1):
        with time_machine.travel(now, tick=False):
            response = client.post(VERIFY, {"code": wrong, "next": "/"})
            assert response.status_code == 200 and "The code is not right" in response.content.decode()
        delay = 2 ** (n - 1)
        with time_machine.travel(now + delay - 0.5, tick=False):
            blocked = client.post(VERIFY, {"code": code_for(device), "next": "/"})
            assert blocked.status_code == 200
            assert "You have entered too many wrong codes. Wait 1 second," in blocked.content.decode(), n
        now += delay
    device.refresh_from_db()
    assert device.throttling_failure_count == 5
    with time_machine.travel(now + 0.1, tick=False):
        assert client.post(VERIFY, {"code": code_for(device), "next": "/"})["Location"] == "/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    # The password lockout (axes) is not touched by wrong codes.
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.exists()


def test_a_code_page_error_is_on_the_page_and_keeps_the_form(client, triage_officer, password):
    _sign_in_password_only(client, triage_officer.email, password)
    device_for(triage_officer)
    page = client.post(VERIFY, {"code": "", "next": "/cases/"}).content.decode()
    assert "There is a problem" in page and "Enter the 6-digit code from your authenticator app" in page
    assert 'name="next" value="/cases/"' in page
    page = client.post(VERIFY, {"code": "12 34", "next": "/"}).content.decode()
    assert 'value="12 34"' in page


def test_an_unsafe_next_is_not_followed(client, triage_officer, password):
    _sign_in_password_only(client, triage_officer.email, password)
    response = client.post(VERIFY, {"code": code_for(device_for(triage_officer)), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_demo_secret_is_development_only(settings, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    settings.DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPFFPCASEDEMOONLY2"
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo", "--no-families", stdout=io.StringIO())
    with pytest.raises(CommandError, match="development only"):
        call_command("demo_totp", stdout=io.StringIO())
    settings.DEBUG = True
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().split()[0]
    client = Client()
    _sign_in_password_only(client, "triage@demo.test", "a-demo-password-for-tests")
    assert client.post(VERIFY, {"code": code, "next": "/"})["Location"] == "/"


def test_mfa_reset_removes_the_devices_and_the_sessions(client, triage_officer):
    client.force_login(triage_officer)
    assert client.get("/").status_code == 200
    call_command("mfa_reset", triage_officer.email, "--reason", "lost phone, ticket 123", stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=triage_officer).exists()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(verb="auth.second_factor_reset", target_id=str(triage_officer.pk)).exists()
