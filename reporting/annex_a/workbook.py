"""Writes the Annex A workbook: a write-only openpyxl workbook (rows go to disk as they come, so memory stays flat
whatever the council's size), one sheet per list with Ofsted's headings, dates as dates shown dd/mm/yyyy, and every
text cell through reporting.exports.spreadsheet_cell (a value beginning = + - @ is never a formula)."""

import datetime as dt
import tempfile
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.models import User

from ..builders import Built, Progress
from ..exports import spreadsheet_cell
from ..scope import statutory_children
from .lists import LISTS, Context, Window
from .periods import window

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"


def write_annex_a(out: IO[bytes], *, window: Window, user: User | None, progress: Progress | None = None) -> dict:
    """Write the workbook to `out` (a binary file open for writing); returns the rows per list ({"List 1": n, ...})."""
    ctx = Context(window=window, people=statutory_children(user))
    book = Workbook(write_only=True)
    counts: dict[str, int] = {}
    bold = Font(bold=True)
    for done, annex in enumerate(LISTS):
        if progress:
            progress(done, len(LISTS), f"{annex.sheet}: {annex.title}")
        sheet = book.create_sheet(annex.sheet)
        header = []
        for heading in annex.headings:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        rows = 0
        for row in annex.rows(ctx):
            sheet.append([_cell(sheet, value) for value in row])
            rows += 1
        counts[annex.sheet] = rows
    if progress:
        progress(len(LISTS), len(LISTS), "Saving the workbook")
    book.save(out)
    return counts


def _cell(sheet, value):
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return spreadsheet_cell(value)


def build(run, progress: Progress) -> Built:
    span = window(run.period)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the task reads and closes it)
    counts = write_annex_a(out, window=span, user=run.requested_by, progress=progress)
    out.seek(0)
    return Built(
        content=out,
        filename=f"annex-a-{span.start.isoformat()}-to-{span.end.isoformat()}.xlsx",
        content_type=CONTENT_TYPE,
        rows=sum(counts.values()),
        summary={
            "window": [span.start.isoformat(), span.end.isoformat()],
            "lists": counts,
            "not_recorded": [annex.sheet for annex in LISTS if not annex.recorded],
        },
    )
