"""The quarterly draft (issue 16 item 6): on the first working day after a quarter ends (cases.workdays: weekends,
England's bank holidays and the council's closure days skipped), the schedule prepares the draft FFP return for it (a
ReturnRun with requested_by None, which reads council-wide) and tells every manager once (cases.services.notify, a
unique key per quarter and manager). The beat runs it each morning: a day missed (the beat down) is caught up the
next day it runs, and a rerun, or two at once, prepares and notifies once."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.urls import reverse

from cases.models import Role, User
from cases.services.notifications import notify
from cases.workdays import Calendar

from ..models import ReturnRun, RunKind
from ..periods import previous_quarter, quarter_dates

NOTIFICATION_KIND = "reporting.ffp_return_draft"
RECIPIENT_ROLES = (Role.MANAGER,)
_LOCK = 16_004  # pg_advisory_xact_lock key: one preparer at a time


def draft_due_on(quarter: str, calendar: Calendar | None = None) -> dt.date:
    """The first working day after the quarter's last day."""
    _, last = quarter_dates(quarter)
    return (calendar or Calendar.from_database()).next_working_day(last)


def prepare_quarterly_draft(today: dt.date) -> ReturnRun | None:
    """The draft of the quarter before `today`'s, once its day has come: made (and built, here in the worker) if the
    schedule has not made it yet, then the managers told. None before the day."""
    from ..tasks import build_return

    quarter = previous_quarter(today)
    if today < draft_due_on(quarter):
        return None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        run = ReturnRun.objects.filter(kind=RunKind.FFP_RETURN, period=quarter, requested_by=None).first()
        created = run is None
        if created:
            # audited: the beat's scheduled run (no person); what it builds is audited when exported
            run = ReturnRun.objects.create(
                kind=RunKind.FFP_RETURN,
                period=quarter,
                purpose=f"Draft FFP quarterly return for {quarter}, prepared by the schedule",
                requested_by=None,
            )
    if created or run.status in {"queued", "failed"}:
        run = build_return(run.pk)
    if run.status == "done":
        notify_managers(run)
    return run


def notify_managers(run: ReturnRun) -> int:
    """Each active manager once per quarter's draft; how many were told now."""
    link = reverse("reporting:run", args=[run.pk])
    told = 0
    for user in User.objects.filter(is_active=True, groups__name__in=RECIPIENT_ROLES).distinct():
        if notify(
            user=user,
            kind=NOTIFICATION_KIND,
            title=f"The draft FFP quarterly return for {run.period} is ready to check",
            body="Check the figures and the grant ledger before the return is submitted to DfE.",
            link=link,
            unique_key=f"{NOTIFICATION_KIND}:{run.period}:{user.pk}",
        ):
            told += 1
    return told
