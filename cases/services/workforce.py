"""Keeping the workforce history (issue 16 item 4): a manager records a practitioner's qualification, hours and lead
practitioner status from a day; User.qualification follows the record in force today."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import policy
from ..models import Agency, PractitionerRecord, Qualification, User
from .audit import audit_record

WORKFORCE = policy.WORKFORCE


def practitioner_record_set(
    *,
    practitioner: User,
    actor: User | None,
    valid_from: dt.date,
    qualification: str,
    hours_per_week,
    lead_practitioner: bool,
    agency: Agency | None = None,
    note: str = "",
) -> PractitionerRecord:
    """Record what holds from `valid_from` (replacing a record of that same day: a correction). `actor` None: data
    loading (demo, migrations of history). Refuses a date over a year ahead, hours outside 0-60, a lead practitioner
    with no qualification recorded, and a practitioner with no agency."""
    if actor is not None and not policy.may(actor, WORKFORCE):
        raise PermissionDenied
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if valid_from is None:
        errors["valid_from"] = "Enter the date this applies from"
    elif valid_from > today + dt.timedelta(days=366):
        errors["valid_from"] = "The date must be within a year from today"
    try:
        hours = Decimal(str(hours_per_week)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite():
        errors["hours_per_week"] = "Enter the hours a week as a number, like 37 or 22.5"
    elif not Decimal(0) <= hours <= Decimal(60):
        errors["hours_per_week"] = "Hours a week must be between 0 and 60"
    if qualification not in Qualification.values:
        errors["qualification"] = "Choose the practitioner's qualification"
    elif lead_practitioner and not qualification:
        errors["qualification"] = "A lead practitioner is a registered social worker or alternatively qualified"
    agency = agency or practitioner.agency
    if agency is None:
        errors["agency"] = "The practitioner has no agency"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record, created = PractitionerRecord.objects.update_or_create(
            user=practitioner,
            valid_from=valid_from,
            defaults={
                "agency": agency,
                "qualification": qualification,
                "hours_per_week": hours,
                "lead_practitioner": lead_practitioner,
                "note": note.strip()[:200],
                "recorded_by": actor,
            },
        )
        _keep_user_in_step(practitioner, today)
        audit_record(
            actor=actor,
            verb="cases.practitioner_record_set" if created else "cases.practitioner_record_corrected",
            target=record,
            fields=["valid_from", "agency", "qualification", "hours_per_week", "lead_practitioner", "note"],
            related={"user": practitioner},
        )
    return record


def _keep_user_in_step(practitioner: User, today: dt.date) -> None:
    """User.qualification is the qualification of the record in force today (unchanged before the first record)."""
    current = (
        PractitionerRecord.objects.filter(user=practitioner, valid_from__lte=today)
        .order_by("-valid_from")
        .values_list("qualification", flat=True)
        .first()
    )
    if current is not None and current != practitioner.qualification:
        practitioner.qualification = current
        User.objects.filter(pk=practitioner.pk).update(qualification=current)
