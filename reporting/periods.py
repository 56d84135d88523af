"""The quarterly return's periods (issue 16 item 4): a quarter of a collection year, "2026-27-Q2", with Q1 April-June,
Q2 July-September, Q3 October-December and Q4 January-March."""

import datetime as dt
import re

_QUARTER = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def year_key(start: int) -> str:
    return f"{start}-{str(start + 1)[2:]}"


def parse_year(key: str) -> int:
    """The collection year "2026-27" -> 2026 (its April); ValueError for anything else."""
    match = _YEAR.match(key or "")
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{key!r} is not a collection year like 2026-27")
    return int(match[1])


def parse_quarter(key: str) -> tuple[int, int]:
    """ "2026-27-Q2" -> (2026, 2); ValueError for anything else."""
    match = _QUARTER.match(key or "")
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{key!r} is not a quarter like 2026-27-Q2")
    return int(match[1]), int(match[3])


def quarter_key(year_start: int, n: int) -> str:
    return f"{year_key(year_start)}-Q{n}"


def quarter_dates(key: str) -> tuple[dt.date, dt.date]:
    """A quarter's first and last days."""
    year_start, n = parse_quarter(key)
    month = 4 + 3 * (n - 1)
    year = year_start + (month - 1) // 12
    month = (month - 1) % 12 + 1
    first = dt.date(year, month, 1)
    after = dt.date(year + (month + 2) // 12, (month + 2) % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> str:
    year_start = day.year if day.month >= 4 else day.year - 1
    n = ((day.month - 4) % 12) // 3 + 1
    return quarter_key(year_start, n)


def previous_quarter(day: dt.date) -> str:
    """The last whole quarter before `day`'s quarter."""
    first, _ = quarter_dates(quarter_of(day))
    return quarter_of(first - dt.timedelta(days=1))


def quarters_of_year(year_start: int) -> list[str]:
    return [quarter_key(year_start, n) for n in (1, 2, 3, 4)]


def recent_quarters(today: dt.date, back: int = 8) -> list[tuple[str, str]]:
    """The quarters offered, newest first: the current one (a draft) and `back` before it."""
    keys = [quarter_of(today)]
    for _ in range(back):
        keys.append(previous_quarter(quarter_dates(keys[-1])[0]))
    return [(k, quarter_label(k)) for k in keys]


def quarter_label(key: str) -> str:
    first, last = quarter_dates(key)
    return f"{key}: {first:%-d %B %Y} to {last:%-d %B %Y}"


def year_of_quarter(key: str) -> int:
    return parse_quarter(key)[0]
