"""The injectable clock (ffp.clock) that the worker and beat processes read: a test moves it for every process
sharing its Redis; production never reads it."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import WorkerHeartbeat
from cases.services import deadline_sweep
from ffp import clock
from tests.cases import reliability as rel
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _real_time():
    clock.reset()
    yield
    clock.reset()


def test_the_clock_is_real_time_until_a_test_moves_it():
    assert abs((clock.now() - timezone.now()).total_seconds()) < 1
    clock.advance(dt.timedelta(hours=2))
    assert abs((clock.now() - timezone.now() - dt.timedelta(hours=2)).total_seconds()) < 1
    clock.advance(dt.timedelta(minutes=3))
    assert clock.offset() == dt.timedelta(hours=2, minutes=3)


def test_without_test_clock_the_offset_is_never_read_nor_settable(settings):
    clock.set_offset(dt.timedelta(days=1))
    settings.TEST_CLOCK = False  # production's settings (ffp.settings.prod says so explicitly)
    assert clock.offset() == dt.timedelta(0)
    assert abs((clock.now() - timezone.now()).total_seconds()) < 1
    with pytest.raises(RuntimeError):
        clock.set_offset(dt.timedelta(hours=1))


def test_production_settings_turn_the_test_clock_off():
    source = (rel.ROOT / "ffp" / "settings" / "prod.py").read_text()
    assert "TEST_CLOCK = False" in source


@pytest.mark.django_db
def test_the_deadline_sweep_reads_the_shared_clock(make_person):
    user = UserFactory()
    ids = rel.make_deadlines(
        users=[user], person_ids=[make_person().pk], due=[timezone.now() + dt.timedelta(minutes=30)]
    )
    assert deadline_sweep() == {"warned": 0, "breached": 0}
    clock.advance(dt.timedelta(hours=1))
    assert deadline_sweep() == {"warned": 0, "breached": 1}
    report = rel.exactly_once_report(ids)
    assert report["alerts"] == 1
    assert report["late"] == 1  # found 30 minutes after it was due


@pytest.mark.django_db
def test_healthz_is_503_once_the_shared_clock_passes_the_stale_limit(client, settings):
    """B22's stale heartbeat: the heartbeat is written and read with the same clock (ffp.clock), so a worker stopped
    for longer than HEARTBEAT_STALE_SECONDS (180 s, inside the battery's 5 minutes) turns /healthz 503."""
    from cases.services import worker_heartbeat_record

    worker_heartbeat_record(source="beat")
    assert client.get("/healthz").status_code == 200
    half = settings.HEARTBEAT_STALE_SECONDS // 2  # margins for a slow machine's requests (the first loads the URLs)
    clock.advance(dt.timedelta(seconds=half))
    assert client.get("/healthz").status_code == 200
    clock.advance(dt.timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS - half + 1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
    # A worker that comes back (its heartbeat in the moved clock's time) turns it green again.
    worker_heartbeat_record(source="beat")
    assert client.get("/healthz").status_code == 200
    assert WorkerHeartbeat.objects.count() == 1
