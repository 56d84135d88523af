"""Tests: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set, see ffp.testing)."""

import os

from .base import *  # noqa: F403
from .env import env_database

DEBUG = False
TESTING = True
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
DATABASES = {"default": env_database("DATABASE_URL", "postgres://postgres@localhost:5432/ffp")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The owner role's connection (it owns the tables): pytest-django creates and flushes the test database through
# it, and tests.support.owner_connection() opens it. Same server and test database as DATABASES["default"].
DATABASE_OWNER = env_database(
    "DATABASE_OWNER_URL", os.environ.get("DATABASE_URL") or "postgres://postgres@localhost:5432/ffp"
)
# Several test runs can share one server, each with its own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("FFP_TEST_DB", "test_ffp")}
# The audit table refuses TRUNCATE unless this maintenance flag is set on the connection; only the
# test database sets it, so that Django can empty tables between transactional tests.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c ffp.audit_maintenance=on"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests log in thousands of times
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
