"""The front door's decisions are sealed with the audit (cases.services.seals): a decision rewritten by the
tables' owner after sealing is named by `audit_verify` (issue 12 item 2)."""

import pytest

from cases.services.seals import audit_seal, audit_verify
from front_door.services import decision_record
from tests.support import owner_connection


@pytest.mark.django_db(transaction=True)
def test_a_decision_rewritten_by_the_owner_after_sealing_is_named(triage_officer, new_contact, make_person, levels):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=7,
        level=levels["targeted_early_help"],
        rationale="The family asked for help with school attendance",
    )
    seals = [s for s in audit_seal(delay_seconds=0) if s.stream == "front_door_decision"]
    assert seals and seals[-1].last_id == decision.pk
    assert audit_verify().ok
    with owner_connection() as owner:
        owner.execute("ALTER TABLE front_door_decision DISABLE TRIGGER USER")
        owner.execute("UPDATE front_door_decision SET rationale = 'No concerns' WHERE id = %s", [decision.pk])
        owner.execute("ALTER TABLE front_door_decision ENABLE TRIGGER USER")
    findings = audit_verify().findings
    assert [(f.stream, f.kind, f.row_id) for f in findings] == [("front_door_decision", "edited", decision.pk)]
