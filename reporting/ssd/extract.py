"""Writes the SSD zip: each table's CSV streamed into the archive as its rows are read (never a table whole in
memory), every text cell through reporting.exports.spreadsheet_cell, dates as YYYY-MM-DD and times as ISO 8601."""

import csv
import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from django.utils import timezone

from cases.models import User

from ..builders import Built, Progress
from ..exports import spreadsheet_cell
from ..scope import statutory_children
from .fields import TABLES
from .tables import EMPTY, READERS, Context

NOTE = Path(__file__).resolve().parent / "FIELDS_LEFT_EMPTY.md"


def _value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheet_cell(value)


def write_ssd(out: IO[bytes], *, user: User | None, progress: Progress | None = None) -> dict[str, int]:
    """Write the zip to `out`; returns the rows per table."""
    ctx = Context(statutory_children(user))
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (table, fields) in enumerate(TABLES.items()):
            if progress:
                progress(done, len(TABLES), table)
            names = [name for name, _ in fields]
            empty = EMPTY.get(table, {})
            rows = 0
            with archive.open(f"{table}.csv", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
                writer = csv.writer(text)
                writer.writerow(names)
                for row in READERS[table](ctx):
                    writer.writerow(["" if name in empty else _value(row.get(name)) for name in names])
                    rows += 1
            counts[table] = rows
        archive.writestr("FIELDS_LEFT_EMPTY.md", NOTE.read_text(encoding="utf-8"))
    if progress:
        progress(len(TABLES), len(TABLES), "Done")
    return counts


def periods(today: dt.date) -> list[tuple[str, str]]:
    return [("all", "Everything recorded")]


def default_period(today: dt.date) -> str:
    return "all"


def build(run, progress: Progress) -> Built:
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the task reads and closes it)
    counts = write_ssd(out, user=run.requested_by, progress=progress)
    out.seek(0)
    return Built(
        content=out,
        filename=f"ssd-{timezone.localdate().isoformat()}.zip",
        content_type="application/zip",
        rows=sum(counts.values()),
        summary={"tables": counts},
    )
