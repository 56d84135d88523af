"""The child protection plan's timescales on the shared working-day clock (cases.workdays), in one place so the
services, the pages and the tests agree (Working Together 2023; issue 14 item 5):

- the first core group: within 10 working days of the ICPC (the ICPC's day is day 0: the 10th working day after);
- statutory visits: every N working days (the plan's `visit_every_working_days`, taken from the admin-editable
  MacptSettings when the plan starts, default 10) from the plan's start or the last visit;
- the first review conference within 3 months of the ICPC, then at most every 6 months after the last review:
  the limit is the same day of the month 3 (6) months on (the last day of a shorter month), and when that falls on
  a non-working day the due date is the working day BEFORE it (a conference is never on a weekend or bank
  holiday, and moving forwards would pass the limit).
The Deadline rows are set through macpt.services.deadlines.timescale_set (17:00 London time on the due day, a
reminder at 09:00 the working day before): the clock changes never move them (every due time is a wall-clock time
on a working day)."""

import datetime as dt

from dateutil.relativedelta import relativedelta

from cases.workdays import Calendar

CORE_GROUP_WORKING_DAYS = 10
DEFAULT_VISIT_WORKING_DAYS = 10
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


def previous_working_day_or_same(calendar: Calendar, day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def first_core_group_due(calendar: Calendar, icpc_date: dt.date) -> dt.date:
    return calendar.add_working_days(icpc_date, CORE_GROUP_WORKING_DAYS)


def next_visit_due(calendar: Calendar, last: dt.date, every: int = DEFAULT_VISIT_WORKING_DAYS) -> dt.date:
    return calendar.add_working_days(last, every)


def review_due(calendar: Calendar, since: dt.date, *, first: bool) -> dt.date:
    """The latest day the next review conference may be held: 3 months after the ICPC (first) or 6 after the last
    review, brought back to the working day before when the limit is not a working day."""
    limit = since + relativedelta(months=FIRST_REVIEW_MONTHS if first else LATER_REVIEW_MONTHS)
    return previous_working_day_or_same(calendar, limit)
