"""Reading the audit trail: who has looked at a record."""

from django.db.models import QuerySet

from ..models import (
    AuditEvent,
    Person,
)


def person_access_log(*, person: Person) -> QuerySet:
    """Who has looked at (or changed) this person's record, newest first: for privacy officers."""
    return AuditEvent.objects.filter(child_ids__contains=[person.pk]).order_by("-occurred_at", "-id")
