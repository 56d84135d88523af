"""B21: `kill -9` of the Celery worker during a deadline-alert sweep with many alerts due.

The sweep (cases.services.deadlines.deadline_sweep) handles each deadline in a transaction of its own with the row
locked, every alert carries a unique key, and the task is acknowledged only when it has finished (acks_late,
reject_on_worker_lost): a SIGKILL mid-sweep rolls back the deadline in hand and leaves the message to be run again.
First the pool child is killed (its worker re-queues the task at once), then the whole worker (main process and
child: the message stays unacknowledged in Redis until the visibility timeout returns it to the queue, where a new
worker finds it). Every alert must arrive, none twice, and the time from the second kill to the last alert is the
recovery time. Figures are printed (pytest -s) for the battery's closing note.

Scale: N deadlines (RELIABILITY_DEADLINES, default 400) each with one alert, one audit row and one chronology entry;
the run is about 20 s of fixed start-up and the visibility timeout (20 s here; 600 s in production, see README) plus
N x ~10 ms of sweeping, so 4,000 deadlines would add about 40 s.
"""

import datetime as dt
import os
import time

import pytest
from django.utils import timezone

from cases.models import Deadline
from cases.tasks import deadline_sweep_task
from tests.cases import reliability as rel
from tests.factories import UserFactory
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINES = int(os.environ.get("RELIABILITY_DEADLINES", "400"))
# Short limits for the worker processes of this test, so that a killed worker's message comes back within it:
# visibility timeout 20 s (> the 15 s hard time limit, as in production: 600 s > 300 s).
CRASH_ENV = {
    "CELERY_TASK_SOFT_TIME_LIMIT": 12,
    "CELERY_TASK_TIME_LIMIT": 15,
    "CELERY_VISIBILITY_TIMEOUT": 20,
}


def test_kill_9_of_the_worker_child_and_then_the_whole_worker_mid_sweep_loses_no_alert_and_sends_none_twice(
    make_person,
):
    users = [UserFactory() for _ in range(5)]
    people = [make_person(first=f"Child{i}", last="Reliability").pk for i in range(5)]
    now = timezone.now()
    ids = rel.make_deadlines(
        users=users, person_ids=people, due=[now - dt.timedelta(minutes=1, seconds=i) for i in range(DEADLINES)]
    )
    first = rel.start_worker("crash-a", **CRASH_ENV)
    second = None
    try:
        rel.wait_ready(first)
        started = time.monotonic()
        deadline_sweep_task.delay()

        # 1. The pool child, once the sweep is a quarter of the way through.
        assert wait_until(lambda: rel.overdue_count() >= DEADLINES // 4, timeout=60, interval=0.02), first.output
        rel.kill_child(first)
        at_first_kill = rel.overdue_count()
        assert at_first_kill < DEADLINES, "the sweep finished before the kill: raise RELIABILITY_DEADLINES"

        # The worker re-queues the task (reject_on_worker_lost) and a new child goes on with it.
        assert wait_until(lambda: rel.overdue_count() >= at_first_kill + DEADLINES // 4, timeout=60, interval=0.02), (
            first.output
        )
        # 2. The whole worker, main process and child.
        rel.kill_whole(first)
        killed = time.monotonic()
        at_second_kill = rel.overdue_count()
        assert at_second_kill < DEADLINES, "the sweep finished before the second kill: raise RELIABILITY_DEADLINES"

        # A new worker; nobody sends another sweep: the killed worker's unacknowledged message comes back from Redis
        # after the visibility timeout, and the new worker runs it.
        second = rel.start_worker("crash-b", **CRASH_ENV)
        rel.wait_ready(second)
        second_ready = time.monotonic()
        assert wait_until(lambda: rel.overdue_count() == DEADLINES, timeout=150, interval=0.2), (
            f"{rel.overdue_count()} of {DEADLINES} alerts\n{second.output}"
        )
        recovered = time.monotonic()

        # Beat's next sweep, as it sends every minute, changes nothing.
        again = deadline_sweep_task.delay().id
        assert wait_until(lambda: second.finished(again), timeout=60), second.output
        report = rel.exactly_once_report(ids)
    finally:
        for worker in (first, second):
            if worker is not None and worker.alive():
                worker.stop()

    print(
        f"\nB21: {DEADLINES} alerts due; child killed at {at_first_kill}, whole worker killed at {at_second_kill}; "
        f"recovery {recovered - killed:.1f} s after the second kill, of which the new worker's start "
        f"{second_ready - killed:.1f} s (visibility timeout "
        f"{CRASH_ENV['CELERY_VISIBILITY_TIMEOUT']} s); total {recovered - started:.1f} s; {report}"
    )
    assert report["missing"] == []
    assert report["alerts"] == DEADLINES
    assert report["breached"] == DEADLINES
    assert report["alert_duplicates"] == report["audit_duplicates"] == report["chronology_duplicates"] == 0
    assert not Deadline.objects.filter(pk__in=ids, state=Deadline.State.OPEN, breached_at__isnull=True).exists()
    # Once a worker runs again, the recovery is bounded by the visibility timeout, the restore scan (every 10 s) and
    # one sweep (a few seconds; generous here for a busy CI machine).
    assert recovered - second_ready < CRASH_ENV["CELERY_VISIBILITY_TIMEOUT"] + 10 + 30
