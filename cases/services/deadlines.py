"""Deadlines: set, met, cancelled, reassigned, and the sweep that alerts before and at a breach."""

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from ffp import clock

from ..models import (
    Deadline,
    Person,
    Strand,
    User,
)
from ..registry import registry
from .audit import audit_record
from .notes import chronology_add
from .notifications import notify


def _strand_for(target_type: str) -> str:
    app_label = target_type.split(".", 1)[0]
    return app_label if app_label in Strand.values else Strand.RECORD


def deadline_set(
    *,
    kind: str,
    label: str,
    target: models.Model,
    due_at,
    person_ids: Iterable[int] = (),
    warn_at=None,
    assignee: User | None = None,
    notify_agency=None,
    escalate_role: str = "",
    remind_role: str = "",
    link: str = "",
) -> Deadline:
    """Create or move the open deadline of this kind for this record (one open per kind and target)."""
    target_type, target_id = target._meta.label_lower, str(target.pk)
    values = {
        "label": label,
        "due_at": due_at,
        "warn_at": warn_at,
        "person_ids": sorted(set(person_ids)),
        "assignee": assignee,
        "notify_agency": notify_agency,
        "escalate_role": escalate_role,
        "remind_role": remind_role,
        "link": link,
    }
    existing = Deadline.objects.filter(
        kind=kind, target_type=target_type, target_id=target_id, state=Deadline.State.OPEN
    ).first()
    if existing:
        if warn_at is None:  # moving a deadline keeps its reminder unless a new one is given
            values.pop("warn_at")
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        return existing
    return Deadline.objects.create(kind=kind, target_type=target_type, target_id=target_id, **values)


def deadline_met(*, kind: str, target: models.Model) -> int:
    """Close the open deadline (the decision was made, the request answered). Returns rows closed."""
    return Deadline.objects.filter(
        kind=kind, target_type=target._meta.label_lower, target_id=str(target.pk), state=Deadline.State.OPEN
    ).update(state=Deadline.State.MET, met_at=timezone.now())


def deadline_cancel(*, kind: str, target: models.Model) -> int:
    """Cancel the open deadline of this kind for this record (the request was handed back or closed; a decision
    replaced before its sign-off): the sweeper then sends no reminder or breach. Returns rows cancelled."""
    return Deadline.objects.filter(
        kind=kind, target_type=target._meta.label_lower, target_id=str(target.pk), state=Deadline.State.OPEN
    ).update(state=Deadline.State.CANCELLED, updated_at=timezone.now())


def deadline_cancel_for_children(*, kind_prefix: str, person_ids: Iterable[int]) -> int:
    """Cancel the open deadlines of a strand's kinds that are about these children only, because that work
    has ended for them (e.g. Family Help closed): the sweeper then sends no reminder or breach. Returns rows."""
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        return 0
    return (
        Deadline.objects.filter(state=Deadline.State.OPEN, kind__startswith=kind_prefix, person_ids__contained_by=ids)
        .exclude(person_ids=[])
        .update(state=Deadline.State.CANCELLED, updated_at=timezone.now())
    )


def deadline_reassign(*, kind: str, target: models.Model, assignee: User | None) -> None:
    Deadline.objects.filter(
        kind=kind, target_type=target._meta.label_lower, target_id=str(target.pk), state=Deadline.State.OPEN
    ).update(assignee=assignee)


# A breach found this long after it happened was missed by the sweeper (downtime) and says so.
LATE_DETECTION = dt.timedelta(minutes=5)


def _deadline_recipients(deadline: Deadline, *, breach: bool) -> list[User]:
    users: dict[int, User] = {}
    if deadline.assignee_id and deadline.assignee.is_active:
        users[deadline.assignee_id] = deadline.assignee
    if deadline.notify_agency_id:
        # The agency's liaison team, never every user of the agency (issue 11 finding 7).
        from ..selectors.organisation import agency_liaison_users

        for user in agency_liaison_users(agency_id=deadline.notify_agency_id):
            users[user.pk] = user
    roles = [deadline.remind_role] + ([deadline.escalate_role] if breach else [])
    for user in User.objects.filter(groups__name__in=[r for r in roles if r], is_active=True).distinct():
        users[user.pk] = user
    if deadline.target_type == "cases.workrequest":
        # A hand-off's receivers are read when the alert goes (who holds the role, who leads the child now), and
        # only those who may open the child's record (a restricted child: its named list).
        from ..selectors.work_requests import work_request_receivers

        for user in work_request_receivers(request_id=int(deadline.target_id)):
            users[user.pk] = user
    return list(users.values())


def deadline_sweep(*, now=None) -> dict[str, int]:
    """Warn before and record breaches after every open deadline; safe to run any number of times,
    concurrently, or after downtime (it catches up on everything due by now, flagging late finds).

    Each deadline is handled in its own transaction with the row locked (SKIP LOCKED, so two sweepers
    share the work instead of both doing it), and every notification carries a unique key: a crash
    mid-way rolls that deadline back for the next sweep, and nothing is ever sent twice."""
    now = now or clock.now()  # the tests move it for the worker processes too (ffp.clock)
    warned = breached = 0
    warn_ids = list(
        Deadline.objects.filter(
            state=Deadline.State.OPEN, warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
        ).values_list("pk", flat=True)
    )
    for pk in warn_ids:
        with transaction.atomic():
            deadline = (
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee")
                .filter(pk=pk, state=Deadline.State.OPEN, warned_at__isnull=True)
                .first()
            )
            if deadline is None:
                continue
            Deadline.objects.filter(pk=pk).update(warned_at=now)
            for user in _deadline_recipients(deadline, breach=False):
                notify(
                    user=user,
                    kind=f"{deadline.kind}.due_soon",
                    unique_key=f"deadline:{pk}:warn:{user.pk}",
                    title=f"Due soon: {deadline.label}",
                    link=deadline.link,
                    body=f"Due by {timezone.localtime(deadline.due_at):%A %d %B %Y at %H:%M}.",
                )
            # The warning changes the child's deadline and tells people about it: audited like the breach below
            # (B9 found it committed with no audit row).
            audit_record(
                actor=None,
                verb="deadline.warned",
                target=deadline,
                child_ids=deadline.person_ids,
                fields=["warned"],
            )
            warned += 1
    breach_ids = list(
        Deadline.objects.filter(state=Deadline.State.OPEN, breached_at__isnull=True, due_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in breach_ids:
        with transaction.atomic():
            deadline = (
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee")
                .filter(pk=pk, state=Deadline.State.OPEN, breached_at__isnull=True)
                .first()
            )
            if deadline is None:
                continue
            late = now - deadline.due_at > LATE_DETECTION
            Deadline.objects.filter(pk=pk).update(breached_at=now, breach_detected_late=late)
            due_text = timezone.localtime(deadline.due_at).strftime("%A %d %B %Y at %H:%M")
            for user in _deadline_recipients(deadline, breach=True):
                notify(
                    user=user,
                    kind=f"{deadline.kind}.overdue",
                    unique_key=f"deadline:{pk}:breach:{user.pk}",
                    title=f"Overdue: {deadline.label}",
                    link=deadline.link,
                    send_email=True,
                    body=f"This was due by {due_text}."
                    + (" (Found late: the reminder service was down.)" if late else ""),
                )
            for person in Person.objects.filter(pk__in=deadline.person_ids):
                chronology_add(
                    person=person,
                    actor=None,
                    strand=_strand_for(deadline.target_type),
                    kind=f"{deadline.kind}.breached",
                    summary=f"Timescale missed: {deadline.label} (due {due_text})",
                    significant=True,
                    occurred_at=deadline.due_at,
                    link=deadline.link,
                )
            # What else the strand changes on its own records (cases.registry), in this transaction, so the
            # flag and the alerts commit together.
            handler = registry.deadline_breach_handler(deadline.kind)
            if handler is not None:
                handler(deadline)
            audit_record(
                actor=None,
                verb="deadline.breached",
                target=deadline,
                child_ids=deadline.person_ids,
                fields=["breached"],
            )
            breached += 1
    return {"warned": warned, "breached": breached}
