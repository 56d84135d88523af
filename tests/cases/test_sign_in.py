"""Signing in and out through the real pages."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AuditEvent, User
from tests.two_factor import code_for, device_for

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_the_front_page_for_anonymous_users(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert b"Sign in to FFP Case" in response.content


def test_correct_email_and_password_land_on_home(client, triage_officer, password):
    device_for(triage_officer)
    response = client.post("/accounts/login/", {"username": "TRIAGE@example.test", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/?next=%2F"  # then the code (issue 17)
    assert b"Enter the 6-digit code" in response.content
    response = client.post(
        "/accounts/two-factor/", {"code": code_for(device_for(triage_officer)), "next": "/"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert b"Welcome, Tess" in response.content
    assert AuditEvent.objects.filter(verb="auth.sign_in", actor_id=triage_officer.pk).count() == 1


def test_wrong_password_shows_error_summary_and_keeps_the_email(client, triage_officer):
    response = client.post("/accounts/login/", {"username": "triage@example.test", "password": "wrong-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert 'value="triage@example.test"' in html
    assert "Traceback" not in html
    assert response.wsgi_request.user.is_anonymous
    assert AuditEvent.objects.filter(verb="auth.sign_in_failed").count() == 1


def test_missing_fields_are_named_and_linked_from_the_summary(client, db):
    html = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert 'aria-describedby="id_username-error"' in html


def test_sign_out_is_a_post_and_ends_the_session(client, triage_officer, password):
    client.post("/accounts/login/", {"username": "triage@example.test", "password": password})
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(verb="auth.sign_out", actor_id=triage_officer.pk).count() == 1


def test_signed_in_pages_are_never_cached(client, triage_officer):
    client.force_login(triage_officer)
    assert client.get("/")["Cache-Control"] == "no-store"


def test_every_response_carries_a_request_id(client, db):
    response = client.get("/accounts/login/")
    assert len(response["X-Request-ID"]) >= 8


def test_a_signed_out_session_cookie_no_longer_works_anywhere(client, triage_officer, password, settings):
    # Sessions are read from the cache first: signing out must end the session there too, not just in
    # the browser that signed out.
    client.post("/accounts/login/", {"username": "triage@example.test", "password": password})
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = stolen
    assert other.get("/").status_code == 302


def test_an_expired_session_signs_the_user_out(client, triage_officer):
    client.force_login(triage_officer)
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=12, minutes=1)):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_request_user_comes_with_their_roles_in_one_query(client, triage_officer):
    client.force_login(triage_officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")  # shows the roles and a navigation built from them
    assert "Triage officer" in response.content.decode()
    role_queries = [q["sql"] for q in captured.captured_queries if '"auth_group"' in q["sql"]]
    assert len(role_queries) == 1
    assert '"cases_user"' in role_queries[0]


def test_role_and_active_changes_apply_on_the_next_request(client, triage_officer):
    client.force_login(triage_officer)
    assert client.get("/front-door/").status_code == 200
    triage_officer.groups.clear()
    assert client.get("/front-door/").status_code == 404
    User.objects.filter(pk=triage_officer.pk).update(is_active=False)
    assert client.get("/").status_code == 302
