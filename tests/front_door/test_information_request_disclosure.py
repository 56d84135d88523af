"""B11, the service path of the disclosure inventory: a partner agency's answer to a front-door information request is
that agency's disclosure decision, shared on a lawful basis with the requester, or decided not to share with the
reason (the answer the front door reads); on the page (the form keeps what was typed) and the API (400 with the
reason)."""

import pytest
from django.urls import reverse

from cases.disclosure import INVENTORY
from cases.models import AuditEvent, DisclosureDecision, LawfulBasis
from front_door.models import InformationRequest
from front_door.services import information_request_send
from tests.support import unchanged

pytestmark = pytest.mark.django_db

KEY = "information_request_answer"


@pytest.fixture
def info_request(triage_officer, police_officer, new_contact, make_person):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    return information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Known to you?"
    )


def test_the_answer_is_on_the_inventory_as_a_service_path():
    assert INVENTORY[KEY].service == "front_door.services.information_request_respond"


def test_an_answer_through_the_api_records_the_agencys_decision_to_share(
    api_client, info_request, police_officer, triage_officer
):
    api_client.force_authenticate(police_officer)
    response = api_client.post(
        f"/api/v1/information-requests/{info_request.pk}/response/",
        {"response": "One call-out in May.", "lawful_basis": LawfulBasis.CRIME},
        format="json",
    )
    assert response.status_code == 200
    decision = DisclosureDecision.objects.get(what_type=KEY)
    assert decision.kind == DisclosureDecision.Kind.SHARED
    assert decision.what_id == str(info_request.pk) and decision.decided_by == police_officer
    assert decision.lawful_basis == LawfulBasis.CRIME and decision.purpose
    assert decision.recipient_name == triage_officer.full_name
    assert decision.recipient_organisation == str(triage_officer.agency)
    assert decision.person_ids == [info_request.contact.children.get().person_id]
    assert AuditEvent.objects.filter(verb="disclosure.shared", target_id=str(decision.pk)).count() == 1


def test_an_answer_without_a_lawful_basis_takes_the_safeguarding_default(api_client, info_request, police_officer):
    api_client.force_authenticate(police_officer)
    url = f"/api/v1/information-requests/{info_request.pk}/response/"
    assert api_client.post(url, {"response": "Nothing known."}, format="json").status_code == 200
    assert DisclosureDecision.objects.get(what_type=KEY).lawful_basis == LawfulBasis.SAFEGUARDING


def test_deciding_not_to_share_through_the_api_needs_the_reason_and_is_the_answer(
    api_client, info_request, police_officer
):
    api_client.force_authenticate(police_officer)
    url = f"/api/v1/information-requests/{info_request.pk}/response/"
    with unchanged(InformationRequest), unchanged(DisclosureDecision):
        refused = api_client.post(url, {"response": "", "shared": False}, format="json")
        assert refused.status_code == 400 and "Give the reason for not sharing it" in refused.content.decode()
        bad = api_client.post(url, {"response": "x", "lawful_basis": "because"}, format="json")
        assert bad.status_code == 400 and "lawful_basis" in bad.json().get("errors", bad.json())
    answered = api_client.post(
        url, {"response": "", "shared": False, "reason": "A live investigation would be prejudiced"}, format="json"
    )
    assert answered.status_code == 200
    decision = DisclosureDecision.objects.get(what_type=KEY)
    assert decision.kind == DisclosureDecision.Kind.NOT_SHARED
    assert decision.reason == "A live investigation would be prejudiced"
    info_request.refresh_from_db()
    assert info_request.status == "answered"
    assert info_request.response == "Decided not to share: A live investigation would be prejudiced"


def test_the_answer_page_records_the_decision_and_keeps_what_was_typed_on_error(client, info_request, police_officer):
    client.force_login(police_officer)
    url = reverse("front_door:information_request_respond", args=[info_request.pk])
    page = client.get(url).content.decode()
    assert "Lawful basis for sharing" in page and "decided not to share" in page
    with unchanged(DisclosureDecision):
        refused = client.post(url, {"kind": "not_shared", "response": "Typed answer kept", "reason": ""})
        body = refused.content.decode()
        assert refused.status_code == 200 and "Give the reason for not sharing it" in body
        assert "Typed answer kept" in body
        no_basis = client.post(url, {"kind": "shared", "response": "Typed again", "lawful_basis": ""})
        assert "Choose the lawful basis for sharing it" in no_basis.content.decode()
    sent = client.post(
        url, {"kind": "shared", "response": "Two call-outs.", "lawful_basis": LawfulBasis.SAFEGUARDING, "reason": ""}
    )
    assert sent.status_code == 302
    decision = DisclosureDecision.objects.get(what_type=KEY)
    assert (decision.kind, decision.lawful_basis) == ("shared", LawfulBasis.SAFEGUARDING)
