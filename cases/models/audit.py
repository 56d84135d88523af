"""The audit trail: one append-only row for every read and write of a child's record; and the record's own
history of what its fields used to say, which (unlike the audit) retention can dispose of."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..moved import current_label
from .base import TimeStampedModel


class AuditEvent(models.Model):
    """One read or write of the record: who, what, when, why. Append-only in the database.

    It holds ids, verbs and the names of changed fields, never personal values (a child's name, date of birth or
    NHS number here would be a second copy of the record that nothing could ever delete): `fields` names what
    changed, `related` gives the ids of the other objects involved. What a field used to say is kept, where it must
    be, in RecordHistory, which retention can dispose of with the record.

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
    # The names of the fields a write changed (or set), never their values.
    fields = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    # The ids of the other objects the event involved, by role: {"assigned_to": 12, "work_requests": [3, 4]}.
    related = models.JSONField(default=dict, blank=True)

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


class RecordHistory(TimeStampedModel):
    """What one field of a child's record said before a change, and after it: the record's own history.

    Kept apart from the audit, which names the field only, so that these values leave with the record when
    retention disposes of it (record_history_dispose; deleting the person deletes their history). A change to
    something shared by several children (a family's plan) is kept once for each of them.
    """

    person = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="history")
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    field = models.CharField(max_length=100)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    # No FK, as in the audit: the history must not block the removal of the user who made the change.
    changed_by_id = models.BigIntegerField(null=True, blank=True)
    # The audit row of the change (AuditEvent.id), which names the field but not these values.
    audit_event_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["person", "-changed_at", "-id"]
        verbose_name_plural = "record history"
        indexes = [models.Index(fields=["person", "changed_at"], name="record_history_person_idx")]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} {self.field} {self.changed_at:%Y-%m-%d}"
