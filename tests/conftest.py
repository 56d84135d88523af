"""Shared fixtures: personas, a real Celery worker process, and the browser on Debian's Chromium."""

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from cases.models import NeedLevel, Person, Role
from cases.services import person_create
from tests.factories import TEST_PASSWORD, AgencyFactory, TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def council(db):
    return AgencyFactory(name="Test Council Children's Social Care")


@pytest.fixture
def triage_officer(council):
    team = TeamFactory(name="Test Front Door", agency=council)
    return UserFactory(email="triage@example.test", full_name="Tess Triage", agency=council,
                       roles=[Role.TRIAGE_OFFICER], teams=[team])


@pytest.fixture
def partner_referrer(db):
    school = AgencyFactory(name="Test School", type="education")
    return UserFactory(email="dsl@example.test", full_name="Dee Ess", agency=school, roles=[Role.PARTNER_REFERRER])


# --- people, built through the services as users would build them ---------------------------------------


@pytest.fixture
def make_person(triage_officer):
    def make(first="Amelia", last="Hartley", dob=dt.date(2015, 3, 14), actor=None, **extra) -> Person:
        return person_create(actor=actor or triage_officer,
                             data={"first_name": first, "last_name": last, "date_of_birth": dob, **extra})
    return make


def need_level(code: str) -> NeedLevel:
    """A default need level; recreated if a transactional test's flush emptied migration 0005's rows."""
    from importlib import import_module

    levels = import_module("cases.migrations.0005_default_need_levels").LEVELS
    code_, name, rank, meaning, description = next(lv for lv in levels if lv[0] == code)
    return NeedLevel.objects.get_or_create(code=code_, defaults={"name": name, "rank": rank, "census_meaning": meaning,
                                                                 "description": description})[0]


@pytest.fixture
def level(db):
    return need_level


# --- a real Celery worker -------------------------------------------------------------------------


def _worker_env() -> dict[str, str]:
    """The worker reads and writes the test database (pytest-django's test_ffp), over real Redis."""
    settings = connection.settings_dict
    host = quote(settings["HOST"] or "localhost", safe="")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    user = quote(settings["USER"] or "postgres", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "ffp.settings.test"
    return env


@pytest.fixture
def celery_worker_process(transactional_db):
    """A `celery worker` in its own process, as in production (prefork pool, acks_late)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ffp", "worker", "--loglevel", "INFO", "--concurrency", "1",
         "--hostname", f"test-worker-{os.getpid()}@%h", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=_worker_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    yield proc
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    proc.output = out


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


# --- the browser ----------------------------------------------------------------------------------


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Browser tests need Debian's chromium: apt-get install chromium (or set CHROMIUM_PATH).")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "headless": True,
        # This machine's network is closed: without these Chromium retries blocked connections at every start.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; a strict Content-Security-Policy must not block the test's own probe.
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}
