"""Issue 14 item 7: emergency action. Police protection and Emergency Protection Orders with dates, who and outcome,
in the chronology; accepting an emergency-action work request leads to the page that records it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, Deadline, LeadKind, Notification, Role, WorkRequest
from cases.registry import registry
from cases.services import Conflict, deadline_sweep, episode_set_lead, work_request_create
from cases.workdays import LONDON
from macpt.models import EmergencyAction
from macpt.services.emergency import emergency_action_end, emergency_action_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_for_mia(family, triage_officer):
    return work_request_create(
        kind=WorkRequest.Kind.EMERGENCY_ACTION,
        person=family["mia"],
        actor=triage_officer,
        episode=family["episodes"]["Mia"],
        urgent=True,
        summary="Mia found alone at home at night; police attending.",
    )


def _london(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def _form(started: dt.datetime, **extra) -> dict:
    local = started.astimezone(LONDON)
    data = {
        "kind": "police_protection",
        "started_on_day": str(local.day),
        "started_on_month": str(local.month),
        "started_on_year": str(local.year),
        "started_time": f"{local:%H:%M}",
        "by": "PC 1234 Dana Reyes, Test Police",
        "reason": "Found alone at home at 23:00, no adult reachable.",
    }
    data.update(extra)
    return data


def _ended(ended: dt.datetime) -> dict:
    local = ended.astimezone(LONDON)
    return {
        "ended_on_day": str(local.day),
        "ended_on_month": str(local.month),
        "ended_on_year": str(local.year),
        "ended_time": f"{local:%H:%M}",
    }


def test_accepting_an_emergency_action_request_leads_to_the_emergency_page(request_for_mia, lcpp, client):
    kind = registry.work_request_kind(WorkRequest.Kind.EMERGENCY_ACTION)
    assert kind.url_name == "macpt:emergency_accept"
    client.force_login(lcpp)
    page = client.get(reverse("cases:work_request", args=[request_for_mia.pk])).content.decode()
    accept_url = reverse("macpt:emergency_accept", args=[request_for_mia.pk])
    assert f'href="{accept_url}"' in page
    response = client.get(accept_url)
    assert response.status_code == 200
    assert 'id="record-emergency-action"' in response.content.decode()


def test_recording_the_action_accepts_the_request_and_tells_the_chronology(request_for_mia, lcpp, client, family):
    started = timezone.now() - dt.timedelta(hours=30)
    ended = started + dt.timedelta(hours=20)
    client.force_login(lcpp)
    response = client.post(
        reverse("macpt:emergency_accept", args=[request_for_mia.pk]),
        {**_form(started), **_ended(ended), "outcome": "with_family"},
    )
    action = EmergencyAction.objects.get(person=family["mia"])
    assert response.status_code == 302
    assert response["Location"] == reverse("macpt:emergency_action", args=[action.pk])
    request_for_mia.refresh_from_db()
    assert request_for_mia.status == WorkRequest.Status.ACCEPTED
    assert request_for_mia.handled_by == lcpp
    assert action.work_request == request_for_mia
    assert action.by == "PC 1234 Dana Reyes, Test Police"
    assert action.started_at == started.replace(second=0, microsecond=0)
    assert action.ended_at == ended.replace(second=0, microsecond=0)
    # The request's clock is met: no reminder or breach follows.
    deadline = Deadline.objects.get(kind="work_request.emergency_action", target_id=str(request_for_mia.pk))
    assert deadline.state == Deadline.State.MET
    entries = ChronologyEntry.objects.filter(person=family["mia"], kind__startswith="macpt.emergency")
    assert {e.kind for e in entries} == {
        "macpt.emergency.police_protection.started",
        "macpt.emergency.police_protection.ended",
    }
    assert all(e.significant and e.link == reverse("macpt:emergency_action", args=[action.pk]) for e in entries)
    started_entry = entries.get(kind__endswith="started")
    assert started_entry.occurred_at == action.started_at
    assert "PC 1234 Dana Reyes" in started_entry.summary
    assert "Placed with family or friends" in entries.get(kind__endswith="ended").summary
    assert AuditEvent.objects.filter(verb="macpt.emergency_action.recorded", actor_id=lcpp.pk).exists()
    assert AuditEvent.objects.filter(verb="work_request.accepted", target_id=str(request_for_mia.pk)).exists()


def test_police_protection_over_72_hours_is_refused_and_the_form_keeps_what_was_typed(request_for_mia, lcpp, client):
    started = timezone.now() - dt.timedelta(days=5)
    client.force_login(lcpp)
    response = client.post(
        reverse("macpt:emergency_accept", args=[request_for_mia.pk]),
        {**_form(started), **_ended(started + dt.timedelta(hours=73)), "outcome": "returned_home"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Police protection lasts at most 72 hours" in page
    assert 'href="#id_ended_on_day"' in page  # the summary leads to the box
    assert "PC 1234 Dana Reyes, Test Police" in page and "Found alone at home at 23:00" in page
    assert not EmergencyAction.objects.exists()
    request_for_mia.refresh_from_db()
    assert request_for_mia.status == WorkRequest.Status.OPEN  # nothing half-done


def test_an_epo_lasts_eight_days_or_fifteen_with_its_extension(lcpp, family):
    started = timezone.now() - dt.timedelta(days=20)
    data = {
        "kind": "epo",
        "started_at": started,
        "by": "Family Court at Testford, on the council's application",
        "reason": "Serious injury unexplained.",
        "ended_at": started + dt.timedelta(days=9),
        "outcome": "interim_care_order",
    }
    with pytest.raises(ValidationError) as refused:
        emergency_action_record(person=family["mia"], actor=lcpp, data=data)
    assert "at most 8 days" in refused.value.message_dict["ended_at"][0]
    action = emergency_action_record(person=family["mia"], actor=lcpp, data={**data, "epo_extended": True})
    assert action.lapses_at == started + dt.timedelta(days=15)
    with pytest.raises(ValidationError):
        emergency_action_record(
            person=family["leo"],
            actor=lcpp,
            data={**data, "epo_extended": True, "ended_at": started + dt.timedelta(days=16)},
        )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"started_at": "future"}, "started_at", "cannot be in the future"),
        ({"ended_at": "before"}, "ended_at", "cannot end before it started"),
        ({"by": ""}, "by", "Say who took it"),
        ({"reason": " "}, "reason", "Say why"),
        ({"outcome": "", "ended_at": "later"}, "outcome", "Choose what happened"),
        ({"outcome": "other", "ended_at": "later"}, "outcome_detail", "Say what happened"),
        ({"epo_extended": True}, "epo_extended", "Only an Emergency Protection Order"),
    ],
)
def test_bad_emergency_action_is_refused_with_the_reason(lcpp, family, change, field, message):
    started = timezone.now() - dt.timedelta(hours=10)
    moments = {
        "future": timezone.now() + dt.timedelta(hours=1),
        "before": started - dt.timedelta(minutes=1),
        "later": started + dt.timedelta(hours=2),
    }
    data = {"kind": "police_protection", "started_at": started, "by": "PC 9 Test Police", "reason": "Risk."}
    data.update({k: moments.get(v, v) if isinstance(v, str) else v for k, v in change.items()})
    if field == "ended_at":
        data["outcome"] = "returned_home"
    with pytest.raises(ValidationError) as refused:
        emergency_action_record(person=family["mia"], actor=lcpp, data=data)
    assert message in " ".join(refused.value.message_dict[field])
    assert not EmergencyAction.objects.exists()


def test_only_an_lcpp_records_emergency_action(family, sw_fhlp, fh_manager, lcpp, client):
    episode_set_lead(episode=family["episodes"]["Mia"], actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    data = {"kind": "police_protection", "started_at": timezone.now(), "by": "PC 9", "reason": "Risk."}
    for user in (sw_fhlp, fh_manager):
        with pytest.raises(PermissionDenied):
            emergency_action_record(person=family["mia"], actor=user, data=data)
        client.force_login(user)
        url = reverse("macpt:emergency_action_create", args=[family["mia"].pk])
        assert client.get(url).status_code == 404
        assert client.post(url, _form(timezone.now() - dt.timedelta(hours=1))).status_code == 404
    # The lead reads the child's emergency actions (the whole record), and records none.
    action = emergency_action_record(person=family["mia"], actor=lcpp, data=data)
    client.force_login(sw_fhlp)
    page = client.get(reverse("macpt:emergency_actions", args=[family["mia"].pk])).content.decode()
    assert reverse("macpt:emergency_action", args=[action.pk]) in page
    assert 'id="record-emergency-action"' not in page
    detail = client.get(reverse("macpt:emergency_action", args=[action.pk])).content.decode()
    assert "PC 9" in detail and 'id="record-emergency-end"' not in detail


def test_a_child_out_of_scope_is_not_there(family, lcpp, vcs_fhlp, client):
    action = emergency_action_record(
        person=family["mia"],
        actor=lcpp,
        data={"kind": "police_protection", "started_at": timezone.now(), "by": "PC 9", "reason": "Risk."},
    )
    client.force_login(vcs_fhlp)  # not involved with Mia
    for url in (
        reverse("macpt:emergency_action", args=[action.pk]),
        reverse("macpt:emergency_actions", args=[family["mia"].pk]),
        reverse("macpt:emergency_action_create", args=[family["mia"].pk]),
    ):
        assert client.get(url).status_code == 404


def test_a_colleague_who_accepted_first_wins(request_for_mia, lcpp, family):
    from tests.factories import UserFactory

    other_lcpp = UserFactory(agency=lcpp.agency, roles=["lcpp"])
    data = {"kind": "police_protection", "started_at": timezone.now(), "by": "PC 9", "reason": "Risk."}
    emergency_action_record(person=family["mia"], actor=other_lcpp, data=data, work_request=request_for_mia)
    with pytest.raises(Conflict):
        emergency_action_record(person=family["mia"], actor=lcpp, data=data, work_request=request_for_mia)
    assert EmergencyAction.objects.count() == 1


def test_the_end_is_recorded_once_on_the_action_page(family, lcpp, client):
    started = timezone.now() - dt.timedelta(hours=40)
    action = emergency_action_record(
        person=family["mia"],
        actor=lcpp,
        data={"kind": "police_protection", "started_at": started, "by": "PC 9", "reason": "Risk."},
    )
    client.force_login(lcpp)
    url = reverse("macpt:emergency_action", args=[action.pk])
    bad = client.post(url, {**_ended(started - dt.timedelta(hours=1)), "outcome": "returned_home"})
    assert bad.status_code == 200 and "cannot end before it started" in bad.content.decode()
    ok = client.post(url, {**_ended(started + dt.timedelta(hours=30)), "outcome": "returned_home"})
    assert ok.status_code == 302
    action.refresh_from_db()
    assert action.outcome == "returned_home"
    with pytest.raises(Conflict):
        emergency_action_end(
            action=action, actor=lcpp, data={"ended_at": started + dt.timedelta(hours=31), "outcome": "other"}
        )
    assert ChronologyEntry.objects.filter(kind="macpt.emergency.police_protection.ended").count() == 1


def test_the_childs_record_says_what_is_in_force_in_one_query_whatever_the_data(
    family, lcpp, sw_fhlp, fh_manager, client
):
    """The record page's lines for emergency action and pre-proceedings: one query for both, as many actions as there
    are (tests/test_dataset.py bounds the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from macpt.services.pre_proceedings import pre_proceedings_start

    episode_set_lead(episode=family["episodes"]["Mia"], actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    client.force_login(sw_fhlp)
    url = reverse("cases:person_detail", args=[family["mia"].pk])
    client.get(url)  # warm the process's caches
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    assert "Record emergency action" not in page  # the lead records none
    for hours in (80, 50):
        started = timezone.now() - dt.timedelta(hours=hours)
        emergency_action_record(
            person=family["mia"],
            actor=lcpp,
            data={
                "kind": "police_protection",
                "started_at": started,
                "by": "PC 9",
                "reason": "Risk.",
                "ended_at": started + dt.timedelta(hours=10),
                "outcome": "returned_home",
            },
        )
    current = emergency_action_record(
        person=family["mia"],
        actor=lcpp,
        data={"kind": "police_protection", "started_at": timezone.now(), "by": "PC 9", "reason": "Risk."},
    )
    pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=dt.date(2026, 5, 11))
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "Police protection in force since" in page
    assert reverse("macpt:emergency_action", args=[current.pk]) in page
    assert "In pre-proceedings since 11 May 2026" in page
    assert len(after.captured_queries) == len(before.captured_queries)


def test_police_protection_lapsing_reminds_the_lcpp_then_alerts_every_lcpp_exactly_once(family, lcpp):
    """Police protection lapses 72 hours after it began, weekend or not: the LCPP who recorded it is reminded 18 hours
    before, every LCPP is alerted when it lapses, each once however often the sweeper runs; the alerts name the
    action, never the child."""
    other_lcpp = UserFactory(roles=[Role.LCPP])
    started = _london(2025, 12, 24, 22)  # Christmas Eve, 22:00: lapses on Saturday 27th at 22:00
    action = emergency_action_record(
        person=family["mia"],
        actor=lcpp,
        data={"kind": "police_protection", "started_at": started, "by": "PC 9", "reason": "Found alone at night."},
    )
    clock = Deadline.objects.get(kind="macpt.emergency_lapse", state=Deadline.State.OPEN)
    assert clock.due_at == _london(2025, 12, 27, 22) and clock.warn_at == _london(2025, 12, 27, 4)
    assert clock.person_ids == [family["mia"].pk] and clock.link == reverse("macpt:emergency_action", args=[action.pk])
    minute = dt.timedelta(minutes=1)
    assert deadline_sweep(now=clock.warn_at - minute) == {"warned": 0, "breached": 0}
    for _ in range(2):
        deadline_sweep(now=clock.warn_at + minute)
    for _ in range(2):
        deadline_sweep(now=clock.due_at + minute)
    told = Notification.objects.filter(kind__startswith="macpt.emergency_lapse")
    assert sorted(told.values_list("kind", "user")) == sorted(
        [
            ("macpt.emergency_lapse.due_soon", lcpp.pk),
            ("macpt.emergency_lapse.overdue", lcpp.pk),
            ("macpt.emergency_lapse.overdue", other_lcpp.pk),
        ]
    )
    assert not any("Mia" in title for title in told.values_list("title", flat=True))


def test_ending_the_action_stops_its_clock_and_one_already_over_has_none(family, lcpp):
    started = timezone.now() - dt.timedelta(hours=5)
    data = {"kind": "police_protection", "started_at": started, "by": "PC 9", "reason": "Found alone at night."}
    action = emergency_action_record(person=family["mia"], actor=lcpp, data=data)
    emergency_action_end(
        action=action, actor=lcpp, data={"ended_at": started + dt.timedelta(hours=4), "outcome": "returned_home"}
    )
    assert Deadline.objects.get(kind="macpt.emergency_lapse").state == Deadline.State.MET
    emergency_action_record(
        person=family["leo"],
        actor=lcpp,
        data={**data, "ended_at": started + dt.timedelta(hours=2), "outcome": "returned_home"},
    )
    assert Deadline.objects.filter(kind="macpt.emergency_lapse").count() == 1
