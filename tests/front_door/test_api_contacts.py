"""The front-door API: the round trip with an idempotency key, the working-day clock, scoping (a partner sees
only their own referrals, an agency only the requests sent to it), refusals, read audit and query counts."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AgencyType, AuditEvent, Episode, Role
from cases.services import person_restrict
from front_door.models import Contact, ContactChild, ContactStatus, Decision, InformationRequest
from front_door.services import (
    contact_child_link,
    contact_create,
    decision_record,
    decision_signoff,
    information_request_send,
)
from tests.api_tokens import bearer_like
from tests.factories import AgencyFactory, UserFactory
from tests.support import unchanged

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"
BODY = {
    "referrer_name": "Dee School",
    "referrer_role": "DSL",
    "source_code": "2A",
    "worry": "Arrived hungry, with bruises on both arms.",
    "categories": ["neglect", "physical_abuse"],
    "consent": "knows_and_agrees",
    "children": [{"first_name": "Ruby", "last_name": "Quinton", "date_of_birth": "2017-09-04"}],
}
CIN = {"outcome": 3, "level": "child_in_need", "rationale": "Needs a s17 assessment."}


@pytest.fixture
def other_dsl():
    school = AgencyFactory(name="Other Test School", type=AgencyType.EDUCATION)
    return UserFactory(email="dsl2@example.test", full_name="Dan Other", agency=school, roles=[Role.PARTNER_REFERRER])


def _keys(value) -> set[str]:
    """Every key anywhere in a JSON document."""
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value))
    return set()


def _staff_contact(api_client, actor, person, **extra):
    api_client.force_authenticate(actor)
    response = api_client.post(CONTACTS, {**BODY, "children": [{"person_id": person.pk}], **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# --- the round trip ------------------------------------------------------------------------------------


def test_a_retried_post_with_the_same_key_creates_one_contact_and_the_decision_shows(
    api_client, triage_officer, make_person, levels
):
    child = make_person()
    api_client.force_authenticate(triage_officer)
    body = {**BODY, "children": [{"person_id": child.pk}], "received_at": "2026-11-20T16:00:00+00:00"}

    first = api_client.post(CONTACTS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api_client.post(CONTACTS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Contact.objects.count() == 1
    created = first.json()
    assert first["Location"] == f"/api/v1/contacts/{created['id']}/"
    assert (
        created["status"] == "received" and created["outcome"] is None and created["rag"] in {"green", "amber", "red"}
    )
    assert created["children"][0]["person_id"] == child.pk and created["reference"].startswith("C")

    decided = api_client.post(f"{CONTACTS}{created['id']}/decision/", CIN, format="json")
    assert decided.status_code == 201
    assert decided.json() | {"id": 0, "decided_at": ""} == {
        "id": 0,
        "outcome": 3,
        "level": "child_in_need",
        "decided_at": "",
        "signoff_required": False,
        "is_referral": True,
        "supersedes": None,
        "contact_status": "decided",
    }

    detail = api_client.get(f"{CONTACTS}{created['id']}/").json()
    assert detail["status"] == "decided" and detail["rag"] is None
    assert detail["outcome"] == {
        "code": 3,
        "label": "Child in need: assessment under s17",
        "plain_words": "A social worker will assess what help the family needs.",
    }


def test_the_same_key_with_a_different_body_is_a_422_and_the_second_referral_is_not_lost_silently(
    api_client, triage_officer
):
    api_client.force_authenticate(triage_officer)
    first = api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other_child = {**BODY, "children": [{"first_name": "Oscar", "last_name": "Quinton"}]}
    second = api_client.post(CONTACTS, other_child, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert second.status_code == 422, second.json()
    assert second.json()["code"] == "idempotency_key_reused"
    assert "different body" in second.json()["detail"]
    assert Contact.objects.count() == 1


def test_the_same_body_in_another_key_order_and_spacing_is_a_retry(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    first = api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    reordered = json.dumps(dict(reversed(list(BODY.items()))), indent=2)
    again = api_client.post(CONTACTS, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_an_invalid_body_with_a_used_key_is_never_answered_with_the_stored_success(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    assert api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201
    for bad in ({**BODY, "source_code": "ZZ"}, {}, []):
        response = api_client.post(CONTACTS, bad, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
        assert response.status_code in (400, 422), response.json()
        assert "id" not in response.json()
    assert Contact.objects.count() == 1


def test_an_invalid_body_with_a_new_key_stores_nothing_and_the_key_stays_free(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    bad = api_client.post(CONTACTS, {**BODY, "source_code": "ZZ"}, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    good = api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert (bad.status_code, good.status_code) == (400, 201)


def test_a_different_key_or_no_key_is_a_new_contact(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="a")
    api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="b")
    api_client.post(CONTACTS, BODY, format="json")
    assert Contact.objects.count() == 3


def test_an_idempotency_key_longer_than_100_characters_is_refused(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(CONTACTS, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Contact.objects.exists()


# --- the working-day clock -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-20T16:00:00+00:00", "2026-11-23T16:00:00+00:00"),  # Friday: due Monday, same time
        ("2026-03-27T10:00:00+00:00", "2026-03-30T10:00:00+01:00"),  # Friday before the clocks go forward
        ("2026-03-27T11:00:00+01:00", "2026-03-30T10:00:00+01:00"),  # the same moment, written with another offset
        ("2026-12-24T15:30:00+00:00", "2026-12-29T15:30:00+00:00"),  # Christmas and Boxing Day (substitute Monday)
    ],
)
def test_decision_is_due_the_next_working_day_at_the_same_local_time(api_client, triage_officer, received, due):
    api_client.force_authenticate(triage_officer)
    with time_machine.travel("2027-01-15T12:00:00+00:00"):
        response = api_client.post(CONTACTS, {**BODY, "received_at": received}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["decision_due_at"] == due


def test_received_at_in_the_future_is_refused_and_nothing_is_saved(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(CONTACTS, {**BODY, "received_at": "2999-01-01T09:00:00+00:00"}, format="json")
    assert response.status_code == 400 and "received_at" in response.json()
    assert not Contact.objects.exists()


def test_a_partner_cannot_backdate_their_referral_and_is_told_so(api_client, school_dsl):
    api_client.force_authenticate(school_dsl)
    response = api_client.post(CONTACTS, {**BODY, "received_at": "2026-01-05T09:00:00+00:00"}, format="json")
    assert response.status_code == 400 and "received_at" in response.json(), response.json()
    assert not Contact.objects.exists()
    response = api_client.post(CONTACTS, {**BODY, "referrer_agency_id": 1}, format="json")
    assert response.status_code == 400 and "referrer_agency_id" in response.json(), response.json()
    assert api_client.post(CONTACTS, BODY, format="json").status_code == 201
    assert timezone.now() - Contact.objects.get().received_at < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    "extra",
    [{"reference": "C-HACKED"}, {"status": "decided"}, {"recorded_by": 1}, {"idempotency_key": "x"}, {"wory": "typo"}],
)
def test_keys_the_api_does_not_take_are_refused_by_name_not_dropped(api_client, triage_officer, extra):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(CONTACTS, {**BODY, **extra}, format="json")
    assert response.status_code == 400, response.json()
    assert set(extra) <= set(response.json())
    assert not Contact.objects.exists()


def test_a_nested_child_with_an_unknown_key_is_refused_by_name(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    body = {**BODY, "children": [{"first_name": "Ruby", "person": 3}]}
    response = api_client.post(CONTACTS, body, format="json")
    assert response.status_code == 400 and "person" in response.json()["children"]["0"], response.json()


# --- who may do what --------------------------------------------------------------------------------------


# The police officer refers as well as sitting in the MACPT (both roles, as the demo's detective constable).
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("triage_officer", 201),
        ("front_door_manager", 201),
        ("school_dsl", 201),
        ("police_officer", 201),
        ("lcpp", 404),
        ("health_fhlp", 404),
    ],
)
def test_who_may_create_a_contact(api_client, persona, expected, request):
    api_client.force_authenticate(request.getfixturevalue(persona))
    assert api_client.post(CONTACTS, BODY, format="json").status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("triage_officer", 200),
        ("front_door_manager", 200),
        ("lcpp", 200),
        ("school_dsl", 200),
        ("police_officer", 200),
        ("health_fhlp", 404),
    ],
)
def test_who_may_list_contacts(api_client, persona, expected, request):
    api_client.force_authenticate(request.getfixturevalue(persona))
    assert api_client.get(CONTACTS).status_code == expected


def test_signed_out_callers_are_refused(api_client):
    assert api_client.get(CONTACTS).status_code in {401, 403}
    assert api_client.post(CONTACTS, BODY, format="json").status_code in {401, 403}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("triage_officer", 201),
        ("lcpp", 404),
        ("school_dsl", 404),
        ("police_officer", 404),
    ],
)
def test_only_front_door_staff_decide(api_client, persona, expected, request, triage_officer, make_person, levels):
    contact = _staff_contact(api_client, triage_officer, make_person())
    api_client.force_authenticate(request.getfixturevalue(persona))
    assert api_client.post(f"{CONTACTS}{contact['id']}/decision/", CIN, format="json").status_code == expected


def test_a_partner_token_sees_only_their_own_referrals(api_client, school_dsl, other_dsl):
    api_client.force_authenticate(other_dsl)
    theirs = api_client.post(CONTACTS, BODY, format="json").json()
    api_client.force_authenticate(None)

    api_client.credentials(HTTP_AUTHORIZATION=bearer_like(school_dsl))  # the school's system, as its DSL
    mine = api_client.post(CONTACTS, BODY, format="json").json()
    listing = api_client.get(CONTACTS)

    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["results"]] == [mine["id"]]
    assert api_client.get(f"{CONTACTS}{mine['id']}/").status_code == 200
    assert api_client.get(f"{CONTACTS}{theirs['id']}/").status_code == 404
    assert api_client.get(f"{CONTACTS}{theirs['id']}/information-requests/").status_code == 404
    with unchanged(Contact, Decision):
        assert api_client.post(f"{CONTACTS}{mine['id']}/decision/", CIN, format="json").status_code == 404
    own = listing.json()["results"][0]
    assert own["children"][0]["first_name"] == "Ruby" and "person_id" not in own["children"][0]
    assert {"worry", "referrer_name", "assigned_to"}.isdisjoint(own)


def test_a_partner_cannot_name_a_record(api_client, school_dsl, make_person):
    api_client.force_authenticate(school_dsl)
    child = make_person()
    with unchanged(Contact, ContactChild):
        response = api_client.post(CONTACTS, {**BODY, "children": [{"person_id": child.pk}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "children": {"0": {"person_id": ["Unknown person"]}}}


def test_staff_can_only_name_a_record_they_can_see(api_client, triage_officer, front_door_manager, make_person):
    hidden = make_person(first="Hidden", last="Child")
    person_restrict(person=hidden, actor=front_door_manager, reason="high_profile", access_users=[])
    api_client.force_authenticate(triage_officer)
    children = [{"person_id": make_person().pk}, {"person_id": hidden.pk}, {"person_id": 2**40}]
    response = api_client.post(CONTACTS, {**BODY, "children": children}, format="json")
    assert response.status_code == 400
    unknown = {"person_id": ["Unknown person"]}
    assert response.json() == {"code": "invalid", "children": {"1": unknown, "2": unknown}}
    assert not Contact.objects.exists()


# --- what the referrer hears ----------------------------------------------------------------------------


def test_the_partner_hears_the_outcome_in_plain_words_only_after_sign_off(
    api_client, school_dsl, triage_officer, front_door_manager, make_person, levels
):
    api_client.force_authenticate(school_dsl)
    referral = api_client.post(CONTACTS, BODY, format="json").json()
    contact = Contact.objects.get(pk=referral["id"])
    contact_child_link(contact_child=contact.children.get(), person=make_person(), actor=triage_officer)
    decision = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=8,
        level=levels["universal"],
        rationale="Sensitive detail about the family.",
        advice="Advice given.",
    )

    waiting = api_client.get(f"{CONTACTS}{referral['id']}/").json()
    assert (waiting["status"], waiting["outcome"]) == ("in_progress", None)

    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    told = api_client.get(f"{CONTACTS}{referral['id']}/").json()
    listed = api_client.get(CONTACTS).json()

    assert told["status"] == "decided"
    assert told["outcome"] == {
        "plain_words": "No further action by children's services: advice and information were given."
    }
    for document in (told, listed):
        assert {"rationale", "level", "code", "label", "person_id", "advice"}.isdisjoint(_keys(document))
        assert "Sensitive detail" not in str(document)


# --- decisions --------------------------------------------------------------------------------------------


def test_a_decision_without_rationale_is_refused_with_the_reason(api_client, triage_officer, make_person, levels):
    contact = _staff_contact(api_client, triage_officer, make_person())
    url = f"{CONTACTS}{contact['id']}/decision/"
    blank = api_client.post(url, {**CIN, "rationale": "  "}, format="json")
    missing = api_client.post(url, {"outcome": 3, "level": "child_in_need"}, format="json")
    assert blank.status_code == 400 and blank.json()["rationale"] == ["Give the reasons for the decision"]
    assert missing.status_code == 400 and "rationale" in missing.json()
    assert not Decision.objects.exists()


def test_a_level_the_outcome_does_not_allow_is_refused(api_client, triage_officer, make_person, levels):
    contact = _staff_contact(api_client, triage_officer, make_person())
    url = f"{CONTACTS}{contact['id']}/decision/"
    wrong = api_client.post(url, {"outcome": 2, "level": "targeted_early_help", "rationale": "x"}, format="json")
    unknown = api_client.post(url, {"outcome": 2, "level": "no_such_level", "rationale": "x"}, format="json")
    bad_outcome = api_client.post(url, {"outcome": 9, "level": "child_protection", "rationale": "x"}, format="json")
    assert wrong.status_code == 400 and "cannot be recorded at" in wrong.json()["level"][0]
    assert unknown.status_code == 400 and "level" in unknown.json()
    assert bad_outcome.status_code == 400 and "outcome" in bad_outcome.json()
    assert not Decision.objects.exists()


def test_a_second_decision_is_409_unless_it_is_a_change_with_a_reason(api_client, triage_officer, make_person, levels):
    contact = _staff_contact(api_client, triage_officer, make_person())
    url = f"{CONTACTS}{contact['id']}/decision/"
    first = api_client.post(url, CIN, format="json").json()
    early_help = {"outcome": 7, "level": "targeted_early_help", "rationale": "Police information changes it."}

    change = {**early_help, "change_reason": "Police information received"}
    with unchanged(Contact, Decision, Episode):
        refused = api_client.post(url, early_help, format="json")
        unnamed = api_client.post(url, change, format="json")
    etag = api_client.get(f"{CONTACTS}{contact['id']}/")["ETag"]
    changed = api_client.post(url, change, format="json", HTTP_IF_MATCH=etag)

    assert refused.status_code == 409 and "already has a decision" in refused.json()["detail"]
    assert refused.json()["current"] == {"status": "decided", "decision_id": first["id"]}
    assert unnamed.status_code == 428 and etag == f'"{first["id"]}"'
    assert changed.status_code == 201 and changed["ETag"] == f'"{changed.json()["id"]}"'
    # A second change made from the same read would replace a decision its author never saw: 412.
    again = api_client.post(url, {**change, "change_reason": "Also the school"}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412 and again["ETag"] == changed["ETag"]
    assert Decision.objects.filter(contact_id=contact["id"]).count() == 2
    assert changed.json()["supersedes"] == first["id"] and changed.json()["contact_status"] == "decided"
    assert api_client.get(f"{CONTACTS}{contact['id']}/").json()["outcome"]["code"] == 7


def test_a_decision_needing_sign_off_waits_for_the_manager(api_client, triage_officer, make_person, levels):
    contact = _staff_contact(api_client, triage_officer, make_person())
    response = api_client.post(
        f"{CONTACTS}{contact['id']}/decision/",
        {"outcome": 8, "level": "universal", "rationale": "Low level.", "advice": "Signposted."},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["signoff_required"] is True and response.json()["contact_status"] == "awaiting_signoff"


def test_a_decision_that_opens_work_needs_every_child_matched(api_client, triage_officer, levels):
    api_client.force_authenticate(triage_officer)
    contact = api_client.post(CONTACTS, BODY, format="json").json()  # Ruby given by name only, not matched
    with unchanged(Contact, Decision, Episode):
        response = api_client.post(f"{CONTACTS}{contact['id']}/decision/", CIN, format="json")
    assert response.status_code == 400 and "Match every child" in response.json()["outcome"][0]


def test_a_decision_sent_back_by_the_manager_shows_no_outcome(
    api_client, triage_officer, front_door_manager, make_person, levels
):
    contact = _staff_contact(api_client, triage_officer, make_person())
    decision = Decision.objects.get(
        pk=api_client.post(
            f"{CONTACTS}{contact['id']}/decision/",
            {"outcome": 8, "level": "universal", "rationale": "Low level.", "advice": "Signposted."},
            format="json",
        ).json()["id"]
    )
    decision_signoff(decision=decision, actor=front_door_manager, agreed=False, comment="Ask the police first.")
    detail = api_client.get(f"{CONTACTS}{contact['id']}/").json()
    assert (detail["status"], detail["outcome"]) == ("in_triage", None)


DECISION_NASTY = [
    {},
    [],
    {**CIN, "outcome": "three"},
    {**CIN, "outcome": 2**70},
    {**CIN, "level": "ünïcode"},
    {**CIN, "level": ["child_in_need"]},
    {**CIN, "rationale": "\x00"},
    {**CIN, "accepted_as_referral": 7},
    {**CIN, "change_reason": {"a": 1}},
    {**CIN, "level": "x" * 500},
]


def test_malformed_decision_bodies_are_400s_never_500s(api_client, triage_officer, make_person, levels):
    contact = _staff_contact(api_client, triage_officer, make_person())
    for body in DECISION_NASTY:
        response = api_client.post(f"{CONTACTS}{contact['id']}/decision/", body, format="json")
        assert response.status_code == 400, (body, response.content[:200])
    assert not Decision.objects.exists()


# --- information requests --------------------------------------------------------------------------------


def test_front_door_asks_an_agency_and_sees_the_answer(api_client, triage_officer, police_officer, make_person):
    contact = _staff_contact(api_client, triage_officer, make_person())
    url = f"{CONTACTS}{contact['id']}/information-requests/"
    sent = api_client.post(url, {"agency_id": police_officer.agency_id, "question": "Any call-outs?"}, format="json")
    assert sent.status_code == 201
    assert sent.json()["status"] == "open" and sent.json()["children"][0]["name"] == "Amelia Hartley"
    with unchanged(InformationRequest):
        assert (
            api_client.post(url, {"agency_id": triage_officer.agency_id, "question": "x"}, format="json").status_code
            == 400
        )
        assert api_client.post(url, {"agency_id": 2**62, "question": "x"}, format="json").status_code == 400

    api_client.force_authenticate(police_officer)
    api_client.post(
        f"/api/v1/information-requests/{sent.json()['id']}/response/", {"response": "Two call-outs."}, format="json"
    )
    api_client.force_authenticate(triage_officer)
    listed = api_client.get(url).json()
    assert [(r["status"], r["response"]) for r in listed] == [("answered", "Two call-outs.")]


def test_an_agency_sees_and_answers_only_the_requests_sent_to_it(
    api_client, triage_officer, police_officer, school_dsl, new_contact
):
    contact = new_contact(triage_officer)
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Known to you?"
    )
    respond = f"/api/v1/information-requests/{request.pk}/response/"

    api_client.force_authenticate(school_dsl)
    assert api_client.get("/api/v1/information-requests/?status=all").json()["results"] == []
    assert api_client.post(respond, {"response": "no"}, format="json").status_code == 404

    api_client.force_authenticate(police_officer)
    inbox = api_client.get("/api/v1/information-requests/").json()["results"]
    assert [r["id"] for r in inbox] == [request.pk] and inbox[0]["children"][0]["name"] == "Amelia Hartley"
    answered = api_client.post(respond, {"response": "One call-out in May."}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert api_client.post(respond, {"response": "again"}, format="json").status_code == 409
    assert api_client.get("/api/v1/information-requests/").json()["results"] == []
    assert [r["id"] for r in api_client.get("/api/v1/information-requests/?status=answered").json()["results"]] == [
        request.pk
    ]
    assert InformationRequest.objects.get().response == "One call-out in May."


REQUEST_NASTY = [
    {},
    {"agency_id": "police", "question": "x"},
    {"agency_id": 2**70, "question": "x"},
    {"question": "x"},
    {"agency_id": 1, "question": ["x"]},
    {"agency_id": 1, "question": "x", "due_at": "2000-01-01T00:00:00+00:00"},
    {"agency_id": 1, "question": "x", "due_at": "9999-12-31T23:59:59-14:00"},
    {"agency_id": 1, "question": "x", "due_at": "0001-01-01T00:00:00+14:00"},
    {"agency_id": 1, "question": "x", "due_at": "tomorrow"},
]


def test_malformed_information_request_bodies_are_400s_never_500s(
    api_client, triage_officer, police_officer, make_person
):
    contact = _staff_contact(api_client, triage_officer, make_person())
    for body in REQUEST_NASTY:
        body = {**body, "agency_id": police_officer.agency_id} if body.get("agency_id") == 1 else body
        response = api_client.post(f"{CONTACTS}{contact['id']}/information-requests/", body, format="json")
        assert response.status_code == 400, (body, response.content[:200])
    assert not InformationRequest.objects.exists()


def test_an_empty_answer_is_refused(api_client, triage_officer, police_officer, new_contact):
    request = information_request_send(
        contact=new_contact(triage_officer),
        actor=triage_officer,
        agency=police_officer.agency,
        question="Known to you?",
    )
    api_client.force_authenticate(police_officer)
    with unchanged(InformationRequest):
        response = api_client.post(
            f"/api/v1/information-requests/{request.pk}/response/", {"response": " "}, format="json"
        )
    assert response.status_code == 400 and "response" in response.json()


# --- read audit ---------------------------------------------------------------------------------------------


def test_responses_showing_linked_children_are_read_audited(api_client, triage_officer, make_person, new_contact):
    child = make_person()
    linked = _staff_contact(api_client, triage_officer, child)
    new_contact(triage_officer)  # a child given by name only: not linked to a record
    before = AuditEvent.objects.filter(kind="read").count()

    api_client.get(f"{CONTACTS}{linked['id']}/")
    api_client.get(CONTACTS)

    reads = list(AuditEvent.objects.filter(kind="read").order_by("id"))[before:]
    assert [(r.verb, r.child_ids) for r in reads] == [("contact.viewed", [child.pk]), ("contact.listed", [child.pk])]


def test_a_response_without_linked_children_is_audited_against_the_contact(api_client, triage_officer, new_contact):
    # The contact itself holds child data (names, dates of birth, the worry): its read is audited (finding 6).
    contact = new_contact(triage_officer)
    api_client.force_authenticate(triage_officer)
    before = AuditEvent.objects.filter(kind="read").count()
    assert api_client.get(f"{CONTACTS}{contact.pk}/").status_code == 200
    [read] = list(AuditEvent.objects.filter(kind="read").order_by("id"))[before:]
    assert (read.verb, read.target_id, read.child_ids) == ("contact.viewed", str(contact.pk), [])


def test_an_empty_list_writes_no_read_audit(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    before = AuditEvent.objects.filter(kind="read").count()
    assert api_client.get(CONTACTS).json()["results"] == []
    assert AuditEvent.objects.filter(kind="read").count() == before


# --- lists ------------------------------------------------------------------------------------------------


def test_the_list_filters_by_status_urgency_and_open(api_client, triage_officer, make_person, levels):
    decided = _staff_contact(api_client, triage_officer, make_person())
    api_client.post(f"{CONTACTS}{decided['id']}/decision/", CIN, format="json")
    urgent = _staff_contact(api_client, triage_officer, make_person(first="Una"), urgent=True)

    def ids(query: str) -> list[int]:
        response = api_client.get(f"{CONTACTS}?{query}")
        assert response.status_code == 200, response.json()
        return [c["id"] for c in response.json()["results"]]

    assert ids("status=decided") == [decided["id"]]
    assert ids("open=true") == [urgent["id"]]
    assert ids("urgent=true") == [urgent["id"]]
    assert ids("urgent=false&open=false") == [decided["id"]]
    assert api_client.get(f"{CONTACTS}?status=lost").status_code == 400
    assert api_client.get(f"{CONTACTS}?page=99").status_code == 400


@pytest.mark.parametrize("persona", ["triage_officer", "school_dsl"])
def test_the_list_takes_the_same_number_of_queries_for_5_or_30_contacts(
    api_client, persona, request, triage_officer, make_person
):
    reader = request.getfixturevalue(persona)
    api_client.force_authenticate(reader)
    child = make_person()

    def add(n: int) -> None:
        for i in range(n):
            contact, _ = contact_create(
                actor=reader,
                data={**BODY, "received_at": None},
                children=[{"given_first_name": "Ruby", "given_last_name": f"Quinton{i}"}],
            )
            contact_child_link(contact_child=contact.children.get(), person=child, actor=triage_officer)
            if i % 2:
                Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.IN_TRIAGE)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(CONTACTS)
        assert response.status_code == 200
        return len(queries.captured_queries)

    add(5)
    few = count()
    add(25)
    assert count() == few
    assert len(api_client.get(CONTACTS).json()["results"]) == 30


def test_the_inbox_takes_the_same_number_of_queries_for_5_or_30_requests(
    api_client, triage_officer, police_officer, new_contact
):
    api_client.force_authenticate(police_officer)

    def add(n: int) -> None:
        for _ in range(n):
            information_request_send(
                contact=new_contact(triage_officer),
                actor=triage_officer,
                agency=police_officer.agency,
                question="Known?",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get("/api/v1/information-requests/").status_code == 200
        return len(queries.captured_queries)

    add(5)
    few = count()
    add(25)
    assert count() == few


# --- bad input: reasons, never a 500 -----------------------------------------------------------------------


def test_bad_contacts_are_400_with_reasons_and_nothing_is_saved(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(CONTACTS, {**BODY, "source_code": "ZZ", "children": []}, format="json")
    assert response.status_code == 400 and {"source_code", "children"} <= set(response.json())
    consent = api_client.post(CONTACTS, {**BODY, "consent": "not_sought_risk"}, format="json")
    assert consent.status_code == 400 and "consent_override_reason" in consent.json()
    child = api_client.post(CONTACTS, {**BODY, "children": [{"first_name": "", "description": ""}]}, format="json")
    assert child.status_code == 400 and "description" in child.json()["children"]["0"]
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("child", "field"),
    [
        ({"first_name": "Ruby", "date_of_birth": "0001-01-01"}, "date_of_birth"),
        ({"first_name": "Ruby", "date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"first_name": "Ru\x07by"}, "first_name"),
        ({"first_name": "Ruby", "last_name": "Quin\rton"}, "last_name"),
    ],
)
def test_an_out_of_bounds_child_is_a_400_naming_the_field(api_client, triage_officer, child, field):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(CONTACTS, {**BODY, "children": [child]}, format="json")
    assert response.status_code == 400 and field in response.json()["children"]["0"], response.json()
    assert not Contact.objects.exists()


def test_a_described_child_without_a_name_is_allowed_and_flagged(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    response = api_client.post(
        CONTACTS, {**BODY, "children": [{"description": "A boy of about 8 at the park."}]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["no_identifiable_child"] is True


NASTY = [
    {},
    [],
    "text",
    {**BODY, "received_at": "not a date"},
    {**BODY, "received_at": "0001-01-01T00:00:00+14:00"},
    {**BODY, "received_at": "9999-12-31T23:59:59-14:00"},
    {**BODY, "received_at": "2026-11-20T16:00:00"},
    {**BODY, "received_at": 12},
    {**BODY, "worry": "null \x00 byte"},
    {**BODY, "worry": ["a list"]},
    {**BODY, "categories": "neglect"},
    {**BODY, "categories": ["nope"]},
    {**BODY, "urgent": "maybe"},
    {**BODY, "referrer_agency_id": 2**70},
    {**BODY, "referrer_agency_id": -1},
    {**BODY, "referrer_agency_id": 2**40},
    {**BODY, "referrer_email": "not-an-email"},
    {**BODY, "children": [{"person_id": "abc"}]},
    {**BODY, "children": [{"person_id": 2**70}]},
    {**BODY, "children": [{"date_of_birth": "2016-02-30", "first_name": "A"}]},
    {**BODY, "children": [{"date_of_birth": "2999-01-01", "first_name": "A"}]},
    {**BODY, "children": [{"nhs_number": "123", "first_name": "A"}]},
    {**BODY, "children": [{"postcode": "NOT A POSTCODE", "first_name": "A"}]},
    {**BODY, "children": [{"first_name": "A" * 500}]},
    {**BODY, "children": [{"first_name": "A"}] * 13},
    {**BODY, "children": "Ruby"},
    {**BODY, "children": [None]},
]


@pytest.mark.parametrize("body", NASTY, ids=range(len(NASTY)))
@pytest.mark.parametrize("persona", ["triage_officer", "school_dsl"])
def test_malformed_contact_bodies_are_answered_without_a_500(api_client, persona, body, request):
    api_client.force_authenticate(request.getfixturevalue(persona))
    response = api_client.post(CONTACTS, body, format="json")
    assert response.status_code in {400, 201}, (response.status_code, response.content[:300])


def test_absurd_ids_in_urls_are_404s_never_500s(api_client, triage_officer, police_officer):
    api_client.force_authenticate(triage_officer)
    huge = 2**70
    for url in (f"{CONTACTS}{huge}/", f"{CONTACTS}{2**40}/", f"{CONTACTS}{huge}/information-requests/"):
        assert api_client.get(url).status_code == 404, url
    with unchanged(Contact, Decision, InformationRequest):
        assert api_client.post(f"{CONTACTS}{huge}/decision/", CIN, format="json").status_code == 404
        assert api_client.post(CONTACTS, "{not json", content_type="application/json").status_code == 400
        lone_surrogate = json.dumps({**BODY, "worry": "lone \ud800 surrogate"})  # ASCII-escaped, as a client may send
        assert api_client.post(CONTACTS, lone_surrogate, content_type="application/json").status_code == 400
        assert api_client.post(CONTACTS, "a=b", content_type="application/x-www-form-urlencoded").status_code == 415
    for query in ("page=abc", "page_size=-1", "urgent=perhaps", "open=2", "status=%00"):
        assert api_client.get(f"{CONTACTS}?{query}").status_code in {200, 400}, query
    api_client.force_authenticate(police_officer)
    assert api_client.get("/api/v1/information-requests/?status=lost").status_code == 400
    assert (
        api_client.post(f"/api/v1/information-requests/{huge}/response/", {"response": "x"}, format="json").status_code
        == 404
    )
