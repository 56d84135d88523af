"""The returns and exports a ReturnRun can build, by kind. Each area registers its builder here (one line in BUILDERS
below); the task (reporting.tasks.build_return_task) calls it with the run and a progress callback, and the reports
page offers each builder's periods.

A builder's contract:
- `build(run, progress) -> Built`: write the file for `run.period` as `run.requested_by` may see it (None: a scheduled
  run, which reads council-wide), calling `progress(done, total, label)` as it goes (cheap: the task throttles);
  stream from the database (iterator/chunked queries) rather than loading every row.
- `periods(today) -> [(key, label)]`: the periods offered, newest first; `default_period(today)` the one pre-selected.
- `action`: the policy action that may run and download it (reporting.permissions EXPORT for child-level data).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import IO, Any

from ..models import RunKind


@dataclass
class Built:
    """What a builder made: the bytes, or a binary file object open for reading at its start (a large file written to
    a temporary file as it streamed: the task compresses it in chunks), the download name and type, how many rows,
    and a summary the run's page shows (JSON-serialisable)."""

    content: bytes | IO[bytes]
    filename: str
    content_type: str
    rows: int
    summary: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Builder:
    kind: str
    label: str
    description: str
    action: str
    build: Callable[[Any, Progress], Built]
    periods: Callable[[dt.date], list[tuple[str, str]]]
    default_period: Callable[[dt.date], str]


def collection_years(today: dt.date, back: int = 3) -> list[tuple[str, str]]:
    """The CIN collection years (1 April to 31 March) up to the current one, newest first: ("2026-27", label)."""
    first = today.year if today.month >= 4 else today.year - 1
    return [(f"{y}-{str(y + 1)[2:]}", f"1 April {y} to 31 March {y + 1}") for y in range(first, first - back - 1, -1)]


def current_collection_year(today: dt.date) -> str:
    return collection_years(today, back=0)[0][0]


# kind -> Builder. Areas add theirs (census: reporting/census/, return: reporting/ffp_return/, Annex A and SSD:
# reporting/annex_a/ and reporting/ssd/): import lazily in _load() so that importing reporting.builders stays cheap.
BUILDERS: dict[str, Builder] = {}


def _load() -> None:
    if BUILDERS:
        return
    for loader in _LOADERS:
        builder = loader()
        BUILDERS[builder.kind] = builder


def builder(kind: str) -> Builder | None:
    _load()
    return BUILDERS.get(kind)


def builders() -> list[Builder]:
    _load()
    order = list(RunKind.values)
    return sorted(BUILDERS.values(), key=lambda b: order.index(b.kind) if b.kind in order else len(order))


# Each area appends a function returning its Builder (imported inside the function).
_LOADERS: list[Callable[[], Builder]] = []
_LOADERS.append(lambda: import_module("reporting.quality.draft").builder())  # DRAFT_CENSUS (data quality)
_LOADERS.append(lambda: import_module("reporting.census.builder").cin_census_builder())  # CIN_CENSUS
_LOADERS.append(lambda: import_module("reporting.ffp_return.builder").ffp_return_builder())  # FFP_RETURN
_LOADERS.append(lambda: import_module("reporting.annex_a").builder())  # ANNEX_A
_LOADERS.append(lambda: import_module("reporting.ssd").builder())  # SSD
