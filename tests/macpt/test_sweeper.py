"""One sweeper for every child protection timescale (issue 14 item 10): each macpt.* kind is a shared deadline, swept
by the shared record's sweeper (cases.services.deadline_sweep; the beat's task through a real Celery worker), which
reminds before and records a breach at the limit exactly once each: to the assignee, the LCPPs at a breach, the
child's chronology under child protection. The oversight dashboard turns amber at the reminder and red at the limit."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, Deadline, Notification, Role, Strand
from cases.services import deadline_sweep
from cases.tasks import deadline_sweep_task
from cases.workdays import LONDON
from macpt.selectors.oversight import oversight_rows
from macpt.services.deadlines import TIMESCALES, timescale_set
from tests.factories import UserFactory
from tests.macpt.oversight_support import discussion
from tests.personas import team
from tests.support import wait_until

# The contract's kinds (PROTOCOL, "Deadlines"): every one the strand's services set.
CONTRACT_KINDS = {
    "macpt.strategy_record",
    "macpt.icpc",
    "macpt.core_group",
    "macpt.visit",
    "macpt.review_conference",
    "macpt.pp_step",
    "macpt.emergency_lapse",
}


def _london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _clocks(*, lcpp, children, due_on: dt.date) -> list[Deadline]:
    """One clock of every kind, each about its own child, on a child protection record (a strategy discussion)."""
    target = discussion(team=team("macpt"), chair=lcpp)
    return [
        timescale_set(
            kind=kind,
            target=target,
            due_on=due_on,
            person_ids=[child.pk],
            assignee=lcpp,
            label=f"{TIMESCALES[kind].name} for child {child.pk}",
            link=f"/child-protection/x/{n}/",
        )
        for n, (kind, child) in enumerate(zip(sorted(TIMESCALES), children, strict=True))
    ]


def test_the_strand_names_every_kind_of_the_contract():
    assert set(TIMESCALES) == CONTRACT_KINDS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due_on", "warned_on"),
    [
        # Tuesday after Christmas 2026 (Friday 25th, Boxing Day's Monday 28th): reminded on Christmas Eve.
        (dt.date(2026, 12, 29), dt.date(2026, 12, 24)),
        # Easter 2027 (Good Friday 26 March, Easter Monday 29 March): due Tuesday 30th, reminded Thursday 25th.
        (dt.date(2027, 3, 30), dt.date(2027, 3, 25)),
        # The clocks go back on Sunday 25 October 2026: due Monday (GMT), reminded Friday 09:00 BST (08:00 UTC).
        (dt.date(2026, 10, 26), dt.date(2026, 10, 23)),
    ],
)
def test_every_timescale_reminds_then_breaches_exactly_once(lcpp, make_person, due_on, warned_on):
    other_lcpp = UserFactory(roles=[Role.LCPP])
    children = [make_person(f"Kid{n}", "Clock") for n in range(len(TIMESCALES))]
    clocks = _clocks(lcpp=lcpp, children=children, due_on=due_on)
    warn_at = _london(warned_on, 9)
    due_at = _london(due_on, 17)
    assert {(d.warn_at, d.due_at) for d in clocks} == {(warn_at, due_at)}

    def rags(now):
        return {r.rag for r in oversight_rows(user=lcpp, people=children, now=now)}

    minute = dt.timedelta(minutes=1)
    assert deadline_sweep(now=warn_at - minute) == {"warned": 0, "breached": 0}
    assert rags(warn_at - minute) == {"green"}
    for _ in range(2):
        deadline_sweep(now=warn_at + minute)
    assert rags(warn_at + minute) == {"amber"}
    reminders = Notification.objects.filter(kind__endswith=".due_soon")
    assert sorted(reminders.values_list("kind", flat=True)) == sorted(f"{k}.due_soon" for k in TIMESCALES)
    assert set(reminders.values_list("user", flat=True)) == {lcpp.pk}  # the LCPPs hear only of a breach

    assert deadline_sweep(now=due_at - minute) == {"warned": 0, "breached": 0}
    for _ in range(3):
        deadline_sweep(now=due_at + minute)
    assert rags(due_at + minute) == {"red"}
    breaches = Notification.objects.filter(kind__endswith=".overdue")
    assert sorted(breaches.values_list("kind", "user")) == sorted(
        (f"{k}.overdue", u.pk) for k in TIMESCALES for u in (lcpp, other_lcpp)
    )
    entries = ChronologyEntry.objects.filter(kind__endswith=".breached")
    assert sorted(entries.values_list("kind", "person", "strand")) == sorted(
        (f"{d.kind}.breached", d.person_ids[0], Strand.MACPT) for d in clocks
    )
    assert AuditEvent.objects.filter(verb="deadline.breached").count() == len(TIMESCALES)
    assert Notification.objects.count() == len(TIMESCALES) * 3  # nothing more, however often it sweeps


@pytest.mark.django_db
def test_a_clock_is_set_only_for_a_child_protection_record_and_a_child(lcpp, make_person):
    child = make_person()
    with pytest.raises(ValueError, match="child protection record"):
        timescale_set(
            kind="macpt.icpc",
            target=child,
            due_on=dt.date(2027, 1, 5),
            person_ids=[child.pk],
            assignee=lcpp,
            label="x",
            link="/",
        )
    with pytest.raises(ValueError, match="not a child protection timescale"):
        timescale_set(
            kind="macpt.lunch",
            target=discussion(team=team("macpt"), chair=lcpp),
            due_on=dt.date(2027, 1, 5),
            person_ids=[child.pk],
            assignee=lcpp,
            label="x",
            link="/",
        )


def test_the_real_worker_sweeps_every_timescale_exactly_once(celery_worker_process, lcpp, make_person):
    # transactional: the worker (another process) must see the committed rows
    today = timezone.localdate()
    late = _clocks(
        lcpp=lcpp,
        children=[make_person(f"Late{n}", "Worker") for n in range(len(TIMESCALES))],
        due_on=today - dt.timedelta(7),
    )
    soon = _clocks(
        lcpp=lcpp,
        children=[make_person(f"Soon{n}", "Worker") for n in range(len(TIMESCALES))],
        due_on=today + dt.timedelta(30),
    )
    # The clock, moved: these are in their reminder window now.
    Deadline.objects.filter(pk__in=[d.pk for d in soon]).update(warn_at=timezone.now() - dt.timedelta(minutes=5))
    sent = [deadline_sweep_task.delay().id for _ in range(3)]
    # Until the worker has logged all three sweeps as finished: a late duplicate would show up below.
    assert wait_until(lambda: celery_worker_process.finished(*sent), timeout=90), celery_worker_process.output
    assert celery_worker_process.alive(), "the worker died"
    assert Deadline.objects.filter(pk__in=[d.pk for d in late], breached_at__isnull=False).count() == len(TIMESCALES)
    assert Deadline.objects.filter(pk__in=[d.pk for d in soon], warned_at__isnull=False).count() == len(TIMESCALES)
    kinds = sorted(Notification.objects.filter(user=lcpp).values_list("kind", flat=True))
    assert kinds == sorted([f"{k}.overdue" for k in TIMESCALES] + [f"{k}.due_soon" for k in TIMESCALES])
    assert ChronologyEntry.objects.filter(kind__endswith=".breached", strand=Strand.MACPT).count() == len(TIMESCALES)


@pytest.mark.django_db
def test_the_strategy_and_s47_clocks_the_services_set_are_swept_once_and_drive_the_dashboard(
    discussion, family, lcpp, police_officer, health_member
):
    """Through the strand's own services: a discussion about Mia and Leo decides an s47 for Mia only. The dashboard
    lists Mia, not Leo; the record's clock (about both) and Mia's ICPC clock remind and breach once each, to their
    assignee and, at a breach, the LCPPs, in each child's chronology under child protection; sharing the record meets
    its clock and the ICPC becomes Mia's next item."""
    from macpt.selectors.oversight import oversight_children
    from macpt.services.strategy import strategy_decide, strategy_record_share

    other_lcpp = UserFactory(roles=[Role.LCPP])
    mia, leo = family["mia"], family["leo"]
    rows = {row.person_id: row for row in discussion.children.all()}
    strategy_decide(child=rows[mia.pk], actor=lcpp, decision="s47_joint", reason="Disclosure", lead=lcpp)
    strategy_decide(child=rows[leo.pk], actor=lcpp, decision="no_s47", next_step="family_help", reason="Not hurt")
    assert list(oversight_children(user=lcpp)) == [mia]
    record = Deadline.objects.get(kind="macpt.strategy_record", state="open")
    icpc = Deadline.objects.get(kind="macpt.icpc", state="open")
    assert sorted(record.person_ids) == sorted([mia.pk, leo.pk]) and icpc.person_ids == [mia.pk]
    assert record.warn_at is not None and icpc.warn_at is not None  # every clock reminds before it breaches

    def next_item(now):
        (row,) = oversight_rows(user=lcpp, people=[mia], now=now)
        return row.next_name, row.rag

    minute = dt.timedelta(minutes=1)
    for _ in range(2):
        deadline_sweep(now=record.due_at + minute)
    assert next_item(record.due_at + minute) == ("Strategy discussion record to share", "red")
    overdue = Notification.objects.filter(kind="macpt.strategy_record.overdue")
    assert sorted(overdue.values_list("user", flat=True)) == sorted([lcpp.pk, other_lcpp.pk])
    assert sorted(
        ChronologyEntry.objects.filter(kind="macpt.strategy_record.breached", strand=Strand.MACPT).values_list(
            "person", flat=True
        )
    ) == sorted([mia.pk, leo.pk])

    strategy_record_share(discussion=discussion, actor=lcpp)
    assert next_item(record.due_at + minute) == ("Initial child protection conference", "green")
    for _ in range(2):
        deadline_sweep(now=icpc.warn_at + minute)
    assert next_item(icpc.warn_at + minute) == ("Initial child protection conference", "amber")
    for _ in range(2):
        deadline_sweep(now=icpc.due_at + minute)
    assert next_item(icpc.due_at + minute) == ("Initial child protection conference", "red")
    assert sorted(Notification.objects.filter(kind__startswith="macpt.icpc").values_list("kind", "user")) == sorted(
        [("macpt.icpc.due_soon", lcpp.pk), ("macpt.icpc.overdue", lcpp.pk), ("macpt.icpc.overdue", other_lcpp.pk)]
    )
    assert ChronologyEntry.objects.filter(kind="macpt.icpc.breached", person=mia, strand=Strand.MACPT).count() == 1


@pytest.mark.django_db
def test_no_alert_of_a_plans_clocks_names_the_child(cp_family, lcpp, chair, clock, privacy_officer):
    """The plan's clocks (core group, visit, review) remind the child's lead and tell every LCPP of a breach, on or off
    a restricted child's list: their alerts name the plan by reference, as the enquiry's and the record's do, never
    the child (a restricted child's name would reach LCPPs off its list)."""
    from cases.services import person_restrict
    from tests.macpt.support import hold_icpc

    mia = cp_family["mia"]
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    person_restrict(person=mia, actor=privacy_officer, reason="high_profile", access_users=[lcpp])
    clocks = list(Deadline.objects.filter(target_type="macpt.childprotectionplan", state="open"))
    assert {d.kind for d in clocks} == {"macpt.core_group", "macpt.visit", "macpt.review_conference"}
    for now in (min(d.warn_at for d in clocks) + dt.timedelta(minutes=1), max(d.due_at for d in clocks)):
        deadline_sweep(now=now + dt.timedelta(minutes=1))
    alerts = Notification.objects.filter(kind__startswith="macpt.")
    assert alerts.filter(kind__endswith=".overdue", user=chair).count() == 3  # an LCPP off Mia's list is told
    named = [(a.kind, a.title) for a in alerts if mia.first_name in f"{a.title} {a.body}" or mia.last_name in a.title]
    assert named == []


@pytest.mark.django_db
def test_a_pre_proceedings_step_is_the_next_item_of_a_child_on_a_plan_and_breaches_once(
    client, cp_family, lcpp, chair, clock
):
    """Pre-proceedings for Mia, on a plan: the next step's clock (the letter before proceedings) is on the dashboard
    as a pre-proceedings step when it is her soonest item, and breaches once, to its assignee and the LCPPs, under
    child protection, naming the child nowhere."""
    from macpt.services.pre_proceedings import pre_proceedings_start
    from tests.macpt.support import at, hold_icpc

    mia = cp_family["mia"]
    hold_icpc(cp_family, lcpp, chair, clock, date=dt.date(2025, 12, 19))
    clock.move_to(at(dt.date(2026, 1, 5)))
    pre_proceedings_start(person=mia, actor=lcpp, start_date=dt.date(2026, 1, 5))
    step = Deadline.objects.get(kind="macpt.pp_step", state="open")
    assert step.person_ids == [mia.pk] and step.warn_at < step.due_at
    (row,) = oversight_rows(user=lcpp, people=[mia], now=step.warn_at + dt.timedelta(minutes=1))
    assert "macpt.pp_step" in {d.kind for d in row.deadlines}
    # With the plan's own items done, the step is her next item.
    Deadline.objects.filter(target_type="macpt.childprotectionplan", state="open").update(state="met")
    (row,) = oversight_rows(user=lcpp, people=[mia], now=step.warn_at + dt.timedelta(minutes=1))
    assert (row.next_due, row.next_name, row.rag) == (step, "Pre-proceedings step", "amber")
    for _ in range(3):
        deadline_sweep(now=step.due_at + dt.timedelta(minutes=1))
    overdue = Notification.objects.filter(kind="macpt.pp_step.overdue")
    assert sorted(overdue.values_list("user", flat=True)) == sorted([lcpp.pk, chair.pk])
    assert ChronologyEntry.objects.filter(kind="macpt.pp_step.breached", person=mia, strand=Strand.MACPT).count() == 1
    assert not [n.title for n in overdue if mia.first_name in n.title or mia.last_name in n.title]
