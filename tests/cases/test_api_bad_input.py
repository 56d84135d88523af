"""No input makes the people API fail with a 500: bad ids, bad dates, wrong types, odd bodies and headers
are each a 4xx with a reason."""

import pytest

from cases.models import Person
from tests.support import unchanged

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
BIG = "9" * 30

CASES = [
    ("get", f"{PEOPLE}{BIG}/", None, {}),
    ("get", f"{PEOPLE}{BIG}/relationships/", None, {}),
    ("get", f"{PEOPLE}{BIG}/chronology/", None, {}),
    ("patch", f"{PEOPLE}{BIG}/", {"version": 1}, {}),
    ("get", f"{PEOPLE}-1/", None, {}),
    ("get", f"{PEOPLE}abc/", None, {}),
    ("get", f"{PEOPLE}?page=9999999999999999999999", None, {}),
    ("get", f"{PEOPLE}?page_size=-5", None, {}),
    ("get", f"{PEOPLE}search/?date_of_birth=9999-12-31&dob_range_days=3660", None, {}),
    ("get", f"{PEOPLE}search/?date_of_birth=0001-01-01", None, {}),
    ("get", f"{PEOPLE}search/?name=%00", None, {}),
    ("get", f"{PEOPLE}search/?name=,;--'%22", None, {}),
    ("get", f"{PEOPLE}search/?nhs_number=%F0%9F%98%80", None, {}),
    ("get", f"{PEOPLE}search/?dob_range_days=1e9&date_of_birth=2016-01-01", None, {}),
    ("get", "{detail}chronology/?from=0000-01-01", None, {}),
    ("get", "{detail}chronology/?significant=", None, {}),
    ("post", PEOPLE, [1, 2, 3], {}),
    ("post", PEOPLE, "a string", {}),
    ("post", PEOPLE, {"first_name": None, "last_name": 12}, {}),
    (
        "post",
        PEOPLE,
        {"first_name": "A", "last_name": "B", "date_of_birth": "0001-01-01", "duplicates_reviewed": True},
        {},
    ),
    ("post", PEOPLE, {"first_name": "A", "last_name": "B", "disabilities": "MOB"}, {}),
    ("post", PEOPLE, {"first_name": "A", "last_name": "B", "address": "1 Road"}, {}),
    ("post", PEOPLE, {"first_name": "A" * 5000, "last_name": "B"}, {}),
    ("post", PEOPLE, {"first_name": "A", "last_name": "B", "nhs_number": ["943", "476"]}, {}),
    ("post", PEOPLE, {"first_name": "A", "last_name": "B", "duplicates_reviewed": "maybe"}, {}),
    ("post", f"{PEOPLE}duplicates/", {"first_name": "A"}, {}),
    ("patch", "{detail}", {"date_of_birth": "2016-02-30", "version": 1}, {}),
    ("patch", "{detail}", {"preferred_name": "X"}, {"HTTP_IF_MATCH": '"abc"'}),
    ("patch", "{detail}", {"preferred_name": "X"}, {"HTTP_IF_MATCH": f'"{BIG}"'}),
    ("patch", "{detail}", {"preferred_name": "X"}, {"HTTP_IF_MATCH": 'W/"1", "2"'}),
    ("patch", "{detail}", {"preferred_name": "X", "version": -1}, {}),
    ("patch", "{detail}", {"preferred_name": "X", "version": 10**20}, {}),
    ("patch", "{detail}", {"preferred_name": "X", "version": True}, {}),
    ("patch", "{detail}", {"sex": None, "version": 1}, {}),
    ("patch", "{detail}", {"nhs_number": None, "version": 1}, {}),
    ("post", "{detail}relationships/", {"other_person_id": -3, "type": "sibling"}, {}),
    ("post", "{detail}relationships/", {"other_person_id": None, "type": None}, {}),
    ("put", "{detail}", {"first_name": "A"}, {}),
    ("delete", "{detail}", None, {}),
]


@pytest.mark.parametrize(("method", "url", "body", "headers"), CASES)
def test_bad_input_is_a_4xx_not_a_500(method, url, body, headers, api_client, triage_officer, make_person):
    child = make_person()
    api_client.force_authenticate(triage_officer)
    api_client.raise_request_exception = False
    url = url.format(detail=f"{PEOPLE}{child.pk}/")
    response = (
        getattr(api_client, method)(url, body, format="json", **headers)
        if body is not None
        else getattr(api_client, method)(url, **headers)
    )
    assert 200 <= response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
        assert response.json()  # a reason, not an empty body


def test_malformed_json_is_a_400(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    with unchanged(Person):
        response = api_client.post(PEOPLE, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.data


def test_form_encoded_bodies_are_refused_with_415(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(PEOPLE, {"first_name": "A", "last_name": "B"})
    assert response.status_code == 415
