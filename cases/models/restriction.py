"""Reviews of a restricted record's named access list: every 90 days someone who may restrict records looks at each
name on it (keep, remove, extend) and the clock starts again (a shared Deadline per restricted record)."""

from django.db import models
from django.utils import timezone

from .organisation import User
from .people import Person

REVIEW_EVERY_DAYS = 90


class RestrictionReview(models.Model):
    """One review of a restricted record's access list: who reviewed it, when, what they changed (user ids)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restriction_reviews")
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    kept = models.JSONField(default=list, blank=True)
    removed = models.JSONField(default=list, blank=True)
    next_review_due = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.person_id}'s access list {self.reviewed_at:%Y-%m-%d}"
