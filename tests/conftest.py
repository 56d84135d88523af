"""Shared fixtures for every app's tests: the personas (tests/personas.py), the default need levels, people and a
family built through the services, a real Celery worker process, and the browser on Debian's Chromium."""

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from guardian.shortcuts import clear_ct_cache
from psycopg import sql

from cases.models import FamilyCaseMember, Person, WorkRequest
from cases.services import episode_open, family_case_create, person_create, relationship_add, work_request_create
from tests import personas, two_factor
from tests.factories import TEST_PASSWORD
from tests.support import NEED_LEVELS, WorkerProcess, need_level, owner_connection

ROOT = Path(__file__).resolve().parent.parent

# Two-factor sign-in (issue 17 item 1): client.force_login(user) skips the password and, from here on, the code too
# (a real confirmed TOTP device for the user, the session marked verified by cases.mfa.mark_verified). A test of the
# refusal signs in with tests.two_factor.password_only(client, user) instead. See tests/two_factor.py.
two_factor.install_force_login()


# --- the two database roles: the owner creates, migrates and flushes the test database; tests run as the application


def _credentials(database: dict) -> dict:
    return {"USER": database["USER"], "PASSWORD": database["PASSWORD"]}


# Read once, before any fixture switches the default connection's role.
APPLICATION = _credentials(settings.DATABASES["default"])
OWNER = _credentials(settings.DATABASE_OWNER)


def connect_as(credentials: dict) -> None:
    """The default connection, as another role of the same server and database (it reconnects when next used)."""
    default = connections["default"]
    if default.in_atomic_block:
        raise RuntimeError("The database role cannot change inside a transaction (a module fixture holds one open).")
    default.close()
    for database in (settings.DATABASES["default"], default.settings_dict):
        database.update(credentials)


def _execute_sql_flush_as_owner(self, sql_list: list[str]) -> None:
    """A transactional test's flush (TRUNCATE of every table), through an owner connection: the application role
    may not truncate, and the append-only tables' trigger lets only their owner."""
    with owner_connection() as owner:
        for statement in sql_list:
            owner.execute(statement)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django creates (or, with --reuse-db, finds) and migrates the test database as the owner role."""
    connect_as(OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Then every test runs as the application role, and the flush between transactional tests goes through an
    owner connection."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    with django_db_blocker.unblock():
        _copy_migrated_database()  # the prepared data sets' starting point (prepared_database)
    connect_as(APPLICATION)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", _execute_sql_flush_as_owner)
        yield
    connect_as(OWNER)  # without --reuse-db, pytest-django drops the test database next: its owner's job


@pytest.fixture
def _as_owner(django_db_setup):
    """@pytest.mark.as_owner: the test runs on the owner's connection, in its transaction as usual (a test of a
    migration: only the owner may change the schema). Set up before the test's transaction (see
    pytest_collection_modifyitems), torn down after it."""
    connect_as(OWNER)
    yield
    connect_as(APPLICATION)


def pytest_configure(config):
    config.addinivalue_line("markers", "as_owner: run the test as the database's owner role (a migration's test)")


def pytest_collection_modifyitems(items):
    # The owner's connection must be in place before pytest-django opens the test's transaction (_django_db_marker).
    for item in items:
        if item.get_closest_marker("as_owner"):
            names = item.fixturenames  # the order pytest sets fixtures up in
            if "_as_owner" not in names:
                names.insert(names.index("_django_db_marker"), "_as_owner")


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


# --- the personas: one fixture each, named as in tests/personas.py --------------------------------------


@pytest.fixture
def council(db):
    return personas.agency("council")


@pytest.fixture
def triage_officer(db):
    return personas.persona("triage_officer")


@pytest.fixture
def front_door_manager(db):
    return personas.persona("front_door_manager")


@pytest.fixture
def lcpp(db):
    return personas.persona("lcpp")


@pytest.fixture
def police_officer(db):
    return personas.persona("police_officer")


@pytest.fixture
def school_dsl(db):
    return personas.persona("school_dsl")


@pytest.fixture
def other_dsl(db):
    return personas.persona("other_dsl")


@pytest.fixture
def privacy_officer(db):
    return personas.persona("privacy_officer")


@pytest.fixture
def performance_officer(db):
    """Prepares the returns and exports child-level data for them (issue 16 item 9)."""
    return personas.persona("performance_officer")


@pytest.fixture
def fh_team(db):
    return personas.team("fh_team")


@pytest.fixture
def fgdm_facilitator(db):
    """An independent FGDM facilitator (family group conference coordinator): no family until one is allocated."""
    return personas.persona("fgdm_facilitator")


@pytest.fixture
def fh_manager(db):
    """A Family Help team manager: allocates, authorises assessments, supervises."""
    return personas.persona("fh_manager")


@pytest.fixture
def vcs_fhlp(db):
    """An alternatively qualified lead practitioner from a voluntary-sector agency."""
    return personas.persona("vcs_fhlp")


@pytest.fixture
def sw_fhlp(db):
    """A social worker lead practitioner from the council."""
    return personas.persona("sw_fhlp")


@pytest.fixture
def health_practitioner(db):
    """A health visitor who can join a team around the family."""
    return personas.persona("health_practitioner")


@pytest.fixture
def health_fhlp(db):
    """A Family Help Lead Practitioner from a partner agency: sees only the children they work with."""
    return personas.persona("health_fhlp")


# --- need levels, people and a family, built through the services as users would build them ---------------


@pytest.fixture
def levels(db) -> dict:
    """Every default need level by code (made again if a transactional test's flush emptied migration 0005's)."""
    return {code: need_level(code) for code in NEED_LEVELS}


@pytest.fixture
def make_person(triage_officer):
    def make(first="Amelia", last="Hartley", dob=dt.date(2015, 3, 14), actor=None, **extra) -> Person:
        return person_create(
            actor=actor or triage_officer, data={"first_name": first, "last_name": last, "date_of_birth": dob, **extra}
        )

    return make


@pytest.fixture
def family(triage_officer, levels):
    """The Okafor-Lewis family: Mia (9) and Leo (4) and their mother Grace, an open targeted early help
    episode for each child in one family case, and an open Family Help allocation request for Mia (the
    front door's decision hands off this way)."""
    actor = triage_officer
    mia = person_create(
        actor=actor,
        data={"first_name": "Mia", "last_name": "Okafor-Lewis", "date_of_birth": dt.date(2017, 5, 2), "sex": "F"},
    )
    leo = person_create(
        actor=actor,
        data={"first_name": "Leo", "last_name": "Okafor-Lewis", "date_of_birth": dt.date(2022, 1, 20), "sex": "M"},
    )
    grace = person_create(
        actor=actor,
        data={"first_name": "Grace", "last_name": "Okafor", "date_of_birth": dt.date(1991, 8, 9), "sex": "F"},
    )
    for child in (mia, leo):
        relationship_add(actor=actor, from_person=grace, to_person=child, type="mother", parental_responsibility=True)
    case = family_case_create(
        actor=actor,
        name="Okafor-Lewis family",
        members=[
            (mia, FamilyCaseMember.Role.CHILD),
            (leo, FamilyCaseMember.Role.CHILD),
            (grace, FamilyCaseMember.Role.PARENT),
        ],
    )
    episodes = {}
    for child in (mia, leo):
        episodes[child.first_name] = episode_open(
            person=child,
            actor=actor,
            level=levels["targeted_early_help"],
            family_case=case,
            reason="Front door: targeted early help",
        )
    request = work_request_create(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
        person=mia,
        actor=actor,
        episode=episodes["Mia"],
        summary="Mum struggling with housing and Mia's attendance is falling; family agree to Family Help.",
    )
    return {"case": case, "mia": mia, "leo": leo, "grace": grace, "episodes": episodes, "request": request}


# --- the demo data and the generated data set: built once per test process, each in a database of its own -------
# Building them took a minute or more each time (seed_demo; generate_dataset --scale small), in 20 modules. Now the
# first module that asks builds its data in a database of its own, copied from the migrated test database before any
# test ran (django_db_setup), and commits it; that module and every later one in the process run their tests in that
# database, each test in a transaction rolled back as usual, and go back to the test database after. A module that
# left the data changed (a transactional test's flush) makes the next one build it again.
_PREPARED: dict[str, dict] = {}


def _server(database: str = "postgres"):
    """An owner connection to the test server, autocommitting (CREATE and DROP DATABASE)."""
    import psycopg

    owner = settings.DATABASE_OWNER
    params = {"host": owner["HOST"], "port": owner["PORT"], "user": owner["USER"], "password": owner["PASSWORD"]}
    return psycopg.connect(dbname=database, autocommit=True, **{k: v for k, v in params.items() if v})


def _use_database(name: str) -> None:
    """The default connection, to another database of the same server (it reconnects when next used)."""
    default = connections["default"]
    if default.in_atomic_block:
        raise RuntimeError("The database cannot change inside a transaction.")
    default.close()
    for database in (settings.DATABASES["default"], default.settings_dict):
        database["NAME"] = name
    # The content types' ids differ between the databases (a transactional test's flush makes them again, with new
    # ids, in the test database only): the process's caches of them (Django's, and guardian's of a permission's
    # content type) must not carry one database's ids to another. Filled again at once, in one query, as a process
    # that has served a page has it (the pages' query-count tests count none for it).
    ContentType.objects.clear_cache()
    clear_ct_cache()
    for content_type in ContentType.objects.all():  # (the fixtures using this have unblocked the database)
        ContentType.objects._add_to_cache(default.alias, content_type)


def _template_name(home: str) -> str:
    return f"{home}_migrated"[:63]


def _copy_migrated_database() -> None:
    """The migrated, empty test database, copied while nothing else is connected to it (at the session's start: a
    browser test's live server keeps a connection to it later). The prepared data sets start from this copy."""
    connections["default"].close()
    with _server() as server:
        name = sql.Identifier(_template_name(connections["default"].settings_dict["NAME"]))
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        server.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                name, sql.Identifier(connections["default"].settings_dict["NAME"])
            )
        )


def _fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM cases_person), (SELECT count(*) FROM cases_auditevent)")
        return cursor.fetchone()


@contextmanager
def prepared_database(kind: str, build):
    """The module's tests run in the `kind` database, built by build() (as the owner, committed) the first time."""
    home = connections["default"].settings_dict["NAME"]
    try:
        entry = _PREPARED.get(kind)
        if entry is not None:
            _use_database(entry["name"])
            if _fingerprint() != entry["fingerprint"]:  # a transactional test flushed or changed it
                _use_database(home)
                del _PREPARED[kind]
                entry = None
        if entry is None:
            name = f"{home}_{kind}"[:63]
            with _server() as server:
                server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                server.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(_template_name(home))
                    )
                )
            _use_database(name)
            connect_as(OWNER)  # loading is the owner's work, as outside the tests (sequences moved, ANALYZE)
            try:
                output = build()
            finally:
                connect_as(APPLICATION)
            entry = _PREPARED[kind] = {"name": name, "output": output, "fingerprint": _fingerprint()}
        yield entry["output"]
    finally:
        _use_database(home)  # back to the test database whatever happened: a failure here is this module's alone


def _seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _generate_small() -> str:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
        out = io.StringIO()
        call_command("generate_dataset", "--scale", "small", "--seed", "7", stdout=out)
        return out.getvalue()


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """The full demo data (seed_demo), for the module's tests; what it printed is the fixture's value.

    Each test runs in its own transaction, rolled back, so what a test writes is undone while the demo data stays
    for the next test (and the next module: see prepared_database)."""
    with django_db_blocker.unblock(), prepared_database("demo", _seed_demo) as output:
        yield output


@pytest.fixture(scope="module")
def small_dataset(django_db_setup, django_db_blocker):
    """The generated `small` data set (`generate_dataset --scale small --seed 7`), for the module's tests, each in
    a transaction rolled back (see prepared_database)."""
    with django_db_blocker.unblock(), prepared_database("small", _generate_small):
        yield


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
    worker = WorkerProcess(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ffp",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--hostname",
                f"test-worker-{os.getpid()}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    )
    yield worker
    worker.stop()


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
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script; a strict Content-Security-Policy must not block the test's own probe.
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}


@pytest.fixture
def api_client():
    """A DRF test client; the test signs it in (force_authenticate) as whoever it needs."""
    from rest_framework.test import APIClient

    return APIClient()
