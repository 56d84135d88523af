"""The child protection API's reads of conferences, plans and pre-proceedings (issue 14 item 12), on the demo council
(seed_demo's families on a plan and in pre-proceedings): scoped as the pages, a refusal 404, reads audited."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AuditEvent, User
from macpt.models import ChildProtectionConference, ChildProtectionPlan, PreProceedings

pytestmark = pytest.mark.django_db


def _client(email: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(email=email))
    return client


def test_the_lcpp_reads_the_conference_the_plan_and_pre_proceedings(seeded_demo):
    conference = ChildProtectionConference.objects.filter(kind="initial").first()
    plan = ChildProtectionPlan.objects.filter(conference=conference).first()
    pp = PreProceedings.objects.first()
    client = _client("lcpp@demo.test")
    got = client.get(reverse("macpt_api_conference", args=[conference.pk]))
    assert got.status_code == 200
    body = got.json()
    assert {c["person_id"] for c in body["children"]} == set(conference.children.values_list("person_id", flat=True))
    assert body["reports"] and body["reports"][0]["tags"] == ["police"]
    got = client.get(reverse("macpt_api_cp_plan", args=[plan.pk]))
    assert got.status_code == 200
    assert got.json()["start_date"] == conference.date.isoformat() and got.json()["core_groups"]
    assert got.json()["visits"] and got.json()["number_of_previous_plans"] == 0
    got = client.get(reverse("macpt_api_pre_proceedings", args=[pp.pk]))
    assert got.status_code == 200 and got.json()["meetings"]
    # The letter's FGDM answer, from the FGDM strand's one selector: answered once the letter is sent (read only).
    assert got.json()["fgdm_offered"] in (True, False) and "fgdm_offer_url" in got.json()
    record = client.get(reverse("macpt_api_child", args=[plan.person_id])).json()
    assert [c["id"] for c in record["conferences"]] == [conference.pk] and record["plans"][0]["id"] == plan.pk
    record = client.get(reverse("macpt_api_child", args=[pp.person_id])).json()
    assert [p["id"] for p in record["pre_proceedings"]] == [pp.pk]
    lcpp = User.objects.get(email="lcpp@demo.test")
    assert AuditEvent.objects.filter(verb="cp_conference.viewed", actor_id=lcpp.pk).exists()
    assert AuditEvent.objects.filter(verb="cp_plan.viewed", actor_id=lcpp.pk).exists()


@pytest.mark.parametrize("email", ["school.dsl@demo.test", "admin@demo.test"])
def test_someone_who_does_not_see_the_children_gets_404(seeded_demo, email):
    conference = ChildProtectionConference.objects.filter(kind="initial").first()
    plan = ChildProtectionPlan.objects.filter(conference=conference).first()
    pp = PreProceedings.objects.first()
    client = _client(email)
    for url in (
        reverse("macpt_api_conference", args=[conference.pk]),
        reverse("macpt_api_cp_plan", args=[plan.pk]),
        reverse("macpt_api_pre_proceedings", args=[pp.pk]),
        reverse("macpt_api_emergency_action", args=[999999]),
    ):
        assert client.get(url).status_code == 404, url
