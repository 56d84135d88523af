"""Hand-offs between teams: a request for work about a child, from one strand to another."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
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
        # A family accepted an FGDM offer: the FGDM service allocates an independent facilitator (issue 15).
        FGDM_REFERRAL = "fgdm_referral", "Family group decision making referral"

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
    # Why it was handed back (declined) or closed (cancelled): never silently (issue 13 items 1 and 2).
    handled_reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["-urgent", "created_at"]
        indexes = [models.Index(fields=["kind", "status"], name="workrequest_kind_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "strategy_discussion",
                        "emergency_action",
                        "family_help_allocation",
                        "fgdm_offer",
                        "fgdm_referral",
                    ]
                ),
                name="workrequest_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"


class WorkRequestSettings(TimeStampedModel):
    """How long each kind of hand-off may wait to be accepted, and when its receivers are reminded (one row,
    edited in the admin). Emergency action and strategy discussions count working hours (cases.workdays: the
    hours of working days); allocation and the FGDM offer count working days, due at the same time of day."""

    emergency_action_hours = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Emergency action: due within this many working hours."
    )
    emergency_action_reminder_minutes = models.PositiveSmallIntegerField(
        default=20, help_text="Emergency action: receivers are reminded when this many working minutes remain."
    )
    strategy_discussion_hours = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1)],
        help_text="Strategy discussion: accepted within this many working hours.",
    )
    strategy_discussion_reminder_minutes = models.PositiveSmallIntegerField(
        default=60, help_text="Strategy discussion: receivers are reminded when this many working minutes remain."
    )
    family_help_allocation_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Family Help allocation: due within this many working days.",
    )
    family_help_allocation_reminder_days = models.PositiveSmallIntegerField(
        default=1, help_text="Family Help allocation: reminded when this many working days remain."
    )
    fgdm_offer_days = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1)], help_text="FGDM offer: due within this many working days."
    )
    fgdm_offer_reminder_days = models.PositiveSmallIntegerField(
        default=2, help_text="FGDM offer: reminded when this many working days remain."
    )
    fgdm_referral_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1)],
        help_text="FGDM referral: a facilitator allocated within this many working days.",
    )
    fgdm_referral_reminder_days = models.PositiveSmallIntegerField(
        default=1, help_text="FGDM referral: reminded when this many working days remain."
    )

    class Meta:
        verbose_name_plural = "work request settings"

    def __str__(self) -> str:
        return "Work request settings"

    def clean(self) -> None:
        errors = {}
        for kind, unit, reminder_unit, per in (
            ("emergency_action", "hours", "reminder_minutes", 60),
            ("strategy_discussion", "hours", "reminder_minutes", 60),
            ("family_help_allocation", "days", "reminder_days", 1),
            ("fgdm_offer", "days", "reminder_days", 1),
            ("fgdm_referral", "days", "reminder_days", 1),
        ):
            if getattr(self, f"{kind}_{reminder_unit}") >= getattr(self, f"{kind}_{unit}") * per:
                errors[f"{kind}_{reminder_unit}"] = ["The reminder must come before the request is due"]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "WorkRequestSettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def clock(self, kind: str) -> tuple[str, int, float]:
        """(unit, how many, reminder in that unit) for a kind: ("hours", 4, 1.0) or ("days", 5, 1)."""
        if kind in (WorkRequest.Kind.EMERGENCY_ACTION, WorkRequest.Kind.STRATEGY_DISCUSSION):
            return "hours", getattr(self, f"{kind}_hours"), getattr(self, f"{kind}_reminder_minutes") / 60
        return "days", getattr(self, f"{kind}_days"), getattr(self, f"{kind}_reminder_days")
