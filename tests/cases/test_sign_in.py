"""Signing in and out through the real pages."""

import pytest

from cases.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_the_front_page_for_anonymous_users(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert b"Sign in to FFP Case" in response.content


def test_correct_email_and_password_land_on_home(client, triage_officer, password):
    response = client.post("/accounts/login/", {"username": "TRIAGE@example.test", "password": password},
                           follow=True)
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
