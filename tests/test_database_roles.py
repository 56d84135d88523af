"""Two database roles: the owner (migrations, the test database's creation and flush, maintenance) and the
application (web, worker, beat, and every test), which may not erase or rewrite an append-only table whatever it
sets (issue 12, item 1)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from cases.append_only import append_only_tables
from cases.models import AuditEvent
from cases.services import audit_record
from front_door.models import Decision
from front_door.services import contact_child_link, contact_create, decision_record
from tests.front_door.support import CONTACT
from tests.support import owner_connection

TABLE_OWNER = "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = %s"
INSUFFICIENT_PRIVILEGE = "42501"
APPEND_ONLY = ("cases_auditevent", "front_door_decision")


def _refused(sql: str, *setup: str) -> DatabaseError:
    """Run `setup` then `sql` on the test's connection (the application role), in a savepoint; the error it raised."""
    with pytest.raises(DatabaseError) as raised, transaction.atomic(), connection.cursor() as cursor:
        for statement in setup:
            cursor.execute(statement)
        cursor.execute(sql)
    return raised.value


@pytest.fixture
def decision(triage_officer, make_person, levels):
    contact, _ = contact_create(
        actor=triage_officer,
        data=CONTACT,
        children=[
            {"given_first_name": "Amelia", "given_last_name": "Hartley", "given_date_of_birth": dt.date(2016, 3, 14)}
        ],
    )
    contact_child_link(contact_child=contact.children.get(), person=make_person(), actor=triage_officer)
    return decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=8,
        level=levels["universal"],
        rationale="Advice is enough.",
        advice="Advice given.",
    )


@pytest.fixture
def rows(triage_officer, decision):
    """A row in each append-only table, and a check that each is still there, unchanged, at the end."""
    audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1], reason="as written")
    before = {
        "cases_auditevent": list(AuditEvent.objects.order_by("pk").values()),
        "front_door_decision": list(Decision.objects.order_by("pk").values()),
    }
    yield
    assert list(AuditEvent.objects.order_by("pk").values()) == before["cases_auditevent"]
    assert list(Decision.objects.order_by("pk").values()) == before["front_door_decision"]


# --- the application role ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_application_role_is_not_a_superuser_and_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        user, superuser, createdb, createrole = cursor.fetchone()
        assert user == settings.DATABASE_APP_ROLE
        assert (superuser, createdb, createrole) == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')"
        )
        assert cursor.fetchone()[0] == 0  # owns no table, sequence or view (and acts as no role that does)
        cursor.execute(TABLE_OWNER, ["cases_auditevent"])
        owner = cursor.fetchone()[0]
        assert owner != user
        cursor.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [owner])
        assert cursor.fetchone()[0] is False


@pytest.mark.django_db
@pytest.mark.parametrize("table", append_only_tables())
@pytest.mark.parametrize(
    ("what", "setup", "sql"),
    [
        ("truncate", (), "TRUNCATE {table}"),
        ("truncate with the old maintenance flag", ("SET ffp.audit_maintenance = 'on'",), "TRUNCATE {table}"),
        ("update", (), "UPDATE {table} SET id = id"),
        ("delete", (), "DELETE FROM {table}"),
        ("disable its triggers", (), "ALTER TABLE {table} DISABLE TRIGGER USER"),
        ("disable one trigger", (), "ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete"),
        ("skip triggers for the session", (), "SET session_replication_role = replica"),
        ("drop the table", (), "DROP TABLE {table}"),
        ("take over the table", (), "ALTER TABLE {table} OWNER TO CURRENT_USER"),
    ],
)
def test_the_application_role_cannot_erase_or_rewrite_an_append_only_table(rows, table, what, setup, sql):
    error = _refused(sql.format(table=table), *setup)
    assert error.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE, (what, error)


@pytest.mark.django_db
def test_the_application_role_adds_and_reads_append_only_rows(triage_officer, decision):
    event = audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.django_db
def test_grants_are_what_the_application_needs_and_no_more():
    """Every table: SELECT, INSERT, UPDATE, DELETE; the append-only ones SELECT and INSERT only; never TRUNCATE,
    REFERENCES or TRIGGER. Sequences: USAGE and SELECT."""
    privileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, "  # noqa: S608  (our constants)
            + ", ".join(f"has_table_privilege(c.oid, '{p}')" for p in privileges)
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') ORDER BY 1"
        )
        tables = {name: dict(zip(privileges, held, strict=True)) for name, *held in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname, has_sequence_privilege(c.oid, 'USAGE'), has_sequence_privilege(c.oid, 'SELECT'),"
            " has_sequence_privilege(c.oid, 'UPDATE')"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind = 'S'"
        )
        sequences = {name: held for name, *held in cursor.fetchall()}
    assert set(APPEND_ONLY) <= set(append_only_tables()) <= set(tables)
    expected_append_only = dict.fromkeys(privileges, False) | {"SELECT": True, "INSERT": True}
    expected_other = expected_append_only | {"UPDATE": True, "DELETE": True}
    wrong = {
        name: held
        for name, held in tables.items()
        if held != (expected_append_only if name in append_only_tables() else expected_other)
    }
    assert wrong == {}
    assert sequences and all(held == [True, True, False] for held in sequences.values()), sequences


# --- the owner role ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_owner_connection_is_the_tables_owner_and_sees_committed_rows(triage_officer):
    event = audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    with owner_connection() as owner:
        current_user = owner.execute("SELECT current_user").fetchone()[0]
        assert owner.execute(TABLE_OWNER, ["cases_auditevent"]).fetchone()[0] == current_user
        assert current_user != settings.DATABASE_APP_ROLE
        # It may do what the triggers refuse everyone, once it switches them off: a tampering the audit must detect.
        owner.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER USER")
        owner.execute("UPDATE cases_auditevent SET reason = 'edited by the owner' WHERE id = %s", [event.pk])
        owner.execute("ALTER TABLE cases_auditevent ENABLE TRIGGER USER")
    event.refresh_from_db()
    assert event.reason == "edited by the owner"


@pytest.mark.django_db(transaction=True)
def test_the_owner_alone_may_truncate_the_append_only_tables_and_still_not_update_them(triage_officer, decision):
    """The triggers stay as defence in depth: UPDATE and DELETE refused to everyone, TRUNCATE (the test database's
    flush) to all but the tables' owner, whatever the session sets."""
    audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    with owner_connection() as owner:
        for table in APPEND_ONLY:
            with pytest.raises(Exception, match="append-only"), owner.transaction():
                owner.execute(f"UPDATE {table} SET id = id")  # noqa: S608  (our constant)
        owner.execute("TRUNCATE cases_auditevent, front_door_decision CASCADE")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.as_owner
@pytest.mark.parametrize("table", append_only_tables())
def test_the_triggers_refuse_truncate_to_anyone_but_the_owner_whatever_the_session_sets(table):
    """Defence in depth, for every append-only table: were the application role ever granted TRUNCATE by mistake,
    the trigger still refuses it (the old maintenance flag included). Inside this test's transaction, undone with it:
    the owner grants TRUNCATE, then acts as the application role (SET ROLE, allowed to the owner in the test
    cluster)."""
    app = sql.Identifier(settings.DATABASE_APP_ROLE)
    with connection.cursor() as cursor:
        # On every table, as a TRUNCATE ... CASCADE reaches the tables that refer to this one.
        cursor.execute(
            sql.SQL("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(app).as_string(connection.connection)
        )
        cursor.execute(sql.SQL("SET ROLE {}").format(app).as_string(connection.connection))
    error = _refused(f"TRUNCATE {table} CASCADE", "SET ffp.audit_maintenance = 'on'")
    assert "is append-only: TRUNCATE refused" in str(error)  # by a trigger: the grant was there
    assert error.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.django_db
@pytest.mark.as_owner
def test_migrations_run_as_the_owner_and_grant_the_application_role_again():
    """`migrate` (here the owner's connection, as in the test database's creation) applies the grants after every
    run: taking one away is undone by the next migrate."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASE_OWNER["USER"] != settings.DATABASE_APP_ROLE
        cursor.execute(f'REVOKE INSERT ON cases_auditevent FROM "{settings.DATABASE_APP_ROLE}"')
        cursor.execute(f'GRANT UPDATE ON cases_auditevent TO "{settings.DATABASE_APP_ROLE}"')
    call_command("migrate", "--noinput", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'cases_auditevent', 'INSERT'),"
            " has_table_privilege(%s, 'cases_auditevent', 'UPDATE')",
            [settings.DATABASE_APP_ROLE] * 2,
        )
        assert cursor.fetchone() == (True, False)
