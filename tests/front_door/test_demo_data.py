"""The demo front door: contacts in every state, some overdue, made once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from front_door.models import Contact, InformationRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_contacts_in_every_state_once(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo")
    statuses = set(Contact.objects.values_list("status", flat=True))
    assert statuses == {"received", "in_triage", "awaiting_signoff", "decided"}
    open_contacts = Contact.objects.exclude(status="decided")
    assert open_contacts.filter(decision_due_at__lt=timezone.now()).count() >= 2
    assert Contact.objects.filter(no_identifiable_child=True).exists()
    assert Contact.objects.filter(referrer_user__email="school.dsl@demo.test").exists()
    assert set(InformationRequest.objects.values_list("status", flat=True)) == {"open", "answered"}
    count = Contact.objects.count()
    call_command("seed_demo")
    assert Contact.objects.count() == count
