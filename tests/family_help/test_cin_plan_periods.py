"""Issue 13 item 9: a child-in-need plan period (census CINPlanDates) starts when a child-in-need plan is agreed,
i.e. when the family's plan starts for a child at child-in-need level (the usual route: front door -> allocation
-> assessment -> plan) or when a child moves to child in need under an agreed plan; not by a level change alone.
It ends at step-down, at closure, or when a child protection plan starts, which the child protection strand
records through the shared record's service (cases.services.cin_plan_period_end_for_child)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, CinPlanPeriod, FamilyCaseMember, Strand
from cases.services import episode_open, family_case_create, person_create
from cases.services.plans import plan_start
from family_help.services.continuum import continuum_change_level, continuum_step_up
from tests.family_help.assessment_support import appoint_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def cin_family(triage_officer, levels, fh_manager, sw_fhlp):
    """Ruby, referred through the front door straight to child in need, allocated to Sol Social."""
    ruby = person_create(
        actor=triage_officer,
        data={"first_name": "Ruby", "last_name": "Hale", "date_of_birth": dt.date(2015, 6, 1), "sex": "F"},
    )
    case = family_case_create(actor=triage_officer, name="Hale family", members=[(ruby, FamilyCaseMember.Role.CHILD)])
    episode = episode_open(
        person=ruby, actor=triage_officer, level=levels["child_in_need"], family_case=case, reason="Front door: s17"
    )
    family = {"case": case, "ruby": ruby, "episodes": {"Ruby": episode}}
    appoint_lead(family=family, lead=sw_fhlp, manager=fh_manager)
    return family


def test_the_usual_route_starts_the_cin_plan_period_when_the_plan_is_agreed(cin_family, sw_fhlp):
    episode = cin_family["episodes"]["Ruby"]
    assert not CinPlanPeriod.objects.filter(episode=episode).exists()
    plan = plan_start(family_case=cin_family["case"], actor=sw_fhlp, data={"worries": "Ruby's care at home"})
    period = CinPlanPeriod.objects.get(episode=episode)
    assert period.plan == plan and period.start_date == timezone.localdate() and period.end_date is None


def test_moving_to_child_in_need_starts_no_cin_plan_until_a_plan_is_agreed(allocated, sw_fhlp):
    case, mia = allocated["case"], allocated["mia"]
    episode = allocated["episodes"]["Mia"]
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="child_in_need", reason="s17", referral_source="8"
    )
    assert not CinPlanPeriod.objects.filter(episode=episode).exists()
    plan = plan_start(family_case=case, actor=sw_fhlp, data={"worries": "Attendance"})
    period = CinPlanPeriod.objects.get(episode=episode)
    assert period.plan == plan and period.end_date is None
    # Leo is at targeted early help: no child-in-need plan for him.
    assert not CinPlanPeriod.objects.filter(episode=allocated["episodes"]["Leo"]).exists()


def test_a_step_up_keeps_the_cin_plan_until_the_child_protection_plan_starts_through_the_record(
    allocated, sw_fhlp, lcpp
):
    from cases.services import cin_plan_period_end_for_child

    case, mia = allocated["case"], allocated["mia"]
    plan_start(family_case=case, actor=sw_fhlp, data={"worries": "Attendance"})
    continuum_change_level(
        family_case=case, actor=sw_fhlp, children=[mia], to="child_in_need", reason="s17", referral_source="8"
    )
    continuum_step_up(
        family_case=case, actor=sw_fhlp, children=[mia], worry="Bruise", reason="Harm", referral_source="8"
    )
    period = CinPlanPeriod.objects.get(episode=allocated["episodes"]["Mia"])
    assert period.end_date is None  # a strategy discussion is not a child protection plan
    today = timezone.localdate()
    ended = cin_plan_period_end_for_child(
        person=mia, on=today, actor=lcpp, reason="Initial child protection conference"
    )
    assert ended == period
    period.refresh_from_db()
    assert period.end_date == today
    event = AuditEvent.objects.get(verb="cin_plan_period.ended")
    assert event.actor_id == lcpp.pk and event.child_ids == [mia.pk]
    entry = ChronologyEntry.objects.get(person=mia, kind="cin_plan_ended")
    assert "Initial child protection conference" in entry.summary and entry.strand == Strand.RECORD
    # Nothing open: nothing to end, nothing audited.
    assert cin_plan_period_end_for_child(person=mia, on=today, actor=lcpp, reason="again") is None
    assert AuditEvent.objects.filter(verb="cin_plan_period.ended").count() == 1
