"""The audit's request id is the server's (issue 12 item 3): a client's X-Request-ID is kept in a field of its own,
and the response names the server's id."""

import pytest

from cases.models import AuditEvent

pytestmark = pytest.mark.django_db


def _sign_in(client, email: str, password: str, **headers):
    response = client.post("/accounts/login/", {"username": email, "password": password}, headers=headers)
    return response, AuditEvent.objects.filter(verb="auth.sign_in").latest("id")


def test_a_clients_request_id_is_kept_apart_and_the_server_generates_its_own(client, triage_officer, password):
    response, event = _sign_in(client, triage_officer.email, password, **{"X-Request-ID": "partner-trace-0001"})
    assert response.status_code == 302
    assert event.client_request_id == "partner-trace-0001"
    assert event.request_id != "partner-trace-0001"
    assert len(event.request_id) == 32
    assert response["X-Request-ID"] == event.request_id


def test_two_requests_naming_the_same_client_id_are_audited_under_two_ids(client, triage_officer, password):
    _response, first = _sign_in(client, triage_officer.email, password, **{"X-Request-ID": "same-id-twice-1"})
    client.logout()
    _response, second = _sign_in(client, triage_officer.email, password, **{"X-Request-ID": "same-id-twice-1"})
    assert first.client_request_id == second.client_request_id == "same-id-twice-1"
    assert first.request_id != second.request_id


def test_a_malformed_client_request_id_is_not_kept(client, triage_officer, password):
    _response, event = _sign_in(client, triage_officer.email, password, **{"X-Request-ID": "<script>x</script>"})
    assert event.client_request_id == ""
    assert len(event.request_id) == 32


def test_without_a_client_id_the_row_has_the_servers_id_only(client, triage_officer, password):
    response, event = _sign_in(client, triage_officer.email, password)
    assert (event.client_request_id, event.request_id) == ("", response["X-Request-ID"])
