"""Reads for break-glass and the privacy officer's review queue (issue 17 item 2)."""

from django.db.models import QuerySet

from ..models import AuditEvent, BreakGlass, PrivacyAlert


def privacy_alerts(*, open_only: bool = True) -> QuerySet[PrivacyAlert]:
    """The review queue, oldest open first (the ones waiting longest); or every alert, newest first."""
    alerts = PrivacyAlert.objects.select_related("user", "break_glass", "reviewed_by")
    if open_only:
        return alerts.filter(status=PrivacyAlert.Status.OPEN).order_by("raised_at", "pk")
    return alerts.order_by("-raised_at", "-pk")


def break_glass_reads(*, grant: BreakGlass) -> QuerySet[AuditEvent]:
    """Every read audited under this grant (one row per page or response), oldest first."""
    return AuditEvent.objects.filter(
        actor_id=grant.user_id,
        kind=AuditEvent.Kind.READ,
        occurred_at__gte=grant.started_at,
        related__contains={"break_glass": [grant.pk]},
    ).order_by("occurred_at", "pk")
