"""The windows an Annex A run covers: the six or twelve months up to a day (an inspection asks for the months before
it: "6m-2026-12-06", "12m-2026-12-06"), or a collection year ("2025-26": 1 April 2025 to 31 March 2026)."""

import datetime as dt
import re

from ..builders import collection_years
from .lists import Window

_MONTHS = re.compile(r"^(6|12)m-(\d{4}-\d{2}-\d{2})$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def _months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the `months` months ending on `day`: 6 December 2026 -> 7 June 2026 (6 months)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, last) + dt.timedelta(days=1)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def window(period: str) -> Window:
    """The window of a period key; ValueError for anything else."""
    if found := _MONTHS.match(period):
        end = dt.date.fromisoformat(found.group(2))
        return Window(_months_before(end, int(found.group(1))), end)
    if (found := _YEAR.match(period)) and int(found.group(2)) == (int(found.group(1)) + 1) % 100:
        first = int(found.group(1))
        return Window(dt.date(first, 4, 1), dt.date(first + 1, 3, 31))
    raise ValueError(f"Not an Annex A period: {period!r}")


def periods(today: dt.date) -> list[tuple[str, str]]:
    day = f"{today:%-d %B %Y}"
    return [
        (f"12m-{today.isoformat()}", f"The 12 months to {day}"),
        (f"6m-{today.isoformat()}", f"The 6 months to {day}"),
        *collection_years(today, back=2),
    ]


def default_period(today: dt.date) -> str:
    return f"12m-{today.isoformat()}"
