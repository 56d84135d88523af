"""What the crash-safety tests of issue 17 (B21, B22) share: real `celery worker` and `celery beat` processes on the
test database and the test's Redis, killed with SIGKILL when a test says so; deadlines made in bulk; and the counts
that show every alert went out exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from cases.models import AuditEvent, ChronologyEntry, Deadline, Notification, User
from tests.support import WorkerProcess, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
KIND = "test.reliability"


def process_env(**extra: object) -> dict[str, str]:
    """A worker's or beat's environment: the test database (pytest-django's) as the application role, the test's
    Redis (inherited), the test settings (the shared clock: ffp.clock), and `extra` settings from the environment."""
    settings = connection.settings_dict
    host = quote(settings["HOST"] or "localhost", safe="")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    user = quote(settings["USER"] or "postgres", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "ffp.settings.test"
    env["PYTHONUNBUFFERED"] = "1"  # the log as it is written: the tests read it while the process runs
    env.update({key: str(value) for key, value in extra.items()})
    return env


def start_worker(name: str, *, concurrency: int = 1, **env: object) -> WorkerProcess:
    """A `celery worker` (prefork pool, acks_late, as in production) in a process group of its own."""
    return WorkerProcess(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ffp",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"{name}-{os.getpid()}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=process_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    )


def start_beat(schedule_dir: Path, **env: object) -> WorkerProcess:
    """A `celery beat` with a schedule file of its own (as a second host's beat would have)."""
    schedule_dir.mkdir(parents=True, exist_ok=True)
    return WorkerProcess(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ffp",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(schedule_dir / "celerybeat-schedule"),
                "--pidfile",
                str(schedule_dir / "beat.pid"),
            ],
            cwd=ROOT,
            env=process_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    )


def pool_children(pid: int) -> list[int]:
    """The prefork pool's child processes of a worker's main process (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except FileNotFoundError:
        return []


def kill_child(worker: WorkerProcess) -> int:
    """SIGKILL the worker's pool child (the process running the task); the worker's main process lives on."""
    children = wait_until(lambda: pool_children(worker.proc.pid), timeout=10)
    assert children, "the worker has no pool child to kill"
    os.kill(children[0], signal.SIGKILL)
    return children[0]


def kill_whole(worker: WorkerProcess) -> None:
    """SIGKILL the worker's main process and its children together (the machine lost power, the OOM killer)."""
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(timeout=10)


def wait_ready(worker: WorkerProcess, *, timeout: float = 60) -> None:
    assert wait_until(lambda: "ready." in worker.output, timeout=timeout), worker.output or "the worker never started"


def make_deadlines(
    *, users: list[User], person_ids: list[int], due: list[dt.datetime], warn_before=None, first: int = 0
) -> list[int]:
    """One open deadline per time in `due`, each assigned to one of `users` in turn and about one of `person_ids`
    in turn (so a breach writes a chronology entry too), in one insert; numbered from `first`."""
    rows = [
        Deadline(
            kind=KIND,
            label=f"Reliability check {first + i}",
            target_type="tests.reliability",
            target_id=str(first + i),
            person_ids=[person_ids[i % len(person_ids)]] if person_ids else [],
            due_at=at,
            warn_at=(at - warn_before) if warn_before else None,
            assignee=users[i % len(users)],
        )
        for i, at in enumerate(due)
    ]
    return [d.pk for d in Deadline.objects.bulk_create(rows)]


def overdue_count() -> int:
    return Notification.objects.filter(kind=f"{KIND}.overdue").count()


def exactly_once_report(ids: list[int]) -> dict[str, object]:
    """Per deadline: its breach alerts, its breach audit rows and its chronology entries, which must each be one.
    The alerts are unique by key in the database; the audit rows and chronology entries are not, so they are what
    would show a breach handled twice."""
    ids_text = [str(i) for i in ids]
    deadlines = {d.pk: d for d in Deadline.objects.filter(pk__in=ids)}
    alerts = Counter(
        int(key.split(":")[1])
        for key in Notification.objects.filter(kind=f"{KIND}.overdue").values_list("unique_key", flat=True)
    )
    audits = Counter(
        int(t)
        for t in AuditEvent.objects.filter(verb="deadline.breached", target_id__in=ids_text).values_list(
            "target_id", flat=True
        )
    )
    labels = {d.label: d.pk for d in deadlines.values()}
    chronology = Counter(
        labels[summary.removeprefix("Timescale missed: ").split(" (due ")[0]]
        for summary in ChronologyEntry.objects.filter(kind=f"{KIND}.breached").values_list("summary", flat=True)
    )
    return {
        "deadlines": len(ids),
        "breached": sum(1 for d in deadlines.values() if d.breached_at),
        "late": sum(1 for d in deadlines.values() if d.breach_detected_late),
        "alerts": sum(alerts.values()),
        "alert_duplicates": sum(n - 1 for n in alerts.values() if n > 1),
        "audit_duplicates": sum(n - 1 for n in audits.values() if n > 1),
        "chronology_duplicates": sum(n - 1 for n in chronology.values() if n > 1),
        "missing": sorted(set(ids) - {pk for pk, d in deadlines.items() if d.breached_at and alerts[pk] == 1}),
    }


def stopwatch() -> float:
    return time.monotonic()
