"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

from celery import Celery
from celery.signals import worker_ready

# DJANGO_SETTINGS_MODULE is not defaulted here: this module is imported whenever the ffp package is
# (the test plugin included), and a default would decide the settings before the caller could.
# make run, the Dockerfile and the tests each set it.

app = Celery("ffp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The default app in every thread, not only the one that imported this module: a @shared_task first used in another
# thread (a threaded web server's request, Django's live test server) would otherwise bind to Celery's own fallback
# app, whose broker is amqp://localhost, and every task sent from a request there would be refused (found by the
# reports page's journey, issue 16: the run's build was never sent).
app.set_default()


@worker_ready.connect
def _announce_worker(sender, **kwargs) -> None:
    # A heartbeat as soon as the worker consumes, so /healthz turns green without waiting a beat
    # interval; it goes through the broker like any other task, so it proves the round trip.
    sender.app.send_task("cases.tasks.worker_heartbeat_task", kwargs={"source": "worker_ready"})
