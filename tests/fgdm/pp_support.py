"""Building the FGDM side of a pre-proceedings episode for the counts tests: an offer at the episode (before or in
the letter before proceedings), its referral and a meeting. Written straight to the models (the offer, referral and
meeting services are other areas' of issue 15; these tests are about what is counted, not how it is recorded)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from cases.registry import DecisionPoint, registry
from fgdm.models import (
    DecisionPointKind,
    FamilyPlanReview,
    FgdmMeeting,
    FgdmOffer,
    FgdmReferral,
    MeetingType,
    OfferResponse,
)
from macpt.models import PreProceedings
from macpt.services.pre_proceedings import pre_proceedings_start, pre_proceedings_update

D = dt.date


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


def _offer(family, by, *, at, on, response=OfferResponse.AWAITING, **fields):
    offer = FgdmOffer.objects.create(
        decision_point=at, offered_on=on, offered_by=by, response=response, family_case=family["case"], **fields
    )
    offer.children.set([family["mia"], family["leo"]])
    offer.recipients.set([family["grace"]])
    return offer


def counts_world(family, *, by, facilitator, monkeypatch) -> dict:
    """The counts tests' known data set. 2026-27 (to 6 December 2026): a family plan offer accepted in Q1 and its
    meeting in Q2 (plan agreed, reviewed in Q3); a strategy discussion offer declined in Q2; an ICPC offer not made
    (rationale) in Q2; a front-door offer still waiting in Q3; pre-proceedings for Mia with the offer in the letter
    (Q1) and its meeting (Q2). Before the year: a 2025-26 front-door offer (not counted)."""
    plan_offer = _offer(family, by, at=DecisionPointKind.FAMILY_PLAN, on=D(2026, 5, 5))
    accepted(plan_offer, by=by, on=D(2026, 5, 12))
    meeting = meeting_held(plan_offer, by=by, facilitator=facilitator, on=D(2026, 7, 8), plan_agreed=True)
    FamilyPlanReview.objects.create(meeting=meeting, held_on=D(2026, 10, 7), outcome="working", recorded_by=by)
    _offer(
        family,
        by,
        at=DecisionPointKind.STRATEGY_DISCUSSION,
        on=D(2026, 8, 3),
        response=OfferResponse.DECLINED,
        decline_reason="The family would rather not.",
    )
    _offer(
        family,
        by,
        at=DecisionPointKind.ICPC,
        on=D(2026, 9, 1),
        response=OfferResponse.NOT_OFFERED,
        not_offered_rationale="The father's violence: the wider family would be put at risk.",
    )
    _offer(family, by, at=DecisionPointKind.FRONT_DOOR, on=D(2026, 11, 2))
    _offer(family, by, at=DecisionPointKind.FRONT_DOOR, on=D(2026, 2, 2))
    pp = pre_proceedings_start(person=family["mia"], actor=by, start_date=D(2026, 6, 1))
    pre_proceedings_update(pre_proceedings=pp, actor=by, data={"lbp_sent_date": D(2026, 6, 3)})
    pp = PreProceedings.objects.get(pk=pp.pk)
    lbp = accepted(offer_at(pp, by=by, on=D(2026, 6, 3), recipients=[family["grace"]]), by=by, on=D(2026, 6, 5))
    meeting_held(lbp, by=by, facilitator=facilitator, on=D(2026, 7, 20), plan_agreed=False)
    # The episode's facts come from its strand's decision-point describer (cases.registry); until child protection
    # registers one (issue 15 item 1), stand in for it with the same facts.
    if registry.decision_point(pp) is None:
        real = registry.decision_point

        def describe(obj):
            if isinstance(obj, PreProceedings):
                return DecisionPoint(
                    kind="pre_proceedings",
                    label="",
                    children=(obj.person_id,),
                    family_case_id=None,
                    date=obj.start_date,
                    url="",
                    facts={
                        "start_date": obj.start_date,
                        "lbp_sent_date": obj.lbp_sent_date,
                        "end_date": obj.step_decision_date,
                    },
                )
            return real(obj)

        monkeypatch.setattr(registry, "decision_point", describe)
    return {"pp": pp, "plan_offer": plan_offer}
