"""The platform's own state: the Celery worker's heartbeat read by /healthz."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the heartbeat task, per source (beat or worker start)."""

    source = models.CharField(max_length=32, unique=True)
    last_seen = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.source} @ {self.last_seen:%H:%M:%S}"
