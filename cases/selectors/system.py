"""The platform's own state: the latest worker heartbeat."""

from datetime import datetime

from django.db.models import Max

from ..models import (
    WorkerHeartbeat,
)


def worker_heartbeat_latest() -> datetime | None:
    """When any worker last ran the heartbeat task, or None if never."""
    return WorkerHeartbeat.objects.aggregate(latest=Max("last_seen"))["latest"]
