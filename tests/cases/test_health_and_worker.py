"""/healthz and a real Celery worker consuming from Redis."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import WorkerHeartbeat
from cases.tasks import worker_heartbeat_task
from tests.support import wait_until


@pytest.mark.django_db
def test_healthz_is_503_until_a_worker_has_reported(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_healthz_is_200_with_a_fresh_heartbeat_and_503_when_stale(client, settings):
    WorkerHeartbeat.objects.create(source="beat", last_seen=timezone.now() - dt.timedelta(seconds=10))
    assert client.get("/healthz").status_code == 200
    WorkerHeartbeat.objects.filter(source="beat").update(
        last_seen=timezone.now() - dt.timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS + 1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["heartbeat_age_seconds"] > settings.HEARTBEAT_STALE_SECONDS


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    WorkerHeartbeat.objects.create(source="beat", last_seen=timezone.now())
    settings.REDIS_URL = "unix:///nonexistent/redis.sock"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_a_task_sent_through_redis_is_run_by_a_real_worker(celery_worker_process):
    # The worker announces itself with a heartbeat of its own once it is consuming.
    assert wait_until(lambda: WorkerHeartbeat.objects.filter(source="worker_ready").exists(), timeout=60), (
        celery_worker_process.output or "the worker never became ready"
    )
    sent = worker_heartbeat_task.delay(source="pytest").id
    assert wait_until(lambda: celery_worker_process.finished(sent), timeout=30), celery_worker_process.output
    beat = WorkerHeartbeat.objects.filter(source="pytest").first()
    assert beat is not None, "the task sent through Redis was never run"
    assert (timezone.now() - beat.last_seen).total_seconds() < 60
    assert celery_worker_process.alive(), "the worker died"


def test_celery_is_configured_for_at_least_once_delivery(settings):
    from ffp.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
    assert "worker-heartbeat" in app.conf.beat_schedule
