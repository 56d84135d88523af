"""The working-day clock every strand uses (front-door decision: 1 working day; ICPC: 15; core group:
10; assessment: 45).

Working days exclude Saturdays, Sundays, England & Wales bank holidays including substitute days
(the `holidays` package, GB subdivision ENG, pinned in uv.lock so the calendar does not change under
us) and council closure days added by an administrator (cases.ClosureDay).

Times are Europe/London. Conventions, written down because DfE's validator and our deadlines differ:
- contact decision (DOMAIN section 3): due at the same local time on the next working day after the
  contact was received; a contact received on a non-working day counts as received at 09:00 on the
  next working day (so it is due at 09:00 the working day after that);
- "N working days after day D" (add_working_days): D itself is not counted; the result is the N-th
  working day after D. This is how the ICPC (15 working days after the strategy discussion) and
  core group (10 after the ICPC) limits are stated in Working Together 2023.
- DfE's census validator counts working days *inclusively* between two dates (working_days_between
  with inclusive=True reproduces that count for validation rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
WORKDAY_START = dt.time(9, 0)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def bank_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=[day.year]).get(day)


class Calendar:
    """Working days with a fixed set of council closure days (load once, use for many sums)."""

    def __init__(self, closures: Iterable[dt.date] = ()) -> None:
        self.closures = frozenset(closures)

    @classmethod
    def from_database(cls) -> Calendar:
        from .models import ClosureDay

        return cls(ClosureDay.objects.values_list("date", flat=True))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in self.closures

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (day itself not counted); n=0 gives `day` if working."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date, *, inclusive: bool = True) -> int:
        """Working days from start to end (both counted when inclusive, as DfE's validator counts)."""
        if end < start:
            return -self.working_days_between(end, start, inclusive=inclusive)
        count, day = 0, start
        while day <= end:
            if self.is_working_day(day) and (inclusive or day not in (start, end)):
                count += 1
            day += dt.timedelta(days=1)
        return count

    def contact_decision_due(self, received_at: dt.datetime) -> dt.datetime:
        """When a decision on a contact received at `received_at` is due (see module docstring)."""
        if received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        local = received_at.astimezone(LONDON)
        if self.is_working_day(local.date()):
            effective_day, effective_time = local.date(), local.time().replace(tzinfo=None)
        else:
            effective_day, effective_time = self.next_working_day(local.date()), WORKDAY_START
        due_day = self.next_working_day(effective_day)
        return _london(due_day, effective_time)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """`start` plus this many hours counted only on working days (the inverse of working_hours_left):
        Nights on working days count; weekends and holidays do not (4 working hours from Friday 22:00
        end at Monday 02:00)."""
        remaining = dt.timedelta(hours=hours)
        cursor = start.astimezone(LONDON)
        if not self.is_working_day(cursor.date()):
            cursor = _london(self.next_working_day(cursor.date()), dt.time(0, 0))
        while True:
            next_midnight = _london(cursor.date() + dt.timedelta(days=1), dt.time(0, 0))
            available = next_midnight.astimezone(dt.UTC) - cursor.astimezone(dt.UTC)
            if remaining <= available:
                return (cursor.astimezone(dt.UTC) + remaining).astimezone(LONDON)
            remaining -= available
            cursor = _london(self.next_working_day(cursor.date()), dt.time(0, 0))

    def subtract_working_hours(self, end: dt.datetime, hours: float) -> dt.datetime:
        """The time this many working hours before `end` (add_working_hours backwards): a reminder "2 working hours
        before" a deadline due on Monday 00:30 falls on Friday 22:30, not on Sunday."""
        remaining = dt.timedelta(hours=hours)
        local = end.astimezone(LONDON)
        day, cursor = local.date(), local
        if not self.is_working_day(day):
            day = self._previous_working_day(day)
            cursor = _london(day + dt.timedelta(days=1), dt.time(0, 0))  # the end of that working day
        while True:
            available = cursor.astimezone(dt.UTC) - _london(day, dt.time(0, 0)).astimezone(dt.UTC)
            if remaining <= available:
                return (cursor.astimezone(dt.UTC) - remaining).astimezone(LONDON)
            remaining -= available
            day = self._previous_working_day(day)
            cursor = _london(day + dt.timedelta(days=1), dt.time(0, 0))

    def _previous_working_day(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def working_hours_left(self, now: dt.datetime, due_at: dt.datetime) -> float:
        """Hours until due that fall on working days (nights count, weekends and holidays do not).
        Negative when overdue. Used for the amber threshold of the triage queue."""
        if due_at <= now:
            return -(now.astimezone(dt.UTC) - due_at.astimezone(dt.UTC)).total_seconds() / 3600
        seconds, cursor = 0.0, now.astimezone(LONDON)
        end = due_at.astimezone(LONDON)
        while cursor < end:
            next_midnight = _london(cursor.date() + dt.timedelta(days=1), dt.time(0, 0))
            segment_end = min(end, next_midnight)
            if self.is_working_day(cursor.date()):
                # In UTC: Python subtracts two times in one zone by the wall clock, not real time.
                seconds += (segment_end.astimezone(dt.UTC) - cursor.astimezone(dt.UTC)).total_seconds()
            cursor = segment_end
        return seconds / 3600


def _london(day: dt.date, time: dt.time) -> dt.datetime:
    """A local wall-clock time in London as an aware datetime. Clock changes happen at 01:00/02:00 on
    Sundays, never working days, so a due time never falls in a skipped or repeated hour; fold=0 picks
    the first occurrence if one ever did."""
    return dt.datetime.combine(day, time, tzinfo=LONDON)
