"""A return run (reporting.tasks, reporting.views.runs): asked for on the reports page, built by a real Celery worker
with its progress, downloadable once done; when the broker is down the request still succeeds and the run waits,
and the minute's sweep sends it once the broker is back."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CinReferral
from ffp.celery import app as celery_app
from reporting.models import ExportRecord, ReturnRun, RunKind, RunStatus
from reporting.tasks import RUN_TIME_LIMIT_SECONDS, build_return, queued_runs_sweep
from tests.support import wait_until

YEAR = "2025-26"
D = dt.date


def _reset_broker_pools() -> None:
    """Celery keeps its connections: make it connect afresh to the broker the settings now name."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def dead_broker(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    _reset_broker_pools()
    yield
    monkeypatch.undo()
    _reset_broker_pools()


@pytest.mark.django_db(transaction=True)
def test_a_run_asked_for_while_the_broker_is_down_waits_and_the_page_says_so(client, fh_manager, dead_broker):
    client.force_login(fh_manager)
    response = client.post(
        reverse("reporting:run_start", args=[RunKind.CIN_CENSUS]),
        {"cin_census-period": YEAR, "cin_census-purpose": "Census draft"},
    )
    assert response.status_code == 302
    run = ReturnRun.objects.get()
    assert (run.kind, run.period, run.status, run.requested_by) == (
        RunKind.CIN_CENSUS,
        YEAR,
        RunStatus.QUEUED,
        fh_manager,
    )
    page = client.get(response["Location"])
    assert "Waiting to start" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_a_waiting_run_to_the_worker_which_builds_it_with_its_progress(
    client, fh_manager, celery_worker_process, make_person
):
    for n in range(3):  # the schema wants at least one child
        CinReferral.objects.create(
            person=make_person(f"Child{n}", "Census"), referral_date=D(2025, 6, 2 + n), source_code="1A"
        )
    run = ReturnRun.objects.create(
        kind=RunKind.CIN_CENSUS,
        period=YEAR,
        purpose="Census draft",
        requested_by=fh_manager,
        created_at=timezone.now() - dt.timedelta(minutes=2),
    )
    fresh = ReturnRun.objects.create(
        kind=RunKind.CIN_CENSUS, period=YEAR, purpose="Just asked", requested_by=fh_manager
    )
    assert queued_runs_sweep() == 1  # the one asked for a minute ago and more; the fresh one's message is on its way
    assert wait_until(lambda: ReturnRun.objects.get(pk=run.pk).finished, timeout=120), celery_worker_process.output
    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.percent == 100 and run.rows == 3 and run.filename.endswith(".xml"), run.summary
    assert run.summary["schema_valid"] is True, run.summary
    assert fresh.status == RunStatus.QUEUED

    client.force_login(fh_manager)
    status = client.get(reverse("reporting:run_status", args=[run.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["download"]
    download = client.get(status["download"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"<?xml") and len(body) == run.size
    export = ExportRecord.objects.get(run=run)
    assert (export.user, export.kind, export.purpose) == (fh_manager, RunKind.CIN_CENSUS, "Census draft")


@pytest.mark.django_db
def test_a_run_is_not_there_for_a_reader_who_may_not_run_its_return(client, fh_manager, triage_officer, sw_fhlp):
    run = ReturnRun.objects.create(kind=RunKind.CIN_CENSUS, period=YEAR, purpose="Census", requested_by=fh_manager)
    for user in (triage_officer, sw_fhlp):
        client.force_login(user)
        for name in ("reporting:run", "reporting:run_status", "reporting:run_download"):
            assert client.get(reverse(name, args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_a_run_still_being_built_is_left_alone_by_a_second_delivery_and_one_abandoned_is_built_again(
    fh_manager, make_person
):
    CinReferral.objects.create(person=make_person("Child", "Census"), referral_date=D(2025, 6, 2), source_code="1A")
    started = timezone.now() - dt.timedelta(minutes=20)
    building = ReturnRun.objects.create(
        kind=RunKind.CIN_CENSUS,
        period=YEAR,
        purpose="Census",
        requested_by=fh_manager,
        status=RunStatus.RUNNING,
        started_at=started,
    )
    # acks_late redelivers after the broker's visibility timeout even while the first delivery is still building.
    build_return(building.pk)
    building.refresh_from_db()
    assert (building.status, building.started_at, building.rows) == (RunStatus.RUNNING, started, 0)
    assert queued_runs_sweep() == 0

    # Past the time limit the worker that claimed it was killed: the sweep sends it and it is built.
    long_ago = timezone.now() - dt.timedelta(seconds=RUN_TIME_LIMIT_SECONDS + 60)
    ReturnRun.objects.filter(pk=building.pk).update(started_at=long_ago)
    assert queued_runs_sweep() == 1
    build_return(building.pk)
    building.refresh_from_db()
    assert (building.status, building.rows) == (RunStatus.DONE, 1)
    assert building.started_at > long_ago
