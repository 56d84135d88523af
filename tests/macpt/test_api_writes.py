"""Issue 14 item 12: the child protection API writes what the pages write, through the same services. Scoped as the
pages (someone who does not see the child: 404), bad input a 400 naming the field with the service's reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AuditEvent, ChronologyEntry
from macpt.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroup,
    EmergencyAction,
    PreProceedings,
    PreProceedingsMeeting,
    StatutoryVisit,
)
from tests.macpt.support import at, hold_icpc

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


# --- conferences: arrange and decide --------------------------------------------------------------------------------


def _arrange(client, family, chair, day, **extra):
    return client.post(
        reverse("macpt_api_conference_arrange", args=[family["case"].pk]),
        {"kind": "initial", "date": day.isoformat(), "children": [family["mia"].pk], "chair": chair.pk, **extra},
        format="json",
    )


def test_an_lcpp_arranges_an_icpc_and_records_a_plan_then_a_review_steps_down(cp_family, lcpp, chair, clock, enquiry):
    mia = cp_family["mia"]
    got = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19), enquiry=enquiry.pk)
    assert got.status_code == 201, got.json()
    assert got.json()["kind"] == "initial" and got.json()["enquiry_id"] == enquiry.pk
    conference = ChildProtectionConference.objects.get(pk=got.json()["id"])
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    got = _client(chair).post(
        reverse("macpt_api_conference_decide", args=[conference.pk]),
        {"decisions": [{"person": mia.pk, "plan": True, "category": "PHY", "reason": "Unexplained bruising"}]},
        format="json",
    )
    assert got.status_code == 200, got.json()
    assert got.json()["status"] == "decided" and got.json()["children"][0]["category"] == "PHY"
    plan = ChildProtectionPlan.objects.get(person=mia)
    assert (plan.start_date, plan.initial_category, plan.conference_id) == (dt.date(2025, 12, 19), "PHY", conference.pk)
    # The review ends the plan: the reason and the step down are the service's.
    got = _arrange(_client(lcpp), cp_family, chair, dt.date(2026, 3, 13), kind="review")
    assert got.status_code == 201, got.json()
    clock.move_to(at(dt.date(2026, 3, 13), 15))
    got = _client(chair).post(
        reverse("macpt_api_conference_decide", args=[got.json()["id"]]),
        {
            "decisions": [
                {
                    "person": mia.pk,
                    "plan": False,
                    "end_reason": "no_longer_at_risk",
                    "step_down_to": "child_in_need",
                    "reason": "Safe at home",
                }
            ]
        },
        format="json",
    )
    assert got.status_code == 200, got.json()
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason, plan.end_reason_text) == (
        dt.date(2026, 3, 13),
        "no_longer_at_risk",
        "Safe at home",
    )


def test_bad_conference_input_is_400_with_the_services_reason(cp_family, lcpp, chair, clock):
    mia = cp_family["mia"]
    got = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 13))  # a Saturday
    assert got.status_code == 400 and "weekend" in " ".join(got.json()["date"])
    got = _arrange(_client(lcpp), cp_family, lcpp, dt.date(2025, 12, 19))  # the LCPP leading Mia's case
    assert got.status_code == 400 and got.json()["chair"]
    got = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19), kind="review")
    assert got.status_code == 400 and "not on a child protection plan" in " ".join(got.json()["children"])
    assert not ChildProtectionConference.objects.exists()
    conference = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19)).json()
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    got = _client(chair).post(
        reverse("macpt_api_conference_decide", args=[conference["id"]]),
        {"decisions": [{"person": mia.pk, "plan": True}]},
        format="json",
    )
    assert got.status_code == 400 and "Choose the category of abuse" in got.json()[f"category_{mia.pk}"][0]
    got = _client(chair).post(
        reverse("macpt_api_conference_decide", args=[conference["id"]]),
        {"decisions": [{"person": cp_family["leo"].pk, "plan": False}]},
        format="json",
    )
    assert got.status_code == 400 and got.json()["decisions"]
    assert not ChildProtectionPlan.objects.exists()


def test_conference_writes_are_404_outside_the_childs_record(cp_family, lcpp, chair, clock, vcs_fhlp, sw_fhlp):
    conference = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19)).json()
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    for user in (vcs_fhlp, sw_fhlp):  # not involved with the family; its lead, not an LCPP
        assert _arrange(_client(user), cp_family, chair, dt.date(2025, 12, 22)).status_code == 404
        got = _client(user).post(
            reverse("macpt_api_conference_decide", args=[conference["id"]]),
            {"decisions": [{"person": cp_family["mia"].pk, "plan": True, "category": "PHY"}]},
            format="json",
        )
        assert got.status_code == 404
    assert ChildProtectionConference.objects.count() == 1 and not ChildProtectionPlan.objects.exists()


# --- a plan: core groups, statutory visits, ending without a conference --------------------------------------------


@pytest.fixture
def on_plan(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    clock.move_to(at(dt.date(2026, 1, 6), 15))
    return ChildProtectionPlan.objects.get()


def test_the_lead_records_a_core_group_and_a_visit_on_the_plan(on_plan, cp_family, sw_fhlp):
    from cases.services.plans import action_add

    action = action_add(
        plan=cp_family["plan"],
        actor=sw_fhlp,
        data={"description": "Health check for Mia", "owner": sw_fhlp, "due_on": dt.date(2026, 1, 30)},
    )
    client = _client(sw_fhlp)  # the family's lead practitioner, as on the page
    got = client.post(
        reverse("macpt_api_cp_plan_core_group", args=[on_plan.pk]),
        {"date": "2026-01-06", "attendees": "Sol Social (council), Pat Police", "actions": [action.pk]},
        format="json",
    )
    assert got.status_code == 201, got.json()
    assert got.json()["core_groups"][0]["action_ids"] == [action.pk]
    assert CoreGroup.objects.get().plans.get() == on_plan
    got = client.post(
        reverse("macpt_api_cp_plan_visit", args=[on_plan.pk]),
        {"date": "2026-01-05", "seen": True, "seen_alone": True},
        format="json",
    )
    assert got.status_code == 201, got.json()
    assert got.json()["visits"][0]["seen_alone"] is True and StatutoryVisit.objects.get().by == sw_fhlp


def test_bad_plan_input_is_400_with_the_services_reason(on_plan, cp_family, sw_fhlp, lcpp):
    client = _client(sw_fhlp)
    got = client.post(reverse("macpt_api_cp_plan_core_group", args=[on_plan.pk]), {"date": "2026-01-06"}, format="json")
    assert got.status_code == 400 and "Say who came" in got.json()["attendees"][0]
    got = client.post(
        reverse("macpt_api_cp_plan_core_group", args=[on_plan.pk]),
        {"date": "2026-01-06", "attendees": "Sol", "actions": [999999]},
        format="json",
    )
    assert got.status_code == 400 and got.json()["actions"] == ["Choose actions on this family's plan"]
    got = client.post(
        reverse("macpt_api_cp_plan_visit", args=[on_plan.pk]),
        {"date": "2025-12-18", "seen": False, "seen_alone": True},
        format="json",
    )
    assert got.status_code == 400 and "before the child protection plan started" in got.json()["date"][0]
    assert "not seen cannot have been seen alone" in got.json()["seen_alone"][0]
    got = _client(lcpp).post(
        reverse("macpt_api_cp_plan_end", args=[on_plan.pk]),
        {"end_reason": "no_longer_at_risk", "end_date": "2026-01-06"},
        format="json",
    )
    assert got.status_code == 400 and "review conference's decision" in got.json()["end_reason"][0]
    assert not CoreGroup.objects.exists() and not StatutoryVisit.objects.exists()
    on_plan.refresh_from_db()
    assert on_plan.end_date is None


def test_an_lcpp_ends_a_plan_when_the_child_moves_away(on_plan, lcpp):
    got = _client(lcpp).post(
        reverse("macpt_api_cp_plan_end", args=[on_plan.pk]),
        {"end_reason": "transferred_out", "end_date": "2026-01-06", "details": "Moved to Leeds"},
        format="json",
    )
    assert got.status_code == 200, got.json()
    assert got.json()["end_date"] == "2026-01-06" and got.json()["end_reason"] == "transferred_out"


def test_plan_writes_are_404_outside_the_childs_record(on_plan, vcs_fhlp, sw_fhlp):
    for url, data in (
        (reverse("macpt_api_cp_plan_core_group", args=[on_plan.pk]), {"date": "2026-01-06", "attendees": "x"}),
        (
            reverse("macpt_api_cp_plan_visit", args=[on_plan.pk]),
            {"date": "2026-01-06", "seen": True, "seen_alone": False},
        ),
        (reverse("macpt_api_cp_plan_end", args=[on_plan.pk]), {"end_reason": "adult", "end_date": "2026-01-06"}),
    ):
        assert _client(vcs_fhlp).post(url, data, format="json").status_code == 404, url
    # The family's lead records visits, but only an LCPP ends a plan.
    got = _client(sw_fhlp).post(
        reverse("macpt_api_cp_plan_end", args=[on_plan.pk]),
        {"end_reason": "adult", "end_date": "2026-01-06"},
        format="json",
    )
    assert got.status_code == 404
    assert not CoreGroup.objects.exists() and not StatutoryVisit.objects.exists()
    on_plan.refresh_from_db()
    assert on_plan.end_date is None


# --- pre-proceedings: start, steps, meetings ----------------------------------------------------------------------


def test_an_lcpp_starts_pre_proceedings_records_the_steps_and_meetings(family, lcpp, levels):
    client = _client(lcpp)
    got = client.post(
        reverse("macpt_api_pre_proceedings_start", args=[family["mia"].pk]), {"start_date": "2026-05-11"}, format="json"
    )
    assert got.status_code == 201, got.json()
    pp = PreProceedings.objects.get(pk=got.json()["id"])
    url = reverse("macpt_api_pre_proceedings", args=[pp.pk])
    got = client.patch(url, {"lbp_sent_date": "2026-05-13", "version": pp.version}, format="json")
    assert got.status_code == 200, got.json()
    # The letter's FGDM answer is read from the FGDM strand (no offer in it yet: 0), never written here.
    assert (got.json()["lbp_sent_date"], got.json()["fgdm_offered"]) == ("2026-05-13", False)
    got = client.post(
        reverse("macpt_api_pre_proceedings_meeting_add", args=[pp.pk]),
        {"kind": "initial", "held_on": "2026-05-20"},
        format="json",
    )
    assert got.status_code == 201, got.json()
    assert [m["kind"] for m in got.json()["meetings"]] == ["initial"]
    got = client.patch(url, {"step_decision_date": "2026-07-01", "outcome": "B"}, format="json")
    assert got.status_code == 200, got.json()
    assert got.json()["outcome"] == "B" and got.json()["step_decision_date"] == "2026-07-01"
    assert ChronologyEntry.objects.filter(person=family["mia"], kind__startswith="macpt.pre_proceedings").count() >= 3


def test_bad_pre_proceedings_input_is_400_with_the_services_reason(family, lcpp):
    client = _client(lcpp)
    start = reverse("macpt_api_pre_proceedings_start", args=[family["mia"].pk])
    got = client.post(start, {}, format="json")
    assert got.status_code == 400 and "legal planning meeting" in got.json()["start_date"][0]
    pp = client.post(start, {"start_date": "2026-05-11"}, format="json").json()
    got = client.post(start, {"start_date": "2026-06-01"}, format="json")
    assert got.status_code == 400 and "already open" in got.json()["start_date"][0]
    url = reverse("macpt_api_pre_proceedings", args=[pp["id"]])
    # The FGDM answers are the FGDM strand's: refused here, with the reason.
    got = client.patch(url, {"lbp_sent_date": "2026-05-13", "fgdm_offered": True}, format="json")
    assert got.status_code == 400 and "fgdm_offered" in got.json()
    got = client.patch(url, {"lbp_sent_date": "2026-05-08"}, format="json")  # before the start (9006)
    assert got.status_code == 400 and "on or after the start" in got.json()["lbp_sent_date"][0]
    got = client.patch(url, {"lbp_sent_date": "2026-05-13", "version": 99}, format="json")
    assert got.status_code == 409
    got = client.post(
        reverse("macpt_api_pre_proceedings_meeting_add", args=[pp["id"]]),
        {"kind": "initial", "held_on": "2026-05-20"},
        format="json",
    )
    assert got.status_code == 400 and "letter before proceedings first" in got.json()["held_on"][0]
    assert PreProceedings.objects.get().lbp_sent_date is None and not PreProceedingsMeeting.objects.exists()


def test_pre_proceedings_writes_are_404_outside_the_childs_record(family, lcpp, vcs_fhlp, sw_fhlp):
    pp = (
        _client(lcpp)
        .post(
            reverse("macpt_api_pre_proceedings_start", args=[family["mia"].pk]),
            {"start_date": "2026-05-11"},
            format="json",
        )
        .json()
    )
    for user in (vcs_fhlp, sw_fhlp):  # not involved with Mia; her lead practitioner, who records no pre-proceedings
        client = _client(user)
        got = client.post(
            reverse("macpt_api_pre_proceedings_start", args=[family["leo"].pk]),
            {"start_date": "2026-05-11"},
            format="json",
        )
        assert got.status_code == 404
        got = client.patch(
            reverse("macpt_api_pre_proceedings", args=[pp["id"]]),
            {"lbp_sent_date": "2026-05-13"},
            format="json",
        )
        assert got.status_code == 404
        got = client.post(
            reverse("macpt_api_pre_proceedings_meeting_add", args=[pp["id"]]),
            {"kind": "initial", "held_on": "2026-05-20"},
            format="json",
        )
        assert got.status_code == 404
    assert PreProceedings.objects.count() == 1 and PreProceedings.objects.get().lbp_sent_date is None


# --- a conference's invitees, attendance, reports and minutes ------------------------------------------------------


def test_invitees_attendance_a_police_report_and_the_minutes(cp_family, lcpp, chair, clock, police_officer):
    conference = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19)).json()
    client = _client(lcpp)
    got = client.post(
        reverse("macpt_api_conference_invitee_add", args=[conference["id"]]),
        {"person": cp_family["grace"].pk, "role": "Mother"},
        format="json",
    )
    assert got.status_code == 201, got.json()
    got = client.post(
        reverse("macpt_api_conference_invitee_add", args=[conference["id"]]),
        {"user": police_officer.pk, "role": "Police"},
        format="json",
    )
    assert got.status_code == 201, got.json()
    invitees = {i["name"]: i["id"] for i in got.json()["invitees"]}
    got = client.post(
        reverse("macpt_api_conference_attendance", args=[conference["id"]]),
        {
            "attendance": [
                {"invitee": invitees["Grace Okafor"], "attendance": "attended"},
                {"invitee": invitees["Pat Police"], "attendance": "apologies"},
            ]
        },
        format="json",
    )
    assert got.status_code == 200, got.json()
    assert {i["name"]: i["attendance"] for i in got.json()["invitees"]} == {
        "Grace Okafor": "attended",
        "Pat Police": "apologies",
    }
    got = _client(police_officer).post(
        reverse("macpt_api_conference_report_add", args=[conference["id"]]),
        {"text": "Two call-outs in November"},
        format="json",
    )
    assert got.status_code == 201, got.json()
    assert got.json()["reports"][0]["tags"] == ["police"]
    got = client.post(
        reverse("macpt_api_conference_minutes", args=[conference["id"]]),
        {"family_views": "Grace wants help", "minutes": "Discussed", "minutes_not_for_family": "Police intel"},
        format="json",
    )
    assert got.status_code == 200, got.json()
    assert got.json()["family_views"] == "Grace wants help" and got.json()["minutes_not_for_family"] == "Police intel"


def test_bad_invitee_attendance_and_report_input_is_400_with_the_reason(cp_family, lcpp, chair, clock, police_officer):
    conference = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19)).json()
    client = _client(lcpp)
    url = reverse("macpt_api_conference_invitee_add", args=[conference["id"]])
    got = client.post(url, {"name": "Someone"}, format="json")
    assert got.status_code == 400 and "Choose the invitee's agency" in got.json()["agency"][0]
    got = client.post(url, {"person": cp_family["mia"].pk}, format="json")  # a child of the conference
    assert got.status_code == 400 and got.json()["person"]
    got = client.post(
        reverse("macpt_api_conference_attendance", args=[conference["id"]]),
        {"attendance": [{"invitee": 999999, "attendance": "attended"}]},
        format="json",
    )
    assert got.status_code == 400 and got.json()["attendance_999999"] == ["Not invited to this conference"]
    got = _client(police_officer).post(
        reverse("macpt_api_conference_report_add", args=[conference["id"]]), {"text": "  "}, format="json"
    )
    assert got.status_code == 400 and got.json()["text"] == ["Write the report"]


def test_conference_detail_writes_are_404_outside_the_childs_record(cp_family, lcpp, chair, clock, vcs_fhlp):
    conference = _arrange(_client(lcpp), cp_family, chair, dt.date(2025, 12, 19)).json()
    client = _client(vcs_fhlp)
    for name, data in (
        ("macpt_api_conference_invitee_add", {"name": "X", "agency": None}),
        ("macpt_api_conference_attendance", {"attendance": [{"invitee": 1, "attendance": "attended"}]}),
        ("macpt_api_conference_report_add", {"text": "A report"}),
        ("macpt_api_conference_minutes", {"minutes": "M"}),
    ):
        assert client.post(reverse(name, args=[conference["id"]]), data, format="json").status_code == 404, name
    saved = ChildProtectionConference.objects.get()
    assert saved.minutes == "" and not saved.invitees.exists() and not saved.reports.exists()


def test_a_kinship_assessment_of_someone_in_the_network(family, lcpp):
    client = _client(lcpp)
    pp = client.post(
        reverse("macpt_api_pre_proceedings_start", args=[family["mia"].pk]), {"start_date": "2026-05-11"}, format="json"
    ).json()
    url = reverse("macpt_api_kinship_assessment_add", args=[pp["id"]])
    got = client.post(url, {"kind": "viability", "carer_name": "Aunt Ada", "started_on": "2026-05-12"}, format="json")
    assert got.status_code == 400 and "how they are connected" in got.json()["relationship"][0]
    got = client.post(
        url, {"kind": "viability", "carer": 999999, "relationship": "Aunt", "started_on": "2026-05-12"}, format="json"
    )
    assert got.status_code == 400 and got.json()["carer"] == ["Choose a person from the child's network"]
    got = client.post(
        url,
        {"kind": "viability", "carer_name": "Aunt Ada", "relationship": "Aunt", "started_on": "2026-05-12"},
        format="json",
    )
    assert got.status_code == 201, got.json()
    assert got.json()["kinship_assessments"][0]["carer_name"] == "Aunt Ada"


def test_kinship_assessment_is_404_outside_the_childs_record(family, lcpp, vcs_fhlp):
    pp = (
        _client(lcpp)
        .post(
            reverse("macpt_api_pre_proceedings_start", args=[family["mia"].pk]),
            {"start_date": "2026-05-11"},
            format="json",
        )
        .json()
    )
    got = _client(vcs_fhlp).post(
        reverse("macpt_api_kinship_assessment_add", args=[pp["id"]]),
        {"kind": "viability", "carer_name": "Aunt Ada", "relationship": "Aunt", "started_on": "2026-05-12"},
        format="json",
    )
    assert got.status_code == 404 and not PreProceedings.objects.get().kinship_assessments.exists()
