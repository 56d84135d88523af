"""Every child protection timescale as a shared deadline (cases.Deadline), swept by the shared record's one sweeper
(cases.services.deadline_sweep, every minute by beat): a reminder before and a breach at the limit, each exactly
once, with the breach in the child's chronology under child protection (issue 14 item 10).

Each area's service sets its clock here with `timescale_set` (and meets or cancels it with cases.services
deadline_met / deadline_cancel), so every kind reminds as well as breaches: a row without a reminder time would go
straight from silence to overdue. The oversight dashboard reads the open rows of these kinds as each child's next
item due (macpt.selectors.oversight)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from cases.models import Deadline, Role, User
from cases.services import deadline_set
from cases.workdays import LONDON, Calendar

PREFIX = "macpt."
STRATEGY_RECORD = "macpt.strategy_record"  # the strategy discussion's record shared with the attendees
ICPC = "macpt.icpc"  # the initial child protection conference, 15 working days after the discussion
CORE_GROUP = "macpt.core_group"  # the first core group, 10 working days after the ICPC
VISIT = "macpt.visit"  # the next statutory visit to a child on a plan
REVIEW_CONFERENCE = "macpt.review_conference"  # 3 months after the ICPC, then at most 6 months apart
PP_STEP = "macpt.pp_step"  # the next pre-proceedings step with a timescale


@dataclass(frozen=True)
class Timescale:
    """One kind of child protection clock: what the dashboard calls the item due, and the record it is about."""

    kind: str
    name: str  # the item due, as the oversight dashboard names it
    target: str  # the record its deadlines point at ("app_label.modelname", per the contract)


TIMESCALES: dict[str, Timescale] = {
    t.kind: t
    for t in (
        Timescale(STRATEGY_RECORD, "Strategy discussion record to share", "macpt.strategydiscussion"),
        Timescale(ICPC, "Initial child protection conference", "macpt.s47enquiry"),
        Timescale(CORE_GROUP, "Core group", "macpt.childprotectionplan"),
        Timescale(VISIT, "Statutory visit", "macpt.childprotectionplan"),
        Timescale(REVIEW_CONFERENCE, "Review child protection conference", "macpt.childprotectionplan"),
        Timescale(PP_STEP, "Pre-proceedings step", "macpt.preproceedings"),
    )
}

# A day-counted limit is met any time on its day: the breach falls at the end of it (midnight, London time). The
# reminder goes at the start of the working day before, or that morning when the clock is shorter than that.
WARN_TIME = dt.time(9, 0)
# Who hears of a breach besides the assignee: the council's managers (as for Family Help's assessments).
ESCALATE_ROLE = Role.MANAGER


def timescale_due_at(due_on: dt.date) -> dt.datetime:
    """The moment a limit falling on `due_on` is missed: the end of that day in London."""
    return dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LONDON)


def timescale_warn_at(due_on: dt.date, *, calendar: Calendar, today: dt.date | None = None) -> dt.datetime:
    """The reminder: 09:00 on the working day before the limit, or on the limit's own day when that is already past
    (a one-working-day clock set today)."""
    today = today or timezone.localdate()
    warn_on = due_on - dt.timedelta(days=1)
    while not calendar.is_working_day(warn_on):
        warn_on -= dt.timedelta(days=1)
    if warn_on <= today:
        warn_on = due_on
    return dt.datetime.combine(warn_on, WARN_TIME, tzinfo=LONDON)


def timescale_set(
    *,
    kind: str,
    target: models.Model,
    due_on: dt.date,
    person_ids: Iterable[int],
    assignee: User | None,
    label: str,
    link: str,
    calendar: Calendar | None = None,
) -> Deadline:
    """Set (or move) the open deadline of one child protection timescale for this record: due at the end of
    `due_on`, a reminder the working day before, the assignee told at both and the managers at a breach."""
    timescale = TIMESCALES.get(kind)
    if timescale is None:
        raise ValueError(f"{kind!r} is not a child protection timescale")
    if target._meta.app_label != "macpt":
        # The sweeper files a breach in the chronology under the target's strand: child protection's own records.
        raise ValueError(f"{kind} deadlines are about a child protection record, not a {target._meta.label_lower}")
    ids = sorted(set(person_ids))
    if not ids:
        raise ValueError("A child protection timescale is about at least one child")
    calendar = calendar or Calendar.from_database()
    return deadline_set(
        kind=kind,
        label=label,
        target=target,
        due_at=timescale_due_at(due_on),
        warn_at=timescale_warn_at(due_on, calendar=calendar),
        person_ids=ids,
        assignee=assignee,
        escalate_role=ESCALATE_ROLE,
        link=link,
    )
