"""Hand-offs between strands (cases.WorkRequest), read for the people who receive them: the inbox.

Who receives a kind is registered by the strand that accepts it (cases.registry.WorkRequestKind): everyone holding
one of its roles, or, for a kind registered `to_leads`, only the child's current lead practitioner(s). On top of
that every read is scoped to the children whose whole record the user may open (cases.permissions), so a user sees
only requests about children they may see; a restricted child's request is listed, unnamed, where a list says a
request is waiting (the Family Help waiting list always has), and opens only for its named list."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from .. import policy
from ..models import Deadline, EpisodeLead, Person, User, WorkRequest
from ..permissions import person_record_scope
from ..registry import registry
from .families import current_lead_ids

REQUEST_TARGET = "cases.workrequest"


def _lead_of_child(user: User):
    return Exists(
        EpisodeLead.objects.filter(
            user=user, ended_at__isnull=True, episode__closed_on__isnull=True, episode__person=OuterRef("person")
        )
    )


def _received(user: User) -> Q | None:
    """The requests of the kinds this user receives (None: no kind), before scope."""
    if not (user.is_authenticated and user.is_active):
        return None
    by_role, to_leads = [], []
    for kind in registry.work_request_kinds():
        if user.has_role(*kind.receiving_roles):
            (to_leads if kind.to_leads else by_role).append(kind.kind)
    received = Q(kind__in=by_role) if by_role else None
    if to_leads:
        led = Q(kind__in=to_leads) & Q(_lead_of_child(user))
        received = led if received is None else received | led
    return received


def receives_work_requests(user: User) -> bool:
    """Whether the inbox exists for this user: they receive some kind (by role), or may close requests."""
    return (
        user.is_authenticated
        and user.is_active
        and (
            any(user.has_role(*k.receiving_roles) for k in registry.work_request_kinds())
            or policy.may(user, policy.CLOSE_WORK_REQUEST)
        )
    )


def user_receives(*, user: User, request: WorkRequest) -> bool:
    received = _received(user)
    return received is not None and WorkRequest.objects.filter(received, pk=request.pk).exists()


def _deadline(field: str):
    return Subquery(
        Deadline.objects.filter(
            target_type=REQUEST_TARGET,
            target_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-created_at")
        .values(field)[:1]
    )


def _with_clock(qs: QuerySet[WorkRequest]) -> QuerySet[WorkRequest]:
    return qs.annotate(due_at=_deadline("due_at"), warn_at=_deadline("warn_at"))


def work_request_inbox(
    *, user: User, kind: str | None = None, include_restricted: bool = False
) -> QuerySet[WorkRequest]:
    """The open requests this user receives, about children whose record they may open, each with its `due_at` and
    `warn_at`: urgent first, then by due time, then oldest. `kind` narrows to one kind (the inbox's view for one
    team: the Family Help waiting list is `kind=family_help_allocation`). `include_restricted` keeps the requests
    about restricted children off the user's list (callers show them unnamed)."""
    received = _received(user)
    if received is None:
        return WorkRequest.objects.none()
    qs = WorkRequest.objects.filter(received, status=WorkRequest.Status.OPEN).filter(
        person__in=person_record_scope(user, ignore_restriction=include_restricted, relatives=False).values("pk")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return (
        _with_clock(qs)
        .select_related("person", "episode", "requested_by")
        .order_by("-urgent", F("due_at").asc(nulls_last=True), "created_at", "id")
    )


def work_request_inbox_counts(*, user: User, now: dt.datetime | None = None) -> dict[str, int]:
    """How many requests wait in this user's inbox and how many are overdue (the home page panel: counts only)."""
    now = now or timezone.now()
    counts = (
        work_request_inbox(user=user, include_restricted=True)
        .order_by()
        .aggregate(waiting=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now)))
    )
    return {"waiting": counts["waiting"] or 0, "overdue": counts["overdue"] or 0}


def work_request_get_for_user(*, user: User, request_id: int) -> WorkRequest:
    """One request (open or handled) for one of its receivers, or an LCPP (who may close any), about a child whose
    record they may open; 404 otherwise (a restricted child: for its named list only)."""
    received = Q() if policy.may(user, policy.CLOSE_WORK_REQUEST) else _received(user)
    if received is None:
        raise Http404("No such request")
    try:
        return (
            _with_clock(
                WorkRequest.objects.filter(received).filter(
                    person__in=person_record_scope(user, relatives=False).values("pk")
                )
            )
            .select_related("person", "episode", "requested_by", "handled_by")
            .get(pk=request_id)
        )
    except (WorkRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request") from None


def work_request_receivers(*, request_id: int) -> list[User]:
    """Who hears about this request's reminder and breach now: the kind's receivers (its roles' active holders, or
    the child's current leads) who may open the child's record."""
    request = WorkRequest.objects.filter(pk=request_id).first()
    kind = registry.work_request_kind(request.kind) if request is not None else None
    if kind is None:
        return []
    users = User.objects.filter(is_active=True, groups__name__in=kind.receiving_roles).distinct()
    if kind.to_leads:
        users = users.filter(pk__in=current_lead_ids(person_id=request.person_id))
    return [
        user
        for user in users.order_by("id")
        if person_record_scope(user, relatives=False).filter(pk=request.person_id).exists()
    ]


def work_requests_to_accept(*, user: User, person: Person) -> QuerySet[WorkRequest]:
    """This child's open requests of the kinds this user receives (cases.registry: the strand that accepts a
    kind registers who receives it), urgent first, then oldest. Empty, without a query's worth of work, for
    anyone who receives no kind. The caller has already scoped `person` to the user."""
    received = _received(user)
    if received is None:
        return WorkRequest.objects.none()
    return WorkRequest.objects.filter(received, person=person, status=WorkRequest.Status.OPEN).order_by(
        "-urgent", "created_at", "id"
    )


@dataclass(frozen=True)
class Rag:
    """A request's RAG status, in words as well as colour."""

    colour: str  # red, amber, green (the tag's class)
    text: str


def work_request_rag(request: WorkRequest, now: dt.datetime | None = None) -> Rag:
    """Red overdue, amber due within the reminder window, green otherwise."""
    now = now or timezone.now()
    due_at, warn_at = getattr(request, "due_at", None), getattr(request, "warn_at", None)
    if due_at is not None and due_at <= now:
        return Rag("red", "Overdue")
    if warn_at is not None and warn_at <= now:
        return Rag("amber", "Due soon")
    return Rag("green", "On time")
