"""Hand-offs between teams: a request for work about a child, from one strand to another."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .episodes import Episode
from .organisation import User
from .people import Person


class WorkRequest(TimeStampedModel):
    """A hand-off between strands, through the shared record: the receiving strand lists and accepts it."""

    class Kind(models.TextChoices):
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
        EMERGENCY_ACTION = "emergency_action", "Immediate protection"
        FAMILY_HELP_ALLOCATION = "family_help_allocation", "Family Help allocation"
        FGDM_OFFER = "fgdm_offer", "Offer family group decision making"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    # Handled once: an open request is accepted, declined or cancelled, and stays so.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.OPEN: {Status.ACCEPTED, Status.DECLINED, Status.CANCELLED},
    }

    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="work_requests")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="work_requests")
    urgent = models.BooleanField(default=False)
    summary = models.TextField()
    # The record that asked (a front-door decision, a Family Help step-up), as a label and id.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "created_at"]
        indexes = [models.Index(fields=["kind", "status"], name="workrequest_kind_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["strategy_discussion", "emergency_action", "family_help_allocation", "fgdm_offer"]
                ),
                name="workrequest_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"
