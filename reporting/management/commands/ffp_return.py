"""`manage.py ffp_return --quarter 2026-27-Q2 --output FILE.xlsx` (issue 16 item 4): the FFP quarterly return for a
quarter, council-wide, as the workbook (or, by the output's suffix, the CSV or the one-page PDF summary)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.ffp_return.figures import ffp_figures
from reporting.ffp_return.writers import write_csv, write_pdf, write_xlsx
from reporting.periods import parse_quarter


class Command(BaseCommand):
    help = "Write the FFP quarterly return for a quarter (XLSX; .csv or .pdf by the output's suffix)."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="The quarter, like 2026-27-Q2 (July to September 2026).")
        parser.add_argument("--output", required=True, help="The file to write: .xlsx, .csv or .pdf.")

    def handle(self, *args, quarter: str, output: str, **options):
        try:
            parse_quarter(quarter)
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in {".xlsx", ".csv", ".pdf"}:
            raise CommandError("--output must end in .xlsx, .csv or .pdf")
        figures = ffp_figures(quarter)
        if suffix == ".xlsx":
            content = write_xlsx(figures, draft=False)
        elif suffix == ".csv":
            content = write_csv(figures)
        else:
            content = write_pdf(figures)
        path.write_bytes(content)
        headline = "; ".join(f"{k} {v}" for k, v in figures.headline().items())
        self.stdout.write(f"FFP return {quarter} (definition {figures.version}) written to {path}: {headline}")
        for warning in figures.warnings:
            self.stdout.write(f"Warning: {warning}")
