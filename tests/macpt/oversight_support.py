"""Children in child protection for the oversight tests: an s47 enquiry started at a strategy discussion, its ICPC
clock set as the strand sets it (macpt.services.deadlines). Rows are written directly until each area's services
land; the clocks go through the strand's one way of setting them."""

import datetime as dt

from django.utils import timezone

from cases.models import Person, Team, User
from macpt.models import S47Enquiry, StrategyDiscussion
from macpt.services.deadlines import ICPC, STRATEGY_RECORD, timescale_set


def discussion(*, team: Team, chair: User, held_at: dt.datetime | None = None) -> StrategyDiscussion:
    return StrategyDiscussion.objects.create(
        team=team, held_at=held_at or timezone.now(), chair=chair, created_by=chair
    )


def s47(
    *,
    person: Person,
    team: Team,
    lead: User,
    start: dt.date | None = None,
    icpc_on: dt.date | None = None,
    ended: bool = False,
) -> S47Enquiry:
    """An s47 enquiry for the child with its ICPC clock (open unless `ended`)."""
    start = start or timezone.localdate()
    icpc_on = icpc_on or start + dt.timedelta(days=21)
    enquiry = S47Enquiry.objects.create(
        person=person,
        team=team,
        started_at_discussion=discussion(team=team, chair=lead),
        start_date=start,
        lead=lead,
        icpc_target=icpc_on,
        created_by=lead,
        outcome="not_substantiated" if ended else "",
        outcome_date=start if ended else None,
        ended_on=start if ended else None,
    )
    if not ended:
        timescale_set(
            kind=ICPC,
            target=enquiry,
            due_on=icpc_on,
            person_ids=[person.pk],
            assignee=lead,
            label=f"Initial child protection conference for {person.display_name}",
            link=f"/child-protection/enquiries/{enquiry.pk}/",
        )
    return enquiry


def strategy_record(*, enquiry: S47Enquiry, due_on: dt.date) -> None:
    """The strategy discussion's record still to share, due on `due_on`."""
    timescale_set(
        kind=STRATEGY_RECORD,
        target=enquiry.started_at_discussion,
        due_on=due_on,
        person_ids=[enquiry.person_id],
        assignee=enquiry.lead,
        label="Share the strategy discussion's record",
        link=f"/child-protection/strategy/{enquiry.started_at_discussion_id}/",
    )


def on_plan(
    *,
    person: Person,
    family_case,
    team: Team,
    chair: User,
    start: dt.date | None = None,
    category: str = "NEG",
    ended: bool = False,
):
    """A child protection plan for the child from an initial conference on `start`, on the family's one plan, with
    its first core group, visit and review clocks (open unless `ended`)."""
    from cases.models import Plan
    from macpt.models import ChildProtectionConference, ChildProtectionPlan
    from macpt.services.deadlines import CORE_GROUP, REVIEW_CONFERENCE, VISIT

    start = start or timezone.localdate()
    family_plan = Plan.objects.filter(family_case=family_case).first() or Plan.objects.create(
        family_case=family_case, created_by=chair
    )
    conference = ChildProtectionConference.objects.create(
        kind="initial", status="decided", family_case=family_case, date=start, chair=chair, team=team, created_by=chair
    )
    plan = ChildProtectionPlan.objects.create(
        person=person,
        family_plan=family_plan,
        conference=conference,
        start_date=start,
        initial_category=category,
        latest_category=category,
        end_date=start if ended else None,
        end_reason="no_longer_at_risk" if ended else "",
    )
    if not ended:
        for kind, days in ((CORE_GROUP, 14), (VISIT, 14), (REVIEW_CONFERENCE, 90)):
            timescale_set(
                kind=kind,
                target=plan,
                due_on=start + dt.timedelta(days=days),
                person_ids=[person.pk],
                assignee=chair,
                label=f"{kind} for {person.display_name}",
                link=f"/child-protection/plans/{plan.pk}/",
            )
    return plan
