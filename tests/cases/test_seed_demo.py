"""Demo data: one fictional council, a user per role, safe to run twice."""

import pytest
from django.core.management import call_command

from cases.models import Agency, AgencyType, Team, User

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "triage@demo.test", "frontdoor.manager@demo.test", "fhlp@demo.test", "sw.fhlp@demo.test",
    "lcpp@demo.test", "police@demo.test", "health@demo.test", "school.dsl@demo.test",
    "other.school.dsl@demo.test", "fgdm@demo.test", "manager@demo.test", "privacy@demo.test",
    "admin@demo.test",
]


def test_seed_demo_is_idempotent_and_every_demo_user_can_sign_in(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo")
    counts = (Agency.objects.count(), Team.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Agency.objects.count(), Team.objects.count(), User.objects.count()) == counts
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(DEMO_USERS)
    for email in DEMO_USERS:
        response = client.post("/accounts/login/", {"username": email, "password": "a-demo-password-for-tests"})
        assert response.status_code == 302, email
        client.post("/accounts/logout/")


def test_demo_agencies_cover_the_partnership(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo")
    types = list(Agency.objects.values_list("type", flat=True))
    for kind in (AgencyType.COUNCIL_SOCIAL_CARE, AgencyType.COUNCIL_EARLY_HELP, AgencyType.POLICE,
                 AgencyType.HEALTH, AgencyType.VOLUNTARY_SECTOR):
        assert kind in types
    assert types.count(AgencyType.EDUCATION) == 2
    fhlp = User.objects.get(email="fhlp@demo.test")
    assert (fhlp.agency.type, fhlp.qualification) == (AgencyType.VOLUNTARY_SECTOR, "alternatively_qualified")
    assert User.objects.get(email="sw.fhlp@demo.test").qualification == "social_worker"
    assert User.objects.get(email="lcpp@demo.test").has_role("lcpp")
    macpt = Team.objects.get(name="Multi-Agency Child Protection Team")
    assert {m.agency.type for m in macpt.members.select_related("agency")} >= {"police", "health",
                                                                                 "council_social_care"}
