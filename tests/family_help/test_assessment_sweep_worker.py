"""The assessment timescale swept by the real thing: `deadline_sweep_task` sent through Redis to a Celery
worker in its own process, three times over. One assessment is in its reminder window, another is past due:
exactly one reminder, exactly one breach (with its chronology entry on the child), whatever the reruns."""

import pytest

from cases.models import ChronologyEntry, Deadline, Notification
from cases.tasks import deadline_sweep_task
from family_help.services.assessment import DEADLINE_KIND, assessment_start
from tests.family_help.assessment_support import another_family, appoint_lead, referral_date_in_warning_window
from tests.support import wait_until


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_once_and_breaches_once(
    celery_worker_process, family, vcs_fhlp, fh_manager, levels, triage_officer
):
    import datetime as dt

    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    due_soon = assessment_start(
        family_case=family["case"], actor=vcs_fhlp, referral_date=referral_date_in_warning_window()
    )
    other = another_family(actor=triage_officer, level=levels["targeted_early_help"])
    appoint_lead(family=other, lead=vcs_fhlp, manager=fh_manager)
    overdue = assessment_start(family_case=other["case"], actor=vcs_fhlp, referral_date=dt.date(2026, 6, 1))

    sent = [deadline_sweep_task.delay().id for _ in range(3)]
    # Until the worker has logged all three sweeps as finished, so that a duplicate alert would be counted below.
    assert wait_until(lambda: celery_worker_process.finished(*sent), timeout=90), celery_worker_process.output
    assert celery_worker_process.alive(), "the worker died"
    assert Deadline.objects.filter(target_id=str(overdue.pk), breached_at__isnull=False).exists()
    assert Deadline.objects.filter(target_id=str(due_soon.pk), warned_at__isnull=False).exists()

    reminders = Notification.objects.filter(kind=f"{DEADLINE_KIND}.due_soon")
    assert [(n.user_id, n.link) for n in reminders] == [(vcs_fhlp.pk, f"/family-help/assessments/{due_soon.pk}/")]
    breaches = Notification.objects.filter(kind=f"{DEADLINE_KIND}.overdue")
    assert sorted(n.user_id for n in breaches) == sorted([vcs_fhlp.pk, fh_manager.pk])
    assert ChronologyEntry.objects.filter(person=other["ava"], kind=f"{DEADLINE_KIND}.breached").count() == 1
    # The assessment still in time has no breach recorded against its children.
    assert not ChronologyEntry.objects.filter(
        person__in=[family["mia"], family["leo"]], kind=f"{DEADLINE_KIND}.breached"
    ).exists()
