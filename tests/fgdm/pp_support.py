"""Building the FGDM side of a pre-proceedings episode for the counts tests: an offer at the episode (before or in
the letter before proceedings), its referral and a meeting. Written straight to the models (the offer, referral and
meeting services are other areas' of issue 15; these tests are about what is counted, not how it is recorded)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from fgdm.models import DecisionPointKind, FgdmMeeting, FgdmOffer, FgdmReferral, MeetingType, OfferResponse


def offer_at(pp, *, by, on: dt.date, at: str = DecisionPointKind.LETTER_BEFORE_PROCEEDINGS, recipients=(), **fields):
    offer = FgdmOffer.objects.create(
        decision_point=at,
        source_type=ContentType.objects.get_for_model(pp),
        source_id=pp.pk,
        offered_on=on,
        offered_by=by,
        **fields,
    )
    offer.children.set([pp.person])
    offer.recipients.set(list(recipients))
    return offer


def accepted(offer, *, by, on: dt.date):
    offer.response, offer.responded_on, offer.responded_by = OfferResponse.ACCEPTED, on, by
    offer.save(update_fields=["response", "responded_on", "responded_by"])
    return offer


def meeting_held(offer, *, by, facilitator, on: dt.date, referred_on: dt.date | None = None, plan_agreed=True):
    referral = FgdmReferral.objects.filter(offer=offer).first() or FgdmReferral.objects.create(
        offer=offer,
        meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE,
        referred_on=referred_on or offer.offered_on,
        referred_by=by,
        reason="What the family want the meeting to decide.",
        status=FgdmReferral.Status.MEETING_HELD,
        facilitator=facilitator,
        allocated_on=referred_on or offer.offered_on,
        allocated_by=by,
    )
    return FgdmMeeting.objects.create(
        referral=referral,
        held_on=on,
        private_time_start=dt.time(11, 0),
        private_time_end=dt.time(12, 0),
        plan_agreed=plan_agreed,
        recorded_by=facilitator,
    )
