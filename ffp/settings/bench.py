"""Benchmarks: the dev stack's embedded services, but run as production runs (DEBUG off, so templates
are compiled once and cached, and no query log is kept)."""

from .dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
