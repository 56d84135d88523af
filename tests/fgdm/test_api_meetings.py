"""The FGDM API's meeting and review writes (issue 15 item 8): through fgdm.services.meetings and reviews, refused with
the reason (400 by field: a meeting with no private family time, a review before the meeting) or, for a family or an
action that is not the caller's, 404."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import InvolvementRole, Role
from cases.services import involvement_add
from fgdm.models import DecisionPointKind, FgdmMeeting, FgdmOffer, OfferResponse
from fgdm.services.referrals import referral_allocate, referral_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/family-group-decision-making"


@pytest.fixture
def referral(family, sw_fhlp, fh_manager, fgdm_facilitator):
    """The Okafor-Lewis family's accepted offer, referred and allocated to the facilitator."""
    for child in (family["mia"], family["leo"]):
        involvement_add(person=child, actor=sw_fhlp, role=InvolvementRole.LEAD_PRACTITIONER, user=sw_fhlp)
    today = timezone.localdate()
    offer = FgdmOffer.objects.create(
        decision_point=DecisionPointKind.FAMILY_PLAN,
        family_case=family["case"],
        offered_on=today - dt.timedelta(days=3),
        offered_by=sw_fhlp,
        response=OfferResponse.ACCEPTED,
        responded_on=today - dt.timedelta(days=2),
        responded_by=sw_fhlp,
    )
    offer.children.set([family["mia"], family["leo"]])
    offer.recipients.set([family["grace"]])
    made = referral_create(offer=offer, actor=sw_fhlp, meeting_type="fgc", reason="A plan for the children")
    return referral_allocate(referral=made, actor=fh_manager, facilitator=fgdm_facilitator)


def _record(api_client, user, referral, family, sw_fhlp, **extra):
    api_client.force_authenticate(user)
    body = {
        "held_on": str(timezone.localdate()),
        "private_time_start": "11:00",
        "private_time_end": "12:00",
        "family": [family["grace"].pk],
        "professionals": [sw_fhlp.pk],
        **extra,
    }
    return api_client.post(f"{BASE}/referrals/{referral.pk}/meetings/", body, format="json")


def test_a_meeting_with_no_private_family_time_is_refused_with_the_reason(
    api_client, referral, family, sw_fhlp, fgdm_facilitator
):
    response = _record(api_client, fgdm_facilitator, referral, family, sw_fhlp, private_time_end=None)
    assert response.status_code == 400, response.content
    assert any("private" in key for key in response.json())
    assert not FgdmMeeting.objects.exists()


def test_only_the_allocated_facilitator_records_the_meeting(api_client, referral, family, sw_fhlp):
    other = UserFactory(roles=[Role.FGDM_FACILITATOR], agency=sw_fhlp.agency)
    assert _record(api_client, other, referral, family, sw_fhlp).status_code == 404
    assert _record(api_client, sw_fhlp, referral, family, sw_fhlp).status_code == 404
    assert not FgdmMeeting.objects.exists()


def test_the_facilitator_records_the_meeting_the_familys_plan_and_the_lead_reviews_it(
    api_client, referral, family, sw_fhlp, fgdm_facilitator
):
    response = _record(api_client, fgdm_facilitator, referral, family, sw_fhlp)
    assert response.status_code == 201, response.content
    meeting = response.json()
    url = f"{BASE}/meetings/{meeting['id']}"
    lead_attendee = next(a["id"] for a in meeting["attendees"] if a["user"] and a["user"]["id"] == sw_fhlp.pk)
    # Nothing is recorded during private family time.
    during = {"shared_by": lead_attendee, "text": "School is going well", "shared_at": "11:30"}
    assert api_client.post(f"{url}/information/", during, format="json").status_code == 400
    response = api_client.post(f"{url}/information/", {**during, "shared_at": "10:30"}, format="json")
    assert response.status_code == 201 and response.json()["information"][0]["text"] == "School is going well"
    item = {"what": "Nan has the children at weekends", "who": "Nan", "when": "Every weekend"}
    assert api_client.post(f"{url}/plan-items/", item, format="json").status_code == 201
    support = {"kind": "financial", "description": "Bus fares", "family_network_support_package": True, "cost": "120"}
    assert api_client.post(f"{url}/support/", support, format="json").json()["support"][0]["cost"] == "120.00"
    review_on = str(timezone.localdate() + dt.timedelta(days=56))
    agreed = {"plan_agreed": True, "keeps_child_safe": True, "review_date": review_on}
    response = api_client.post(f"{url}/agreement/", agreed, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["family_plan_id"] is not None and response.json()["review_date"] == review_on
    # A review before the meeting is refused; the lead practitioner reviews it on the day.
    api_client.force_authenticate(sw_fhlp)
    before = str(timezone.localdate() - dt.timedelta(days=1))
    response = api_client.post(f"{url}/reviews/", {"held_on": before, "outcome": "working"}, format="json")
    assert response.status_code == 400 and "held_on" in response.json()
    today = str(timezone.localdate())
    response = api_client.post(f"{url}/reviews/", {"held_on": today, "outcome": "working"}, format="json")
    assert response.status_code == 201, response.content
    assert [r["outcome"] for r in response.json()["reviews"]] == ["working"]


def test_a_partner_agency_may_not_read_or_review_the_meeting(
    api_client, referral, family, sw_fhlp, fgdm_facilitator, school_dsl
):
    meeting = _record(api_client, fgdm_facilitator, referral, family, sw_fhlp).json()["id"]
    api_client.force_authenticate(school_dsl)
    assert api_client.get(f"{BASE}/meetings/{meeting}/").status_code == 404
    today = str(timezone.localdate())
    response = api_client.post(f"{BASE}/meetings/{meeting}/reviews/", {"held_on": today, "outcome": "working"})
    assert response.status_code == 404
