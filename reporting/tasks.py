"""Background builds of the returns (issue 16 items 1 and 6): a run's builder writes its file while the page polls its
progress; the scheduled drafts (the quarterly return, the monthly census) are added by their areas."""

import datetime as dt
import gzip
import io
import logging
import time

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .builders import builder
from .models import ReturnRun, RunStatus

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5


@shared_task(ignore_result=True, acks_late=True)
def build_return_task(run_id: int) -> None:
    build_return(run_id)


def build_return(run_id: int) -> ReturnRun | None:
    """Build one queued run. Claimed with a row lock, so a task delivered twice (acks_late after a crash) builds it
    once; a run left 'running' by a killed worker is built again by the next delivery."""
    with transaction.atomic():
        run = ReturnRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
        if run is None or run.status == RunStatus.DONE:
            return run
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.progress_done = 0
        run.error = ""
        run.save(update_fields=["status", "started_at", "progress_done", "error"])
    found = builder(run.kind)
    last = [0.0]

    def progress(done: int, total: int, label: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS and done < total:
            return
        last[0] = now
        ReturnRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total, progress_label=label[:200])

    try:
        if found is None:
            raise LookupError(f"No builder is registered for {run.kind}")
        built = found.build(run, progress)
    except Exception as error:
        log.exception("return run %s (%s %s) failed", run.pk, run.kind, run.period)
        ReturnRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        run.refresh_from_db()
        return run
    compressed, size = _compress(built.content)
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


# A queued run no worker has claimed for this long is sent again (its first message was lost, or never sent); a
# running one whose worker died (no progress for this long) is claimed again by the next delivery.
REQUEUE_AFTER_SECONDS = 60


@shared_task(ignore_result=True)
def queued_runs_sweep_task() -> int:
    return queued_runs_sweep()


def queued_runs_sweep() -> int:
    """Send again each run still waiting a minute after it was asked for. Claiming is by row lock in build_return,
    so a run sent twice is built once."""
    cutoff = timezone.now() - dt.timedelta(seconds=REQUEUE_AFTER_SECONDS)
    waiting = list(
        ReturnRun.objects.filter(status=RunStatus.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)[:50]
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
