"""An s47 enquiry is children's social care: the child is in the CIN census from its start at the latest (found by the
issue 16 journey on the demo, whose s47 children had no census referral and so were not in the census at all)."""

import pytest

from cases.models import CinReferral
from cases.services import cin_referral_open
from macpt.models import S47Enquiry, StrategyDecision
from macpt.services.strategy import strategy_decide

pytestmark = pytest.mark.django_db


def test_an_enquiry_from_early_help_opens_the_childs_census_referral_from_early_help(discussion, lcpp):
    mia = discussion.children.get(person__first_name="Mia")
    enquiry = strategy_decide(child=mia, actor=lcpp, decision=StrategyDecision.S47_SINGLE, reason="Disclosure.")
    referral = CinReferral.objects.get(person=mia.person)
    assert (referral.referral_date, referral.source_code, referral.closed_on) == (enquiry.start_date, "5D", None)
    assert (referral.source_type, referral.source_id) == ("macpt.s47enquiry", str(enquiry.pk))


def test_a_child_referred_through_the_front_door_keeps_that_referral(discussion, lcpp, triage_officer):
    leo = discussion.children.get(person__first_name="Leo")
    earlier = cin_referral_open(
        person=leo.person,
        episode=None,
        referral_date=discussion.held_at.date(),
        source_code="6",
        source=None,
        actor=triage_officer,
    )
    strategy_decide(child=leo, actor=lcpp, decision=StrategyDecision.S47_SINGLE, reason="Disclosure.")
    assert list(CinReferral.objects.filter(person=leo.person)) == [earlier]
    assert S47Enquiry.objects.filter(person=leo.person).count() == 1
