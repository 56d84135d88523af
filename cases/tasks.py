"""Celery entry points for the shared record: load by id, call one service."""

import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(ignore_result=True)
def worker_heartbeat_task(*, source: str = "beat") -> None:
    worker_heartbeat_record(source=source, hostname=socket.gethostname())


@shared_task(ignore_result=True)
def deadline_sweep_task() -> None:
    """Every minute (beat): warnings and breaches for every open deadline, exactly once each."""
    from .services import deadline_sweep

    deadline_sweep()


@shared_task(ignore_result=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notification_emails_send_task() -> None:
    from .services import notification_emails_send

    notification_emails_send()


@shared_task(ignore_result=True)
def audit_seal_task() -> None:
    """Every minute (beat): seal the audit's (and the other append-only tables') committed rows; each new seal's
    hash goes to the application log."""
    from .services.seals import audit_seal

    audit_seal()


@shared_task(ignore_result=True)
def retention_disposal_task() -> None:
    """Weekly (beat): dispose of every record the council's retention rules say is due and no legal hold keeps. Two
    runs at once dispose of each record once (person_dispose locks and re-checks it)."""
    from .services.retention import retention_run

    retention_run()


@shared_task(ignore_result=True)
def curious_colleague_sweep_task() -> None:
    """Every minute (beat): the curious-colleague rule over the last 30 minutes' read audit (issue 17 item 5, B28);
    each alert once per user per window."""
    from .services.breakglass import curious_colleague_sweep

    curious_colleague_sweep()
