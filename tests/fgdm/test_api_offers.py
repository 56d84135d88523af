"""The FGDM API's offer writes (issue 15 item 8): through fgdm.services.offers, refused with the reason (400 by field)
or, for a child or an action that is not the caller's, 404."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import InvolvementRole
from cases.services import involvement_add
from fgdm.models import FgdmOffer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/family-group-decision-making"


@pytest.fixture
def led(family, sw_fhlp):
    for child in (family["mia"], family["leo"]):
        involvement_add(person=child, actor=sw_fhlp, role=InvolvementRole.LEAD_PRACTITIONER, user=sw_fhlp)
    return family


def _offer(api_client, user, family, **extra):
    api_client.force_authenticate(user)
    body = {
        "decision_point": "family_plan",
        "children": [family["mia"].pk, family["leo"].pk],
        "recipients": [family["grace"].pk],
        "offered_on": str(timezone.localdate() - dt.timedelta(days=1)),
        **extra,
    }
    return api_client.post(f"{BASE}/offers/", body, format="json")


def test_the_lead_offers_fgdm_to_the_mother_and_reads_it_back(api_client, led, sw_fhlp):
    response = _offer(api_client, sw_fhlp, led)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["response"] == "awaiting" and [r["id"] for r in body["recipients"]] == [led["grace"].pk]
    assert FgdmOffer.objects.get(pk=body["id"]).offered_by == sw_fhlp


def test_not_offered_with_no_rationale_is_refused_with_the_reason(api_client, led, sw_fhlp):
    response = _offer(api_client, sw_fhlp, led, recipients=[], not_offered_rationale="  ")
    assert response.status_code == 400
    assert "rationale" in response.json()
    assert not FgdmOffer.objects.exists()


def test_an_offer_in_the_letter_before_proceedings_needs_its_record(api_client, led, sw_fhlp):
    response = _offer(api_client, sw_fhlp, led, decision_point="lbp")
    assert response.status_code == 400 and not FgdmOffer.objects.exists()


def test_a_recipient_without_parental_responsibility_is_refused(api_client, led, sw_fhlp):
    response = _offer(api_client, sw_fhlp, led, recipients=[led["leo"].pk])
    assert response.status_code == 400 and "recipients" in response.json()


def test_a_child_out_of_scope_or_a_role_that_does_not_offer_is_404(api_client, family, sw_fhlp, school_dsl):
    assert _offer(api_client, sw_fhlp, family).status_code == 404  # not their family
    assert _offer(api_client, school_dsl, family).status_code == 404
    assert not FgdmOffer.objects.exists()


def test_the_family_declines_with_their_reason_once(api_client, led, sw_fhlp):
    offer = _offer(api_client, sw_fhlp, led).json()["id"]
    url = f"{BASE}/offers/{offer}/response/"
    assert api_client.post(url, {"response": "declined"}, format="json").status_code == 400
    response = api_client.post(url, {"response": "declined", "reason": "We will sort it as a family."}, format="json")
    assert response.status_code == 200 and response.json()["decline_reason"] == "We will sort it as a family."
    again = api_client.post(url, {"response": "accepted"}, format="json")
    assert again.status_code == 400
    assert FgdmOffer.objects.get(pk=offer).response == "declined"


def test_an_answer_to_an_offer_out_of_scope_is_404(api_client, led, sw_fhlp, fgdm_facilitator):
    offer = _offer(api_client, sw_fhlp, led).json()["id"]
    api_client.force_authenticate(fgdm_facilitator)
    response = api_client.post(f"{BASE}/offers/{offer}/response/", {"response": "accepted"}, format="json")
    assert response.status_code == 404
