"""Celery entry points for the shared record: load by id, call one service."""

import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(ignore_result=True)
def worker_heartbeat_task(*, source: str = "beat") -> None:
    worker_heartbeat_record(source=source, hostname=socket.gethostname())
