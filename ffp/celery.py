"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

from celery import Celery
from celery.signals import worker_ready

# DJANGO_SETTINGS_MODULE is not defaulted here: this module is imported whenever the ffp package is
# (the test plugin included), and a default would decide the settings before the caller could.
# make run, the Dockerfile and the tests each set it.

app = Celery("ffp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _announce_worker(sender, **kwargs) -> None:
    # A heartbeat as soon as the worker consumes, so /healthz turns green without waiting a beat
    # interval; it goes through the broker like any other task, so it proves the round trip.
    sender.app.send_task("cases.tasks.worker_heartbeat_task", kwargs={"source": "worker_ready"})
