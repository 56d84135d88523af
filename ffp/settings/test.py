"""Tests: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set, see ffp.testing)."""

import os

from .base import *  # noqa: F403
from .env import env_database

DEBUG = False
TESTING = True
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
# Every test runs as the application role (DATABASE_URL)...
DATABASES = {"default": env_database("DATABASE_URL", "postgres://ffp_app@localhost:5432/ffp")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
# ...and the owner role (it owns the tables) creates, migrates and flushes the test database (tests/conftest.py);
# tests.support.owner_connection() opens a connection as it. Same server and test database as "default".
# (With only DATABASE_URL set, both are that one role: the tests of the two roles then fail, saying so.)
DATABASE_OWNER = env_database("DATABASE_OWNER_URL", os.environ.get("DATABASE_URL") or "postgres://ffp_owner@/ffp")
# Several test runs can share one server, each with its own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("FFP_TEST_DB", "test_ffp")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests log in thousands of times
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The injectable clock (ffp.clock): the test and the worker and beat processes it starts share an offset in Redis.
TEST_CLOCK = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# In parallel (pytest-xdist) each worker's tasks go to a queue of its own, which the Celery worker processes its tests
# start consume (they inherit PYTEST_XDIST_WORKER): a task sent by one worker's test never runs against another
# worker's test database. (Each worker has its own embedded Redis as well: ffp.testing.services.)
if os.environ.get("PYTEST_XDIST_WORKER"):
    CELERY_TASK_DEFAULT_QUEUE = f"celery-{os.environ['PYTEST_XDIST_WORKER']}"
