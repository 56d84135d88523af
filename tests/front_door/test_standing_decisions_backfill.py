"""The data migration front_door 0009 tells the contacts recorded before issue 13 items 3 and 8 truly: decided_at
only from a decision that stands (the decision clock re-opened where none does), and the census referrals of the
contacts whose standing decision is a referral. Run on records written as the old code wrote them."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from cases.models import CinReferral, Deadline, Episode
from front_door.models import Contact
from front_door.services import DECISION_DEADLINE, decision_record, decision_signoff

forwards = import_module("front_door.migrations.0009_standing_decisions_backfill").forwards

pytestmark = pytest.mark.django_db


def _as_the_old_code_left_it(contact, *, decided_at):
    """The old code set decided_at at recording and met the decision deadline; it opened no census referral."""
    Contact.objects.filter(pk=contact.pk).update(decided_at=decided_at)
    Deadline.objects.filter(kind=DECISION_DEADLINE, target_id=str(contact.pk)).update(state="met", met_at=decided_at)
    CinReferral.objects.all().delete()


def test_a_returned_decision_leaves_no_decided_at_and_the_clock_open(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=8, level=levels["universal"], rationale="x", advice="Advice"
    )
    decision_signoff(decision=decision, actor=front_door_manager, agreed=False, comment="Ask health")
    _as_the_old_code_left_it(contact, decided_at=decision.decided_at)
    forwards(apps, None)
    contact.refresh_from_db()
    assert contact.decided_at is None
    assert Deadline.objects.get(kind=DECISION_DEADLINE, target_id=str(contact.pk)).state == "open"


def test_an_agreed_decision_is_decided_when_agreed_and_a_referral_gets_its_census_record(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    child = make_person()
    received = timezone.now() - dt.timedelta(days=2)
    contact = new_contact(triage_officer, children=[{"person": child}], received_at=received, source_code="6")
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=2, level=levels["child_protection"], rationale="s47"
    )
    signoff = decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    _as_the_old_code_left_it(contact, decided_at=decision.decided_at)
    forwards(apps, None)
    contact.refresh_from_db()
    assert contact.decided_at == signoff.created_at
    referral = CinReferral.objects.get(person=child)
    assert (referral.referral_date, referral.source_code, referral.source_id, referral.episode) == (
        timezone.localtime(received).date(),
        "6",
        str(decision.pk),
        Episode.objects.get(person=child),
    )
    forwards(apps, None)  # run twice: nothing more
    assert CinReferral.objects.filter(person=child).count() == 1


def test_early_help_gets_no_census_referral(triage_officer, new_contact, make_person, levels):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=7, level=levels["targeted_early_help"], rationale="x"
    )
    _as_the_old_code_left_it(contact, decided_at=decision.decided_at)
    forwards(apps, None)
    assert not CinReferral.objects.exists()
    assert Contact.objects.get(pk=contact.pk).decided_at == decision.decided_at
