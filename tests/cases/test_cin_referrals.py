"""The CIN census referral (CINdetails): one open per child, opened with its date and source, closed with the
census reason and the NFA flag; every write audited; bad input refused in words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cases.models import AuditEvent, CinReferral
from cases.services import cin_referral_close, cin_referral_open, episode_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_in_need(make_person, triage_officer, levels):
    child = make_person()
    episode = episode_open(person=child, actor=triage_officer, level=levels["child_in_need"], reason="Referral")
    return child, episode


def test_opening_records_the_census_referral_and_audits(child_in_need, triage_officer):
    child, episode = child_in_need
    received = timezone.localdate() - dt.timedelta(days=2)
    referral = cin_referral_open(
        person=child, episode=episode, referral_date=received, source_code="2A", source=episode, actor=triage_officer
    )
    assert (referral.person, referral.episode, referral.referral_date, referral.source_code) == (
        child,
        episode,
        received,
        "2A",
    )
    assert (referral.source_type, referral.source_id, referral.is_open, referral.nfa) == (
        "cases.episode",
        str(episode.pk),
        True,
        False,
    )
    event = AuditEvent.objects.get(verb="cin_referral.opened")
    assert event.child_ids == [child.pk] and event.target_id == str(referral.pk)


def test_a_child_has_one_open_referral(child_in_need, triage_officer):
    child, episode = child_in_need
    today = timezone.localdate()
    first = cin_referral_open(
        person=child, episode=episode, referral_date=today, source_code="6", source=None, actor=triage_officer
    )
    again = cin_referral_open(
        person=child, episode=episode, referral_date=today, source_code="2A", source=None, actor=triage_officer
    )
    assert again.pk == first.pk and CinReferral.objects.filter(person=child).count() == 1
    with pytest.raises(IntegrityError):
        CinReferral.objects.create(person=child, referral_date=today, source_code="2A")


def test_closing_records_reason_and_nfa_then_a_new_referral_may_open(child_in_need, triage_officer):
    child, episode = child_in_need
    today = timezone.localdate()
    cin_referral_open(
        person=child, episode=episode, referral_date=today, source_code="3A", source=None, actor=triage_officer
    )
    closed = cin_referral_close(person=child, on=today, reason_code="RC7", actor=triage_officer, nfa=True)
    assert (closed.closed_on, closed.closure_reason, closed.nfa, closed.closed_by) == (
        today,
        "RC7",
        True,
        triage_officer,
    )
    assert AuditEvent.objects.filter(verb="cin_referral.closed", target_id=str(closed.pk)).exists()
    assert cin_referral_close(person=child, on=today, reason_code="RC7", actor=triage_officer) is None
    second = cin_referral_open(
        person=child, episode=episode, referral_date=today, source_code="1A", source=None, actor=triage_officer
    )
    assert second.pk != closed.pk and second.is_open


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source_code": "ZZ"}, "source_code"),
        ({"referral_date": dt.date(2999, 1, 1)}, "referral_date"),
    ],
)
def test_bad_opening_is_refused_in_words(child_in_need, triage_officer, kwargs, field):
    child, episode = child_in_need
    values = {"referral_date": timezone.localdate(), "source_code": "2A", **kwargs}
    with pytest.raises(ValidationError) as refused:
        cin_referral_open(person=child, episode=episode, source=None, actor=triage_officer, **values)
    assert field in refused.value.message_dict
    assert not CinReferral.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason_code": "RC0"}, "closure_reason"),
        ({"reason_code": "RC8", "nfa": True}, "closure_reason"),
        ({"on": dt.date(2000, 1, 1)}, "closed_on"),
    ],
)
def test_bad_closing_is_refused_in_words(child_in_need, triage_officer, kwargs, field):
    child, episode = child_in_need
    cin_referral_open(
        person=child,
        episode=episode,
        referral_date=timezone.localdate(),
        source_code="2A",
        source=None,
        actor=triage_officer,
    )
    values = {"on": timezone.localdate(), "reason_code": "RC7", **kwargs}
    with pytest.raises(ValidationError) as refused:
        cin_referral_close(person=child, actor=triage_officer, **values)
    assert field in refused.value.message_dict
    assert CinReferral.objects.get(person=child).is_open


def test_two_records_with_open_referrals_are_not_merged(make_person, triage_officer):
    from cases.services import MergeRefused, person_merge

    kept, duplicate = make_person(), make_person(first="Amelie")
    for person in (kept, duplicate):
        cin_referral_open(
            person=person,
            episode=None,
            referral_date=timezone.localdate(),
            source_code="2A",
            source=None,
            actor=triage_officer,
        )
    with pytest.raises(MergeRefused, match="open referral"):
        person_merge(kept=kept, merged=duplicate, actor=triage_officer, reason="Same child")
