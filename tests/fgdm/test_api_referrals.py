"""The FGDM API's referral and preparation writes (issue 15 item 8): through the strand's services
(fgdm.services.referrals, preparation), refused with the reason (400 by field) or, for a family or an action that is
not the caller's, 404."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import InvolvementRole, Person, Relationship, Role
from cases.services import involvement_add
from fgdm.models import DecisionPointKind, FgdmOffer, OfferResponse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/family-group-decision-making"


@pytest.fixture
def led(family, sw_fhlp):
    for child in (family["mia"], family["leo"]):
        involvement_add(person=child, actor=sw_fhlp, role=InvolvementRole.LEAD_PRACTITIONER, user=sw_fhlp)
    return family


@pytest.fixture
def accepted(led, sw_fhlp):
    """An offer the family accepted (the offer's own writes have their tests)."""
    today = timezone.localdate()
    offer = FgdmOffer.objects.create(
        decision_point=DecisionPointKind.FAMILY_PLAN,
        family_case=led["case"],
        offered_on=today - dt.timedelta(days=3),
        offered_by=sw_fhlp,
        response=OfferResponse.ACCEPTED,
        responded_on=today - dt.timedelta(days=2),
        responded_by=sw_fhlp,
    )
    offer.children.set([led["mia"], led["leo"]])
    offer.recipients.set([led["grace"]])
    return offer.pk


def test_the_lead_refers_an_accepted_offer_and_a_manager_allocates_an_independent_facilitator(
    api_client, led, sw_fhlp, fh_manager, fgdm_facilitator, accepted
):
    api_client.force_authenticate(sw_fhlp)
    response = api_client.post(
        f"{BASE}/offers/{accepted}/referral/", {"meeting_type": "fgc", "reason": "A plan"}, format="json"
    )
    assert response.status_code == 201, response.content
    referral = response.json()["id"]
    # The lead is not a facilitator; a facilitator who leads the family is not independent: 400 with the reason.
    not_independent = UserFactory(roles=[Role.FGDM_FACILITATOR], agency=sw_fhlp.agency)
    involvement_add(person=led["mia"], actor=sw_fhlp, role=InvolvementRole.LEAD_PRACTITIONER, user=not_independent)
    api_client.force_authenticate(fh_manager)
    url = f"{BASE}/referrals/{referral}/allocation/"
    for refused in (sw_fhlp, not_independent):
        response = api_client.post(url, {"facilitator": refused.pk}, format="json")
        assert response.status_code == 400 and response.json()["facilitator"], refused
    response = api_client.post(url, {"facilitator": fgdm_facilitator.pk}, format="json")
    assert response.status_code == 200 and response.json()["facilitator"]["id"] == fgdm_facilitator.pk
    # The lead may not allocate: not there for them.
    api_client.force_authenticate(sw_fhlp)
    assert api_client.post(url, {"facilitator": fgdm_facilitator.pk}, format="json").status_code == 404


def test_the_facilitator_prepares_and_adds_a_grandparent_to_the_record(
    api_client, led, sw_fhlp, fh_manager, fgdm_facilitator, accepted
):
    api_client.force_authenticate(sw_fhlp)
    referral = api_client.post(
        f"{BASE}/offers/{accepted}/referral/", {"meeting_type": "fnm", "reason": "A plan"}, format="json"
    ).json()["id"]
    api_client.force_authenticate(fh_manager)
    api_client.post(f"{BASE}/referrals/{referral}/allocation/", {"facilitator": fgdm_facilitator.pk}, format="json")
    api_client.force_authenticate(fgdm_facilitator)
    steps = f"{BASE}/referrals/{referral}/steps/"
    tomorrow = str(timezone.localdate() + dt.timedelta(days=1))
    assert api_client.post(steps, {"kind": "professionals", "date": tomorrow}, format="json").status_code == 400
    today = str(timezone.localdate())
    response = api_client.post(
        steps,
        {"kind": "child", "date": today, "person": led["mia"].pk, "child_wishes": "I want Nan there."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["steps"][0]["child_wishes"] == "I want Nan there."
    response = api_client.post(
        f"{BASE}/referrals/{referral}/network/new/",
        {"first_name": "Nora", "last_name": "Okafor", "type": "grandparent"},
        format="json",
    )
    assert response.status_code == 201, response.content
    nora = Person.objects.get(first_name="Nora", last_name="Okafor")
    assert Relationship.objects.filter(from_person=nora, to_person=led["mia"]).exists()
    # Someone else's facilitator, and the lead, may not prepare: not there.
    api_client.force_authenticate(sw_fhlp)
    assert api_client.post(steps, {"kind": "professionals", "date": today}, format="json").status_code == 404
