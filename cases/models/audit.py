"""The audit trail: one append-only row for every read and write of a child's record."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..moved import current_label


class AuditEvent(models.Model):
    """One read or write of the record: who, what, when, why. Append-only in the database.

    A trigger (migration 0002) refuses UPDATE and DELETE on this table, and TRUNCATE unless the
    connection carries the maintenance flag that only the test settings set.
    """

    class Kind(models.TextChoices):
        READ = "read"
        WRITE = "write"
        AUTH = "auth"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # No FK: an audit row must outlive (and never block the removal of) the user it names.
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_email = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    child_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # "Who has looked at this child, and when": a GIN index over the child ids.
            GinIndex(fields=["child_ids"], name="audit_child_ids_gin"),
        ]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["read", "write", "auth"]), name="audit_kind_valid")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email} {self.verb}"

    @property
    def target_label(self) -> str:
        """What the row is about, as `app.model id`, under the model's current name (a row written before its model
        moved, e.g. family_help.plan, names it as it is now: cases.moved). The row itself is never changed."""
        if not self.target_type:
            return ""
        return f"{current_label(self.target_type)} {self.target_id}".strip()
