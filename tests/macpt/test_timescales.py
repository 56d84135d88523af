"""Issue 14 item 5's timescales on the shared working-day clock, across Christmas, Easter and the clock changes:
the first core group within 10 working days of the ICPC (the ICPC's day is day 0), the first review conference
within 3 months of the ICPC and then at most every 6 months (the working day before when the limit is not a
working day), statutory visits every 10 working days by default. The Deadline rows the plan's services create
are due at 17:00 London time whatever the clocks did."""

import datetime as dt

import pytest

from cases.models import Deadline
from cases.workdays import LONDON, Calendar
from macpt import timescales
from macpt.models import ChildProtectionPlan
from macpt.services.conference import conference_arrange, conference_decide
from macpt.services.cp_plans import visit_record
from tests.macpt.support import at, hold_icpc

CAL = Calendar()


@pytest.mark.parametrize(
    ("icpc", "due", "across"),
    [
        (dt.date(2025, 12, 19), dt.date(2026, 1, 7), "Christmas, Boxing Day and New Year's Day"),
        (dt.date(2026, 3, 27), dt.date(2026, 4, 14), "Good Friday, Easter Monday and the spring clock change"),
        (dt.date(2026, 10, 20), dt.date(2026, 11, 3), "the autumn clock change"),
        (dt.date(2026, 12, 18), dt.date(2027, 1, 6), "Christmas 2026 (Boxing Day's substitute on Monday 28th)"),
    ],
)
def test_the_first_core_group_is_due_10_working_days_after_the_icpc(icpc, due, across):
    assert timescales.first_core_group_due(CAL, icpc) == due, across


@pytest.mark.parametrize(
    ("since", "first", "due"),
    [
        (dt.date(2026, 9, 25), True, dt.date(2026, 12, 24)),  # limit Christmas Day: the working day before
        (dt.date(2026, 1, 6), True, dt.date(2026, 4, 2)),  # limit Easter Monday: back past Good Friday
        (dt.date(2025, 10, 3), False, dt.date(2026, 4, 2)),  # 6 months to Good Friday 2026
        (dt.date(2026, 11, 30), True, dt.date(2027, 2, 26)),  # 28 February 2027 is a Sunday
        (dt.date(2025, 12, 29), True, dt.date(2026, 3, 27)),  # 29 March 2026: a Sunday, the clocks go forward
        (dt.date(2026, 4, 25), False, dt.date(2026, 10, 23)),  # 25 October 2026: a Sunday, the clocks go back
        (dt.date(2026, 1, 14), True, dt.date(2026, 4, 14)),  # a working day: the limit itself
    ],
)
def test_review_conferences_are_due_by_3_then_6_months_or_the_working_day_before(since, first, due):
    assert timescales.review_due(CAL, since, first=first) == due


def test_visits_are_due_every_10_working_days_by_default():
    assert timescales.next_visit_due(CAL, dt.date(2025, 12, 19)) == dt.date(2026, 1, 7)
    assert timescales.next_visit_due(CAL, dt.date(2026, 3, 27), 5) == dt.date(2026, 4, 7)  # over Easter


@pytest.mark.django_db
def test_an_icpc_before_christmas_sets_the_plans_clocks_as_deadline_rows(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    plan = ChildProtectionPlan.objects.get()
    rows = {d.kind: d for d in Deadline.objects.filter(target_type="macpt.childprotectionplan")}
    assert rows["macpt.core_group"].due_at == dt.datetime(2026, 1, 7, 17, 0, tzinfo=LONDON)
    assert rows["macpt.visit"].due_at == dt.datetime(2026, 1, 7, 17, 0, tzinfo=LONDON)
    # 19 March 2026 is a Thursday: the limit itself.
    assert rows["macpt.review_conference"].due_at == dt.datetime(2026, 3, 19, 17, 0, tzinfo=LONDON)
    for row in rows.values():
        assert row.person_ids == [cp_family["mia"].pk] and row.link == f"/child-protection/plans/{plan.pk}/"
        assert row.target_id == str(plan.pk) and row.assignee == lcpp and row.state == Deadline.State.OPEN
    # The reminder comes at 09:00 the working day before (macpt.services.deadlines: the strand's one way).
    assert rows["macpt.core_group"].warn_at == dt.datetime(2026, 1, 6, 9, 0, tzinfo=LONDON)


@pytest.mark.django_db
def test_deadlines_due_after_the_spring_clock_change_keep_17_00_london(cp_family, lcpp, chair, clock):
    clock.move_to(at(dt.date(2026, 3, 2), 9))
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2026, 3, 27))
    core = Deadline.objects.get(kind="macpt.core_group")
    assert core.due_at == dt.datetime(2026, 4, 14, 16, 0, tzinfo=dt.UTC)  # 17:00 BST


@pytest.mark.django_db
def test_a_visit_moves_the_visit_clock_and_a_review_sets_the_next_at_6_months(cp_family, lcpp, chair, clock):
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    plan = ChildProtectionPlan.objects.get()
    clock.move_to(at(dt.date(2026, 1, 6), 16))
    visit_record(plan=plan, actor=lcpp, date=dt.date(2026, 1, 6), seen=True, seen_alone=True)
    visits = Deadline.objects.filter(kind="macpt.visit").order_by("pk")
    assert [v.state for v in visits] == [Deadline.State.MET, Deadline.State.OPEN]
    assert visits[1].due_at == dt.datetime(2026, 1, 20, 17, 0, tzinfo=LONDON)
    review = conference_arrange(
        actor=lcpp,
        family_case=cp_family["case"],
        kind="review",
        date=dt.date(2026, 3, 19),
        children=[cp_family["mia"]],
        chair=chair,
    )
    clock.move_to(at(dt.date(2026, 3, 19), 15))
    conference_decide(
        conference=review, actor=chair, decisions={cp_family["mia"].pk: {"plan": True, "category": "NEG"}}
    )
    reviews = Deadline.objects.filter(kind="macpt.review_conference").order_by("pk")
    assert [r.state for r in reviews] == [Deadline.State.MET, Deadline.State.OPEN]
    assert reviews[1].due_at == dt.datetime(2026, 9, 18, 17, 0, tzinfo=LONDON)  # 19 September 2026 is a Saturday
    plan.refresh_from_db()
    assert (plan.initial_category, plan.latest_category) == ("PHY", "NEG")
