"""An FGDM world for the API tests, written straight to the models (the API reads it; the writes have their own
tests): the Okafor-Lewis family's offer at the family plan, accepted, referred and allocated to a facilitator, the
meeting held with the family's plan, information shared by the police (tagged) and the council, and a review."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import InvolvementRole, Role
from cases.services import involvement_add
from fgdm.models import (
    DecisionPointKind,
    FamilyPlanItem,
    FamilyPlanReview,
    FgdmMeeting,
    FgdmOffer,
    FgdmReferral,
    MeetingAttendee,
    MeetingType,
    NetworkInvitee,
    OfferResponse,
    PreparationStep,
    SharedInformation,
    SupportRequest,
)
from tests import personas
from tests.factories import UserFactory


def facilitator(email: str, name: str):
    return UserFactory(email=email, full_name=name, agency=personas.agency("council"), roles=[Role.FGDM_FACILITATOR])


def build(family: dict, *, lead, facilitator_user, police) -> dict:
    children = [family["mia"], family["leo"]]
    today = timezone.localdate()
    for child in children:
        involvement_add(person=child, actor=lead, role=InvolvementRole.LEAD_PRACTITIONER, user=lead)
        involvement_add(person=child, actor=lead, role=InvolvementRole.FGDM_FACILITATOR, user=facilitator_user)
    offer = FgdmOffer.objects.create(
        decision_point=DecisionPointKind.FAMILY_PLAN,
        family_case=family["case"],
        offered_on=today - dt.timedelta(days=60),
        offered_by=lead,
        response=OfferResponse.ACCEPTED,
        responded_on=today - dt.timedelta(days=58),
        responded_by=lead,
    )
    offer.children.set(children)
    offer.recipients.set([family["grace"]])
    referral = FgdmReferral.objects.create(
        offer=offer,
        meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE,
        referred_on=today - dt.timedelta(days=57),
        referred_by=lead,
        reason="A plan for the children while mum is in hospital.",
        status=FgdmReferral.Status.MEETING_HELD,
        facilitator=facilitator_user,
        allocated_on=today - dt.timedelta(days=55),
        venue="Community centre",
        language="English",
    )
    PreparationStep.objects.create(
        referral=referral,
        kind=PreparationStep.Kind.CHILD,
        date=today - dt.timedelta(days=40),
        person=family["mia"],
        child_wishes="I want to stay with Nan at weekends.",
        recorded_by=facilitator_user,
    )
    NetworkInvitee.objects.create(referral=referral, person=family["grace"], relationship="Mother", added_by=lead)
    meeting = FgdmMeeting.objects.create(
        referral=referral,
        held_on=today - dt.timedelta(days=30),
        private_time_start=dt.time(11, 0),
        private_time_end=dt.time(12, 0),
        plan_agreed=True,
        keeps_child_safe=True,
        review_date=today + dt.timedelta(days=30),
        recorded_by=facilitator_user,
    )
    MeetingAttendee.objects.create(meeting=meeting, kind="family", person=family["grace"], name="Grace Okafor")
    police_item = SharedInformation.objects.create(
        meeting=meeting, agency=police.agency, author=police, text="Police: one call-out last year.", tags=["police"]
    )
    council_item = SharedInformation.objects.create(
        meeting=meeting, agency=lead.agency, author=lead, text="School attendance is up to 95%.", tags=[]
    )
    FamilyPlanItem.objects.create(meeting=meeting, what="Nan has the children at weekends", who="Nan", when="Fridays")
    SupportRequest.objects.create(
        meeting=meeting, kind="financial", description="Bus fares", family_network_support_package=True, cost=120
    )
    review = FamilyPlanReview.objects.create(
        meeting=meeting,
        held_on=today - dt.timedelta(days=2),
        outcome=FamilyPlanReview.Outcome.WORKING,
        recorded_by=facilitator_user,
    )
    return {
        "offer": offer,
        "referral": referral,
        "meeting": meeting,
        "police_item": police_item,
        "council_item": council_item,
        "review": review,
    }
