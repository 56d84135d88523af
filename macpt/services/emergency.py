"""Emergency action: an LCPP records police protection or an Emergency Protection Order for a child, from an
accepted emergency-action work request (the front door's or a step-up's "immediate protection") or directly, and
records how it ended. Each start and end goes into the child's chronology, significant; every write is audited.

The law's limits are the service's checks: police protection lasts at most 72 hours (Children Act 1989 s46(6)), an
EPO at most 8 days (s45(1)), extended once by up to 7 (s45(5)-(6))."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import Person, Strand, User, WorkRequest
from cases.permissions import person_record_scope
from cases.services import Conflict, audit_record, chronology_add, deadline_met, work_request_take

from ..models import EmergencyAction, EmergencyKind, EmergencyOutcome
from ..permissions import LEAD_ENQUIRY
from .deadlines import EMERGENCY_LAPSE, emergency_lapse_set

FIELDS = ("kind", "started_at", "by", "reason", "epo_extended")
END_FIELDS = ("ended_at", "outcome", "outcome_detail")


def may_record_emergency_action(user: User) -> bool:
    return policy.may(user, LEAD_ENQUIRY)


def _require(actor: User, person_id: int) -> None:
    """An LCPP, about a child whose whole record they see (a restricted child: its named list only)."""
    if not (actor.is_active and may_record_emergency_action(actor)):
        raise PermissionDenied("Only a Lead Child Protection Practitioner records emergency action")
    if not person_record_scope(actor, relatives=False).filter(pk=person_id).exists():
        raise PermissionDenied("No such child")


def _when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _check(action: EmergencyAction, *, now: dt.datetime) -> None:
    """The rules of an emergency action, each with the field it is about."""
    errors: dict[str, list[str]] = {}
    if action.kind not in EmergencyKind.values:
        errors["kind"] = ["Choose police protection or an Emergency Protection Order"]
    if action.started_at is None:
        errors["started_at"] = ["Enter when it started"]
    elif action.started_at > now:
        errors["started_at"] = ["When it started cannot be in the future"]
    if not (action.by or "").strip():
        errors["by"] = ["Say who took it: the officer and force, or the court and who applied"]
    if not (action.reason or "").strip():
        errors["reason"] = ["Say why the child needed immediate protection"]
    if action.epo_extended and action.kind != EmergencyKind.EPO:
        errors["epo_extended"] = ["Only an Emergency Protection Order can be extended"]
    if action.ended_at is not None or action.outcome:
        if action.ended_at is None:
            errors["ended_at"] = ["Enter when it ended"]
        elif action.ended_at > now:
            errors["ended_at"] = ["When it ended cannot be in the future"]
        elif action.started_at is not None and "kind" not in errors:
            if action.ended_at < action.started_at:
                errors["ended_at"] = [f"It cannot end before it started ({_when(action.started_at)})"]
            elif action.ended_at > action.lapses_at:
                errors["ended_at"] = [
                    "Police protection lasts at most 72 hours: it lapsed on " + _when(action.lapses_at)
                    if action.kind == EmergencyKind.POLICE_PROTECTION
                    else (
                        "An Emergency Protection Order lasts at most 8 days, or 15 with its one extension: it lapsed "
                        "on " + _when(action.lapses_at)
                    )
                ]
        if action.outcome not in EmergencyOutcome.values:
            errors["outcome"] = ["Choose what happened when it ended"]
        elif action.outcome == EmergencyOutcome.OTHER and not (action.outcome_detail or "").strip():
            errors["outcome_detail"] = ["Say what happened"]
    if errors:
        raise ValidationError(errors)


def emergency_action_reference(action: EmergencyAction) -> str:
    """How alerts name an action: never the child (a lapse tells every LCPP, some of whom may not see a restricted
    child's name)."""
    return f"EA-{action.pk:06d}"


def emergency_action_link(action: EmergencyAction) -> str:
    return reverse("macpt:emergency_action", args=[action.pk])


def _started_chronology(action: EmergencyAction, actor: User) -> None:
    chronology_add(
        person=action.person,
        actor=actor,
        strand=Strand.MACPT,
        kind=f"macpt.emergency.{action.kind}.started",
        summary=f"{action.get_kind_display()} from {_when(action.started_at)}, by {action.by}: {action.reason}",
        occurred_at=action.started_at,
        significant=True,
        target=action,
        link=emergency_action_link(action),
    )


def _ended_chronology(action: EmergencyAction, actor: User) -> None:
    detail = f": {action.outcome_detail}" if action.outcome_detail else ""
    chronology_add(
        person=action.person,
        actor=actor,
        strand=Strand.MACPT,
        kind=f"macpt.emergency.{action.kind}.ended",
        summary=f"{action.get_kind_display()} ended {_when(action.ended_at)}. {action.get_outcome_display()}{detail}",
        occurred_at=action.ended_at,
        significant=True,
        target=action,
        link=emergency_action_link(action),
    )


def _accept_request(*, work_request: WorkRequest, person: Person, actor: User) -> WorkRequest:
    """The emergency-action request this action answers: open and about this child, locked, then accepted by the
    shared record's acceptance (cases.services.work_request_take: only its receivers; its deadline met; the chronology
    says who took it; whoever asked and the child's leads are told). A colleague who took it first wins: Conflict."""
    request = WorkRequest.objects.select_for_update(of=("self",)).select_related("person").get(pk=work_request.pk)
    if request.kind != WorkRequest.Kind.EMERGENCY_ACTION:
        raise ValidationError("This is not an emergency-action request")
    if request.person_id != person.pk:
        raise ValidationError("This request is about another child")
    if request.status != WorkRequest.Status.OPEN:
        raise Conflict("This request has already been dealt with", obj=request, current={"status": request.status})
    return work_request_take(request=request, actor=actor)


@transaction.atomic
def emergency_action_record(
    *, person: Person, actor: User, data: dict, work_request: WorkRequest | None = None
) -> EmergencyAction:
    """Record an emergency action (and, if it is already over, its end). From a work request: the request is accepted
    by the same decision, and whoever asked and the child's leads are told."""
    _require(actor, person.pk)
    now = timezone.now()
    action = EmergencyAction(
        person=person,
        recorded_by=actor,
        **{k: data.get(k) for k in FIELDS if k in data},
        **{k: data.get(k) or ("" if k != "ended_at" else None) for k in END_FIELDS},
    )
    action.by = (action.by or "").strip()
    action.reason = (action.reason or "").strip()
    action.epo_extended = bool(action.epo_extended)
    _check(action, now=now)
    if work_request is not None:
        action.work_request = _accept_request(work_request=work_request, person=person, actor=actor)
    action.full_clean(exclude=["person", "recorded_by", "work_request"])
    action.save()
    _started_chronology(action, actor)
    if action.ended_at is not None:
        _ended_chronology(action, actor)
    else:
        # When it lapses in law is a clock: a reminder before and an alert at the limit, each once.
        emergency_lapse_set(
            action=action,
            assignee=actor,
            label=f"{action.get_kind_display()} {emergency_action_reference(action)} lapses",
            link=emergency_action_link(action),
        )
    audit_record(
        actor=actor,
        verb="macpt.emergency_action.recorded",
        target=action,
        child_ids=[person.pk],
        fields=[*FIELDS, *(END_FIELDS if action.ended_at else ())],
        related={"work_request": action.work_request_id},
    )
    return action


@transaction.atomic
def emergency_action_end(*, action: EmergencyAction, actor: User, data: dict) -> EmergencyAction:
    """Record how and when an emergency action ended (once: an ended action is not ended again)."""
    action = EmergencyAction.objects.select_for_update().select_related("person").get(pk=action.pk)
    _require(actor, action.person_id)
    if action.ended_at is not None:
        raise Conflict(
            f"This {action.get_kind_display().lower()} was already recorded as ended on {_when(action.ended_at)}",
            obj=action,
            current={"ended_at": action.ended_at, "outcome": action.outcome},
        )
    action.ended_at = data.get("ended_at")
    action.outcome = data.get("outcome") or ""
    action.outcome_detail = (data.get("outcome_detail") or "").strip()
    if action.ended_at is None and not action.outcome:
        raise ValidationError({"ended_at": ["Enter when it ended"], "outcome": ["Choose what happened when it ended"]})
    _check(action, now=timezone.now())
    action.full_clean(exclude=["person", "recorded_by", "work_request"])
    action.save(update_fields=[*END_FIELDS, "updated_at"])
    deadline_met(kind=EMERGENCY_LAPSE, target=action)
    _ended_chronology(action, actor)
    audit_record(
        actor=actor, verb="macpt.emergency_action.ended", target=action, child_ids=[action.person_id], fields=END_FIELDS
    )
    return action
