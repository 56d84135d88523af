"""Merging duplicate records: what was merged into what, and what to restore on undo."""

from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .organisation import User
from .people import Person


class PersonMerge(TimeStampedModel):
    """A merge of one duplicate record into another, with what moved, so it can be undone exactly."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    # [{"model": "app.model", "field": "person", "ids": [..]}]: each row re-pointed from merged to kept.
    moved = models.JSONField(default=list)
    # Fields of the kept record filled from the merged one (and cleared there), to restore on unmerge.
    kept_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(unmerged_at__isnull=True), name="personmerge_one_active_per_merged"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} merged into {self.kept_id}"
