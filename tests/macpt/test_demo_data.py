"""The demo council's child protection (issue 14 item 12): families at each stage, made through the strand's services
by the demo users (so the audit trail, chronology and deadlines are the real thing), once."""

import pytest
from django.test import Client

from cases.models import AuditEvent, ChronologyEntry, Deadline, Involvement, User
from macpt.demo_data import seed_macpt_demo
from macpt.models import S47Enquiry, StrategyDiscussion, StrategyInformation

pytestmark = pytest.mark.django_db


def test_a_family_is_in_an_s47_enquiry_with_the_police_and_health_information(seeded_demo):
    lcpp = User.objects.get(email="lcpp@demo.test")
    open_enquiries = S47Enquiry.objects.filter(ended_on__isnull=True, lead=lcpp)
    assert open_enquiries.exists()
    discussion = open_enquiries.first().started_at_discussion
    assert discussion.record_shared_at is not None and discussion.chair == lcpp
    tags = {tuple(t) for t in StrategyInformation.objects.filter(discussion=discussion).values_list("tags", flat=True)}
    assert {("police",), ("health",)} <= tags
    # Written by the services: audited, in the chronology, and the MACPT works with the children.
    assert AuditEvent.objects.filter(verb="strategy_discussion.started", actor_id=lcpp.pk).exists()
    assert ChronologyEntry.objects.filter(person=open_enquiries.first().person, strand="macpt").exists()
    assert Involvement.objects.active().filter(person=open_enquiries.first().person, role="macpt_member").exists()


def test_a_family_is_awaiting_its_icpc_with_the_deadline_open(seeded_demo):
    awaiting = S47Enquiry.objects.filter(outcome="conference_needed", conferences__isnull=True)
    assert awaiting.exists()
    for enquiry in awaiting:
        assert Deadline.objects.filter(kind="macpt.icpc", target_id=str(enquiry.pk), state="open").exists()


def test_a_family_is_on_a_plan_with_a_core_group_and_a_visit(seeded_demo):
    from macpt.models import ChildProtectionPlan

    plans = ChildProtectionPlan.objects.filter(end_date__isnull=True).select_related("conference", "family_plan")
    assert plans.exists()
    for plan in plans:
        assert plan.start_date == plan.conference.date and plan.conference.independent_chair_name
        assert plan.family_plan.family_case_id == plan.conference.family_case_id
        assert plan.core_groups.exists() and plan.visits.filter(seen=True).exists()
        for kind in ("macpt.visit", "macpt.review_conference"):
            assert Deadline.objects.filter(kind=kind, target_id=str(plan.pk), state="open").exists(), kind


def test_a_family_is_in_pre_proceedings_with_the_letter_and_the_fgdm_answer(seeded_demo):
    from macpt.models import PreProceedings
    from macpt.selectors.pre_proceedings import fgdm_measure

    open_pp = PreProceedings.objects.filter(step_decision_date__isnull=True)
    assert open_pp.exists()
    for pp in open_pp:
        # The FGDM answer is the FGDM strand's (its demo makes the offer in the letter): answered, never "not recorded".
        assert pp.lbp_sent_date >= pp.start_date and fgdm_measure(pp).offered is not None
        assert pp.meetings.filter(kind="initial").exists() and pp.kinship_assessments.exists()
        assert Deadline.objects.filter(kind="macpt.pp_step", target_id=str(pp.pk), state="open").exists()


def test_the_lcpp_sees_the_demo_children_on_the_oversight_dashboard(seeded_demo):
    client = Client()
    client.force_login(User.objects.get(email="lcpp@demo.test"))
    response = client.get("/child-protection/oversight/")
    assert response.status_code == 200
    for enquiry in S47Enquiry.objects.filter(ended_on__isnull=True).select_related("person"):
        assert enquiry.person.first_name in response.content.decode()


def test_a_second_run_writes_nothing(seeded_demo):
    counts = (StrategyDiscussion.objects.count(), S47Enquiry.objects.count())
    assert seed_macpt_demo() == {
        "strategy discussions": 0,
        "s47 enquiries": 0,
        "child protection plans": 0,
        "in pre-proceedings": 0,
    }
    assert (StrategyDiscussion.objects.count(), S47Enquiry.objects.count()) == counts
