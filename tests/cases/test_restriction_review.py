"""Restricted records' named access lists (issue 17 item 2): each entry may expire (an expired entry no longer opens
the record, read with the database's clock so a scope built earlier and kept stays right), and each list is
reviewed every 90 days (a shared Deadline per restricted record; the review keeps or removes each name, extends, and
starts the clock again)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import RestrictedAccess, RestrictionReason
from cases.permissions import can_edit_person, person_record_scope
from cases.services import person_restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(make_person, front_door_manager, triage_officer):
    person = make_person(first="Rosa", last="Restricted")
    return person_restrict(
        person=person, actor=front_door_manager, reason=RestrictionReason.HIGH_PROFILE, access_users=[triage_officer]
    )


def _opens(user, person) -> bool:
    return person_record_scope(user).filter(pk=person.pk).exists()


def test_an_expired_entry_no_longer_opens_the_record_even_through_a_scope_built_before(restricted, triage_officer):
    entry = RestrictedAccess.objects.get(person=restricted, user=triage_officer)
    entry.expires_at = timezone.now() + dt.timedelta(days=1)
    entry.save()
    kept_scope = person_record_scope(triage_officer)  # built now, and kept by the process (cases.permissions._built)
    assert kept_scope.filter(pk=restricted.pk).exists()
    assert can_edit_person(triage_officer, restricted)

    # The entry passes its expiry (written behind the kept scope's back, as time passing would).
    RestrictedAccess.objects.filter(pk=entry.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert not kept_scope.filter(pk=restricted.pk).exists()
    assert not _opens(triage_officer, restricted)
    assert not can_edit_person(triage_officer, restricted)


def test_an_entry_without_expiry_opens_the_record_until_removed(restricted, triage_officer, front_door_manager):
    assert _opens(triage_officer, restricted)
    assert _opens(front_door_manager, restricted)
