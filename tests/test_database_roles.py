"""Two database roles: the owner (migrations, the test database's creation and flush, maintenance) and the
application (web, worker, beat, and every test), which may not erase or rewrite an append-only table."""

import pytest

from cases.services import audit_record
from tests.support import owner_connection

TABLE_OWNER = "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = %s"


@pytest.mark.django_db(transaction=True)
def test_the_owner_connection_is_the_tables_owner_and_sees_committed_rows(triage_officer):
    event = audit_record(actor=triage_officer, verb="person.viewed", child_ids=[1])
    with owner_connection() as owner:
        current_user = owner.execute("SELECT current_user").fetchone()[0]
        assert owner.execute(TABLE_OWNER, ["cases_auditevent"]).fetchone()[0] == current_user
        # It may do what the triggers refuse everyone, once it switches them off: a tampering the audit must detect.
        owner.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER USER")
        owner.execute("UPDATE cases_auditevent SET reason = 'edited by the owner' WHERE id = %s", [event.pk])
        owner.execute("ALTER TABLE cases_auditevent ENABLE TRIGGER USER")
    event.refresh_from_db()
    assert event.reason == "edited by the owner"
