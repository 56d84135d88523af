"""Helpers the tests call (fixtures live in conftest.py files): default need levels, a connection as the database's
owner role, a bounded poll on a real condition, and a Celery worker process whose log can be read while it runs."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import TypeVar

import psycopg
from django.db.models import Model, QuerySet

from cases.models import NeedLevel

NEED_LEVELS = ("universal", "targeted_early_help", "child_in_need", "child_protection", "pre_proceedings")

T = TypeVar("T")


def need_level(code: str) -> NeedLevel:
    """A default need level; recreated if a transactional test's flush emptied migration 0005's rows."""
    levels = import_module("cases.migrations.0005_default_need_levels").LEVELS
    code_, name, rank, meaning, description = next(lv for lv in levels if lv[0] == code)
    return NeedLevel.objects.get_or_create(
        code=code_, defaults={"name": name, "rank": rank, "census_meaning": meaning, "description": description}
    )[0]


@contextmanager
def owner_connection() -> Iterator[psycopg.Connection]:
    """A psycopg connection to the test database as the owner role (settings.DATABASE_OWNER), the role that owns
    every table, runs the migrations and may do what the application role may not: ALTER TABLE ... DISABLE TRIGGER,
    TRUNCATE. For a test that plays someone with the owner's rights, e.g. tampering with audit rows:

        with owner_connection() as owner:
            owner.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER USER")  # the triggers refuse even the owner
            owner.execute("UPDATE cases_auditevent SET reason = 'edited' WHERE id = %s", [event.pk])
            owner.execute("ALTER TABLE cases_auditevent ENABLE TRIGGER USER")

    It commits when the block ends without an error (rolls back otherwise). It is a connection of its own: it sees
    only committed rows, so use it in tests marked `django_db(transaction=True)`. (In a `db` test the test's open
    transaction holds locks an ALTER TABLE waits on: lock_timeout ends such a wait after 10 s with an error.)"""
    from django.conf import settings
    from django.db import connection

    owner = settings.DATABASE_OWNER
    params = {
        "host": owner["HOST"],
        "port": owner["PORT"],
        "user": owner["USER"],
        "password": owner["PASSWORD"],
        "dbname": connection.settings_dict["NAME"],  # the test database
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, options="-c lock_timeout=10s") as conn:
        yield conn


def _rows(source: type[Model] | QuerySet) -> list[dict]:
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    return list(queryset.order_by("pk").values())


@contextmanager
def unchanged(*sources: type[Model] | QuerySet) -> Iterator[None]:
    """Asserts that a refused request left these tables (or querysets) as they were: no row added, removed or
    edited, to the last field."""
    before = [_rows(source) for source in sources]
    yield
    for source, rows in zip(sources, before, strict=True):
        assert _rows(source) == rows, f"{source} changed although the request was refused"


def wait_until(predicate: Callable[[], T], timeout: float = 30.0, interval: float = 0.1) -> T:
    """Poll `predicate` until it returns something truthy or `timeout` seconds pass; its last value either way.

    Only for an event another process causes (a worker running a task): the caller asserts on the value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class WorkerProcess:
    """A `celery worker` subprocess, its log collected as it is written, so a test can wait for the worker to
    report that a task has finished rather than for a while."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self._lines.append(line)

    @property
    def output(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def finished(self, *task_ids: str) -> bool:
        """True once the worker has logged each task as done (succeeded, or failed: the test then says which)."""
        log = self.output
        return all(f"[{task_id}] succeeded" in log or f"[{task_id}] raised" in log for task_id in task_ids)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=5)


def api_as(user=None):
    """A DRF test client signed in as `user` (None: not signed in), for tests that switch between several users."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def squash_html(html: str) -> str:
    """Markup with its layout whitespace gone (runs of spaces made one, none beside a tag): to compare what a tag
    written in Python renders with the template it replaced, whose indents were only layout."""
    return re.sub(r"\s*(<|>)\s*", r"\1", " ".join(html.split()))
