"""A user's own notifications (nobody reads another's)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ..models import Notification, User


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """Newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    """404 for another user's notification, as for one that does not exist."""
    return get_object_or_404(Notification, pk=notification_id, user=user)
