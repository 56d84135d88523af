"""A normal day's synthetic traffic raises no curious-colleague alert (issue 17 item 5, battery B28).

The generator walks every active user of the generated `small` data set (the demo council's users and the generated
practitioners) doing their normal work for a working day, 08:30 to 18:00, as read-audit rows the pages would write:
- practitioners (Family Help leads, MACPT members, FGDM facilitators, partner practitioners): the children of their
  own work (their own or their teams' involvements), up to 15 a day, each opened 1-4 times (record, chronology, a
  note, the plan);
- the front door (triage officers, front door managers): 40 contacts' children a day each, most of them in the
  morning rush (25 between 09:00 and 10:30), none connected to their work by an involvement;
- LCPPs and managers: 20 children a day each outside any involvement (strategy discussions, oversight, allocation);
  the privacy officer and the performance officer 10;
- everyone: searches and lists naming many children in one row (not an opening).
The rule then runs as beat runs it, every minute of the day (570 runs), and must raise nothing; the same day with
one curious colleague added (the battery's 60 unrelated children in 30 minutes) raises exactly that one alert.
"""

import datetime as dt
import random
import time
from collections import defaultdict

import pytest
from django.db.models import Q
from django.utils import timezone

from cases.models import AuditEvent, Involvement, Person, PrivacyAlert, Role, User
from cases.services.breakglass import CURIOUS_CHILDREN, CURIOUS_WINDOW, curious_colleague_sweep

pytestmark = pytest.mark.django_db

FRONT_DOOR = {Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER}
OVERSIGHT = {Role.LCPP, Role.MANAGER}
QUIET = {Role.PRIVACY_OFFICER, Role.PERFORMANCE_OFFICER}
PRACTITIONERS = {Role.FHLP, Role.MACPT_MEMBER, Role.FGDM_FACILITATOR, Role.PARTNER_PRACTITIONER}


def _at(day: dt.datetime, rng: random.Random, start: str, end: str) -> dt.datetime:
    h0, m0 = map(int, start.split(":"))
    h1, m1 = map(int, end.split(":"))
    first = day.replace(hour=h0, minute=m0)
    seconds = int((day.replace(hour=h1, minute=m1) - first).total_seconds())
    return first + dt.timedelta(seconds=rng.randrange(seconds))


def _row(user: User, child_ids: list[int], at: dt.datetime, verb: str = "person.viewed") -> AuditEvent:
    return AuditEvent(
        occurred_at=at,
        kind=AuditEvent.Kind.READ,
        actor_id=user.pk,
        actor_email=user.email,
        verb=verb,
        target_type="cases.person",
        target_id=str(child_ids[0]) if len(child_ids) == 1 else "",
        child_ids=child_ids,
    )


def normal_day(day: dt.datetime, rng: random.Random) -> list[AuditEvent]:
    """The read audit of one normal working day, for every active user with a role that reads children."""
    children = list(
        Person.objects.filter(date_of_birth__gt=day.date() - dt.timedelta(days=18 * 365), merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    users = list(User.objects.filter(is_active=True).prefetch_related("groups", "teams").order_by("pk"))
    caseloads: dict[int, set[int]] = defaultdict(set)
    for user in users:
        teams = [t.pk for t in user.teams.all()]
        caseloads[user.pk] = set(
            Involvement.objects.filter(Q(user=user) | Q(team__in=teams)).values_list("person_id", flat=True)
        )
    rows: list[AuditEvent] = []
    for user in users:
        roles = {g.name for g in user.groups.all()}
        own = sorted(caseloads[user.pk])
        unrelated = [c for c in rng.sample(children, min(len(children), 400)) if c not in caseloads[user.pk]]
        opened: list[tuple[int, dt.datetime]] = []
        if roles & FRONT_DOOR:
            opened += [(c, _at(day, rng, "09:00", "10:30")) for c in unrelated[:25]]
            opened += [(c, _at(day, rng, "10:30", "17:30")) for c in unrelated[25:40]]
        elif roles & OVERSIGHT:
            opened += [(c, _at(day, rng, "08:30", "17:30")) for c in unrelated[:20]]
        elif roles & QUIET:
            opened += [(c, _at(day, rng, "09:00", "17:00")) for c in unrelated[:10]]
        if roles & PRACTITIONERS or (roles & OVERSIGHT and own):
            opened += [(c, _at(day, rng, "08:30", "17:30")) for c in rng.sample(own, min(len(own), 15))]
        for child, at in opened:
            # The record, then a few of its pages within the next few minutes.
            for view in range(rng.randint(1, 4)):
                rows.append(_row(user, [child], at + dt.timedelta(seconds=40 * view)))
        if roles - {Role.ADMIN}:
            for _ in range(rng.randint(2, 8)):  # searches and lists: one row naming many children
                rows.append(
                    _row(user, rng.sample(children, min(12, len(children))), _at(day, rng, "08:30", "17:30"), "list")
                )
    return rows


def _peak(rows: list[AuditEvent], caseloads_of) -> tuple[int, int | None]:
    """The most distinct unconnected children any one user opened one at a time in any 30-minute window."""
    opens: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for row in rows:
        if len(row.child_ids) == 1 and row.child_ids[0] not in caseloads_of(row.actor_id):
            opens[row.actor_id].append((row.occurred_at, row.child_ids[0]))
    best, who = 0, None
    for actor, seen in opens.items():
        seen.sort()
        for i, (start, _) in enumerate(seen):
            window = {c for at, c in seen[i:] if at < start + CURIOUS_WINDOW}
            if len(window) > best:
                best, who = len(window), actor
    return best, who


def _run_the_day(day: dt.datetime) -> tuple[list[PrivacyAlert], float]:
    alerts, slowest = [], 0.0
    tick = day.replace(hour=8, minute=30)
    while tick <= day.replace(hour=18):
        started = time.perf_counter()
        alerts += curious_colleague_sweep(now=tick)
        slowest = max(slowest, time.perf_counter() - started)
        tick += dt.timedelta(minutes=1)
    return alerts, slowest


def test_a_normal_days_traffic_raises_no_alert_and_a_curious_colleague_in_it_raises_one(small_dataset):
    rng = random.Random(17)
    day = (timezone.localtime() - dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = normal_day(day, rng)
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    users = User.objects.filter(is_active=True).count()

    def caseload(actor_id):
        user = User.objects.get(pk=actor_id)
        return set(
            Involvement.objects.filter(Q(user=user) | Q(team__in=user.teams.all())).values_list("person_id", flat=True)
        )

    cache: dict[int, set[int]] = {}
    peak, who = _peak(rows, lambda a: cache.setdefault(a, caseload(a)))
    assert peak < CURIOUS_CHILDREN

    started = time.perf_counter()
    alerts, slowest = _run_the_day(day)
    elapsed = time.perf_counter() - started
    assert alerts == []
    assert not PrivacyAlert.objects.exists()

    # The same day with one curious colleague: a manager opening 60 unconnected children between 14:00 and 14:30.
    curious = User.objects.filter(groups__name=Role.MANAGER, is_active=True).order_by("pk").first()
    outside = [c for c in rng.sample(sorted(set(r.child_ids[0] for r in rows if len(r.child_ids) == 1)), 200)]
    outside = [c for c in outside if c not in caseload(curious.pk)][:60]
    script = [_row(curious, [c], day.replace(hour=14) + dt.timedelta(seconds=30 * i)) for i, c in enumerate(outside)]
    AuditEvent.objects.bulk_create(script)
    alerts, _ = _run_the_day(day)
    assert [a.user_id for a in alerts] == [curious.pk]
    raised = alerts[0].raised_at
    assert raised <= script[-1].occurred_at + dt.timedelta(minutes=5)
    print(
        f"B28 normal day: {users} users, {len(rows)} read-audit rows, peak {peak} unconnected children in 30 min "
        f"(user {who}; threshold {CURIOUS_CHILDREN}), 0 alerts over 571 sweeps in {elapsed:.1f} s (slowest "
        f"{slowest * 1000:.0f} ms); the curious colleague alerted at {raised:%H:%M}, the script ended "
        f"{script[-1].occurred_at:%H:%M:%S}"
    )
