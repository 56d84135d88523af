"""Issue 14 item 12: the child protection API writes what the pages write, through the same services. Scoped as the
pages (someone who does not see the child: 404), bad input a 400 naming the field with the service's reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AuditEvent, ChronologyEntry
from macpt.models import EmergencyAction

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _started(hours_ago: int = 2) -> str:
    return (timezone.now() - dt.timedelta(hours=hours_ago)).isoformat()


def test_an_lcpp_records_police_protection_and_its_end(family, lcpp):
    client = _client(lcpp)
    url = reverse("macpt_api_emergency_action_record", args=[family["mia"].pk])
    got = client.post(
        url,
        {"kind": "police_protection", "started_at": _started(), "by": "PC 9, Test Police", "reason": "Alone at night."},
        format="json",
    )
    assert got.status_code == 201, got.json()
    body = got.json()
    assert body["kind"] == "police_protection" and body["ended_at"] is None and body["person_id"] == family["mia"].pk
    action = EmergencyAction.objects.get(pk=body["id"])
    assert ChronologyEntry.objects.filter(
        kind="macpt.emergency.police_protection.started", person=family["mia"]
    ).exists()
    assert AuditEvent.objects.filter(verb="macpt.emergency_action.recorded", actor_id=lcpp.pk).exists()
    end = reverse("macpt_api_emergency_action_end", args=[action.pk])
    got = client.post(end, {"ended_at": _started(1), "outcome": "returned_home"}, format="json")
    assert got.status_code == 200, got.json()
    assert got.json()["outcome"] == "returned_home"
    action.refresh_from_db()
    assert action.ended_at is not None
    # Ended once: again is a conflict with the reason, never a 500.
    again = client.post(end, {"ended_at": _started(1), "outcome": "returned_home"}, format="json")
    assert again.status_code == 409 and "already recorded as ended" in again.json()["detail"]


def test_bad_emergency_action_input_is_400_with_the_services_reason(family, lcpp):
    client = _client(lcpp)
    url = reverse("macpt_api_emergency_action_record", args=[family["mia"].pk])
    started = timezone.now() - dt.timedelta(hours=100)
    got = client.post(
        url,
        {
            "kind": "police_protection",
            "started_at": started.isoformat(),
            "by": "PC 9",
            "reason": "Risk.",
            "ended_at": (started + dt.timedelta(hours=80)).isoformat(),
            "outcome": "returned_home",
        },
        format="json",
    )
    assert got.status_code == 400
    assert "Police protection lasts at most 72 hours" in got.json()["ended_at"][0]
    got = client.post(url, {"kind": "police_protection", "started_at": _started()}, format="json")
    assert got.status_code == 400 and "Say who took it" in got.json()["by"][0]
    assert "Say why" in got.json()["reason"][0]
    got = client.post(
        url, {"kind": "epo", "started_at": _started(), "by": "x", "reason": "y", "bogus": 1}, format="json"
    )
    assert got.status_code == 400 and "bogus" in got.json()
    assert not EmergencyAction.objects.exists()
    action = client.post(
        url, {"kind": "epo", "started_at": _started(), "by": "Court", "reason": "Risk."}, format="json"
    ).json()
    got = client.post(
        reverse("macpt_api_emergency_action_end", args=[action["id"]]),
        {"ended_at": _started(1), "outcome": "other"},
        format="json",
    )
    assert got.status_code == 400 and got.json()["outcome_detail"] == ["Say what happened"]


def test_emergency_action_writes_are_404_outside_the_childs_record(family, lcpp, vcs_fhlp, sw_fhlp):
    action = _client(lcpp).post(
        reverse("macpt_api_emergency_action_record", args=[family["mia"].pk]),
        {"kind": "police_protection", "started_at": _started(), "by": "PC 9", "reason": "Risk."},
        format="json",
    )
    assert action.status_code == 201
    data = {"kind": "police_protection", "started_at": _started(), "by": "PC 9", "reason": "Risk."}
    for user in (vcs_fhlp, sw_fhlp):  # one not involved with Mia, one not an LCPP
        client = _client(user)
        got = client.post(reverse("macpt_api_emergency_action_record", args=[family["mia"].pk]), data, format="json")
        assert got.status_code == 404
    got = _client(vcs_fhlp).post(
        reverse("macpt_api_emergency_action_end", args=[action.json()["id"]]),
        {"ended_at": _started(1), "outcome": "returned_home"},
        format="json",
    )
    assert got.status_code == 404
    assert EmergencyAction.objects.count() == 1 and EmergencyAction.objects.get().ended_at is None
