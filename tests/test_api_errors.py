"""Under /api/ every answer a client can get wrong is JSON with a stable `code` (issue 12 item 4): bodies that
would exhaust the parser, a URL without its trailing slash, an unknown URL, a wrong method, a body or URL too
long, not signed in, and the server's own failure. Django's own errors (its 404 page, RequestDataTooBig, the
trailing-slash redirect) are answered as JSON too, with DEBUG on (make run) or off."""

import json

import pytest

from front_door.models import Contact
from tests.api_tokens import bearer_like

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"
DUPLICATES = "/api/v1/people/duplicates/"
NESTED = "[" * 1000 + "]" * 1000


def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert body["code"] == code, body
    return body


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def client_as_triage(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    api_client.raise_request_exception = False
    return api_client


@pytest.mark.parametrize("url", [CONTACTS, DUPLICATES])
@pytest.mark.parametrize("body", [NESTED, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 200 + "]" * 200])
def test_deeply_nested_json_is_a_400_parse_error(client_as_triage, url, body):
    response = client_as_triage.post(url, body, content_type="application/json")
    _json_error(response, 400, "parse_error")


def test_a_post_without_the_trailing_slash_is_redirected_with_its_method_kept(client_as_triage, debug):
    response = client_as_triage.post(CONTACTS.rstrip("/"), {"worry": "x"}, format="json")
    body = _json_error(response, 308, "trailing_slash")
    assert response["Location"] == CONTACTS and CONTACTS in body["detail"]
    assert not Contact.objects.exists()


def test_a_get_without_the_trailing_slash_is_redirected_too(client_as_triage, debug):
    response = client_as_triage.get(CONTACTS.rstrip("/") + "?page=2")
    _json_error(response, 308, "trailing_slash")
    assert response["Location"] == CONTACTS + "?page=2"


def test_an_unknown_api_url_is_a_json_404(client_as_triage, debug):
    _json_error(client_as_triage.get("/api/v1/no-such-thing/"), 404, "not_found")
    _json_error(client_as_triage.post("/api/v2/contacts/", {}, format="json"), 404, "not_found")


def test_a_refusal_is_a_json_404_with_the_code(api_client, health_fhlp):
    api_client.force_authenticate(health_fhlp)
    body = _json_error(api_client.get(CONTACTS), 404, "not_found")
    assert body["detail"] == "Not found."


def test_a_wrong_method_is_a_json_405(client_as_triage):
    response = client_as_triage.put(CONTACTS, {}, format="json")
    _json_error(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_a_signed_out_call_is_a_401_with_www_authenticate(api_client):
    for response in (api_client.get(CONTACTS), api_client.post(CONTACTS, {}, format="json")):
        _json_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_bad_token_is_a_401_with_www_authenticate(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api_client.get(CONTACTS)
    _json_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_token_still_works(api_client, triage_officer):
    api_client.credentials(HTTP_AUTHORIZATION=bearer_like(triage_officer))
    assert api_client.get(CONTACTS).status_code == 200


def test_a_body_over_the_upload_limit_is_a_json_413(client_as_triage, debug):
    worry = "x" * (3 * 1024 * 1024)
    response = client_as_triage.post(CONTACTS, json.dumps({"worry": worry}), content_type="application/json")
    _json_error(response, 413, "request_too_large")
    assert not Contact.objects.exists()


def test_an_over_long_url_is_a_json_414(client_as_triage, debug):
    _json_error(client_as_triage.get(CONTACTS + "?status=" + "a" * 5000), 414, "uri_too_long")
    _json_error(client_as_triage.get("/api/v1/" + "a" * 5000 + "/"), 414, "uri_too_long")


def test_a_validation_error_carries_the_code_and_the_fields(client_as_triage):
    body = _json_error(client_as_triage.post(CONTACTS, {"worry": "x"}, format="json"), 400, "invalid")
    assert "source_code" in body and "children" in body


def test_a_server_error_under_the_api_is_json(client_as_triage, debug, monkeypatch):
    # The one place a component is made to fail on purpose: there is no input that does it any more.
    from front_door import selectors

    def boom(**kwargs):
        raise RuntimeError("a failure the client must not see")

    monkeypatch.setattr(selectors, "contact_list_for_reader", boom)
    response = client_as_triage.get(CONTACTS)
    body = _json_error(response, 500, "server_error")
    assert "must not see" not in response.content.decode()
    assert set(body) == {"code", "detail"}


def test_pages_outside_the_api_keep_their_html_404(client, debug):
    response = client.get("/cases/no-such-page/")
    assert response.status_code in (302, 404)
    assert not response["Content-Type"].startswith("application/json")
