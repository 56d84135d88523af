"""What every export of child-level data does (issue 16 item 9): record who, what, how many rows and why, with an
audit row in the same transaction; and write spreadsheet cells that a spreadsheet program cannot run as formulas."""

from typing import Any

from django.db import transaction

from cases.models import AuditEvent, User
from cases.services.audit import audit_record

from .models import ExportRecord, ReturnRun

# A cell a spreadsheet would read as a formula (or a DDE command) starts with one of these: it gets an apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A value for a CSV or XLSX cell: numbers, dates and None pass through; text that a spreadsheet would run as a
    formula is escaped with a leading apostrophe (OWASP CSV injection). A negative number stays a number."""
    if value is None or isinstance(value, bool | int | float) or hasattr(value, "isoformat"):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def record_export(
    *,
    user: User,
    kind: str,
    fmt: str,
    rows: int,
    purpose: str,
    period: str = "",
    run: ReturnRun | None = None,
    child_ids: list[int] | tuple[int, ...] = (),
) -> ExportRecord:
    """One export: an ExportRecord and its audit row (verb "reporting.exported", the reason the purpose given, the rows
    and the record in `related`). Child ids go into the audit only for a small export naming a few children; a
    council-wide return's children are the run's, which the record points at."""
    if not purpose.strip():
        raise ValueError("An export needs the purpose it is for.")
    with transaction.atomic():
        # audited: reporting.exported, the audit row written in this transaction
        record = ExportRecord.objects.create(
            user=user, kind=kind, period=period, format=fmt, rows=rows, purpose=purpose.strip()[:500], run=run
        )
        audit_record(
            actor=user,
            verb="reporting.exported",
            target=record,
            child_ids=child_ids,
            reason=record.purpose,
            fields=["kind", "period", "format", "rows"],
            related={"rows": rows, "run": run.pk if run else None},
            kind=AuditEvent.Kind.READ,
        )
    return record
