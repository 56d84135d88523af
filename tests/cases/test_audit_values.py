"""The audit holds ids, verbs and the names of changed fields, never personal values; what a field used to say is
the record's own history, which retention can dispose of (issue 11: "The audit holds ids, verbs and the names of
changed fields, not personal values")."""

import datetime as dt
import importlib
import json
import re
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import AuditEvent, Person, RecordHistory
from cases.services import (
    audit_record,
    case_note_save,
    person_add_address,
    person_update,
    record_history_dispose,
)
from front_door.services import contact_child_link, contact_create, decision_record
from tests.front_door.support import CONTACT

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"

# The child's identifiers as first recorded, and as changed: none of them may reach the audit, in any form.
FIRST, LAST, DOB, NHS, POSTCODE = "Oriel", "Vantongeren", dt.date(2015, 11, 27), "9434765919", "ZX4 7QW"
NEW_FIRST, NEW_LAST, NEW_DOB, NEW_POSTCODE = "Orielle", "Vantongeren-Pike", dt.date(2015, 11, 28), "QW8 2ZX"
NOTE = "Grandmother Philippa says the boiler has been broken since October"
CANARIES = (
    FIRST,
    LAST,
    NEW_FIRST,
    NEW_LAST,
    DOB.isoformat(),
    NEW_DOB.isoformat(),
    NHS,
    "943 476 5919",
    POSTCODE,
    POSTCODE.replace(" ", ""),
    NEW_POSTCODE,
    NEW_POSTCODE.replace(" ", ""),
    "Philippa",
    "boiler",
)


def _audit_rows_as_text() -> list[str]:
    """Every column of every audit row, JSON included, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM cases_auditevent e ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def new_contact():
    def make(actor, children):
        return contact_create(actor=actor, data=CONTACT, children=children)[0]

    return make


def _journey(client, actor, levels, new_contact) -> Person:
    """Create a child with an NHS number and an address, change their name, date of birth and address, add a
    note, and make a front-door decision about them: through the API where a practitioner would use it."""
    client.force_login(actor)
    response = client.post(
        PEOPLE,
        {
            "first_name": FIRST,
            "last_name": LAST,
            "date_of_birth": DOB.isoformat(),
            "nhs_number": "943 476 5919",
            "address": {"line1": "14 Larch Row", "postcode": POSTCODE},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    child = Person.objects.get(pk=response.json()["id"])
    response = client.patch(
        f"{PEOPLE}{child.pk}/",
        {"first_name": NEW_FIRST, "last_name": NEW_LAST, "date_of_birth": NEW_DOB.isoformat()},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    person_add_address(person=child, actor=actor, line1="2 Elm Close", town="Testbury", postcode=NEW_POSTCODE)
    case_note_save(
        person=child,
        actor=actor,
        data={"kind": "phone", "subject": "Call", "body": NOTE, "occurred_at": timezone.now()},
        finalise=True,
    )
    contact = new_contact(
        actor, children=[{"given_first_name": FIRST, "given_last_name": LAST, "given_date_of_birth": DOB}]
    )
    contact_child_link(contact_child=contact.children.get(), person=child, actor=actor)
    decision_record(
        contact=contact, actor=actor, outcome=3, level=levels["child_in_need"], rationale=f"{NOTE}; needs assessing"
    )
    # Practitioners write children's names in their reasons: the decision keeps those words, the audit names them.
    decision_record(
        contact=contact,
        actor=actor,
        outcome=3,
        level=levels["child_in_need"],
        rationale="Needs assessing",
        change_reason=f"{NEW_FIRST}'s grandmother Philippa called back",
    )
    assert client.get(f"/cases/people/{child.pk}/").status_code == 200
    return child


def test_after_a_journey_no_audit_row_holds_the_childs_details(client, triage_officer, levels, new_contact):
    child = _journey(client, triage_officer, levels, new_contact)
    child.refresh_from_db()
    assert (child.first_name, child.date_of_birth, child.nhs_number) == (NEW_FIRST, NEW_DOB, NHS)
    verbs = set(AuditEvent.objects.filter(child_ids__contains=[child.pk]).values_list("verb", flat=True))
    assert {
        "person.created",
        "person.updated",
        "address.added",
        "case_note.finalised",
        "decision.recorded",
        "decision.changed",
    } <= verbs
    assert "person.viewed" in verbs
    rows = _audit_rows_as_text()
    leaks = sorted({canary for row in rows for canary in CANARIES if canary.lower() in row.lower()})
    assert leaks == []


def test_a_change_names_its_fields_and_the_record_history_keeps_the_values(client, triage_officer, levels, new_contact):
    child = _journey(client, triage_officer, levels, new_contact)
    event = AuditEvent.objects.get(verb="person.updated", target_id=str(child.pk))
    assert event.fields == ["date_of_birth", "first_name", "last_name"]
    assert (event.actor_id, event.child_ids, event.target_type) == (triage_officer.pk, [child.pk], "cases.person")
    history = {h.field: (h.old_value, h.new_value) for h in RecordHistory.objects.filter(person=child)}
    assert history == {
        "first_name": (FIRST, NEW_FIRST),
        "last_name": (LAST, NEW_LAST),
        "date_of_birth": (DOB.isoformat(), NEW_DOB.isoformat()),
    }
    assert set(RecordHistory.objects.values_list("audit_event_id", "changed_by_id")) == {(event.pk, triage_officer.pk)}
    created = AuditEvent.objects.get(verb="person.created", target_id=str(child.pk))
    assert {"first_name", "last_name", "date_of_birth", "nhs_number"} <= set(created.fields)


def test_the_access_log_says_which_fields_changed_and_not_what_they_said(
    client, make_person, triage_officer, privacy_officer
):
    child = make_person(first=FIRST, last=LAST, dob=DOB)
    person_update(person=child, actor=triage_officer, data={"first_name": NEW_FIRST, "upn": ""}, expected_version=1)
    person_update(person=child, actor=triage_officer, data={"date_of_birth": NEW_DOB}, expected_version=2)
    client.force_login(privacy_officer)
    response = client.get(f"/cases/people/{child.pk}/access-log/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Changed: first_name" in page and "Changed: date_of_birth" in page
    assert not re.search(rf"\b{FIRST}\b", page)  # the old name: in the record history only
    assert DOB.strftime("%-d %B %Y") not in page and DOB.isoformat() not in page


def test_the_audit_refuses_values_where_names_and_ids_belong(triage_officer):
    with pytest.raises(ValueError, match="not a field name"):
        audit_record(actor=triage_officer, verb="person.updated", fields=["Oriel Vantongeren"])
    with pytest.raises(ValueError, match="not a field name"):
        audit_record(actor=triage_officer, verb="person.updated", fields=["2015-11-27"])
    with pytest.raises(ValueError, match="ids of related objects"):
        audit_record(actor=triage_officer, verb="contact.assigned", related={"assigned_to": "triage@example.test"})
    with pytest.raises(ValueError, match="ids of related objects"):
        audit_record(actor=triage_officer, verb="x.y", related={"child": {"name": "Oriel"}})
    assert not AuditEvent.objects.filter(actor_id=triage_officer.pk).exists()


def test_related_objects_are_kept_as_ids(triage_officer, privacy_officer):
    event = audit_record(
        actor=triage_officer,
        verb="contact.assigned",
        related={"assigned_to": privacy_officer, "before": None, "work_requests": (5, 2)},
    )
    event.refresh_from_db()
    assert event.related == {"assigned_to": privacy_officer.pk, "work_requests": [2, 5]}


def test_record_history_is_disposed_of_by_retention_and_the_audit_remains(make_person, triage_officer):
    child = make_person(first=FIRST, last=LAST, dob=DOB)
    child = person_update(person=child, actor=triage_officer, data={"first_name": NEW_FIRST}, expected_version=1)
    later = timezone.now() + dt.timedelta(seconds=1)
    kept = person_update(person=child, actor=triage_officer, data={"last_name": NEW_LAST}, expected_version=2)
    RecordHistory.objects.filter(person=child, field="last_name").update(changed_at=later + dt.timedelta(days=1))
    assert record_history_dispose(person=kept, before=later, actor=None) == 1
    assert list(RecordHistory.objects.filter(person=child).values_list("field", flat=True)) == ["last_name"]
    # The audit still says who changed which field when, and that the history was disposed of.
    assert AuditEvent.objects.filter(verb="person.updated", target_id=str(child.pk)).count() == 2
    disposed = AuditEvent.objects.get(verb="record_history.disposed")
    assert (disposed.child_ids, disposed.actor_id) == ([child.pk], None)
    assert FIRST not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_record_history_goes_when_the_record_is_deleted(make_person, triage_officer):
    child = make_person()
    person_update(person=child, actor=triage_officer, data={"first_name": NEW_FIRST}, expected_version=1)
    assert RecordHistory.objects.filter(person=child).count() == 1
    # Retention deletes records; their history (unlike the append-only audit) goes with them.
    Person.objects.filter(pk=child.pk).delete()
    assert not RecordHistory.objects.exists()
    assert AuditEvent.objects.filter(verb="person.updated", target_id=str(child.pk)).exists()


# --- the migration that moved the values the audit held before ------------------------------------------------


@pytest.mark.as_owner  # changes the audit table: the owner
def test_the_migration_moves_old_values_to_the_record_history_and_clears_the_audit(make_person, triage_officer):
    """Migration 0011's own step, run on rows as the old code wrote them. The two columns it empties (dropped by
    0012) are put back for this test only: inside the test's transaction, rolled back with it."""
    migration = importlib.import_module("cases.migrations.0011_audit_values_to_record_history")
    child = make_person(first=FIRST, last=LAST, dob=DOB)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_auditevent ADD COLUMN before jsonb NULL, ADD COLUMN after jsonb NULL")
        cursor.execute(
            "INSERT INTO cases_auditevent (occurred_at, kind, actor_id, actor_email, verb, target_type, target_id,"
            " child_ids, request_id, path, reason, fields, related, before, after) VALUES"
            " (now(), 'write', %s, 'triage@example.test', 'person.updated', 'cases.person', %s, %s, '', '', '',"
            "  '{}', '{}', %s, %s),"
            " (now(), 'auth', NULL, '', 'auth.sign_in_failed', '', '', '{}', '', '', '', '{}', '{}', NULL, %s)"
            " RETURNING id",
            [
                triage_officer.pk,
                str(child.pk),
                [child.pk],
                json.dumps({"first_name": "Oriana", "nhs_number": None}),
                json.dumps({"first_name": FIRST, "nhs_number": NHS}),
                json.dumps({"email": "Someone@Example.test"}),
            ],
        )
        updated, failed = (row[0] for row in cursor.fetchall())
    migration.move_values(None, SimpleNamespace(connection=connection))
    assert not [row for row in _audit_rows_as_text() if FIRST in row or NHS in row or "Oriana" in row]
    event = AuditEvent.objects.get(pk=updated)
    assert (event.fields, event.child_ids, event.actor_id) == (
        ["first_name", "nhs_number"],
        [child.pk],
        triage_officer.pk,
    )
    assert AuditEvent.objects.get(pk=failed).actor_email == "someone@example.test"
    moved = RecordHistory.objects.filter(audit_event_id=updated)
    assert sorted(moved.values_list("person_id", "field", "old_value", "new_value")) == [
        (child.pk, "first_name", "Oriana", FIRST),
        (child.pk, "nhs_number", None, NHS),
    ]
    assert {h.changed_by_id for h in moved} == {triage_officer.pk}
    # The append-only trigger is back on.
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=updated).update(reason="edited")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("related", json.dumps({"assigned_to": "triage@example.test"})),
        ("related", json.dumps({"child": {"name": FIRST}})),
        ("related", json.dumps({"ids": [1, "2015-11-27"]})),
        ("related", json.dumps(["not", "an", "object"])),
        ("fields", [f"{FIRST} {LAST}"]),
        ("fields", ["2015-11-27"]),
        ("fields", ["first_name", "NHS 943 476 5919"]),
    ],
)
def test_the_database_refuses_values_in_the_audits_names_and_ids(column, value):
    # Whatever writes the row (raw SQL here), not only audit_record.
    row = {"fields": [], "related": "{}", column: value}
    with pytest.raises(IntegrityError, match=f"audit_{column}"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_auditevent (occurred_at, kind, actor_email, verb, target_type, target_id, child_ids,"
            " request_id, path, reason, fields, related) VALUES (now(), 'write', '', 'x.y', '', '', '{}', '', '', '',"
            " %s, %s)",
            [row["fields"], row["related"]],
        )


def test_the_database_accepts_names_and_ids(triage_officer):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_auditevent (occurred_at, kind, actor_email, verb, target_type, target_id, child_ids,"
            " request_id, path, reason, fields, related) VALUES (now(), 'write', '', 'x.y', '', '', '{}', '', '', '',"
            " %s, %s)",
            [["first_name", "section.worries"], json.dumps({"lead": 3, "outcomes": [1, 2], "empty": []})],
        )
    assert AuditEvent.objects.get(verb="x.y").related == {"lead": 3, "outcomes": [1, 2], "empty": []}
