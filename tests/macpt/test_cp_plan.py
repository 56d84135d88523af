"""Issue 14 item 5: the child protection plan is the statutory wrapper around the family's ONE plan: it starts on
the ICPC's date (census 2885), ends the child's CIN plan period that day (4001, 4014), moves the episode to child
protection, never opens twice for a child (8935) nor overlaps an earlier plan (8940), and a review conference is
after the plan started (8841). Core groups with attendance and actions on the family's plan; statutory visits with
seen / seen alone; NumberOfPreviousCPP computed."""

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cases.models import Action, CinPlanPeriod, Deadline, EpisodeLevel, Notification, Plan
from macpt.models import ChildProtectionPlan, CoreGroup
from macpt.selectors.conference import number_of_previous_plans
from macpt.services.conference import conference_arrange, conference_decide
from macpt.services.cp_plans import core_group_record, cp_plan_start, visit_record
from tests.macpt.support import arrange, at, hold_icpc

pytestmark = pytest.mark.django_db


def test_the_plan_starts_on_the_icpc_date_on_the_familys_one_plan(cp_family, lcpp, chair, clock):
    conference = hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    plan = ChildProtectionPlan.objects.get(person=cp_family["mia"])
    assert plan.start_date == conference.date == dt.date(2025, 12, 19)
    assert plan.family_plan == cp_family["plan"] and Plan.objects.count() == 1  # the wrapper, never a second plan
    assert (plan.initial_category, plan.latest_category, plan.conference) == ("PHY", "PHY", conference)
    assert conference.children.get().plan == plan


def test_the_childs_leads_are_told_the_plan_started_without_the_child_named(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    plan = ChildProtectionPlan.objects.get(person=cp_family["mia"])
    told = Notification.objects.filter(kind="macpt.cp_plan_started")
    assert set(told.values_list("user", flat=True)) == {cp_family["lead"].pk, lcpp.pk}
    assert all(f"CPP-{plan.pk:06d}" in n.title and "Mia" not in n.title for n in told)


def test_the_childs_cin_plan_period_ends_on_the_icpc_date_and_a_siblings_does_not(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    mia = CinPlanPeriod.objects.get(episode__person=cp_family["mia"])
    leo = CinPlanPeriod.objects.get(episode__person=cp_family["leo"])
    assert mia.end_date == dt.date(2025, 12, 19) and leo.end_date is None


def test_the_episode_moves_to_child_protection_if_not_there_already(cp_family, lcpp, chair, clock):
    leo = cp_family["leo"]
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), children=[leo])
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    conference_decide(conference=conference, actor=chair, decisions={leo.pk: {"plan": True, "category": "NEG"}})
    level = EpisodeLevel.objects.get(episode__person=leo, ended_at__isnull=True).level
    assert level.census_meaning == "child_protection"


def test_a_plan_starting_on_another_day_than_its_icpc_is_refused(cp_family, lcpp, chair, clock):
    conference = arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19))
    clock.move_to(at(dt.date(2025, 12, 22), 15))
    with pytest.raises(ValidationError) as info:
        cp_plan_start(
            conference=conference,
            person=cp_family["mia"],
            category="PHY",
            actor=chair,
            start_date=dt.date(2025, 12, 22),
        )
    assert "day of its initial conference" in " ".join(info.value.message_dict["start_date"])
    assert not ChildProtectionPlan.objects.exists()


def test_two_open_plans_for_one_child_are_refused(cp_family, lcpp, chair, clock):
    first = hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, dt.date(2025, 12, 22))
    assert "already on a child protection plan" in " ".join(info.value.message_dict["children"])
    with pytest.raises(ValidationError) as info:
        cp_plan_start(conference=first, person=cp_family["mia"], category="PHY", actor=chair)
    assert "8935" in str(info.value)
    # And the database says so too, whatever code writes.
    plan = ChildProtectionPlan.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildProtectionPlan.objects.create(
            person=plan.person,
            family_plan=plan.family_plan,
            conference=first,
            start_date=plan.start_date,
            initial_category="NEG",
            latest_category="NEG",
        )


def test_a_review_conference_before_or_on_the_plans_start_is_refused(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    for day in (dt.date(2025, 12, 18), dt.date(2025, 12, 19)):
        with pytest.raises(ValidationError) as info:
            arrange(cp_family, lcpp, chair, day, kind="review")
        assert "after the plan started" in " ".join(info.value.message_dict["date"])


def test_a_review_for_a_child_with_no_plan_is_refused(cp_family, lcpp, chair):
    with pytest.raises(ValidationError) as info:
        arrange(cp_family, lcpp, chair, dt.date(2025, 12, 19), kind="review")
    assert "not on a child protection plan" in " ".join(info.value.message_dict["children"])


def test_a_family_with_no_plan_has_its_one_plan_started_by_the_conference(cp_family, lcpp, chair, clock):
    """A child straight from the front door to an s47 has no Family Help plan nor lead: the conference's decision
    is not blocked; it starts the family's one plan, led by child protection, and the CP plan wraps it."""
    from cases.models import AuditEvent, FamilyCase, FamilyCaseMember, Strand

    other = FamilyCase.objects.create(name="Hartley family")
    FamilyCaseMember.objects.create(family_case=other, person=cp_family["leo"], role="child")
    conference = conference_arrange(
        actor=lcpp,
        family_case=other,
        kind="initial",
        date=dt.date(2025, 12, 19),
        children=[cp_family["leo"]],
        chair=chair,
    )
    clock.move_to(at(dt.date(2025, 12, 19), 15))
    conference_decide(
        conference=conference, actor=chair, decisions={cp_family["leo"].pk: {"plan": True, "category": "NEG"}}
    )
    family_plan = Plan.objects.get(family_case=other)
    assert family_plan.led_by_strand == Strand.MACPT and family_plan.created_by == chair
    cp_plan = ChildProtectionPlan.objects.get(person=cp_family["leo"])
    assert cp_plan.family_plan == family_plan and cp_plan.start_date == dt.date(2025, 12, 19)
    assert AuditEvent.objects.filter(verb="family_help.plan_started", actor_id=chair.pk).exists()


def test_only_the_lcpp_may_start_a_familys_plan_through_the_policy(cp_family, sw_fhlp, police_officer, lcpp):
    """The right to start a family's plan at a conference is the policy table's (LCPP), never a bypass: a partner
    agency's practitioner is still refused, and the LCPP may start it only as child protection."""
    from django.core.exceptions import PermissionDenied as Denied

    from cases import policy
    from cases.models import FamilyCase, FamilyCaseMember, Role, Strand
    from cases.services import plan_start

    assert policy.role_actions()[policy.START_PLAN_AT_CONFERENCE] == frozenset({Role.LCPP})
    other = FamilyCase.objects.create(name="Hartley family")
    FamilyCaseMember.objects.create(family_case=other, person=cp_family["leo"], role="child")
    with pytest.raises(Denied):
        plan_start(family_case=other, actor=police_officer, data={}, led_by_strand=Strand.MACPT)
    with pytest.raises(Denied):
        plan_start(family_case=other, actor=lcpp, data={}, led_by_strand=Strand.FAMILY_HELP)
    assert not Plan.objects.filter(family_case=other).exists()


@pytest.mark.parametrize("role", sorted(__import__("cases.models", fromlist=["Role"]).Role.values))
def test_a_role_may_start_a_familys_plan_as_child_protection_exactly_when_the_table_says(role, cp_family, council):
    """The policy table's cases.start_plan_at_conference row, probed by a user of each role in the child's MACPT (so
    they see Leo whole): the table's roles start the family's plan as child protection; any other role not allowed to
    edit any plan (a manager is, by cases.edit_any_plan) is refused."""
    from django.core.exceptions import PermissionDenied as Denied

    from cases import policy
    from cases.models import FamilyCase, FamilyCaseMember, InvolvementRole, Strand
    from cases.services import involvement_add, plan_start
    from tests.factories import UserFactory

    other = FamilyCase.objects.create(name="Hartley family")
    FamilyCaseMember.objects.create(family_case=other, person=cp_family["leo"], role="child")
    user = UserFactory(agency=council, roles=[role])
    # A role that is never involved with a child (an administrator) is refused below all the same.
    with contextlib.suppress(ValidationError):
        involvement_add(person=cp_family["leo"], actor=None, role=InvolvementRole.MACPT_MEMBER, user=user)
    table = policy.role_actions()
    if role in table[policy.START_PLAN_AT_CONFERENCE]:
        plan_start(family_case=other, actor=user, data={}, led_by_strand=Strand.MACPT)
        assert Plan.objects.filter(family_case=other, led_by_strand=Strand.MACPT).exists()
    elif role not in table[policy.EDIT_ANY_PLAN]:
        with pytest.raises(Denied):
            plan_start(family_case=other, actor=user, data={}, led_by_strand=Strand.MACPT)


def test_a_core_group_records_attendance_and_actions_on_the_familys_plan_and_meets_its_clock(
    cp_family, lcpp, chair, clock, sw_fhlp
):
    from cases.services.plans import action_add

    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    plan = ChildProtectionPlan.objects.get()
    existing = action_add(
        plan=cp_family["plan"],
        actor=sw_fhlp,
        data={"description": "Health check for Mia", "owner": sw_fhlp, "due_on": dt.date(2026, 1, 30)},
    )
    clock.move_to(at(dt.date(2026, 1, 6), 15))
    with pytest.raises(ValidationError) as info:
        core_group_record(plans=[plan], actor=sw_fhlp, date=dt.date(2026, 1, 6), attendees="")
    assert "who came" in " ".join(info.value.message_dict["attendees"])
    group = core_group_record(
        plans=[plan],
        actor=sw_fhlp,
        date=dt.date(2026, 1, 6),
        attendees="Sol Social (council), Pat Police",
        actions=[existing],
        new_actions=[
            {"description": "Grace to attend parenting course", "owner": sw_fhlp, "due_on": dt.date(2026, 2, 27)}
        ],
    )
    assert set(group.actions.values_list("description", flat=True)) == {
        "Health check for Mia",
        "Grace to attend parenting course",
    }
    assert Action.objects.filter(plan=cp_family["plan"]).count() == 2  # on the family's plan, nowhere else
    assert Deadline.objects.get(kind="macpt.core_group").state == Deadline.State.MET
    assert CoreGroup.objects.get().plans.get() == plan


def test_someone_outside_the_childs_work_cannot_record_a_core_group(cp_family, lcpp, chair, clock, vcs_fhlp):
    hold_icpc(cp_family, lcpp, chair, clock)
    with pytest.raises(PermissionDenied):
        core_group_record(
            plans=[ChildProtectionPlan.objects.get()], actor=vcs_fhlp, date=dt.date(2025, 12, 19), attendees="x"
        )


def test_a_visit_records_seen_and_seen_alone(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock)
    plan = ChildProtectionPlan.objects.get()
    with pytest.raises(ValidationError) as info:
        visit_record(plan=plan, actor=lcpp, date=dt.date(2025, 12, 19), seen=False, seen_alone=True)
    assert "not seen" in " ".join(info.value.message_dict["seen_alone"])
    with pytest.raises(ValidationError) as info:
        visit_record(plan=plan, actor=lcpp, date=dt.date(2025, 12, 18), seen=True, seen_alone=False)
    assert "before the child protection plan" in " ".join(info.value.message_dict["date"])
    visit = visit_record(plan=plan, actor=lcpp, date=dt.date(2025, 12, 19), seen=True, seen_alone=True)
    assert (visit.seen, visit.seen_alone, visit.by) == (True, True, lcpp)


def test_number_of_previous_plans_counts_earlier_plans_here_and_elsewhere(cp_family, lcpp, chair, clock):
    from macpt.services.cp_plans import cp_plan_end_by_conference

    first = hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    plan = ChildProtectionPlan.objects.get()
    assert number_of_previous_plans(plan) == 0
    review = arrange(cp_family, lcpp, chair, dt.date(2026, 1, 9), kind="review")
    clock.move_to(at(dt.date(2026, 1, 9), 15))
    cp_plan_end_by_conference(
        plan=plan,
        conference=review,
        actor=chair,
        end_reason="no_longer_at_risk",
        reason="",
        step_down_to="child_in_need",
    )
    again = hold_icpc(
        cp_family,
        lcpp,
        chair,
        clock,
        date=dt.date(2026, 1, 16),
        kind="transfer_in",
        transferring_council="Other Borough",
        previous_plans_elsewhere=1,
    )
    second = ChildProtectionPlan.objects.get(end_date__isnull=True)
    assert second.conference == again and number_of_previous_plans(second) == 2
    assert first.pk != again.pk
