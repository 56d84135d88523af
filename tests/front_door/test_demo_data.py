"""The demo front door: contacts in every state, some overdue and some due soon, made once."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import AuditEvent, Episode, User, WorkRequest
from cases.selectors import rag_by_working_hours
from cases.workdays import Calendar
from front_door import selectors
from front_door.demo_data import CONTACTS, seed_front_door_demo
from front_door.models import Contact, FrontDoorSettings, InformationRequest

pytestmark = pytest.mark.django_db


def _rags() -> list[str]:
    calendar, amber, now = Calendar.from_database(), FrontDoorSettings.current().amber_working_hours, timezone.now()
    return [
        rag_by_working_hours(due_at=c.decision_due_at, now=now, calendar=calendar, amber_hours=amber)
        for c in Contact.objects.exclude(status="decided")
    ]


def test_seed_demo_adds_contacts_in_every_state(seeded_demo):
    assert Contact.objects.count() == len(CONTACTS)
    assert set(Contact.objects.values_list("status", flat=True)) == {
        "received",
        "in_triage",
        "awaiting_signoff",
        "decided",
    }
    assert Contact.objects.filter(status="received", assigned_to=None).exists()
    assert Contact.objects.filter(status="in_triage", assigned_to__email="triage@demo.test").exists()
    assert Contact.objects.filter(status="awaiting_signoff", decisions__outcome=8).exists()
    decided = set(Contact.objects.filter(status="decided").values_list("decisions__outcome", flat=True))
    assert {2, 3, 7, 8} <= decided
    assert Contact.objects.filter(no_identifiable_child=True).exists()


def test_some_are_overdue_and_some_due_soon(seeded_demo):
    rags = _rags()
    assert rags.count("red") >= 2 and rags.count("amber") >= 1 and rags.count("green") >= 1
    overdue = Contact.objects.exclude(status="decided").filter(decision_due_at__lt=timezone.now())
    assert overdue.count() >= 2


def test_police_and_health_each_have_an_open_and_an_answered_request(seeded_demo):
    requests = set(InformationRequest.objects.values_list("agency__type", "status"))
    assert requests == {("police", "open"), ("police", "answered"), ("health", "open"), ("health", "answered")}


def test_partners_referred_through_the_partner_route_and_see_their_outcomes(seeded_demo):
    for email in ("school.dsl@demo.test", "other.school.dsl@demo.test"):
        assert Contact.objects.filter(referrer_user__email=email, channel="partner_form").count() >= 2, email
    school = User.objects.get(email="school.dsl@demo.test")
    told = [selectors.referral_status_for_referrer(c) for c in selectors.referrals_for_referrer(user=school)]
    assert {"received", "decided"} <= {t["status"] for t in told}
    assert sum(1 for t in told if t["status"] == "decided" and t["outcome"]) >= 2


def test_decisions_opened_work_for_the_children(seeded_demo):
    decided = Contact.objects.filter(status="decided", decisions__outcome__in=[3, 7])
    for contact in decided:
        for child in contact.children.all():
            assert child.person_id is not None
            assert Episode.objects.filter(person_id=child.person_id, closed_on=None).exists()
            assert WorkRequest.objects.filter(person_id=child.person_id, kind="family_help_allocation").exists()


def test_a_second_run_writes_nothing(seeded_demo):
    contacts, audits = Contact.objects.count(), AuditEvent.objects.count()
    assert seed_front_door_demo()["contacts"] == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
        call_command("seed_demo", stdout=io.StringIO())
    assert (Contact.objects.count(), AuditEvent.objects.count()) == (contacts, audits)
