"""The strand's tables hold what the contract says, and the database refuses what the census could never accept."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from macpt.models import S47Enquiry, StrategyChild, StrategyDiscussion
from tests.personas import team

pytestmark = pytest.mark.django_db


def _discussion(lcpp) -> StrategyDiscussion:
    return StrategyDiscussion.objects.create(team=team("macpt"), held_at=timezone.now(), chair=lcpp, created_by=lcpp)


def test_a_child_has_at_most_one_open_s47_enquiry(lcpp, family):
    discussion = _discussion(lcpp)
    day = dt.date(2026, 3, 2)
    fields = {
        "person": family["mia"],
        "team": discussion.team,
        "started_at_discussion": discussion,
        "start_date": day,
        "lead": lcpp,
        "icpc_target": day + dt.timedelta(days=21),
        "created_by": lcpp,
    }
    S47Enquiry.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        S47Enquiry.objects.create(**fields)


def test_no_s47_needs_its_next_step_and_an_s47_has_none(lcpp, family):
    discussion = _discussion(lcpp)
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyChild.objects.create(discussion=discussion, person=family["mia"], decision="no_s47")
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyChild.objects.create(discussion=discussion, person=family["mia"], decision="s47_joint", next_step="nfa")
    StrategyChild.objects.create(discussion=discussion, person=family["mia"], decision="no_s47", next_step="fgdm_offer")
