"""The child protection API for strategy discussions and s47 enquiries (issue 14 item 12): the same selectors and
services as the pages, a refusal is 404, bad input a 400 with the reason, every response showing children audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Deadline
from macpt.models import S47Enquiry, StrategyInformation

pytestmark = pytest.mark.django_db


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_an_lcpp_runs_a_discussion_through_the_api_to_an_s47_and_its_outcome(
    api_client, lcpp, police_officer, health_member, macpt, family
):
    mia, leo = family["mia"], family["leo"]
    client = _as(api_client, lcpp)
    held_at = timezone.now() - dt.timedelta(hours=2)
    started = client.post(
        reverse("macpt_api_strategy_start"),
        {"team": macpt.pk, "children": [mia.pk, leo.pk], "held_at": held_at.isoformat(), "reason": "Disclosure"},
        format="json",
    )
    assert started.status_code == 201, started.content
    discussion = started.json()
    assert {c["person_id"] for c in discussion["children"]} == {mia.pk, leo.pk}
    assert discussion["missing"]  # neither the police nor health yet
    pk = discussion["id"]
    # Deciding before the police and health took part (or gave their reason) is refused, with the reason.
    mia_row = next(c for c in discussion["children"] if c["person_id"] == mia.pk)
    decide = reverse("macpt_api_strategy_decide", args=[pk, mia_row["id"]])
    refused = client.post(decide, {"decision": "s47_joint", "reason": "Injury"}, format="json")
    assert refused.status_code == 400 and "police" in refused.content.decode().lower()
    for user in (police_officer, health_member):
        added = client.post(reverse("macpt_api_strategy_attendee_add", args=[pk]), {"user": user.pk}, format="json")
        assert added.status_code == 201, added.content
    # The police officer shares what the police know: it carries the police tag whoever types it.
    shared = _as(api_client, police_officer).post(
        reverse("macpt_api_strategy_information_add", args=[pk]),
        {"text": "Two call-outs this year.", "person": mia.pk},
        format="json",
    )
    assert shared.status_code == 201, shared.content
    assert shared.json()["tags"] == ["police"]
    decided = _as(api_client, lcpp).post(decide, {"decision": "s47_joint", "reason": "Injury"}, format="json")
    assert decided.status_code == 201, decided.content
    mia_row = next(c for c in decided.json()["children"] if c["person_id"] == mia.pk)
    enquiry_id = mia_row["enquiry_id"]
    enquiry = S47Enquiry.objects.get(pk=enquiry_id)
    assert enquiry.joint_with_police and enquiry.started_at_discussion_id == pk
    got = client.get(reverse("macpt_api_s47", args=[enquiry_id]))
    assert got.status_code == 200
    assert got.json()["icpc_target"] == enquiry.icpc_target.isoformat()
    outcome = client.post(
        reverse("macpt_api_s47_outcome", args=[enquiry_id]),
        {"outcome": "conference_needed", "outcome_date": timezone.localdate().isoformat(), "reason": "Injury"},
        format="json",
    )
    assert outcome.status_code == 200, outcome.content
    assert outcome.json()["outcome"] == "conference_needed" and outcome.json()["ended_on"]
    assert Deadline.objects.filter(kind="macpt.icpc", target_id=str(enquiry_id), state="open").exists()
    record = client.get(reverse("macpt_api_child", args=[mia.pk]))
    assert record.status_code == 200
    assert [d["id"] for d in record.json()["strategy_discussions"]] == [pk]
    assert [e["id"] for e in record.json()["s47_enquiries"]] == [enquiry_id]
    assert AuditEvent.objects.filter(verb="child_protection.viewed", actor_id=lcpp.pk).exists()
    assert AuditEvent.objects.filter(verb="s47_enquiry.viewed", actor_id=lcpp.pk).exists()


def test_a_police_user_correcting_what_health_shared_is_a_400_with_the_reason(
    api_client, discussion, police_officer, health_member
):
    item = _as(api_client, health_member).post(
        reverse("macpt_api_strategy_information_add", args=[discussion.pk]),
        {"text": "Missed developmental checks."},
        format="json",
    )
    assert item.status_code == 201 and item.json()["tags"] == ["health"]
    changed = _as(api_client, police_officer).patch(
        reverse("macpt_api_strategy_information_update", args=[item.json()["id"]]),
        {"text": "Police version"},
        format="json",
    )
    assert changed.status_code == 400
    assert "health" in changed.content.decode().lower() or "Test Community Health Trust" in changed.content.decode()
    assert StrategyInformation.objects.get(pk=item.json()["id"]).text == "Missed developmental checks."


def test_someone_outside_the_childs_macpt_gets_404_for_the_discussion_the_enquiry_and_the_child(
    api_client, discussion, school_dsl, family
):
    client = _as(api_client, school_dsl)
    assert client.get(reverse("macpt_api_strategy", args=[discussion.pk])).status_code == 404
    assert client.get(reverse("macpt_api_child", args=[family["mia"].pk])).status_code == 404
    refused = client.post(
        reverse("macpt_api_strategy_information_add", args=[discussion.pk]), {"text": "x"}, format="json"
    )
    assert refused.status_code == 404
    assert not StrategyInformation.objects.filter(text="x").exists()


def test_only_an_lcpp_starts_a_discussion_and_a_child_out_of_scope_is_404(
    api_client, police_officer, lcpp, macpt, family, make_person
):
    body = {"team": macpt.pk, "children": [family["mia"].pk], "held_at": timezone.now().isoformat()}
    assert (
        _as(api_client, police_officer).post(reverse("macpt_api_strategy_start"), body, format="json").status_code
        == 404
    )
    unknown = _as(api_client, lcpp).post(
        reverse("macpt_api_strategy_start"), {**body, "children": [999999]}, format="json"
    )
    assert unknown.status_code == 404


def test_bad_input_is_a_400_naming_the_field(api_client, lcpp, macpt, family):
    client = _as(api_client, lcpp)
    missing = client.post(reverse("macpt_api_strategy_start"), {"children": [family["mia"].pk]}, format="json")
    assert missing.status_code == 400 and {"team", "held_at"} <= set(missing.json())
    stray = client.post(
        reverse("macpt_api_strategy_start"),
        {"team": macpt.pk, "children": [family["mia"].pk], "held_at": timezone.now().isoformat(), "chiar": 1},
        format="json",
    )
    assert stray.status_code == 400 and "chiar" in stray.json()


def test_the_schema_names_the_child_protection_operations(client, lcpp):
    client.force_login(lcpp)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {
        "/api/v1/child-protection/children/{id}/",
        "/api/v1/child-protection/strategy-discussions/",
        "/api/v1/child-protection/strategy-discussions/{id}/",
        "/api/v1/child-protection/s47-enquiries/{id}/outcome/",
    } <= set(schema["paths"])
