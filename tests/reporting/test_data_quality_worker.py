"""Issue 16 item 6 through a real Celery worker (a separate process, as in production): the beat's monthly draft
census, delivered three times in the month, is written, checked by DfE's validator and kept with its issues once."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CinReferral
from reporting.models import DataQualityIssue, ReturnRun, RunKind, RunStatus
from reporting.quality import draft
from reporting.tasks import monthly_draft_census_task
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_monthly_draft_census_through_a_real_worker_is_built_once(celery_worker_process, make_person):
    year = draft.year_being_prepared(timezone.localdate())
    first = dt.date(int(year[:4]), 4, 1)
    for n in range(2):  # children in the census (its schema wants at least one)
        child = make_person(f"Monthly{n}", "Census")
        CinReferral.objects.create(person=child, referral_date=first + dt.timedelta(days=7 * n), source_code="1A")
    sent = [monthly_draft_census_task.delay().id for _ in range(3)]
    assert wait_until(lambda: celery_worker_process.finished(*sent), timeout=240), celery_worker_process.output
    assert celery_worker_process.alive(), "the worker died"
    run = ReturnRun.objects.get(kind=RunKind.DRAFT_CENSUS)
    assert (run.status, run.requested_by, run.period) == (RunStatus.DONE, None, year), run.error
    assert run.summary["validator"].startswith("csc-validator-be-cin ") and run.summary["children"] == 2
    assert DataQualityIssue.objects.filter(run=run).count() == run.rows
