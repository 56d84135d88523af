"""Issue 16 item 6 through a real Celery worker (another process, as in production): the beat's daily task prepares
the quarter's draft FFP return on the first working day after the quarter (a ReturnRun with requested_by None, built
and kept) and tells each manager once, however many times it is delivered."""

import pytest

from cases.models import Notification, Role
from reporting.models import ReturnRun, RunKind
from reporting.tasks import ffp_return_quarterly_draft_task
from tests.factories import UserFactory
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_quarterly_draft_through_a_real_worker_is_prepared_and_notified_once(celery_worker_process):
    managers = [UserFactory(roles=[Role.MANAGER]) for _ in range(2)]
    UserFactory(roles=[Role.FHLP])  # not told
    # 1 January 2027 is a bank holiday: nothing yet. Monday 4 January: the draft for October-December 2026, three
    # deliveries (a rerun, a duplicate after a crash) making one run and one notification per manager.
    early = ffp_return_quarterly_draft_task.delay(today="2027-01-01").id
    sent = [ffp_return_quarterly_draft_task.delay(today="2027-01-04").id for _ in range(3)]
    assert wait_until(lambda: celery_worker_process.finished(early, *sent), timeout=120), celery_worker_process.output
    assert celery_worker_process.alive(), "the worker died"
    run = ReturnRun.objects.get()
    assert (run.kind, run.period, run.requested_by, run.status) == (RunKind.FFP_RETURN, "2026-27-Q3", None, "done")
    assert run.filename == "ffp-return-2026-27-Q3.xlsx" and run.size > 0
    told = Notification.objects.filter(kind="reporting.ffp_return_draft")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(m.pk for m in managers)
    assert all(n.unique_key.startswith("reporting.ffp_return_draft:2026-27-Q3:") for n in told)
