"""Step-up (battery B6, ASVS 5.0 6.x re-authentication): breaking glass into a child's record outside the user's work
needs the second factor again at that moment, on the break-glass form (a current TOTP code or an unused recovery
code; a wrong, stale or replayed code refused with the reason kept on the page; django-otp's throttle applies); a
session signed in through the council's identity provider steps up by having signed in there within the last 5
minutes, else it is sent to sign in there again with the reason kept. The confirm page (/accounts/two-factor/confirm/)
is the same mechanism for other actions (the export volume's step-up: tests/reporting/test_exports.py). Each step-up
is audited ("mfa.stepped_up")."""

import datetime as dt
import re
import time
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import mfa, permissions
from cases.models import AuditEvent, BreakGlass, PrivacyAlert
from cases.services.mfa import recovery_codes_issue
from cases.views import mfa as mfa_views
from cases.views import oidc as oidc_views
from ffp import urls as ffp_urls
from tests import personas
from tests.factories import UserFactory
from tests.two_factor import code_for, device_for

pytestmark = pytest.mark.django_db

REASON = "Emergency duty team asked at 02:10 whether the child is known: police called to the home."
CONFIRM = "/accounts/two-factor/confirm/"
WRONG = "The code is not right, or has been used already"

# This module as a URLconf: the project's, with the identity provider's sign-in routed (as with OIDC_ENABLED).
urlpatterns = [*ffp_urls.urlpatterns, *oidc_views.urlpatterns]


@pytest.fixture
def zara(make_person):
    return make_person(first="Zara", last="Quillfeather", dob=dt.date(2016, 4, 9))


@pytest.fixture
def yusuf(make_person):
    return make_person(first="Yusuf", last="Quillfeather", dob=dt.date(2014, 1, 3))


def _url(person) -> str:
    return reverse("cases:break_glass_start", args=[person.pk])


def _refused(response, person, user) -> bool:
    """Refused on the page, nothing opened: 200 with an error, the reason typed still in the box, no grant."""
    page = response.content.decode()
    return (
        response.status_code == 200
        and "There is a problem" in page
        and REASON in page
        and not BreakGlass.objects.filter(user=user, person=person).exists()
    )


def _sign_in_through_identity_provider(client: Client, user, *, minutes_ago: float) -> None:
    """A session as the identity provider's callback leaves it (cases.views.oidc: mark_verified, IDENTITY_PROVIDER),
    signed in `minutes_ago`."""
    from tests.two_factor import password_only

    password_only(client, user)
    session = client.session
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=minutes_ago), tick=False):
        mfa.mark_verified(SimpleNamespace(session=session), method=mfa.IDENTITY_PROVIDER)
    session.save()


def test_every_practitioner_who_may_break_glass_is_refused_without_a_right_code(client, zara, council):
    """B6, N of N: each persona who may break glass, with the reason and no code, an empty code, a wrong code, a
    code two steps old and another user's code: refused each time, the reason kept, nothing opened."""
    users = [personas.persona(key) for key in sorted(personas.PERSONAS)]
    breakers = [u for u in users if permissions.may_break_glass(u)]
    assert breakers, "no persona may break glass"
    other = device_for(UserFactory(agency=council))  # a colleague's authenticator
    asked = refused = 0
    base = time.time()
    for user in breakers:
        client.force_login(user)
        device = device_for(user)
        tries = [
            {"reason": REASON},
            {"reason": REASON, "code": ""},
            {"reason": REASON, "code": "000000" if code_for(device) != "000000" else "111111"},
            {"reason": REASON, "code": code_for(device, at=time.time() - 90)},
            {"reason": REASON, "code": code_for(other)},
        ]
        for n, data in enumerate(tries):
            with time_machine.travel(base + 2 ** (n + 1), tick=False):  # past the throttle of the tries before
                response = client.post(_url(zara), data)
            asked += 1
            refused += _refused(response, zara, user)
        base += 64
    assert refused == asked
    assert not BreakGlass.objects.exists() and not PrivacyAlert.objects.exists()
    assert not AuditEvent.objects.filter(verb="mfa.stepped_up").exists()
    print(f"\nB6 step-up: {refused}/{asked} break-glass requests without a right code refused ({len(breakers)} users)")


def test_a_wrong_code_is_said_on_the_page_and_the_reason_is_kept(client, sw_fhlp, zara):
    client.force_login(sw_fhlp)
    device_for(sw_fhlp)
    response = client.post(_url(zara), {"reason": REASON, "code": "123456"})
    page = response.content.decode()
    assert _refused(response, zara, sw_fhlp)
    assert WRONG in page
    assert re.search(r'<textarea[^>]*name="reason"[^>]*>\s*' + re.escape(REASON), page)
    assert AuditEvent.objects.filter(verb="auth.second_factor_failed", actor_id=sw_fhlp.pk).count() == 1
    # No code at all: the box asks for it.
    response = client.post(_url(zara), {"reason": REASON})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()


def test_the_right_code_opens_the_record_and_the_step_up_is_audited(client, sw_fhlp, zara):
    client.force_login(sw_fhlp)
    response = client.post(_url(zara), {"reason": REASON, "code": code_for(device_for(sw_fhlp))})
    assert response.status_code == 302 and response.url == reverse("cases:person_detail", args=[zara.pk])
    grant = BreakGlass.objects.get(user=sw_fhlp, person=zara)
    assert grant.reason == REASON
    step = AuditEvent.objects.get(verb="mfa.stepped_up", actor_id=sw_fhlp.pk)
    assert step.kind == "auth" and step.fields == [mfa.TOTP]
    assert step.reason == mfa.STEP_UP_PURPOSES["break_glass"]
    assert step.pk < AuditEvent.objects.get(verb="break_glass.started").pk


def test_a_code_is_not_accepted_twice_and_each_break_glass_asks_again(client, sw_fhlp, zara, yusuf):
    """A replayed code (the one just used) is refused, though the user stepped up a moment ago: every break-glass
    asks for the code again."""
    client.force_login(sw_fhlp)
    device = device_for(sw_fhlp)
    code = code_for(device)
    assert client.post(_url(zara), {"reason": REASON, "code": code}).status_code == 302
    response = client.post(_url(yusuf), {"reason": REASON, "code": code})
    assert _refused(response, yusuf, sw_fhlp) and WRONG in response.content.decode()
    response = client.post(_url(yusuf), {"reason": REASON})
    assert _refused(response, yusuf, sw_fhlp)
    with time_machine.travel(time.time() + 2, tick=True):  # past the throttle the replay started
        assert client.post(_url(yusuf), {"reason": REASON, "code": code_for(device)}).status_code == 302
    assert BreakGlass.objects.filter(user=sw_fhlp).count() == 2


def test_wrong_codes_are_throttled_on_the_break_glass_form(client, sw_fhlp, zara):
    client.force_login(sw_fhlp)
    device = device_for(sw_fhlp)
    now = time.time()
    with time_machine.travel(now, tick=False):
        client.post(_url(zara), {"reason": REASON, "code": "999999"})
        client.post(_url(zara), {"reason": REASON, "code": "999998"})  # refused unchecked: 1 s not passed
        response = client.post(_url(zara), {"reason": REASON, "code": code_for(device)})
    assert _refused(response, zara, sw_fhlp)
    assert "You have entered too many wrong codes. Wait" in response.content.decode()
    with time_machine.travel(now + 3, tick=False):
        assert client.post(_url(zara), {"reason": REASON, "code": code_for(device)}).status_code == 302


def test_a_recovery_code_steps_up_once(client, sw_fhlp, zara, yusuf):
    client.force_login(sw_fhlp)
    device_for(sw_fhlp)
    codes = recovery_codes_issue(user=sw_fhlp)
    assert client.post(_url(zara), {"reason": REASON, "code": codes[0].lower()}).status_code == 302
    assert AuditEvent.objects.get(verb="mfa.stepped_up").fields == [mfa.RECOVERY_CODE]
    response = client.post(_url(yusuf), {"reason": REASON, "code": codes[0]})
    assert _refused(response, yusuf, sw_fhlp)


def test_identity_provider_session_steps_up_by_a_sign_in_there_within_5_minutes(client, sw_fhlp, zara):
    """Signed in through the identity provider 2 minutes ago: no code box, the record opens, the step-up audited
    once as the provider's."""
    _sign_in_through_identity_provider(client, sw_fhlp, minutes_ago=2)
    page = client.get(_url(zara)).content.decode()
    assert 'name="code"' not in page and "in the last 5 minutes" in page
    assert client.post(_url(zara), {"reason": REASON}).status_code == 302
    assert BreakGlass.objects.filter(user=sw_fhlp, person=zara).exists()
    assert AuditEvent.objects.get(verb="mfa.stepped_up").fields == [mfa.IDENTITY_PROVIDER]


@pytest.mark.urls(__name__)
def test_identity_provider_sign_in_too_old_is_sent_to_sign_in_again_with_the_reason_kept(
    settings, client, sw_fhlp, zara
):
    settings.OIDC_ENABLED, settings.OIDC_PROVIDER_NAME = True, "Test Council account"
    _sign_in_through_identity_provider(client, sw_fhlp, minutes_ago=6)
    response = client.post(_url(zara), {"reason": REASON})
    assert response.status_code == 302 and response.url.startswith(CONFIRM + "?next=")
    assert not BreakGlass.objects.exists()
    confirm = client.get(response.url).content.decode()
    link = re.search(r'href="([^"]+)" id="step-up-provider"', confirm)
    assert link and link.group(1).startswith("/accounts/council/?next=")
    assert "Sign in with Test Council account" in confirm
    # Back from the provider (its callback marks the session anew): the reason is still on the page.
    session = client.session
    mfa.mark_verified(SimpleNamespace(session=session), method=mfa.IDENTITY_PROVIDER)
    session.save()
    page = client.get(_url(zara)).content.decode()
    assert REASON in page
    assert client.post(_url(zara), {"reason": REASON}).status_code == 302


def test_the_confirm_page_steps_up_and_goes_back(client, sw_fhlp):
    client.force_login(sw_fhlp)
    device = device_for(sw_fhlp)
    target = "/cases/people/search/"
    page = client.get(CONFIRM, {"next": target, "for": "export_volume"})
    assert page.status_code == 200 and "needs your second factor again" in page.content.decode()
    wrong = client.post(CONFIRM, {"code": "123456", "next": target, "for": "export_volume"})
    assert wrong.status_code == 200 and WRONG in wrong.content.decode()
    assert not mfa.has_recent_second_factor(wrong.wsgi_request)
    with time_machine.travel(time.time() + 2, tick=True):
        right = client.post(CONFIRM, {"code": code_for(device), "next": target, "for": "export_volume"})
    assert right.status_code == 302 and right.url == target
    assert mfa.has_recent_second_factor(right.wsgi_request)
    assert AuditEvent.objects.get(verb="mfa.stepped_up").reason == mfa.STEP_UP_PURPOSES["export_volume"]
    # Within 5 minutes the page goes straight back; an unsafe next is not followed.
    assert client.get(CONFIRM, {"next": target})["Location"] == target
    assert client.get(CONFIRM, {"next": "https://evil.test/"})["Location"] == reverse("home")
    with time_machine.travel(time.time() + mfa.STEP_UP_SECONDS + 5, tick=False):
        assert client.get(CONFIRM, {"next": target}).status_code == 200


def test_a_password_only_session_is_sent_to_the_sign_in_code_page_not_the_confirm_page(client, sw_fhlp):
    from tests.two_factor import password_only

    password_only(client, sw_fhlp)
    response = client.get(CONFIRM)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
    assert "mfa_confirm" not in mfa.ALLOWED_UNVERIFIED
    assert mfa_views.mfa_confirm  # the page's view, routed as mfa_confirm
