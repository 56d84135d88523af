"""The front-door API: round trip with an idempotency key, the working-day clock, and scoping."""

import pytest
from rest_framework.test import APIClient

from front_door.models import Contact
from front_door.services import information_request_send
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = {
    "referrer_name": "Dee School", "source_code": "2A", "worry": "Hungry and bruised", "categories": ["neglect"],
    "consent": "knows_and_agrees", "children": [{"first_name": "Ruby", "last_name": "Quinton",
                                                  "date_of_birth": "2017-09-04"}],
}


@pytest.fixture
def api():
    return APIClient()


def test_round_trip_with_idempotency_key(api, triage_officer, make_person, need):
    child = make_person()
    api.force_authenticate(triage_officer)
    body = {**BODY, "children": [{"person_id": child.pk}], "received_at": "2026-11-20T16:00:00+00:00"}
    first = api.post("/api/v1/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post("/api/v1/contacts/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Contact.objects.count() == 1
    assert first.json()["decision_due_at"] == "2026-11-23T16:00:00+00:00"
    pk = first.json()["id"]
    decided = api.post(f"/api/v1/contacts/{pk}/decision/", {"outcome": 3, "level": "child_in_need",
                                                             "rationale": "Assess"}, format="json")
    assert decided.status_code == 201 and decided.json()["contact_status"] == "decided"
    detail = api.get(f"/api/v1/contacts/{pk}/").json()
    assert detail["outcome"]["code"] == 3 and detail["status"] == "decided"
    again = api.post(f"/api/v1/contacts/{pk}/decision/", {"outcome": 7, "level": "targeted_early_help",
                                                           "rationale": "Less"}, format="json")
    assert again.status_code == 409
    changed = api.post(f"/api/v1/contacts/{pk}/decision/", {"outcome": 7, "level": "targeted_early_help",
                                                             "rationale": "Less", "change_reason": "Police info"},
                       format="json")
    assert changed.status_code == 201


def test_due_time_keeps_summer_time_offset(api, triage_officer):
    api.force_authenticate(triage_officer)
    response = api.post("/api/v1/contacts/", {**BODY, "received_at": "2026-03-27T10:00:00+00:00"}, format="json")
    assert response.json()["decision_due_at"] == "2026-03-30T10:00:00+01:00"


def test_decision_needs_rationale_and_an_allowed_level(api, triage_officer, make_person, need):
    api.force_authenticate(triage_officer)
    pk = api.post("/api/v1/contacts/", {**BODY, "children": [{"person_id": make_person().pk}]},
                  format="json").json()["id"]
    no_reason = api.post(f"/api/v1/contacts/{pk}/decision/", {"outcome": 3, "level": "child_in_need",
                                                               "rationale": ""}, format="json")
    assert no_reason.status_code == 400 and "rationale" in no_reason.json()
    wrong_level = api.post(f"/api/v1/contacts/{pk}/decision/", {"outcome": 2, "level": "targeted_early_help",
                                                                 "rationale": "x"}, format="json")
    assert wrong_level.status_code == 400 and "level" in wrong_level.json()


def test_a_partner_token_sees_only_their_own_contacts_in_plain_words(api, dsl, triage_officer, need, make_person):
    from rest_framework.authtoken.models import Token

    other = UserFactory(email="dsl-other@example.test", agency=AgencyFactory(name="Other School", type="education"),
                        roles=["partner_referrer"])
    api.force_authenticate(dsl)
    mine = api.post("/api/v1/contacts/", BODY, format="json").json()
    api.force_authenticate(other)
    theirs = api.post("/api/v1/contacts/", BODY, format="json").json()
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=dsl).key}")
    listing = api.get("/api/v1/contacts/").json()
    assert [c["id"] for c in listing["results"]] == [mine["id"]]
    assert api.get(f"/api/v1/contacts/{theirs['id']}/").status_code == 404
    assert "worry" not in listing["results"][0] and "children" in listing["results"][0]
    assert api.post(f"/api/v1/contacts/{mine['id']}/decision/", {"outcome": 8, "level": "universal",
                                                                  "rationale": "x"}, format="json").status_code == 404


def test_an_agency_sees_and_answers_only_its_own_requests(api, triage_officer, police, dsl, new_contact):
    contact = new_contact(triage_officer)
    request = information_request_send(contact=contact, actor=triage_officer, agency=police.agency,
                                       question="Known to you?")
    api.force_authenticate(dsl)
    assert api.get("/api/v1/information-requests/").json()["results"] == []
    assert api.post(f"/api/v1/information-requests/{request.pk}/response/", {"response": "no"},
                    format="json").status_code == 404
    api.force_authenticate(police)
    assert [r["id"] for r in api.get("/api/v1/information-requests/").json()["results"]] == [request.pk]
    answered = api.post(f"/api/v1/information-requests/{request.pk}/response/", {"response": "One call-out"},
                        format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert api.post(f"/api/v1/information-requests/{request.pk}/response/", {"response": "again"},
                    format="json").status_code == 409


def test_bad_input_is_400_with_reasons(api, triage_officer):
    api.force_authenticate(triage_officer)
    response = api.post("/api/v1/contacts/", {**BODY, "source_code": "ZZ", "children": []}, format="json")
    assert response.status_code == 400 and {"source_code", "children"} <= set(response.json())
    consent = api.post("/api/v1/contacts/", {**BODY, "consent": "not_sought_risk"}, format="json")
    assert consent.status_code == 400 and "consent_override_reason" in consent.json()


def test_list_query_count_is_constant(api, triage_officer, new_contact, django_assert_max_num_queries):
    api.force_authenticate(triage_officer)
    for _ in range(5):
        new_contact(triage_officer)
    with django_assert_max_num_queries(30) as few:
        api.get("/api/v1/contacts/")
    for _ in range(25):
        new_contact(triage_officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/contacts/").status_code == 200
