"""Work requests: hand-offs between strands, created with their clock, accepted, handed back or closed.

Each request has a due time (cases.WorkRequestSettings, per kind) kept as a cases.Deadline row, so the one sweep
(cases.services.deadlines.deadline_sweep) reminds its receivers once when it is due soon and alerts them once when it
is overdue; handling the request meets (accepted) or cancels (handed back, closed) that deadline."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from .. import policy
from ..models import (
    Episode,
    LeadKind,
    Person,
    Strand,
    User,
    WorkRequest,
    WorkRequestSettings,
)
from ..registry import registry
from ..selectors.families import current_leads
from ..workdays import LONDON, WORKDAY_START, Calendar, _london
from .audit import audit_record
from .deadlines import deadline_cancel, deadline_met, deadline_set
from .episodes import episode_set_lead
from .notes import chronology_add
from .notifications import notify
from .state import transition

# The page a request opens on: its receivers accept, hand back or close it there (cases.urls).
REQUEST_PAGE = "cases:work_request"
# An LCPP may close any open request about a child they can see, with a reason (issue 13 item 2).
CLOSE_WORK_REQUEST = policy.CLOSE_WORK_REQUEST


def work_request_deadline_kind(kind: str) -> str:
    return f"work_request.{kind}"


def work_request_reference(request: WorkRequest) -> str:
    """How a request is named where the child must not be (notification titles, emails, deadlines)."""
    return f"R{request.pk:06d}"


def work_request_link(request: WorkRequest) -> str:
    return reverse(REQUEST_PAGE, args=[request.pk])


def _working_start(calendar: Calendar, start: dt.datetime) -> tuple[dt.date, dt.time]:
    """The day and time a working-day clock starts from: a request made on a non-working day counts as made at
    09:00 on the next working day (as the front door's one-working-day decision clock does)."""
    local = start.astimezone(LONDON)
    if calendar.is_working_day(local.date()):
        return local.date(), local.time().replace(tzinfo=None)
    return calendar.next_working_day(local.date()), WORKDAY_START


def work_request_due(
    *, kind: str, start: dt.datetime, settings: WorkRequestSettings | None = None, calendar: Calendar | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """(due_at, warn_at) of a request of this kind made at `start`. Working hours are the front door's clock
    (Calendar.add_working_hours: the hours of working days); working days are due at the same time of day on the
    n-th working day after. The reminder goes when the setting's reminder (in working time) remains."""
    settings = settings or WorkRequestSettings.current()
    calendar = calendar or Calendar.from_database()
    unit, amount, reminder = settings.clock(kind)
    if unit == "hours":
        due_at = calendar.add_working_hours(start, amount)
        warn_at = calendar.add_working_hours(start, max(amount - reminder, 0))
    else:
        day, time = _working_start(calendar, start)
        due_at = _london(calendar.add_working_days(day, amount), time)
        warn_at = _london(calendar.add_working_days(day, max(amount - int(reminder), 0)), time)
    return due_at, max(warn_at, start)


@transaction.atomic
def work_request_create(
    *,
    kind: str,
    person: Person,
    actor: User | None,
    summary: str,
    episode: Episode | None = None,
    urgent: bool = False,
    source: models.Model | None = None,
    due_at: dt.datetime | None = None,
) -> WorkRequest:
    """A hand-off, with its clock: every caller's request gets its Deadline here (`due_at` overrides the
    setting's due time for this one request)."""
    request = WorkRequest.objects.create(
        kind=kind,
        person=person,
        episode=episode,
        urgent=urgent,
        summary=summary,
        requested_by=actor,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
    )
    now = request.created_at
    if due_at is None:
        due_at, warn_at = work_request_due(kind=kind, start=now)
    else:
        warn_at = max(now, now + (due_at - now) * 0.75)
    deadline_set(
        kind=work_request_deadline_kind(kind),
        # No child's name: the label is a notification's title and an email's subject.
        label=f"{request.get_kind_display()} request {work_request_reference(request)}",
        target=request,
        due_at=due_at,
        warn_at=warn_at,
        person_ids=[person.pk],
        link=work_request_link(request),
    )
    audit_record(
        actor=actor,
        verb="work_request.created",
        target=request,
        child_ids=[person.pk],
        fields=["kind", "urgent", "due_at"],
    )
    return request


@transaction.atomic
def work_request_handle(*, request: WorkRequest, actor: User, status: str, reason: str = "") -> WorkRequest:
    """Accept, decline (hand back) or cancel (close) a hand-off: WorkRequest.TRANSITIONS, a compare-and-set on the
    open request (a colleague who handled it first wins; InvalidTransition, a Conflict, says how it stands now).
    Handing back or closing needs a reason, kept on the request: nothing is dropped silently. The request's
    deadline is met (accepted) or cancelled (the others), so no reminder or breach follows."""
    if status not in {WorkRequest.Status.ACCEPTED, WorkRequest.Status.DECLINED, WorkRequest.Status.CANCELLED}:
        raise ValidationError({"status": ["Choose accept, decline or cancel"]})
    reason = (reason or "").strip()
    if status == WorkRequest.Status.DECLINED and not reason:
        raise ValidationError({"reason": ["Say why you are handing this request back"]})
    if status == WorkRequest.Status.CANCELLED and not reason:
        raise ValidationError({"reason": ["Say why this request is being closed"]})
    transition(
        request,
        to=status,
        refused="This request has already been handled",
        changes={"handled_by": actor, "handled_at": timezone.now(), "handled_reason": reason},
    )
    deadline_kind = work_request_deadline_kind(request.kind)
    if status == WorkRequest.Status.ACCEPTED:
        deadline_met(kind=deadline_kind, target=request)
    else:
        deadline_cancel(kind=deadline_kind, target=request)
    audit_record(
        actor=actor, verb=f"work_request.{status}", target=request, child_ids=[request.person_id], reason=reason
    )
    return request


def _require_in_scope(actor: User, request: WorkRequest) -> None:
    from ..permissions import person_record_scope

    if not person_record_scope(actor, relatives=False).filter(pk=request.person_id).exists():
        raise PermissionDenied("No such request")


def _require_receiver(actor: User, request: WorkRequest) -> None:
    from ..selectors.work_requests import user_receives

    if not (actor.is_active and user_receives(user=actor, request=request)):
        raise PermissionDenied("Only its receivers act on this request")
    _require_in_scope(actor, request)


def _kind_label(request: WorkRequest) -> str:
    return request.get_kind_display()


@transaction.atomic
def work_request_accept(*, request: WorkRequest, actor: User) -> WorkRequest:
    """A receiver accepts a request of a kind the shared record handles itself (cases registers them until the
    strand that owns the work exists). A strategy discussion: the accepting LCPP becomes the LCPP of the child's
    episode. Every acceptance says in the chronology who took it and when. A kind another strand registered is
    accepted on that strand's page (its WorkRequestKind.url_name)."""
    _require_receiver(actor, request)
    kind = registry.work_request_kind(request.kind)
    if kind is None or kind.url_name != REQUEST_PAGE:
        raise ValidationError(f"{_kind_label(request)} requests are accepted on their own page")
    return work_request_take(request=request, actor=actor)


@transaction.atomic
def work_request_take(*, request: WorkRequest, actor: User) -> WorkRequest:
    """What accepting a request does, for a strand's own accept page too (child protection starts a strategy
    discussion from it): only a receiver, about a child they may open; the request is accepted (its deadline met); a
    strategy discussion's accepting LCPP becomes the LCPP of the child's episode; the chronology says who took it and
    when; whoever asked and the child's leads are told."""
    _require_receiver(actor, request)
    episode = None
    if request.kind == WorkRequest.Kind.STRATEGY_DISCUSSION:
        episode = (
            request.episode
            if request.episode is not None and request.episode.closed_on is None
            else Episode.objects.filter(person_id=request.person_id, closed_on__isnull=True)
            .order_by("-opened_on", "-id")
            .first()
        )
        if episode is None:
            raise ValidationError("The child has no open episode to lead: open one first")
    work_request_handle(request=request, actor=actor, status=WorkRequest.Status.ACCEPTED)
    if episode is not None:
        episode_set_lead(episode=episode, actor=actor, user=actor, kind=LeadKind.LCPP, started_at=request.handled_at)
    chronology_add(
        person=request.person,
        actor=actor,
        strand=Strand.RECORD,
        kind=f"work_request.{request.kind}.accepted",
        summary=f"{_kind_label(request)} request accepted by {actor.full_name}"
        + (" (Lead Child Protection Practitioner)" if episode is not None else ""),
        occurred_at=request.handled_at,
        significant=request.kind in (WorkRequest.Kind.STRATEGY_DISCUSSION, WorkRequest.Kind.EMERGENCY_ACTION),
        target=request,
        link=work_request_link(request),
    )
    _tell_accepted(request=request, actor=actor, lcpp=episode is not None)
    return request


def _tell_accepted(*, request: WorkRequest, actor: User, lcpp: bool) -> None:
    """Whoever asked and the child's current lead practitioners hear that the request was taken, and by whom (a new
    LCPP is a change of lead: never silent). The title names the request, never the child."""
    recipients = {user.pk: user for user in current_leads(person_id=request.person_id)}
    if request.requested_by is not None and request.requested_by.is_active:
        recipients[request.requested_by_id] = request.requested_by
    recipients.pop(actor.pk, None)
    for user in recipients.values():
        notify(
            user=user,
            kind="work_request.accepted",
            unique_key=f"workrequest:{request.pk}:accepted:{user.pk}",
            title=f"{_kind_label(request)} request {work_request_reference(request)} accepted",
            body=f"Accepted by {actor.full_name}" + (", now the Lead Child Protection Practitioner." if lcpp else "."),
            link=reverse("cases:person_detail", args=[request.person_id]),
        )


@transaction.atomic
def work_request_hand_back(*, request: WorkRequest, actor: User, reason: str) -> WorkRequest:
    """A receiver hands a request back (declined) with a reason: kept on the request, shown on its page and in the
    child's chronology, and sent to whoever asked."""
    _require_receiver(actor, request)
    work_request_handle(request=request, actor=actor, status=WorkRequest.Status.DECLINED, reason=reason)
    _record_ending(request=request, actor=actor, verb="handed back")
    return request


@transaction.atomic
def work_request_close(*, request: WorkRequest, actor: User, reason: str) -> WorkRequest:
    """An LCPP closes a request that is no longer wanted (cancelled), with a reason: e.g. one made by a front-door
    decision the manager returned. Never silently: the reason is kept, shown and sent to whoever asked."""
    if not policy.may(actor, CLOSE_WORK_REQUEST):
        raise PermissionDenied("Only a Lead Child Protection Practitioner closes a request")
    _require_in_scope(actor, request)
    work_request_handle(request=request, actor=actor, status=WorkRequest.Status.CANCELLED, reason=reason)
    _record_ending(request=request, actor=actor, verb="closed")
    return request


def _record_ending(*, request: WorkRequest, actor: User, verb: str) -> None:
    chronology_add(
        person=request.person,
        actor=actor,
        strand=Strand.RECORD,
        kind=f"work_request.{request.kind}.{request.status}",
        summary=f"{_kind_label(request)} request {verb} by {actor.full_name}: {request.handled_reason}",
        occurred_at=request.handled_at,
        significant=True,
        target=request,
        link=work_request_link(request),
    )
    work_request_tell_asker(request=request, actor=actor, verb=verb)


def work_request_tell_asker(*, request: WorkRequest, actor: User, verb: str) -> None:
    """Whoever asked hears that their request was handed back or closed, with the reason (once; not the actor). For
    a strand that ends requests through work_request_handle as part of its own decision (a step-down)."""
    asker = request.requested_by
    if asker is not None and asker.pk != actor.pk and asker.is_active:
        notify(
            user=asker,
            kind=f"work_request.{request.status}",
            unique_key=f"workrequest:{request.pk}:{request.status}",
            # The reference, never the child's name (a title reaches lists and emails).
            title=f"{_kind_label(request)} request {work_request_reference(request)} {verb}",
            body=request.handled_reason,
            link=reverse("cases:person_detail", args=[request.person_id]),
        )
