"""The audit trail: written with the change, and append-only in the database itself."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from cases.models import AuditEvent
from cases.services import audit_read, audit_record

pytestmark = pytest.mark.django_db
REFUSED = (InternalError, ProgrammingError, IntegrityError)
# The application role holds only SELECT and INSERT on the audit (behind that grant, the append-only trigger refuses
# even the owner: tests/test_database_roles.py).
NOT_GRANTED = "permission denied for table cases_auditevent"


def test_audit_record_keeps_who_what_why_and_children(triage_officer):
    event = audit_record(
        actor=triage_officer,
        verb="contact.created",
        target_type="front_door.contact",
        target_id=42,
        child_ids=[7, 3, 7],
        reason="Phone call from school",
        fields=["status"],
        related={"assigned_to": 12, "work_requests": [4, 3]},
    )
    event.refresh_from_db()
    assert (event.actor_id, event.actor_email, event.verb) == (
        triage_officer.pk,
        "triage@example.test",
        "contact.created",
    )
    assert event.child_ids == [3, 7]
    assert event.target_id == "42"
    assert (event.fields, event.related) == (["status"], {"assigned_to": 12, "work_requests": [3, 4]})
    assert event.kind == AuditEvent.Kind.WRITE


def test_audit_row_rolls_back_with_the_change_it_describes(triage_officer):
    with pytest.raises(RuntimeError, match="the change failed"), transaction.atomic():
        audit_record(actor=triage_officer, verb="person.updated", target_type="cases.person", target_id=1)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(verb="person.updated").exists()


def test_read_events_are_recorded_as_reads(triage_officer):
    audit_read(actor=triage_officer, verb="person.viewed", child_ids=[5], target_type="cases.person", target_id=5)
    assert AuditEvent.objects.get(verb="person.viewed").kind == AuditEvent.Kind.READ


def test_update_of_an_audit_row_is_refused_by_the_database(triage_officer):
    event = audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    with pytest.raises(REFUSED, match=NOT_GRANTED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_email="someone-else@example.test")
    with pytest.raises(REFUSED, match=NOT_GRANTED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_auditevent SET reason = 'edited' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.actor_email == "triage@example.test"
    assert event.reason == ""


def test_delete_of_an_audit_row_is_refused_by_the_database(triage_officer):
    event = audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    with pytest.raises(REFUSED, match=NOT_GRANTED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(REFUSED, match=NOT_GRANTED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_truncate_is_refused_to_the_application_even_with_the_old_maintenance_flag(triage_officer):
    """The flag that once let TRUNCATE through means nothing now: the application role holds no TRUNCATE grant, and
    the trigger lets only the table's owner (tests/test_database_roles.py tries the other ways round)."""
    audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    with pytest.raises(REFUSED, match=NOT_GRANTED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ffp.audit_maintenance = 'on'")
        cursor.execute("TRUNCATE cases_auditevent")
    assert AuditEvent.objects.count() >= 1


def test_the_row_written_is_the_row_read_back_with_every_kind_of_value(triage_officer, rf):
    """audit_record writes with a statement of its own (cases.services.audit._insert): each column must hold what
    the returned event says, as the ORM reads it back (arrays, JSON, an address, the request's ids)."""
    from cases.middleware import RequestContextMiddleware

    captured = {}

    def view(request):
        captured["event"] = audit_record(
            actor=triage_officer,
            verb="person.updated",
            target_type="cases.person",
            target_id=42,
            child_ids=[9, 3, 9],
            reason="Checking a worry",
            fields=["first_name", "date_of_birth"],
            related={"episode": 7, "plan": 8},
        )
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/cases/people/42/", HTTP_X_REQUEST_ID="client-abc-123", REMOTE_ADDR="192.0.2.10")
    RequestContextMiddleware(view)(request)
    event = captured["event"]
    stored = AuditEvent.objects.get(pk=event.pk)
    columns = [f.attname for f in AuditEvent._meta.concrete_fields]
    assert {c: getattr(stored, c) for c in columns} == {c: getattr(event, c) for c in columns}
    assert stored.child_ids == [3, 9] and stored.related == {"episode": 7, "plan": 8}
    assert stored.fields == ["date_of_birth", "first_name"] and stored.ip_address == "192.0.2.10"
    assert stored.client_request_id == "client-abc-123" and stored.request_id not in ("", "client-abc-123")
    assert stored.actor_id == triage_officer.pk and stored.path == "/cases/people/42/"
