"""The FFP quarterly return's files (issue 16 item 4): the XLSX workbook (openpyxl; the file a run keeps), and the CSV
and the one-page PDF summary (WeasyPrint, cases.documents.render_pdf) written from the same rows. Every cell goes
through reporting.exports.spreadsheet_cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from cases.documents import render_pdf

from ..exports import spreadsheet_cell
from .figures import NOT_RECORDED, SECTIONS, Figures, Row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("Section", "Measure", "Breakdown", "Value")
DEFINITION = Path(__file__).with_name("DEFINITION.md")
DRAFT, PREPARED = "Draft (prepared by the schedule)", "Prepared for submission"


_DECIMALS = {"0.00": 2, "0.0": 1}  # a money or FTE figure's number format -> its places


def _number(value):
    """A figure as the spreadsheet should hold it: counts as integers, money and FTE as numbers, "not recorded" as
    text."""
    if isinstance(value, int) or value == NOT_RECORDED:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def write_xlsx(figures: Figures, *, draft: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    prepared = timezone.localtime()
    meta = [
        ("Return", "FFP quarterly return"),
        ("Quarter", figures.quarter),
        ("From", figures.first),
        ("To", figures.last),
        ("Definition version", figures.version),
        ("Prepared", prepared.replace(tzinfo=None, microsecond=0)),
        ("Status", DRAFT if draft else PREPARED),
    ]
    for key, value in meta:
        sheet.append([spreadsheet_cell(key), spreadsheet_cell(value)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append([spreadsheet_cell(h) for h in HEADER])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in figures.rows:
        sheet.append([spreadsheet_cell(v) for v in (row.section, row.measure, row.breakdown, _number(row.value))])
        if isinstance(row.value, str) and row.value != NOT_RECORDED:
            places = len(row.value.partition(".")[2])
            sheet.cell(row=sheet.max_row, column=4).number_format = "0.0" if places == 1 else "0.00"
    for column, width in zip("ABCD", (14, 70, 60, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for date_row in (3, 4):  # From, To
        sheet.cell(row=date_row, column=2).number_format = "yyyy-mm-dd"
    sheet.cell(row=6, column=2).number_format = "yyyy-mm-dd hh:mm"
    warnings = book.create_sheet("Warnings")
    warnings.append([spreadsheet_cell("Warning")])
    for message in figures.warnings or ["None"]:
        warnings.append([spreadsheet_cell(message)])
    warnings.column_dimensions["A"].width = 120
    definition = book.create_sheet("Definition")
    for line in DEFINITION.read_text(encoding="utf-8").splitlines():
        definition.append([spreadsheet_cell(line)])
    definition.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(content: bytes) -> Figures:
    """The figures back from a return's workbook (the CSV and PDF of a run are written from its kept XLSX)."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book["Return"]
    meta: dict[str, object] = {}
    rows: list[Row] = []
    in_rows = False
    for cells in sheet.iter_rows():
        values = tuple(c.value for c in cells)
        if not values or values[0] is None:
            continue
        if in_rows:
            value, number_format = values[3], cells[3].number_format
            if isinstance(value, int | float) and not isinstance(value, bool) and number_format in _DECIMALS:
                value = f"{value:.{_DECIMALS[number_format]}f}"
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            rows.append(Row(values[0], values[1], values[2], value))
        elif values[:4] == HEADER:
            in_rows = True
        else:
            meta[values[0]] = values[1]
    warnings = [w for (w,) in book["Warnings"].iter_rows(min_row=2, max_col=1, values_only=True) if w and w != "None"]
    book.close()

    def day(value) -> dt.date:
        return value.date() if isinstance(value, dt.datetime) else value

    figures = Figures(
        quarter=str(meta["Quarter"]),
        first=day(meta["From"]),
        last=day(meta["To"]),
        version=str(meta["Definition version"]),
        rows=rows,
        warnings=warnings,
    )
    figures.status = str(meta.get("Status", ""))
    return figures


def write_csv(figures: Figures) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Quarter", "Definition version", *HEADER])
    for row in figures.rows:
        writer.writerow(
            [spreadsheet_cell(v) for v in (figures.quarter, figures.version, row.section, row.measure, row.breakdown)]
            + [spreadsheet_cell(row.value)]
        )
    for message in figures.warnings:
        writer.writerow([spreadsheet_cell(v) for v in (figures.quarter, figures.version, "Warning", message, "", "")])
    return out.getvalue().encode("utf-8-sig")


def write_pdf(figures: Figures) -> bytes:
    """One page: the headline figures, the workforce by qualification, the spend by category, and the warnings."""
    by_section = {section: [r for r in figures.rows if r.section == section] for section in SECTIONS}
    return render_pdf(
        "reporting/ffp_return_pdf.html",
        {
            "figures": figures,
            "headline": figures.headline(),
            "workforce": [r for r in by_section["Workforce"] if ":" not in r.breakdown],
            "expenditure": [
                r for r in by_section["Expenditure"] if ":" not in r.breakdown and r.measure.endswith("in the quarter")
            ],
            "year": [r for r in by_section["Expenditure"] if "year" in r.measure or "Allocation" in r.measure],
            "printed_at": timezone.localtime(),
        },
    )
