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
