"""The platform's own writes: the worker heartbeat."""

from django.db import transaction

from ffp import clock

from ..models import (
    WorkerHeartbeat,
)


@transaction.atomic
def worker_heartbeat_record(*, source: str, hostname: str = "") -> WorkerHeartbeat:
    """Note that a worker is alive and consuming tasks (read by /healthz)."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        source=source[:32], defaults={"last_seen": clock.now(), "hostname": hostname[:200]}
    )
    return heartbeat
