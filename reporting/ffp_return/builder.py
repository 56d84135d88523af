"""The FFP_RETURN builder (action RETURN: aggregate figures, no child): the quarter's workbook, kept by the run; its
CSV and PDF summary are written from it on download (views/ffp_return.py)."""

import datetime as dt

from ..builders import Builder, Built
from ..models import RunKind
from ..periods import previous_quarter, recent_quarters
from ..permissions import RETURN
from .figures import ffp_figures
from .writers import XLSX_TYPE, write_xlsx


def build(run, progress) -> Built:
    figures = ffp_figures(run.period, progress=progress)
    content = write_xlsx(figures, draft=run.requested_by_id is None)
    summary = {"Definition version": figures.version, **figures.headline()}
    summary["Transformation share warning"] = "; ".join(figures.warnings) or "None"
    return Built(
        content=content,
        filename=f"ffp-return-{run.period}.xlsx",
        content_type=XLSX_TYPE,
        rows=len(figures.rows),
        summary={k: (v if v is not None else "") for k, v in summary.items()},
    )


def periods(today: dt.date) -> list[tuple[str, str]]:
    return recent_quarters(today)


def default_period(today: dt.date) -> str:
    return previous_quarter(today)


def ffp_return_builder() -> Builder:
    return Builder(
        kind=RunKind.FFP_RETURN,
        label="FFP quarterly return",
        description=(
            "The Families First Partnership quarterly return to DfE: the Family Help workforce, children receiving "
            "Family Help and child protection, FGDM offers and meetings (as the census's module 5 counts them) and "
            "the grant ledger's expenditure. A workbook, with a CSV and a one-page PDF summary."
        ),
        action=RETURN,
        build=build,
        periods=periods,
        default_period=default_period,
    )
