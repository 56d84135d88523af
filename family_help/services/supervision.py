"""Reflective supervision of Family Help Lead Practitioners: recorded by a manager, about one family or the
practitioner's caseload, with actions and the date the next one is due (monitored for overdue).

The reflective detail stays in the supervision record, which only managers and the supervised practitioner
read; a case supervision leaves a routine entry in each child's chronology saying only that it happened.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases import policy
from cases.models import FamilyCase, Strand, User
from cases.services import audit_record, chronology_add, notify

from ..models import Allocation, FamilyHelpSettings, Supervision, SupervisionAction
from ..permissions import MANAGE_TEAM, SUPERVISED
from ..selectors import family_children


@transaction.atomic
def supervision_record(
    *,
    actor: User,
    practitioner: User | None,
    held_on: dt.date | None,
    reflection: str,
    decisions: str = "",
    family_case: FamilyCase | None = None,
    next_due_on: dt.date | None = None,
    actions: list[dict] | None = None,
) -> Supervision:
    """Record a supervision. `actions` are dicts of description, owner (a User) and due_on. The next one is
    due `FamilyHelpSettings.supervision_every_days` after this one unless a date is given."""
    if not policy.may(actor, MANAGE_TEAM):
        raise PermissionDenied("Only a manager records supervision")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if practitioner is None or not practitioner.is_active or not policy.may(practitioner, SUPERVISED):
        errors["practitioner"] = ["Choose a Family Help Lead Practitioner"]
    elif practitioner.pk == actor.pk:
        errors["practitioner"] = ["You cannot record your own supervision"]
    if held_on is None:
        errors["held_on"] = ["Enter the date of the supervision"]
    elif held_on > today:
        errors["held_on"] = ["The date of the supervision must be today or in the past"]
    if not (reflection or "").strip():
        errors["reflection"] = ["Enter the reflection: what was discussed"]
    if (
        family_case is not None
        and practitioner is not None
        and "practitioner" not in errors
        and not Allocation.objects.filter(family_case=family_case, lead=practitioner).exists()
    ):
        errors["family_case"] = ["Choose a family this practitioner leads or has led"]
    if next_due_on is None and held_on is not None:
        next_due_on = held_on + dt.timedelta(days=FamilyHelpSettings.load().supervision_every_days)
    elif next_due_on is not None and held_on is not None and next_due_on <= held_on:
        errors["next_due_on"] = ["The next supervision must be due after this one"]
    clean_actions = []
    for number, action in enumerate(actions or [], start=1):
        description = (action.get("description") or "").strip()
        if not description:
            errors.setdefault(f"action_{number}_description", []).append(f"Action {number}: say what will be done")
        if action.get("owner") is None:
            errors.setdefault(f"action_{number}_owner", []).append(f"Action {number}: choose who will do it")
        if action.get("due_on") is None:
            errors.setdefault(f"action_{number}_due_on", []).append(f"Action {number}: enter when it is due")
        elif held_on is not None and action["due_on"] < held_on:
            errors.setdefault(f"action_{number}_due_on", []).append(
                f"Action {number}: the due date must be on or after the supervision"
            )
        clean_actions.append({**action, "description": description})
    if errors:
        raise ValidationError(errors)
    supervision = Supervision(
        practitioner=practitioner,
        supervisor=actor,
        family_case=family_case,
        held_on=held_on,
        reflection=reflection.strip(),
        decisions=(decisions or "").strip(),
        next_due_on=next_due_on,
    )
    supervision.full_clean()
    supervision.save()
    for action in clean_actions:
        row = SupervisionAction(
            supervision=supervision, description=action["description"], owner=action["owner"], due_on=action["due_on"]
        )
        row.full_clean(exclude=["supervision"])
        row.save()
    children = family_children(family_case=family_case) if family_case is not None else []
    audit_record(
        actor=actor,
        verb="family_help.supervision_recorded",
        target=supervision,
        child_ids=[c.pk for c in children],
        fields=["held_on", "next_due_on", "reflection", "decisions"],
        related={"practitioner": practitioner, "family_case": family_case},
    )
    # The chronology says only that supervision happened: the reflection is for the practitioner and managers.
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="supervision",
            summary=f"Case supervision of {practitioner.full_name} by {actor.full_name}",
            occurred_at=dt.datetime.combine(held_on, dt.time(12, 0), tzinfo=timezone.get_current_timezone()),
            significant=False,
            target=supervision,
        )
    notify(
        user=practitioner,
        kind="family_help.supervision_recorded",
        unique_key=f"fh_supervision:{supervision.pk}",
        title=f"Supervision on {held_on:%d/%m/%Y} recorded by {actor.full_name}",
        body=f"Next supervision due by {next_due_on:%d/%m/%Y}.",
    )
    return supervision


@transaction.atomic
def supervision_action_done(*, action: SupervisionAction, actor: User, done_on: dt.date | None = None) -> None:
    """Mark a supervision action done (its owner, the supervised practitioner or a manager)."""
    supervision = action.supervision
    if actor.pk not in {action.owner_id, supervision.practitioner_id} and not policy.may(actor, MANAGE_TEAM):
        raise PermissionDenied("Only the action's owner, the practitioner or a manager can mark it done")
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": ["The date must be today or in the past"]})
    if not SupervisionAction.objects.filter(pk=action.pk, done_on__isnull=True).update(
        done_on=done_on, updated_at=timezone.now()
    ):
        raise ValidationError("This action is already done")
    action.done_on = done_on
    audit_record(actor=actor, verb="family_help.supervision_action_done", target=action, fields=["done_on"])
