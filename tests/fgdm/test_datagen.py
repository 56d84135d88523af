"""The generated data set's FGDM (issue 15 item 8): offers at the record's decision points at England-like rates,
about a third to a half of answered offers accepted, meetings held for most families allocated a facilitator, plans
reviewed, and each facilitator's open families in their scope (their involvement grants it)."""

import pytest
from django.db.models import Count

from cases.models import User
from cases.permissions import person_record_scope
from fgdm.models import FamilyPlanReview, FgdmMeeting, FgdmOffer, FgdmReferral
from fgdm.selectors.scope import referrals_visible

pytestmark = pytest.mark.django_db


def test_offers_are_made_at_several_decision_points_with_every_answer(small_dataset):
    points = dict(FgdmOffer.objects.values_list("decision_point").annotate(n=Count("id")))
    assert {"family_plan", "lbp"} <= set(points), points
    answers = dict(FgdmOffer.objects.values_list("response").annotate(n=Count("id")))
    assert {"accepted", "declined", "not_offered"} <= set(answers), answers
    assert not FgdmOffer.objects.filter(children__isnull=True).exists()


def test_a_third_to_a_half_of_answered_offers_are_accepted(small_dataset):
    answered = FgdmOffer.objects.exclude(response="awaiting").exclude(response="not_offered")
    accepted = answered.filter(response="accepted").count()
    assert answered.count() >= 20
    assert 0.3 <= accepted / answered.count() <= 0.6


def test_meetings_are_held_for_most_allocated_families_and_plans_reviewed(small_dataset):
    allocated = FgdmReferral.objects.filter(facilitator__isnull=False)
    due = allocated.filter(status__in=["held", "closed"])
    held = FgdmMeeting.objects.filter(referral__in=due).values("referral").distinct().count()
    assert due.count() and held / due.count() >= 0.7
    assert FamilyPlanReview.objects.exists()
    for meeting in FgdmMeeting.objects.filter(plan_agreed=True)[:20]:
        assert meeting.private_time_end > meeting.private_time_start and meeting.plan_items.exists()


def test_the_demo_facilitator_has_a_caseload_in_scope(small_dataset):
    fran = User.objects.get(email="fgdm@demo.test")
    open_referrals = FgdmReferral.objects.filter(facilitator=fran, status__in=["preparing", "held"])
    assert open_referrals.exists()
    assert set(referrals_visible(fran).filter(facilitator=fran, status__in=["preparing", "held"])) == set(
        open_referrals
    )
    children = {c for r in open_referrals for c in r.offer.children.values_list("pk", flat=True)}
    assert children <= set(person_record_scope(fran, relatives=False).values_list("pk", flat=True))


def test_offers_in_the_letter_and_meetings_after_them_reach_the_census_measures(small_dataset):
    from macpt.models import PreProceedings
    from macpt.selectors.pre_proceedings import fgdm_measures

    measures = fgdm_measures(PreProceedings.objects.filter(lbp_sent_date__isnull=False))
    offered = [m for m in measures.values() if m.offered]
    assert offered and any(m.facilitated for m in offered)
    # Most letters carry the offer (England-like: about three in four), never all.
    assert 0.4 <= len(offered) / len(measures) < 1
