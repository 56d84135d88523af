"""Reading configuration from the environment: a missing or malformed value fails at start, naming it."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}: it is required in these settings.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str | None = None) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_database(name: str = "DATABASE_URL", default: str | None = None) -> dict:
    url = env_str(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"The environment variable {name} is not a database URL: {exc}") from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name} must point at PostgreSQL (postgres://...); FFP Case needs PostgreSQL.")
    return config


def env_database_roles(default: str | None = None) -> tuple[dict, str]:
    """DATABASES["default"] and the application role's name, from the two database URLs (README, "Two database
    roles"):

    - DATABASE_URL: the application role (web, worker, beat), which owns nothing and may not rewrite the audit;
    - DATABASE_OWNER_URL: the owner role, given only to the processes doing the owner's work (migrate, seed_demo,
      generate_dataset and its VACUUM). A process that has it connects as the owner.

    The application role is DATABASE_URL's user: migrate grants it what it needs (cases.database_roles)."""
    app = env_database("DATABASE_URL", default)
    if os.environ.get("DATABASE_OWNER_URL"):
        return env_database("DATABASE_OWNER_URL"), app["USER"]
    return app, app["USER"]


def env_redis(name: str = "REDIS_URL", default: str | None = None) -> str:
    url = env_str(name, default)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must be a redis://, rediss:// or unix:// URL, not {url!r}.")
    return url


def celery_broker_url(redis_url: str) -> str:
    """Kombu spells a Unix-socket Redis as redis+socket://; redis-py as unix://."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url[len("unix://") :]
    return redis_url
