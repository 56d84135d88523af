"""The time the background processes act on: `now()`.

In production and development it is `timezone.now()`, nothing more. The tests need to move time forward for
processes they start (a Celery worker, beat): time-machine and freezegun patch only the test's own process, so a
sweep run by a real worker would never see the two hours of downtime a test simulates (issue 17 item 6, B22).
With the setting TEST_CLOCK (ffp.settings.test only) `now()` adds an offset, in seconds, read from Redis at each
call, so the test process and every process it starts (they share REDIS_URL) agree on the time.

It can never be moved in production: without TEST_CLOCK the Redis key is never read, and the production settings
refuse TEST_CLOCK (ffp.settings.prod). Code that decides when something is due or how old something is (the deadline
sweeper, the worker heartbeat and /healthz) reads this instead of timezone.now().
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

# The Redis key holding the offset in seconds (a float), in the tests only.
OFFSET_KEY = "ffp:test-clock:offset-seconds"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def offset() -> dt.timedelta:
    """How far the test clock is ahead of the real one (always zero without TEST_CLOCK)."""
    if not getattr(settings, "TEST_CLOCK", False):
        return dt.timedelta(0)
    import redis

    try:
        value = _redis().get(OFFSET_KEY)
    except redis.RedisError:  # a test of Redis being down (/healthz) still needs a time: the real one
        return dt.timedelta(0)
    return dt.timedelta(seconds=float(value)) if value else dt.timedelta(0)


def now() -> dt.datetime:
    """The current time (aware), as the background processes should see it."""
    return timezone.now() + offset()


def set_offset(delta: dt.timedelta) -> None:
    """Move the clock of every process sharing this Redis (tests only)."""
    if not getattr(settings, "TEST_CLOCK", False):
        raise RuntimeError("The clock can only be moved with TEST_CLOCK (ffp.settings.test).")
    _redis().set(OFFSET_KEY, repr(delta.total_seconds()))


def advance(delta: dt.timedelta) -> None:
    """Move the shared test clock forward by `delta` (tests only)."""
    set_offset(offset() + delta)


def reset() -> None:
    """Back to real time (tests only)."""
    if getattr(settings, "TEST_CLOCK", False):
        _redis().delete(OFFSET_KEY)
