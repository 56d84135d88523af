"""Tamper evidence (issue 12 item 2): the audit is sealed in hash-chained batches by a periodic task, the latest
seal's hash goes to the application log, and `manage.py audit_verify` names each row edited, inserted or deleted
since sealing, and each seal changed, as the database's owner could do it."""

import contextlib
import io
import logging
import subprocess
import sys

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from cases.models import AuditEvent, AuditSeal
from cases.services import audit_record
from cases.services.seals import audit_seal, audit_verify
from tests.conftest import ROOT, _worker_env
from tests.support import owner_connection

pytestmark = pytest.mark.django_db
REFUSED = (InternalError, ProgrammingError, IntegrityError)


@contextlib.contextmanager
def as_owner(*tables: str):
    """What the tables' owner can do and the application cannot: switch the append-only triggers off and change
    rows. A connection of its own (tests.support.owner_connection), so the tests using it commit their rows first
    (`django_db(transaction=True)`)."""
    with owner_connection() as owner:
        for table in tables:
            owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield owner
        owner.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys' checks, before ALTER TABLE again
        for table in tables:
            owner.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _rows(actor, count: int) -> list[AuditEvent]:
    return [audit_record(actor=actor, verb="person.viewed", child_ids=[n + 1]) for n in range(count)]


def _verify(*anchors: str) -> str:
    out = io.StringIO()
    args = [arg for anchor in anchors for arg in ("--anchor", anchor)]
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify", *args, stdout=out)
    return out.getvalue() + str(refused.value)


def test_sealing_covers_the_rows_chains_the_seals_and_logs_the_latest_hash(triage_officer, caplog):
    first = _rows(triage_officer, 3)
    with caplog.at_level(logging.INFO, logger="ffp.audit.seal"):
        (seal_one,) = [s for s in audit_seal(delay_seconds=0) if s.stream == "cases_auditevent"]
    later = _rows(triage_officer, 2)
    (seal_two,) = [s for s in audit_seal(delay_seconds=0, batch_rows=5) if s.stream == "cases_auditevent"]

    assert (seal_one.last_id, seal_one.row_count) == (
        first[-1].pk,
        AuditEvent.objects.filter(pk__lte=first[-1].pk).count(),
    )
    assert (seal_two.previous_id, seal_two.first_id, seal_two.last_id) == (
        seal_one.pk,
        seal_one.last_id + 1,
        later[-1].pk,
    )
    assert seal_two.row_count == 2
    assert f"hash {seal_one.hash}" in caplog.text
    assert audit_seal(delay_seconds=0) == []  # nothing new: no empty seal
    out = io.StringIO()
    call_command("audit_verify", "--anchor", seal_one.hash, "--anchor", seal_two.hash, stdout=out)
    assert "No tampering found" in out.getvalue()


def test_the_seal_command_seals_at_once_and_prints_the_latest_hash(triage_officer):
    _rows(triage_officer, 2)
    out = io.StringIO()
    call_command("audit_seal", "--delay", "0", stdout=out)
    seal = AuditSeal.objects.filter(stream="cases_auditevent").latest("id")
    assert f"latest: cases_auditevent ids {seal.first_id}-{seal.last_id} hash {seal.hash}" in out.getvalue()


def test_rows_younger_than_the_delay_wait_for_the_next_run(triage_officer):
    _rows(triage_officer, 2)
    assert not [s for s in audit_seal(delay_seconds=3600) if s.stream == "cases_auditevent"]


def test_batches_are_at_most_the_batch_size(triage_officer):
    rows = _rows(triage_officer, 5)
    seals = [s for s in audit_seal(delay_seconds=0, batch_rows=2) if s.stream == "cases_auditevent"]
    assert len(seals) >= 3
    assert {s.row_count for s in seals[:-1]} == {2}
    assert sum(s.row_count for s in seals) == AuditEvent.objects.count()
    assert seals[-1].last_id == rows[-1].pk
    assert audit_verify().ok


def test_a_run_stops_after_its_time_budget_and_the_next_run_goes_on(triage_officer):
    rows = _rows(triage_officer, 5)
    first_run = [s for s in audit_seal(delay_seconds=0, batch_rows=2, max_seconds=0) if s.stream == "cases_auditevent"]
    assert len(first_run) == 1
    audit_seal(delay_seconds=0, batch_rows=2)
    assert AuditSeal.objects.filter(stream="cases_auditevent").latest("id").last_id == rows[-1].pk
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_verify_names_every_row_edited_by_the_owner_and_exits_non_zero(triage_officer):
    rows = _rows(triage_officer, 8)
    audit_seal(delay_seconds=0, batch_rows=3)
    edited = [rows[1].pk, rows[4].pk, rows[7].pk]
    with as_owner("cases_auditevent") as owner:
        owner.execute("UPDATE cases_auditevent SET actor_email = 'someone@example.test' WHERE id = %s", [edited[0]])
        owner.execute("UPDATE cases_auditevent SET child_ids = '{99}' WHERE id = %s", [edited[1]])
        owner.execute(
            "UPDATE cases_auditevent SET occurred_at = occurred_at - interval '1 day' WHERE id = %s", [edited[2]]
        )
    assert f"edited: row {edited[0]} edited since seal" in _verify()
    assert [(f.kind, f.row_id) for f in audit_verify().findings] == [("edited", pk) for pk in edited]
    # The command line's exit status, for a cron job or a monitoring check.
    command = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"], cwd=ROOT, env=_worker_env(), capture_output=True, text=True
    )
    assert command.returncode == 1, command.stdout + command.stderr
    assert f"row {edited[0]} edited" in command.stdout


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_row_deleted_by_the_owner(triage_officer):
    rows = _rows(triage_officer, 4)
    audit_seal(delay_seconds=0)
    with as_owner("cases_auditevent") as owner:
        owner.execute("DELETE FROM cases_auditevent WHERE id = %s", [rows[1].pk])
    assert f"deleted: row {rows[1].pk} deleted since seal" in _verify()


def test_verify_names_a_row_inserted_into_a_sealed_range(triage_officer):
    before = _rows(triage_officer, 1)[0]
    with contextlib.suppress(RuntimeError), transaction.atomic():
        rolled_back = audit_record(actor=triage_officer, verb="person.viewed", child_ids=[9])
        raise RuntimeError("the change failed: its audit row goes with it, leaving a gap in the ids")
    after = _rows(triage_officer, 1)[0]
    audit_seal(delay_seconds=0)
    assert before.pk < rolled_back.pk < after.pk
    # No trigger needed: anyone may insert, with an id of their choosing.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_auditevent (id, occurred_at, kind, actor_email, verb, target_type, target_id, child_ids,"
            " request_id, client_request_id, path, reason, fields, related)"
            " SELECT %s, occurred_at, kind, actor_email, verb, target_type, target_id, child_ids, request_id,"
            " client_request_id, path, 'backdated', fields, related FROM cases_auditevent WHERE id = %s",
            [rolled_back.pk, before.pk],
        )
    assert f"inserted: row {rolled_back.pk} inserted since seal" in _verify()


@pytest.mark.django_db(transaction=True)
def test_verify_reports_a_changed_seal_and_a_rewritten_chain_loses_the_logged_anchor(triage_officer):
    _rows(triage_officer, 3)
    (seal,) = [s for s in audit_seal(delay_seconds=0) if s.stream == "cases_auditevent"]
    with as_owner("cases_auditseal") as owner:
        owner.execute("UPDATE cases_auditseal SET row_count = row_count + 1 WHERE id = %s", [seal.pk])
    assert f"seal_changed: seal {seal.pk} " in _verify()
    # The owner removes the seal altogether (its rows then look merely unsealed): only the logged hash shows it.
    with as_owner("cases_auditseal") as owner:
        owner.execute("DELETE FROM cases_auditseal WHERE stream = 'cases_auditevent'")
    assert audit_verify().ok
    assert f"the logged seal hash {seal.hash} is not the hash of any seal" in _verify(seal.hash)


@pytest.mark.django_db(transaction=True)
def test_a_removed_seal_in_the_middle_breaks_the_chain(triage_officer):
    _rows(triage_officer, 3)
    seals = [s for s in audit_seal(delay_seconds=0, batch_rows=1) if s.stream == "cases_auditevent"]
    with as_owner("cases_auditseal") as owner:
        # The later seal names the removed one: the owner points it at the one before (the foreign key is checked
        # at commit, so the two statements pass together).
        owner.execute("DELETE FROM cases_auditseal WHERE id = %s", [seals[-2].pk])
        owner.execute("UPDATE cases_auditseal SET previous_id = %s WHERE id = %s", [seals[-3].pk, seals[-1].pk])
    assert f"chain_broken: seal {seals[-1].pk} " in _verify()


def test_the_seal_table_is_append_only(triage_officer):
    from cases.append_only import append_only_tables

    assert "cases_auditseal" in append_only_tables()  # the application role's grants: SELECT and INSERT only
    _rows(triage_officer, 1)
    audit_seal(delay_seconds=0)
    # Refused to the application role for want of a grant (behind that, its triggers refuse even the owner's UPDATE
    # and DELETE, and TRUNCATE to anyone else: tests/test_database_roles.py).
    not_granted = "permission denied for table cases_auditseal"
    with pytest.raises(REFUSED, match=not_granted), transaction.atomic():
        AuditSeal.objects.update(rows_hash="0" * 64)
    with pytest.raises(REFUSED, match=not_granted), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_auditseal")
    with pytest.raises(REFUSED, match=not_granted), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if the seal had been committed before
        cursor.execute("SET LOCAL ffp.audit_maintenance = 'on'")  # the old switch: nothing now
        cursor.execute("TRUNCATE cases_auditseal")


def test_decisions_are_sealed_too():
    from cases.registry import registry

    assert ("front_door.Decision", "created_at") in registry.sealed_tables()
    assert ("cases.AuditEvent", "occurred_at") in registry.sealed_tables()


@pytest.mark.django_db(transaction=True)
def test_a_row_of_a_transaction_still_in_flight_is_never_sealed_over(triage_officer):
    """Another session inserts an audit row and has not committed: the sealer cannot see it, so it must stop below
    its id (not seal the rows after it, which would make it look inserted once it commits)."""
    early = _rows(triage_officer, 1)[0]
    other = psycopg.connect(**connection.get_connection_params())
    try:
        in_flight = other.execute(
            "INSERT INTO cases_auditevent (occurred_at, kind, actor_email, verb, target_type, target_id, child_ids,"
            " request_id, client_request_id, path, reason, fields, related)"
            " VALUES (clock_timestamp(), 'read', '', 'person.viewed', '', '', '{}', '', '', '', '', '{}', '{}')"
            " RETURNING id"
        ).fetchone()[0]
        late = _rows(triage_officer, 1)[0]
        assert early.pk < in_flight < late.pk
        seals = [s for s in audit_seal(delay_seconds=0) if s.stream == "cases_auditevent"]
        assert seals and seals[-1].last_id < in_flight
        other.commit()
    finally:
        other.close()
    seals = [s for s in audit_seal(delay_seconds=0) if s.stream == "cases_auditevent"]
    assert seals[-1].last_id == late.pk
    assert audit_verify().ok


def test_sealing_is_a_periodic_task_in_the_beat_schedule():
    from cases import tasks
    from ffp.celery import app

    entry = app.conf.beat_schedule["audit-seal"]
    assert entry["task"] == tasks.audit_seal_task.name == "cases.tasks.audit_seal_task"


@pytest.fixture
def seal_without_delay(monkeypatch):
    monkeypatch.setenv("AUDIT_SEAL_DELAY_SECONDS", "0")


def test_the_task_run_by_a_real_worker_seals_and_writes_the_hash_to_its_log(
    seal_without_delay, celery_worker_process, triage_officer
):
    from cases.tasks import audit_seal_task
    from tests.support import wait_until

    rows = _rows(triage_officer, 3)
    sent = audit_seal_task.delay().id
    assert wait_until(lambda: celery_worker_process.finished(sent), timeout=60), celery_worker_process.output
    seal = AuditSeal.objects.filter(stream="cases_auditevent").order_by("-id").first()
    assert seal is not None and seal.last_id == rows[-1].pk, celery_worker_process.output
    assert wait_until(lambda: f"hash {seal.hash}" in celery_worker_process.output, timeout=10)
    assert audit_verify(anchors=[seal.hash]).ok
