"""The curious-colleague rule (issue 17 item 5, battery B28): a user opening many children unconnected to their work
in a short time alerts the privacy officer, once per user per window; opening the children of one's own work raises
nothing. The rule reads the read audit the pages write (cases.services.breakglass.curious_colleague_sweep, every
minute by beat); the script below opens records through the real pages, a simulated 30 seconds apart."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import InvolvementRole, Notification, PrivacyAlert
from cases.services import involvement_add
from cases.services.breakglass import CURIOUS_CHILDREN, curious_colleague_sweep
from cases.tasks import curious_colleague_sweep_task

pytestmark = pytest.mark.django_db

SCRIPT_CHILDREN = 60  # the battery's script: 60 unrelated children in 30 minutes
STEP = dt.timedelta(seconds=30)


@pytest.fixture
def children(make_person):
    return [
        make_person(first=f"Kit{i:02d}", last="Curio", dob=dt.date(2012, 1, 1) + dt.timedelta(days=i))
        for i in range(SCRIPT_CHILDREN)
    ]


def _replay(client, user, people, start) -> tuple[dt.datetime | None, dt.datetime | None, int]:
    """Open each child's record through the page, 30 s apart, running the sweep at each whole minute as beat would.
    Returns when the threshold was crossed, when the alert was raised, and how many alerts were raised."""
    client.force_login(user)
    crossed = raised = None
    alerts = 0
    with time_machine.travel(start, tick=False) as clock:
        for index, person in enumerate(people, start=1):
            assert client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 200
            if index == CURIOUS_CHILDREN and crossed is None:
                crossed = timezone.now()
            clock.shift(STEP)
            if timezone.now().second == 0:  # beat's minute
                made = curious_colleague_sweep()
                alerts += len(made)
                if made and raised is None:
                    raised = timezone.now()
        # Beat keeps running after the script: still the one alert for the window.
        for _ in range(10):
            clock.shift(dt.timedelta(minutes=1))
            alerts += len(curious_colleague_sweep())
    return crossed, raised, alerts


def test_the_curious_colleague_script_alerts_the_privacy_officer_within_5_minutes(
    client, triage_officer, privacy_officer, children
):
    """A triage officer (council-wide: every record opens for her) opens 60 children she has no connection with in 30
    minutes. The alert comes within a minute of the 40th, long before the battery's 5 minutes after the script."""
    start = timezone.now().replace(second=0, microsecond=0)
    crossed, raised, alerts = _replay(client, triage_officer, children, start)
    assert raised is not None
    latency = raised - crossed
    assert latency <= dt.timedelta(minutes=1), latency
    script_end = start + SCRIPT_CHILDREN * STEP
    assert raised <= script_end + dt.timedelta(minutes=5)
    assert alerts == 1  # one alert per user per window
    alert = PrivacyAlert.objects.get(kind="curious_colleague")
    assert alert.user == triage_officer
    assert len(alert.child_ids) >= CURIOUS_CHILDREN
    assert set(alert.child_ids) <= {c.pk for c in children}
    assert Notification.objects.filter(user=privacy_officer, kind="privacy_alert.curious_colleague").count() == 1
    print(
        f"B28: threshold crossed {crossed:%H:%M:%S}, alert {raised:%H:%M:%S} (latency {latency}), "
        f"script ended {script_end:%H:%M:%S}"
    )


def test_opening_the_children_of_ones_own_work_raises_nothing(client, sw_fhlp, fh_team, triage_officer, children):
    for child in children:
        involvement_add(person=child, actor=triage_officer, role=InvolvementRole.LEAD_PRACTITIONER, team=fh_team)
    start = timezone.now().replace(second=0, microsecond=0)
    _, raised, alerts = _replay(client, sw_fhlp, children, start)
    assert (raised, alerts) == (None, 0)
    assert not PrivacyAlert.objects.exists()


def test_a_list_naming_many_children_is_not_an_opening(client, triage_officer, children):
    """Search results name many children in one audit row: the rule counts a record opened one at a time."""
    client.force_login(triage_officer)
    for _ in range(3):
        assert client.get(reverse("cases:person_search"), {"name": "Curio"}).status_code == 200
    assert curious_colleague_sweep() == []


def test_the_beat_task_runs_the_rule_every_minute(settings, client, triage_officer, children):
    schedule = settings.CELERY_BEAT_SCHEDULE["curious-colleague-sweep"]
    assert schedule["task"] == "cases.tasks.curious_colleague_sweep_task"
    assert schedule["schedule"] == dt.timedelta(minutes=1)
    client.force_login(triage_officer)
    for child in children[:CURIOUS_CHILDREN]:
        client.get(reverse("cases:person_detail", args=[child.pk]))
    curious_colleague_sweep_task.apply()
    assert PrivacyAlert.objects.filter(kind="curious_colleague", user=triage_officer).count() == 1
