"""The one sweeper for every timescale: warns before, records a breach after, exactly once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, Deadline, Notification, Role
from cases.services import deadline_met, deadline_set, deadline_sweep
from cases.tasks import deadline_sweep_task
from tests.support import wait_until


@pytest.fixture
def deadline(make_person, triage_officer, front_door_manager):
    child = make_person()
    now = timezone.now()
    return deadline_set(
        kind="test.decision",
        label="Decision on test contact",
        target=child,
        due_at=now + dt.timedelta(hours=3),
        warn_at=now + dt.timedelta(hours=1),
        person_ids=[child.pk],
        assignee=triage_officer,
        escalate_role=Role.FRONT_DOOR_MANAGER,
        link="/somewhere/",
    )


@pytest.mark.django_db
def test_warning_goes_to_the_assignee_once_and_breach_to_managers_once(deadline, triage_officer, front_door_manager):
    start = timezone.now()
    assert deadline_sweep(now=start) == {"warned": 0, "breached": 0}
    assert deadline_sweep(now=start + dt.timedelta(hours=2)) == {"warned": 1, "breached": 0}
    assert deadline_sweep(now=start + dt.timedelta(hours=2, minutes=1)) == {"warned": 0, "breached": 0}
    assert list(Notification.objects.values_list("user__email", "kind")) == [
        (triage_officer.email, "test.decision.due_soon")
    ]
    for _ in range(3):
        deadline_sweep(now=start + dt.timedelta(hours=3, minutes=1))
    breaches = Notification.objects.filter(kind="test.decision.overdue")
    assert sorted(breaches.values_list("user__email", flat=True)) == sorted(
        [triage_officer.email, front_door_manager.email]
    )
    deadline.refresh_from_db()
    assert deadline.breached_at is not None and deadline.breach_detected_late is False
    assert ChronologyEntry.objects.filter(kind="test.decision.breached", person_id=deadline.person_ids[0]).count() == 1
    assert AuditEvent.objects.filter(verb="deadline.breached").count() == 1


@pytest.mark.django_db
def test_a_met_deadline_is_never_breached(deadline, make_person):
    from cases.models import Person

    deadline_met(kind="test.decision", target=Person.objects.get(pk=deadline.person_ids[0]))
    assert deadline_sweep(now=timezone.now() + dt.timedelta(days=3)) == {"warned": 0, "breached": 0}
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_after_downtime_the_sweep_catches_up_and_flags_late(deadline, front_door_manager):
    # Workers and beat were down for two hours past the deadline.
    result = deadline_sweep(now=deadline.due_at + dt.timedelta(hours=2))
    assert result["breached"] == 1
    deadline.refresh_from_db()
    assert deadline.breach_detected_late is True
    assert "Found late" in Notification.objects.get(user=front_door_manager).body
    # The warning that was missed is not sent after the breach.
    assert not Notification.objects.filter(kind="test.decision.due_soon").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_each_alert_once(deadline, front_door_manager, triage_officer):
    later = deadline.due_at + dt.timedelta(minutes=1)
    errors = []

    def sweep():
        try:
            deadline_sweep(now=later)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Notification.objects.filter(kind="test.decision.overdue").count() == 2
    assert ChronologyEntry.objects.filter(kind="test.decision.breached").count() == 1


def test_sweep_through_a_real_worker_is_exactly_once(celery_worker_process, front_door_manager, make_person):
    # transactional: the worker (another process) must see the committed rows
    child = make_person()
    deadline_set(
        kind="test.decision",
        label="Overdue already",
        target=child,
        due_at=timezone.now() - dt.timedelta(minutes=1),
        person_ids=[child.pk],
        escalate_role=Role.FRONT_DOOR_MANAGER,
    )
    sent = [deadline_sweep_task.delay().id for _ in range(3)]
    # Until the worker has logged all three sweeps as finished: a late duplicate would show up below.
    assert wait_until(lambda: celery_worker_process.finished(*sent), timeout=90), celery_worker_process.output
    assert celery_worker_process.alive(), "the worker died"
    assert Deadline.objects.filter(breached_at__isnull=False).count() == 1
    assert Notification.objects.filter(user=front_door_manager, kind="test.decision.overdue").count() == 1
