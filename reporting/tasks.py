"""Background builds of the returns (issue 16 items 1 and 6): a run's builder writes its file while the page polls its
progress; the scheduled drafts (the quarterly return, the monthly census) are added by their areas."""

import datetime as dt
import gzip
import io
import logging
import time

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .builders import builder
from .models import ReturnRun, RunStatus

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5


# How long one build may take (a census with DfE's validator at a large council takes far longer than the project's
# default task limit of 5 minutes). A run "running" for longer than this was killed with its worker: it may be claimed
# again. Until then a second delivery (acks_late redelivers after the broker's visibility timeout, even while the
# first is still building) leaves it alone, so a run is built once.
RUN_TIME_LIMIT_SECONDS = 3 * 60 * 60


@shared_task(
    ignore_result=True, acks_late=True, time_limit=RUN_TIME_LIMIT_SECONDS, soft_time_limit=RUN_TIME_LIMIT_SECONDS - 60
)
def build_return_task(run_id: int) -> None:
    build_return(run_id)


def _abandoned() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=RUN_TIME_LIMIT_SECONDS)


def build_return(run_id: int) -> ReturnRun | None:
    """Build one queued run. Claimed with a row lock: a run that is done, or being built (running for less than the
    time limit), is left alone, so a task delivered twice builds it once; a run left 'running' past the limit (its
    worker killed) is built again."""
    with transaction.atomic():
        run = ReturnRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
        if run is None or run.status == RunStatus.DONE:
            return run
        if run.status == RunStatus.RUNNING and run.started_at and run.started_at > _abandoned():
            return run
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.progress_done = 0
        run.error = ""
        # audited: the run's own build state, by the worker (no person); its output is audited when exported
        run.save(update_fields=["status", "started_at", "progress_done", "error"])
    found = builder(run.kind)
    last = [0.0]

    def progress(done: int, total: int, label: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS and done < total:
            return
        last[0] = now
        # audited: the run's own build state, by the worker (no person); its output is audited when exported
        ReturnRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total, progress_label=label[:200])

    try:
        if found is None:
            raise LookupError(f"No builder is registered for {run.kind}")
        built = found.build(run, progress)
    except Exception as error:
        log.exception("return run %s (%s %s) failed", run.pk, run.kind, run.period)
        # audited: the run's own build state, by the worker (no person); its output is audited when exported
        ReturnRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        run.refresh_from_db()
        return run
    compressed, size = _compress(built.content)
    # audited: the run's own build state, by the worker (no person); its output is audited when exported
    ReturnRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        filename=built.filename,
        content_type=built.content_type,
        content=compressed,
        size=size,
        rows=built.rows,
        summary=built.summary,
        progress_done=built.rows,
        progress_total=built.rows,
    )
    run.refresh_from_db()
    return run


def _compress(content) -> tuple[bytes, int]:
    """gzip the built file in chunks (a file object) or whole (bytes): (compressed, size uncompressed)."""
    if isinstance(content, bytes | bytearray):
        return gzip.compress(bytes(content), compresslevel=6), len(content)
    out = io.BytesIO()
    size = 0
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as archive:
        while chunk := content.read(1 << 20):
            archive.write(chunk)
            size += len(chunk)
    content.close()
    return out.getvalue(), size


def queue_run(run: ReturnRun) -> None:
    """Send the run's build to a worker once the transaction that made it commits. If the broker is down the run is
    still recorded (queued): the page says it is waiting, and the minute's sweep (queued_runs_sweep_task) sends it
    when the broker is back. Asking must never fail the manager's request."""

    def send() -> None:
        try:
            build_return_task.apply_async((run.pk,), retry=False)
        except Exception:  # any broker failure: the sweep is the safety net
            log.warning("could not queue return run %s; the sweep will send it", run.pk)

    transaction.on_commit(send)


# A queued run no worker has claimed for this long is sent again (its first message was lost, or never sent).
REQUEUE_AFTER_SECONDS = 60


@shared_task(ignore_result=True)
def queued_runs_sweep_task() -> int:
    return queued_runs_sweep()


def queued_runs_sweep() -> int:
    """Send again each run still waiting a minute after it was asked for, and each run left running past the time
    limit (its worker was killed). build_return claims a run once, so a run sent twice is built once."""
    cutoff = timezone.now() - dt.timedelta(seconds=REQUEUE_AFTER_SECONDS)
    waiting = list(
        ReturnRun.objects.filter(
            Q(status=RunStatus.QUEUED, created_at__lt=cutoff) | Q(status=RunStatus.RUNNING, started_at__lt=_abandoned())
        ).values_list("pk", flat=True)[:50]
    )
    for pk in waiting:
        build_return_task.apply_async((pk,), retry=False)
    return len(waiting)


@shared_task(ignore_result=True, acks_late=True)
def monthly_draft_census_task() -> None:
    """The beat's monthly draft census (issue 16 item 6): once a month, the census of the year being prepared checked by
    DfE's validator, its issues on the data-quality page (reporting.quality.draft)."""
    from .quality.draft import schedule_monthly_draft

    run = schedule_monthly_draft(timezone.localdate())
    if run is not None:
        build_return(run.pk)


@shared_task(ignore_result=True)
def ffp_return_quarterly_draft_task(today: str | None = None) -> int | None:
    """Daily from the beat (issue 16 item 6): on the first working day after a quarter ends, the draft FFP quarterly
    return and the managers' notification (reporting.ffp_return.schedule). The run's id, or None before the day.
    `today` (ISO date): the day to act as (the beat gives none: the local date)."""
    import datetime as dt

    from .ffp_return.schedule import prepare_quarterly_draft

    run = prepare_quarterly_draft(dt.date.fromisoformat(today) if today else timezone.localdate())
    return None if run is None else run.pk
