"""Reads of the workforce history (issue 16 item 4): the record in force for each practitioner on a day, one
practitioner's history, and the practitioners a manager keeps it for. No child data: gated by the policy only."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from ..models import PractitionerRecord, Role, User


def practitioner_records_at(day: dt.date) -> QuerySet[PractitionerRecord]:
    """Each practitioner's record in force on `day` (the latest with valid_from <= day), one per practitioner, with
    the user and agency: in one query (DISTINCT ON)."""
    return (
        PractitionerRecord.objects.filter(valid_from__lte=day)
        .order_by("user_id", "-valid_from")
        .distinct("user_id")
        .select_related("user", "agency")
    )


def practitioner_history(user: User) -> list[PractitionerRecord]:
    """One practitioner's records, newest first."""
    return list(PractitionerRecord.objects.filter(user=user).select_related("agency", "recorded_by"))


def workforce_practitioners() -> QuerySet[User]:
    """Who a manager keeps the history for: active practitioners holding a lead role (FHLP, LCPP) or with a record
    already, in name order, with their agency."""
    has_record = PractitionerRecord.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[Role.FHLP, Role.LCPP]) | Q(Exists(has_record)))
        .distinct()
        .select_related("agency")
        .order_by("full_name", "id")
    )


def practitioner_get(pk: int) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(workforce_practitioners(), pk=pk)
