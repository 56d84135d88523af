"""Sessions end 15 minutes after the last request and 12 hours after sign-in; disabling an account ends its sessions
and API tokens at once, for good (issue 12 item 8; battery rows B7 and B14)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import ApiToken, AuditEvent, User
from tests.api_tokens import service_account, token_for
from tests.two_factor import pass_second_factor

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _signed_in(client: Client, path: str = "/") -> bool:
    response = client.get(path)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), response
    return False


def test_fifteen_minutes_without_a_request_end_the_session(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(15 * MIN - dt.timedelta(seconds=1))
    assert _signed_in(client)  # 14:59 after sign-in: still there, and the clock starts again
    clock.shift(15 * MIN + dt.timedelta(seconds=1))
    response = client.get("/front-door/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/front-door/"  # back to the same page after signing in
    assert AuditEvent.objects.filter(verb="auth.session_ended.idle", actor_id=triage_officer.pk).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for 15 minutes" in page
    clock.shift(MIN)
    assert not _signed_in(client)  # ended for good, not just for one request


def test_requests_keep_the_session_for_twelve_hours_and_no_longer(client, triage_officer, clock):
    client.force_login(triage_officer)
    for _ in range(12 * 6 - 1):
        clock.shift(10 * MIN)
        assert _signed_in(client)
    clock.shift(10 * MIN + dt.timedelta(seconds=1))  # 12 hours and a second after signing in, busy all along
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(verb="auth.session_ended.absolute", actor_id=triage_officer.pk).count() == 1


def test_a_normal_request_writes_nothing_to_the_session_store(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(2 * MIN)
    client.get("/")  # more than a minute since the last write: this one writes the time once
    clock.shift(dt.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


def test_the_idle_time_counts_from_the_last_request(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(10 * MIN)
    assert _signed_in(client)
    clock.shift(14 * MIN)  # 24 minutes after sign-in, 14 after the last request
    assert _signed_in(client)


def test_stay_signed_in_counts_as_a_request(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(13 * MIN + dt.timedelta(seconds=30))
    response = client.post("/accounts/session/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["idle"] == 15 * 60
    assert response.json()["absolute"] == 12 * 3600 - (13 * 60 + 30)
    clock.shift(14 * MIN)  # 27.5 minutes after sign-in
    assert _signed_in(client)


def test_stay_signed_in_without_javascript_comes_back_to_the_page(client, triage_officer):
    client.force_login(triage_officer)
    response = client.post("/accounts/session/", {"next": "/front-door/"})
    assert response.status_code == 302 and response["Location"] == "/front-door/"
    response = client.post("/accounts/session/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


def test_stay_signed_in_after_the_end_is_refused(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(16 * MIN)
    assert client.post("/accounts/session/", HTTP_ACCEPT="application/json").status_code == 401
    assert client.get("/accounts/session/").status_code == 405


def test_pages_carry_the_seconds_left_for_the_warning(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(5 * MIN)
    client.get("/")  # writes the time of this request
    clock.shift(dt.timedelta(seconds=30))
    html = client.get("/").content.decode()  # within the minute: counted from the request before
    assert 'id="timeout-dialog"' in html
    assert 'data-idle="870"' in html
    assert f'data-absolute="{12 * 3600 - 330}"' in html
    assert 'data-warning="120"' in html
    assert "<script>" not in html  # no inline script (a strict CSP forbids them)
    assert 'id="timeout-dialog"' not in client.get("/accounts/login/").content.decode()


def test_a_form_posted_after_the_end_sends_the_user_to_sign_in_and_back_to_the_form(client, triage_officer, clock):
    client.force_login(triage_officer)
    clock.shift(16 * MIN)
    response = client.post("/front-door/contacts/new/", {"anything": "typed"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/front-door/contacts/new/"


def test_the_api_answers_401_once_the_session_has_ended(triage_officer, clock):
    api = APIClient()
    api.force_login(triage_officer)
    assert api.get("/api/v1/people/?q=zz").status_code in (200, 400)
    clock.shift(16 * MIN)
    assert api.get("/api/v1/people/?q=zz").status_code == 401


def test_disabling_an_account_ends_its_sessions_and_tokens_for_good(client, triage_officer, password):
    """B7: today the sessions stay, and work again when the account is enabled again. (A person holds no API token:
    a service account's are ended the same way, tests/cases/test_api_tokens.py.)"""
    other_browser = Client()
    client.post("/accounts/login/", {"username": triage_officer.email, "password": password})
    other_browser.post("/accounts/login/", {"username": triage_officer.email, "password": password})
    account = service_account(like=triage_officer)
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {token_for(account)}")
    pass_second_factor(client, triage_officer)  # each browser's own code (the second: the next time step's)
    pass_second_factor(other_browser, triage_officer)
    assert _signed_in(client) and _signed_in(other_browser)
    assert api.get("/api/v1/people/?q=zz").status_code in (200, 400)

    triage_officer.is_active = account.is_active = False
    triage_officer.save()
    account.save()
    assert api.get("/api/v1/people/?q=zz").status_code == 401
    assert not ApiToken.objects.filter(account=account, revoked_at__isnull=True).exists()

    triage_officer.is_active = account.is_active = True
    triage_officer.save()
    account.save()
    assert not _signed_in(client)
    assert not _signed_in(other_browser)
    assert api.get("/api/v1/people/?q=zz").status_code == 401


def test_an_account_disabled_without_save_loses_its_session_on_the_next_request(client, triage_officer):
    client.force_login(triage_officer)
    User.objects.filter(pk=triage_officer.pk).update(is_active=False)  # no signal: a bulk update
    assert not _signed_in(client)
    User.objects.filter(pk=triage_officer.pk).update(is_active=True)
    assert not _signed_in(client)


def test_other_users_sessions_survive_a_disabling(client, triage_officer, front_door_manager):
    client.force_login(front_door_manager)
    triage_officer.is_active = False
    triage_officer.save()
    assert _signed_in(client)


def _admin_form_data(form) -> dict:
    """The admin change form's fields as the page shows them, ready to post back."""
    data: dict = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # the admin wraps related fields' widgets
        if hasattr(widget, "widgets"):  # a date and a time in two boxes
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def test_unticking_active_in_the_admin_ends_the_sessions(client, triage_officer, council):
    from cases.models import Role
    from tests.factories import UserFactory

    administrator = UserFactory(agency=council, roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    practitioner = Client()
    practitioner.force_login(triage_officer)
    client.force_login(administrator)
    url = f"/admin/cases/user/{triage_officer.pk}/change/"
    data = _admin_form_data(client.get(url).context["adminform"].form)
    del data["is_active"]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    triage_officer.refresh_from_db()
    assert not triage_officer.is_active
    User.objects.filter(pk=triage_officer.pk).update(is_active=True)  # enabled again: the old session stays ended
    assert not _signed_in(practitioner)
