"""The CIN census on the reports page (issue 16 item 1): built in the background with its progress (children written),
checked against its year's schema, and downloaded as XML (an export of child-level data: reporting.permissions
EXPORT, recorded with each download)."""

import datetime as dt
import tempfile

from django.conf import settings

from ..builders import Builder, Built, Progress, collection_years
from ..models import RunKind
from ..permissions import EXPORT
from .writer import write_census
from .xsd import validate_xsd, year_start

SCHEMA_ERRORS_SHOWN = 5


def periods(today: dt.date) -> list[tuple[str, str]]:
    return collection_years(today)


def default_period(today: dt.date) -> str:
    """The last collection year that has ended (the one DfE collects next); the current one is a draft."""
    return collection_years(today)[1][0]


def build(run, progress: Progress) -> Built:
    year_start(run.period)  # a period that is no collection year fails the run with the reason
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the task, which closes it)
    try:
        result = write_census(out, year=run.period, user=run.requested_by, progress=progress)
        out.seek(0)
        progress(result.children, result.children, "Checking the file against the schema")
        errors = validate_xsd(out, run.period)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    summary = result.summary()
    summary["schema_valid"] = not errors
    summary["schema_errors"] = errors[:SCHEMA_ERRORS_SHOWN]
    return Built(
        content=out,
        filename=f"CIN_census_{run.period}_{settings.COUNCIL_LA_CODE}.xml",
        content_type="application/xml",
        rows=result.children,
        summary=summary,
    )


def cin_census_builder() -> Builder:
    return Builder(
        kind=RunKind.CIN_CENSUS,
        label="CIN census",
        description=(
            "The children in need census for DfE: every child with a referral open in the collection year (1 April to "
            "31 March), with assessments, plans, section 47 enquiries, child protection plans and, from 2026-27, "
            "pre-proceedings and FGDM. Checked against the year's schema."
        ),
        action=EXPORT,
        build=build,
        periods=periods,
        default_period=default_period,
    )
