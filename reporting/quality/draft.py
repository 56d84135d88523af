"""The draft CIN census (issue 16 items 3 and 6): the census for a collection year written as for DfE
(reporting.census.write_census), checked by DfE's validator and our module 5 checks, and every row it gives kept as a
DataQualityIssue of the run, for the data-quality page. A manager runs it from the reports page; the beat runs it
monthly (reporting.tasks.monthly_draft_census_task). Its download is the validator's report (CSV: ids and codes, no
names), recorded as an export like every other."""

import csv
import datetime as dt
import io
import tempfile

from django.db import connection, transaction

from cases.models import Person

from ..builders import Builder, Built, collection_years, current_collection_year
from ..exports import spreadsheet_cell
from ..models import DataQualityIssue, IssueKind, ReturnRun, RunKind, RunStatus
from ..permissions import DATA_QUALITY
from .validator import validate_census

REPORT_COLUMNS = ["rule", "type", "LAchildID", "table", "column", "value", "message", "source"]
SCHEDULED_PURPOSE = "Monthly draft census: data-quality check"


def build(run: ReturnRun, progress) -> Built:
    from ..census import write_census

    with tempfile.TemporaryFile() as out:
        written = write_census(out, year=run.period, user=run.requested_by, progress=progress)
        out.flush()
        out.seek(0)
        census = out.read()
    children = getattr(written, "children", 0)
    progress(children, children, "DfE's validator is checking the file")
    result = validate_census(census)
    del census
    recorded = record_issues(run, result.rows)
    summary = result.summary()
    summary.update({"children": children, "children_with_issues": recorded["children"]})
    return Built(
        content=report_csv(result.rows),
        filename=f"cin-census-{run.period}-data-quality.csv",
        content_type="text/csv; charset=utf-8",
        rows=len(result.rows),
        summary=summary,
    )


def report_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_cell(row.get(name) or "") for name in REPORT_COLUMNS])
    return out.getvalue().encode("utf-8")


def record_issues(run: ReturnRun, rows: list[dict]) -> dict:
    """The run's DataQualityIssue rows (replacing any from an earlier attempt of the same run), each child found by
    its LAchildID."""
    ids = {row["LAchildID"] for row in rows if row.get("LAchildID")}
    people = dict(Person.objects.filter(la_child_id__in=ids).values_list("la_child_id", "pk"))
    with transaction.atomic():
        # audited: the draft census run's findings, rebuilt by the worker from the record (no person)
        DataQualityIssue.objects.filter(run=run).delete()
        # audited: the same findings (above)
        DataQualityIssue.objects.bulk_create(
            [
                DataQualityIssue(
                    run=run,
                    person_id=people.get(row.get("LAchildID") or ""),
                    la_child_id=(row.get("LAchildID") or "")[:40],
                    rule=row["rule"][:10],
                    kind=IssueKind.QUERY if row["type"] == IssueKind.QUERY else IssueKind.ERROR,
                    table=(row.get("table") or "")[:40],
                    column=(row.get("column") or "")[:60],
                    value=(row.get("value") or "")[:200],
                    message=row.get("message") or "",
                    source=(row.get("source") or "")[:30],
                )
                for row in rows
            ],
            batch_size=2000,
        )
    return {"rows": len(rows), "children": len(ids)}


def latest_draft() -> ReturnRun | None:
    """The newest finished draft census, whatever its year: the one the data-quality page and the home panel show."""
    return (
        ReturnRun.objects.filter(kind=RunKind.DRAFT_CENSUS, status=RunStatus.DONE)
        .defer("content")
        .order_by("-finished_at", "-id")
        .first()
    )


def year_being_prepared(today: dt.date) -> str:
    """The collection year a monthly draft checks: the year just ended until the census is returned (April to July),
    then the current one."""
    if 4 <= today.month <= 7:
        return collection_years(today, back=1)[1][0]
    return current_collection_year(today)


def schedule_monthly_draft(today: dt.date) -> ReturnRun | None:
    """The month's scheduled draft census run (created once a month: a second delivery of the beat's message finds
    the month's run and makes none)."""
    first = today.replace(day=1)
    with transaction.atomic():
        # One creator at a time (the beat's message delivered twice): a lock held until this transaction ends.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('reporting.monthly_draft_census'))")
        if ReturnRun.objects.filter(
            kind=RunKind.DRAFT_CENSUS, requested_by__isnull=True, created_at__date__gte=first
        ).exists():
            return None
        # audited: the beat's scheduled run (no person); what it builds is audited when exported
        return ReturnRun.objects.create(
            kind=RunKind.DRAFT_CENSUS, period=year_being_prepared(today), purpose=SCHEDULED_PURPOSE
        )


def builder() -> Builder:
    return Builder(
        kind=RunKind.DRAFT_CENSUS,
        label="Draft CIN census (data quality)",
        description=(
            "The census checked by DfE's own validator and the module 5 rules, without sending it: every error and "
            "query per child on the data-quality page. Runs by itself on the first of each month."
        ),
        action=DATA_QUALITY,
        build=build,
        periods=lambda today: collection_years(today, back=1),
        default_period=year_being_prepared,
    )
