"""B22: the sweeper under two beats at once, and its catch-up after two hours of downtime, with real `celery beat`
and `celery worker` processes on the test database.

- Two beat processes (each with its own schedule file, as on two hosts) send a deadline sweep every second for
  RELIABILITY_BEATS_SECONDS (default 120 s, the issue's two minutes: some 240 sweeps, two at a time on a worker of
  two pool processes) while deadlines fall due: each is alerted exactly once (the sweep locks each deadline with
  SKIP LOCKED and every alert has a unique key; the audit rows and chronology entries, which have no key, show any
  double handling).
  In production beat sends one a minute: 120 s here at one a second is as many overlapping sweeps as 4 hours of
  two production beats. Scale: the time is the setting; the deadlines (200) cost little.
- Worker and beat stopped, the shared clock (ffp.clock) moved on two hours, then started: every deadline that fell
  due meanwhile is alerted once and flagged late (found more than 5 minutes after it was due); the later ones are
  left alone (warned if their reminder came); /healthz is 200 with the worker back, and 503 once its heartbeat is
  older than HEARTBEAT_STALE_SECONDS (180 s) of the moved clock. About 40 s; 120 deadlines (one a minute).
"""

import datetime as dt
import os
import re
import time

import pytest
from django.utils import timezone

from cases.models import Deadline, Notification
from ffp import clock
from tests.cases import reliability as rel
from tests.factories import UserFactory
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

BEATS_SECONDS = int(os.environ.get("RELIABILITY_BEATS_SECONDS", "120"))


@pytest.fixture(autouse=True)
def _real_time():
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def processes():
    started: list = []
    yield started
    for process in started:
        if process.alive():
            process.stop()


def test_two_beats_at_once_send_every_deadline_alert_exactly_once(make_person, processes, tmp_path):
    users = [UserFactory() for _ in range(4)]
    people = [make_person(first=f"Child{i}", last="Beats").pk for i in range(4)]
    env = {"DEADLINE_SWEEP_SECONDS": 1}
    worker = rel.start_worker("beats", concurrency=2, **env)
    processes.append(worker)
    beats = [rel.start_beat(tmp_path / name, **env) for name in ("beat-a", "beat-b")]
    processes.extend(beats)
    rel.wait_ready(worker)
    for beat in beats:
        assert wait_until(lambda beat=beat: "Sending due task deadline-sweep" in beat.output, timeout=60), beat.output
    # Deadlines falling due all through the run, each warned 3 s before.
    start = timezone.now()
    count = 200
    span = dt.timedelta(seconds=BEATS_SECONDS - 6)
    ids = rel.make_deadlines(
        users=users,
        person_ids=people,
        due=[start + dt.timedelta(seconds=3) + span * i / count for i in range(count)],
        warn_before=dt.timedelta(seconds=3),
    )
    time.sleep(max(0.0, BEATS_SECONDS - (timezone.now() - start).total_seconds()))  # the processes run this long
    for beat in beats:
        beat.stop()
    assert wait_until(lambda: rel.overdue_count() == count, timeout=60), worker.output[-3000:]
    report = rel.exactly_once_report(ids)
    sent = [beat.output.count("Sending due task deadline-sweep") for beat in beats]
    received = len(re.findall(r"Task cases\.tasks\.deadline_sweep_task\[\S+\] received", worker.output))
    warned = Notification.objects.filter(kind=f"{rel.KIND}.due_soon").count()
    print(f"\nB22 two beats for {BEATS_SECONDS} s: sweeps sent {sent}, received by the worker {received}; {report}")
    assert all(n >= BEATS_SECONDS // 2 for n in sent), f"each beat sends a sweep a second: {sent}"
    assert report["missing"] == []
    assert report["alerts"] == report["breached"] == count
    assert report["alert_duplicates"] == report["audit_duplicates"] == report["chronology_duplicates"] == 0
    assert report["late"] == 0  # swept every second: none found late
    assert warned <= count
    assert Notification.objects.filter(kind=f"{rel.KIND}.due_soon").values("unique_key").distinct().count() == warned


def test_after_two_hours_down_every_missed_deadline_is_alerted_once_and_flagged_late(
    make_person, processes, tmp_path, client, settings
):
    users = [UserFactory() for _ in range(3)]
    people = [make_person(first=f"Child{i}", last="Downtime").pk for i in range(3)]
    t0 = timezone.now()
    missed = rel.make_deadlines(
        users=users,
        person_ids=people,
        due=[t0 + dt.timedelta(minutes=i) for i in range(1, 121)],  # one a minute through the two hours
        warn_before=dt.timedelta(minutes=30),
    )
    later = rel.make_deadlines(
        users=users,
        person_ids=people,
        due=[t0 + dt.timedelta(hours=2, minutes=m) for m in (20, 40, 60, 80)],
        warn_before=dt.timedelta(minutes=30),
        first=1000,
    )
    # Everything is down (no worker, no beat) while two hours pass.
    clock.advance(dt.timedelta(hours=2, minutes=1))
    env = {"DEADLINE_SWEEP_SECONDS": 2}
    started = time.monotonic()
    worker = rel.start_worker("catch-up", **env)
    processes.append(worker)
    beat = rel.start_beat(tmp_path / "beat", **env)
    processes.append(beat)
    assert wait_until(lambda: rel.overdue_count() == len(missed), timeout=90), worker.output[-3000:]
    caught_up = time.monotonic() - started
    assert wait_until(lambda: client.get("/healthz").status_code == 200, timeout=30)

    report = rel.exactly_once_report(missed)
    rows = {d.pk: d for d in Deadline.objects.filter(pk__in=missed + later)}
    expected_late = {pk for pk in missed if rows[pk].breached_at - rows[pk].due_at > dt.timedelta(minutes=5)}
    flagged_late = {pk for pk in missed if rows[pk].breach_detected_late}
    print(f"\nB22 catch-up after 2 h down: {len(missed)} missed, caught up {caught_up:.1f} s after start; {report}")
    assert report["missing"] == []
    assert report["alerts"] == report["breached"] == len(missed)
    assert report["alert_duplicates"] == report["audit_duplicates"] == report["chronology_duplicates"] == 0
    assert flagged_late == expected_late
    assert len(flagged_late) >= 110  # all but those due in the last few minutes before the start
    late_bodies = Notification.objects.filter(kind=f"{rel.KIND}.overdue", body__contains="Found late").count()
    assert late_bodies == len(flagged_late)
    # Missed reminders are not sent after the breach (the breach alert says it all); later ones are left open.
    assert not Notification.objects.filter(
        kind=f"{rel.KIND}.due_soon", unique_key__in=[f"deadline:{pk}:warn:{rows[pk].assignee_id}" for pk in missed]
    ).exists()
    assert all(rows[pk].state == Deadline.State.OPEN and rows[pk].breached_at is None for pk in later)
    assert rows[later[0]].warned_at is not None  # due 19 minutes after the moved clock: its reminder went

    # Worker and beat stopped again: once the heartbeat is older than the limit in the moved clock, /healthz is 503.
    beat.stop()
    worker.stop()
    clock.advance(dt.timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS + 1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
