"""The working-day clock: bank holidays with substitute days, weekends, closures and clock changes."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.workdays import LONDON, Calendar

CAL = Calendar()


def london(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # An ordinary Tuesday afternoon: same time on Wednesday.
        (london(2026, 11, 17, 14, 30), london(2026, 11, 18, 14, 30)),
        # Friday: due Monday at the same time.
        (london(2026, 11, 20, 16, 0), london(2026, 11, 23, 16, 0)),
        # Saturday night: counts as received Monday 09:00, so due Tuesday 09:00.
        (london(2026, 11, 21, 23, 59), london(2026, 11, 24, 9, 0)),
        # Sunday just after midnight: same.
        (london(2026, 11, 22, 0, 1), london(2026, 11, 24, 9, 0)),
        # 23:59 and 00:01 either side of a working midnight: Thursday 23:59 -> Friday 23:59; Friday 00:01 -> Monday.
        (london(2026, 11, 19, 23, 59), london(2026, 11, 20, 23, 59)),
        (london(2026, 11, 20, 0, 1), london(2026, 11, 23, 0, 1)),
        # Maundy Thursday 2026 (Good Friday 3 April, Easter Monday 6 April): due Tuesday 7 April.
        (london(2026, 4, 2, 10, 0), london(2026, 4, 7, 10, 0)),
        # Good Friday itself: non-working, counts as Tuesday 09:00, due Wednesday 09:00.
        (london(2026, 4, 3, 11, 0), london(2026, 4, 8, 9, 0)),
        # Christmas 2026: Christmas Eve (Thursday) -> Christmas Day, Boxing Day (Sat) and the substitute
        # Monday 28 December are all off: due Tuesday 29 December.
        (london(2026, 12, 24, 15, 0), london(2026, 12, 29, 15, 0)),
        # Boxing Day on a Saturday, received then: counts as Tuesday 29th 09:00, due Wednesday 30th 09:00.
        (london(2026, 12, 26, 12, 0), london(2026, 12, 30, 9, 0)),
        # Christmas 2027 (Saturday and Sunday, substitutes Monday 27 and Tuesday 28): Friday 24th -> Wednesday 29th.
        (london(2027, 12, 24, 9, 30), london(2027, 12, 29, 9, 30)),
        # Clocks go forward on Sunday 29 March 2026: Friday 27th 10:00 GMT -> Monday 30th 10:00 BST (71 hours).
        (london(2026, 3, 27, 10, 0), london(2026, 3, 30, 10, 0)),
        # Clocks go back on Sunday 25 October 2026: Friday 10:00 BST -> Monday 10:00 GMT (73 hours).
        (london(2026, 10, 23, 10, 0), london(2026, 10, 26, 10, 0)),
        # New Year's Day 2027 (Friday): Thursday 31 Dec -> Monday 4 January.
        (london(2026, 12, 31, 17, 0), london(2027, 1, 4, 17, 0)),
    ],
)
def test_contact_decision_due_at_the_same_local_time_next_working_day(received, due):
    assert CAL.contact_decision_due(received) == due
    assert CAL.contact_decision_due(received).utcoffset() == due.utcoffset()


def test_received_time_in_utc_is_read_as_london_time():
    # 23:30 UTC on Friday 19 June 2026 is 00:30 BST on Saturday: a weekend contact.
    received = dt.datetime(2026, 6, 19, 23, 30, tzinfo=dt.UTC)
    assert CAL.contact_decision_due(received) == london(2026, 6, 23, 9, 0)


def test_clock_change_weekend_spans_the_right_number_of_real_hours():
    # (Python subtracts two datetimes in the same zone by wall clock, so compare in UTC.)
    def real_hours(received):
        return CAL.contact_decision_due(received).astimezone(dt.UTC) - received.astimezone(dt.UTC)

    forward, back = real_hours(london(2026, 3, 27, 10, 0)), real_hours(london(2026, 10, 23, 10, 0))
    assert (forward.total_seconds() / 3600, back.total_seconds() / 3600) == (71, 73)


def test_council_closure_days_are_not_working_days():
    closed = Calendar(closures=[dt.date(2026, 12, 29)])
    assert closed.contact_decision_due(london(2026, 12, 24, 15, 0)) == london(2026, 12, 30, 15, 0)


def test_add_working_days_for_statutory_timescales():
    # ICPC within 15 working days of a strategy discussion on Monday 14 December 2026:
    # 15 working days skip 25, 28 December and 1 January -> Thursday 7 January 2027.
    assert CAL.add_working_days(dt.date(2026, 12, 14), 15) == dt.date(2027, 1, 7)
    assert CAL.add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)
    # 21-24 December, 29-31 December and 4 January, both ends counted as DfE's validator does.
    assert CAL.working_days_between(dt.date(2026, 12, 21), dt.date(2027, 1, 4)) == 8


def test_working_hours_left_skip_weekends():
    now, due = london(2026, 11, 20, 16, 0), london(2026, 11, 23, 10, 0)
    assert CAL.working_hours_left(now, due) == pytest.approx(8 + 10)
    assert CAL.working_hours_left(due + dt.timedelta(hours=2), due) == pytest.approx(-2)
    assert CAL.add_working_hours(now, 18) == due


# Any instant from 2020 to 2035 (B16).
instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001  (hypothesis wants naive bounds)
    max_value=dt.datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(instants)
def test_a_decision_is_never_due_on_a_non_working_day_and_always_after_receipt(received):
    due = CAL.contact_decision_due(received)
    local_due = due.astimezone(LONDON)
    assert CAL.is_working_day(local_due.date())
    assert due > received
    # At most one working day of clock time later, plus the non-working days in between.
    span_days = (local_due.date() - received.astimezone(LONDON).date()).days
    assert 1 <= span_days <= 7


@settings(max_examples=2_000, deadline=None, derandomize=True)
@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 1)), st.integers(0, 60))
def test_adding_working_days_lands_on_a_working_day_with_that_many_in_between(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    if n:
        assert CAL.working_days_between(start, end, inclusive=True) - (1 if CAL.is_working_day(start) else 0) == n


def test_subtracting_working_hours_skips_weekends():
    # Due Monday 00:30: two working hours before is Friday 22:30 (the reminder of a contact received Friday 00:30).
    assert CAL.subtract_working_hours(london(2026, 11, 23, 0, 30), 2) == london(2026, 11, 20, 22, 30)
    assert CAL.subtract_working_hours(london(2026, 11, 23, 10, 0), 18) == london(2026, 11, 20, 16, 0)
    # Ending on a Saturday counts back from the end of Friday.
    assert CAL.subtract_working_hours(london(2026, 11, 21, 12, 0), 1) == london(2026, 11, 20, 23, 0)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(instants, st.floats(0, 60))
def test_subtracting_working_hours_is_the_inverse_of_working_hours_left(end, hours):
    start = CAL.subtract_working_hours(end, hours)
    assert start <= end
    assert CAL.working_hours_left(start, end) == pytest.approx(hours, abs=1e-6)
