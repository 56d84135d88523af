"""Notifications to a user (deadline alerts, answers, outcomes), shown in the app and emailed."""

from django.db import models
from django.utils import timezone

from .organisation import User


class Notification(models.Model):
    """An in-app message (and optionally an email) to one user. `unique_key` makes each alert happen
    exactly once however many times a sweeper runs or is interrupted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    unique_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    send_email = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"
