"""The strand's deadline kinds: every child protection timescale is a shared deadline (cases.Deadline) of one of these
kinds, swept by the shared record's one sweeper (cases.services.deadline_sweep, every minute by beat), which sends a
reminder before and a breach at the limit, each exactly once, and files the breach in the child's chronology under
child protection (issue 14 item 10). There is no sweeper of the strand's own.

`timescale_set` sets one clock the way the strand's clocks are set (due 17:00 London time on the limit's day, a
reminder at 09:00 the working day before, the assignee told at both and the LCPPs at a breach); services meet or
cancel it with cases.services deadline_met / deadline_cancel. The oversight dashboard reads the open rows of these
kinds as each child's next item due, by the names below (macpt.selectors.oversight)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

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
EMERGENCY_LAPSE = "macpt.emergency_lapse"  # police protection (72 hours) or an EPO (8 days, 15 extended) lapses


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
        Timescale(EMERGENCY_LAPSE, "Emergency action lapses", "macpt.emergencyaction"),
    )
}

# A day-counted limit falls due at the end of its working day (as the conference's clocks, macpt.timescales); the
# reminder at the start of the working day before.
DUE_TIME = dt.time(17, 0)
WARN_TIME = dt.time(9, 0)
# Who hears of a breach besides the assignee: the LCPPs, who oversee every child in child protection.
ESCALATE_ROLE = Role.LCPP


def timescale_due_at(due_on: dt.date) -> dt.datetime:
    """The moment a limit falling on `due_on` is missed: the end of that working day in London."""
    return dt.datetime.combine(due_on, DUE_TIME, tzinfo=LONDON)


def timescale_warn_at(due_on: dt.date, *, calendar: Calendar) -> dt.datetime:
    """The reminder: 09:00 on the working day before the limit (already past for a one-working-day clock set late in
    the day: the next sweep sends it)."""
    warn_on = due_on - dt.timedelta(days=1)
    while not calendar.is_working_day(warn_on):
        warn_on -= dt.timedelta(days=1)
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
    """Set (or move) the open deadline of one child protection timescale for this record: due at the end of the
    working day `due_on`, a reminder the working day before, the assignee told at both and the LCPPs at a breach."""
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


def emergency_lapse_set(*, action, assignee: User | None, label: str, link: str) -> Deadline:
    """The moment police protection or an Emergency Protection Order lapses in law is a clock of its own, to the
    minute (not the end of a working day: the law counts hours, weekends included). The reminder comes a quarter of
    the limit before (18 hours for police protection, 2 days for an EPO), so there is time to apply for an order or
    plan the child's return; the assignee is told at both and the LCPPs at a lapse."""
    return deadline_set(
        kind=EMERGENCY_LAPSE,
        label=label,
        target=action,
        due_at=action.lapses_at,
        warn_at=action.lapses_at - action.limit / 4,
        person_ids=[action.person_id],
        assignee=assignee,
        escalate_role=ESCALATE_ROLE,
        link=link,
    )
