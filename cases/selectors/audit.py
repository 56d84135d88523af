"""Reading the audit trail: who has looked at a record."""

from django.db.models import QuerySet

from ..models import (
    AuditEvent,
    Person,
)


def audit_events(*, actor_email: str = "", verb_prefix: str = "") -> QuerySet:
    """The whole audit trail, newest first, narrowed by who (email contains) and what (verb starts with)."""
    events = AuditEvent.objects.order_by("-occurred_at", "-id")
    if actor_email:
        events = events.filter(actor_email__icontains=actor_email)
    if verb_prefix:
        events = events.filter(verb__startswith=verb_prefix)
    return events


def person_access_log(*, person: Person) -> QuerySet:
    """Who has looked at (or changed) this person's record, newest first: for privacy officers."""
    return AuditEvent.objects.filter(child_ids__contains=[person.pk]).order_by("-occurred_at", "-id")
