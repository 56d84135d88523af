"""Referring an accepted FGDM offer to the FGDM service (issue 15 item 2): the lead practitioner or LCPP refers, with
the meeting type and why; the shared record's FGDM-referral hand-off goes to the managers who allocate, with its clock.
An offer the family has not accepted cannot be referred."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import AuditEvent, ChronologyEntry, Deadline, WorkRequest
from cases.registry import registry
from fgdm.models import FgdmReferral, MeetingType, OfferResponse
from fgdm.services.referrals import referral_create

pytestmark = pytest.mark.django_db


def test_the_lead_refers_an_accepted_offer_and_the_managers_receive_the_hand_off(offer, sw_fhlp, led_family):
    referral = referral_create(
        offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE, reason="A plan for the summer."
    )
    assert referral.status == FgdmReferral.Status.AWAITING_ALLOCATION
    request = referral.work_request
    assert request.kind == WorkRequest.Kind.FGDM_REFERRAL
    assert request.person_id == led_family["mia"].pk
    assert request.status == WorkRequest.Status.OPEN
    assert Deadline.objects.filter(kind="work_request.fgdm_referral", target_id=str(request.pk)).exists()
    assert AuditEvent.objects.filter(verb="fgdm.referral.created", actor_id=sw_fhlp.pk).exists()
    for child in (led_family["mia"], led_family["leo"]):
        assert ChronologyEntry.objects.filter(person=child, kind="fgdm.referral").exists()
    # The kind opens on this strand's allocation page.
    assert registry.work_request_kind(WorkRequest.Kind.FGDM_REFERRAL).url_name == "fgdm:allocate"


@pytest.mark.parametrize("response", [OfferResponse.AWAITING, OfferResponse.DECLINED, OfferResponse.NOT_OFFERED])
def test_an_offer_the_family_has_not_accepted_is_not_referred(offer, sw_fhlp, response):
    offer.response = response
    offer.decline_reason = "We manage" if response == OfferResponse.DECLINED else ""
    offer.not_offered_rationale = "Risk to the child" if response == OfferResponse.NOT_OFFERED else ""
    offer.save()
    with pytest.raises(ValidationError, match="accepted"):
        referral_create(offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_NETWORK_MEETING, reason="x")
    assert not FgdmReferral.objects.exists()


def test_an_offer_is_referred_once(offer, sw_fhlp):
    referral_create(offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_NETWORK_MEETING, reason="x")
    with pytest.raises(ValidationError, match="already"):
        referral_create(offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_NETWORK_MEETING, reason="y")


def test_a_facilitator_or_a_manager_does_not_refer(offer, facilitator, fh_manager):
    for user in (facilitator, fh_manager):
        with pytest.raises(PermissionDenied):
            referral_create(offer=offer, actor=user, meeting_type=MeetingType.FAMILY_NETWORK_MEETING, reason="x")


def test_the_referral_page_keeps_what_was_typed_when_a_field_is_missing(client, offer, sw_fhlp):
    client.force_login(sw_fhlp)
    url = reverse("fgdm:referral_create", args=[offer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"meeting_type": "", "reason": "Grandma could help with school runs."})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose the kind of meeting" in body
    assert "Grandma could help with school runs." in body
    assert not FgdmReferral.objects.exists()
    response = client.post(url, {"meeting_type": "fnm", "reason": "Grandma could help with school runs."})
    referral = FgdmReferral.objects.get()
    assert response.status_code == 302
    assert referral.meeting_type == MeetingType.FAMILY_NETWORK_MEETING


def test_the_referral_page_refuses_an_offer_not_accepted_with_the_reason(client, offer, sw_fhlp):
    offer.response = OfferResponse.AWAITING
    offer.save()
    client.force_login(sw_fhlp)
    response = client.post(reverse("fgdm:referral_create", args=[offer.pk]), {"meeting_type": "fgc", "reason": "x"})
    assert response.status_code == 200
    assert "Only an offer the family accepted is referred" in response.content.decode()
    assert not FgdmReferral.objects.exists()


def test_the_referral_page_is_not_there_for_someone_outside_the_family(client, offer, health_fhlp):
    client.force_login(health_fhlp)  # an FHLP, not involved with these children
    assert client.get(reverse("fgdm:referral_create", args=[offer.pk])).status_code == 404
