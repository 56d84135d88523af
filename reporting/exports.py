"""What every export of child-level data does (issue 16 item 9): record who, what, how many rows and why, with an
audit row in the same transaction; and write spreadsheet cells that a spreadsheet program cannot run as formulas.

Export volume (battery B18): an export that would take its user's exported rows in the rolling last hour (the
ExportRecords' rows, this export's included) over settings.EXPORT_ROWS_PER_HOUR is produced only after the user
has proved their second factor again within the last 5 minutes (cases.mfa's step-up: the confirm page, back to the
download), and raises a privacy alert naming the rows and the exports, once per user per hour
(`export_volume_check`). Exports under the threshold are unchanged (one more query)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cases import mfa
from cases.models import AuditEvent, User
from cases.services.audit import audit_record
from cases.services.breakglass import EXPORT_VOLUME_WINDOW, export_volume_alert

from .models import ExportRecord, ReturnRun, RunKind

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


def export_rows_in_window(*, user: User, now: dt.datetime | None = None) -> int:
    """The rows this user exported in the rolling hour ending now."""
    now = now or timezone.now()
    found = ExportRecord.objects.filter(user=user, occurred_at__gt=now - EXPORT_VOLUME_WINDOW).aggregate(n=Sum("rows"))
    return int(found["n"] or 0)


def _label(kind: str) -> str:
    try:
        return str(RunKind(kind).label)
    except ValueError:
        return kind


def export_volume_check(request, *, kind: str, fmt: str, rows: int, period: str = ""):
    """B18, before an export is produced: None when it may go ahead (the hour's rows with it stay within
    EXPORT_ROWS_PER_HOUR, or the user proved their second factor in the last 5 minutes); otherwise the redirect to
    the confirm page, which comes back to this download. Over the threshold the privacy officer is alerted (once per
    user per hour) whether or not the step-up follows."""
    user, now = request.user, timezone.now()
    threshold = settings.EXPORT_ROWS_PER_HOUR
    total = export_rows_in_window(user=user, now=now) + int(rows)
    if total <= threshold:
        return None
    exports = [
        {
            "id": r["pk"],
            "label": _label(r["kind"]),
            "format": r["format"],
            "period": r["period"],
            "rows": r["rows"],
            "at": r["occurred_at"].isoformat(),
        }
        for r in ExportRecord.objects.filter(user=user, occurred_at__gt=now - EXPORT_VOLUME_WINDOW)
        .order_by("occurred_at", "pk")
        .values("pk", "kind", "format", "period", "rows", "occurred_at")
    ]
    asked = {"label": _label(kind), "format": fmt, "period": period, "rows": int(rows), "at": now.isoformat()}
    export_volume_alert(user=user, rows=total, threshold=threshold, exports=exports, asked=asked, now=now)
    return mfa.require_recent_second_factor(request, purpose="export_volume")
