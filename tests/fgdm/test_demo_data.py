"""The demo council's FGDM (issue 15 item 8): families at each stage, written through the strand's services by the
demo users (the lead practitioner or LCPP offers and refers, the manager allocates, Fran Convenor facilitates), once;
the shared record's demo writes no FGDM of its own."""

import pytest

from cases.models import AuditEvent, ChronologyEntry, Involvement, User
from fgdm.demo_data import seed_fgdm_demo
from fgdm.models import FamilyPlanReview, FgdmMeeting, FgdmOffer, FgdmReferral

pytestmark = pytest.mark.django_db


def test_offers_wait_are_declined_and_not_offered_with_the_reason(seeded_demo):
    assert FgdmOffer.objects.filter(response="awaiting").exists()
    declined = FgdmOffer.objects.filter(response="declined")
    assert declined.exists() and all(o.decline_reason for o in declined)
    not_offered = FgdmOffer.objects.filter(response="not_offered")
    assert not_offered.exists() and all(o.not_offered_rationale for o in not_offered)
    assert AuditEvent.objects.filter(verb="fgdm.offer.made").exists()


def test_an_accepted_offer_waits_for_a_facilitator(seeded_demo):
    waiting = FgdmReferral.objects.filter(status="awaiting", facilitator__isnull=True)
    assert waiting.exists() and all(r.offer.response == "accepted" for r in waiting)


def test_the_demo_facilitator_is_allocated_her_families_and_prepares(seeded_demo):
    fran = User.objects.get(email="fgdm@demo.test")
    mine = FgdmReferral.objects.filter(facilitator=fran)
    assert mine.count() >= 3
    preparing = mine.filter(status="preparing")
    assert preparing.exists() and all(r.steps.filter(kind="child").exclude(child_wishes="").exists() for r in mine)
    # Allocation gave Fran her families' records, and the chronology says what happened.
    for referral in mine:
        for child in referral.offer.children.all():
            assert Involvement.objects.active().filter(person=child, user=fran, role="fgdm_facilitator").exists()
            assert ChronologyEntry.objects.filter(person=child, strand="fgdm").exists()


def test_the_demo_facilitator_holds_meetings_with_the_familys_plan_and_reviews_one(seeded_demo):
    fran = User.objects.get(email="fgdm@demo.test")
    held = FgdmMeeting.objects.filter(referral__facilitator=fran, plan_agreed=True)
    assert held.count() >= 2
    for meeting in held:
        assert meeting.plan_items.exists() and meeting.plan_id is not None and meeting.information.exists()
        assert meeting.private_time_end > meeting.private_time_start and meeting.review_date > meeting.held_on
    assert FamilyPlanReview.objects.filter(meeting__referral__facilitator=fran, outcome="working").exists()


def test_the_pre_proceedings_family_was_offered_fgdm_in_the_letter_and_the_meeting_facilitated(seeded_demo):
    from macpt.models import PreProceedings
    from macpt.selectors.pre_proceedings import fgdm_measure

    offers = FgdmOffer.objects.filter(decision_point="lbp", response="accepted")
    assert offers.exists()
    for offer in offers:
        assert offer.referral.facilitator.email == "fgdm@demo.test"
        assert offer.referral.meetings.get().held_on >= offer.offered_on
    # The census's module 5 answers come from it (through the one selector).
    for pp in PreProceedings.objects.filter(lbp_sent_date__isnull=False, step_decision_date__isnull=True):
        measure = fgdm_measure(pp)
        assert (measure.offered, measure.facilitated) == (True, True), pp


def test_the_shared_records_demo_writes_no_fgdm_of_its_own(seeded_demo):
    # Every FGDM chronology line belongs to an FGDM record the strand's services wrote.
    assert not ChronologyEntry.objects.filter(strand="fgdm", kind__in=["fgdm_offer", "fgdm_meeting"]).exists()


def test_a_second_run_writes_nothing(seeded_demo):
    count = FgdmOffer.objects.count()
    assert seed_fgdm_demo() == {"offers": 0, "referrals": 0, "meetings": 0, "reviews": 0}
    assert FgdmOffer.objects.count() == count
