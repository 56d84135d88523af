"""The calendar (council closure days) and deadlines: statutory clocks kept as rows, swept by beat."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .organisation import Agency, User


class ClosureDay(TimeStampedModel):
    """A day the council is closed beyond bank holidays (e.g. a Christmas closure day): not a working day."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Deadline(TimeStampedModel):
    """Something due by a time, computed with the working-day clock. One sweeper (cases.tasks) warns
    before and records a breach after, for every strand's statutory timescales."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    person_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    link = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Besides the assignee, who hears about it: an agency's users (information requests) ...
    notify_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # ... and, on breach, everyone holding this role (front door managers for contacts).
    escalate_role = models.CharField(max_length=40, blank=True)
    # ... and at the reminder as well as at a breach, everyone holding this role (front door managers, for a
    # decision waiting for their sign-off).
    remind_role = models.CharField(max_length=40, blank=True, default="", db_default="")
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    breach_detected_late = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["due_at"], name="deadline_open_due_idx", condition=Q(state="open")),
            models.Index(fields=["target_type", "target_id"], name="deadline_target_idx"),
            # A child's open deadlines (person_ids @> ARRAY[child]): the child protection oversight dashboard reads
            # the next item due for every child it lists, which scanned every open deadline per child without it. No
            # pending list (fastupdate): each lookup would scan it whole, and deadlines are written a few at a time.
            GinIndex(
                fields=["person_ids"], name="deadline_open_people_idx", condition=Q(state="open"), fastupdate=False
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=Q(state="open"),
                name="deadline_one_open_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} due {self.due_at:%Y-%m-%d %H:%M}"
