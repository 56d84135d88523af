"""Two front-door requests at once: a decision and an assignment, a decision change and a sign-off.

Each race runs on two real database connections (threads). The slower request is held, inside its
transaction, until PostgreSQL shows the other one waiting on its row lock; only then does it commit. So the
interleaving is the one that loses data, every time, and no test sleeps to get it.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from cases.services import Conflict, StaleEdit
from front_door.models import Contact, ContactStatus, Decision, DecisionSignoff
from front_door.services import contact_assign, decision_record, decision_signoff

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _until(predicate, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.01)


def _run_race(first, second) -> dict:
    """`first` runs in a transaction and stops before committing; `second` starts and blocks on the rows
    `first` holds; then `first` commits. Returns each one's result or exception."""
    held, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                held.set()
                release.wait(timeout=30)
        except Exception as exc:  # asserted by the test
            outcome["first"] = exc
            held.set()
        finally:
            connection.close()

    def run_second():
        try:
            outcome["second"] = second()
        except Exception as exc:  # asserted by the test
            outcome["second"] = exc
        finally:
            connection.close()

    one = threading.Thread(target=run_first)
    one.start()
    assert held.wait(timeout=30), "the first request did not get going"
    two = threading.Thread(target=run_second)
    two.start()
    try:
        _until(lambda: _waiting_on_a_lock() >= 1 or not two.is_alive(), "the second request waits on the first")
    finally:
        release.set()
        one.join(timeout=30)
        two.join(timeout=30)
    assert not isinstance(outcome.get("first"), Exception), outcome.get("first")
    return outcome


def test_an_assignment_committed_after_a_decision_leaves_the_contact_decided(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    contact_assign(contact=contact, actor=triage_officer, assignee=triage_officer)
    # The manager opened the contact (still in triage) and presses "assign to me" as the triage officer decides.
    as_the_manager_saw_it = Contact.objects.get(pk=contact.pk)
    outcome = _run_race(
        lambda: decision_record(
            contact=contact,
            actor=triage_officer,
            outcome=7,
            level=levels["targeted_early_help"],
            rationale="The family asked for help with school attendance",
        ),
        lambda: contact_assign(contact=as_the_manager_saw_it, actor=front_door_manager, assignee=front_door_manager),
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.assigned_to == triage_officer  # the late assignment did not land either
    assert isinstance(outcome["second"], Conflict) and "it is now decided" in str(outcome["second"])


def test_an_assignment_from_a_stale_page_cannot_reopen_a_decided_contact(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    contact_assign(contact=contact, actor=triage_officer, assignee=triage_officer)
    stale = Contact.objects.get(pk=contact.pk)
    decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=7,
        level=levels["targeted_early_help"],
        rationale="The family asked for help with school attendance",
    )
    with pytest.raises(Conflict, match="it is now decided"):
        contact_assign(contact=stale, actor=front_door_manager, assignee=front_door_manager)
    contact.refresh_from_db()
    assert (contact.status, contact.assigned_to) == (ContactStatus.DECIDED, triage_officer)


def test_a_sign_off_racing_a_changed_decision_does_not_apply_the_old_one(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    old = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=2,
        level=levels["child_protection"],
        rationale="Disclosure of physical abuse",
    )
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.AWAITING_SIGNOFF
    # The manager opens the old decision to sign it off while triage changes it to early help.
    as_the_manager_saw_it = Decision.objects.get(pk=old.pk)
    outcome = _run_race(
        lambda: decision_record(
            contact=contact,
            actor=triage_officer,
            outcome=7,
            level=levels["targeted_early_help"],
            rationale="The police say the injury was accidental",
            change_reason="New information from the police",
        ),
        lambda: decision_signoff(decision=as_the_manager_saw_it, actor=front_door_manager, agreed=True),
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert isinstance(outcome["second"], Conflict) and "replaced by a later one" in str(outcome["second"])
    assert not DecisionSignoff.objects.filter(decision=old).exists()
    # The strategy discussion went at once (issue 13 item 2) and stays open for the LCPP to close with a reason; the
    # old decision's sign-off set nothing else going (no second request, no FGDM offer).
    assert list(child.work_requests.values_list("kind", "status")) == [("strategy_discussion", "open")]


def test_a_change_of_decision_made_from_a_decision_since_replaced_is_refused(
    triage_officer, new_contact, make_person, levels
):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    first = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=7,
        level=levels["targeted_early_help"],
        rationale="The family asked for help",
    )
    second = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=3,
        level=levels["child_in_need"],
        rationale="Police information",
        change_reason="New information",
        replacing=first.pk,
    )
    with pytest.raises(StaleEdit, match="Someone else changed the decision") as refused:
        decision_record(
            contact=contact,
            actor=triage_officer,
            outcome=8,
            level=levels["universal"],
            rationale="Advice only",
            advice="Leaflet",
            change_reason="Seen the school",
            replacing=first.pk,
        )
    assert refused.value.current_version == second.pk
    assert Decision.objects.filter(contact=contact).count() == 2
