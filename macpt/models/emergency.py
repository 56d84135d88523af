"""Emergency action: police protection (Children Act 1989 s46) and Emergency Protection Orders (s44), with their
dates, who took them and how they ended. Each start and end is in the child's chronology."""

import datetime as dt

from django.db import models
from django.db.models import F, Q

from cases.models import Person, TimeStampedModel, User, WorkRequest


class EmergencyKind(models.TextChoices):
    POLICE_PROTECTION = "police_protection", "Police protection"
    EPO = "epo", "Emergency Protection Order"


class EmergencyOutcome(models.TextChoices):
    RETURNED_HOME = "returned_home", "Returned home"
    WITH_FAMILY = "with_family", "Placed with family or friends"
    ACCOMMODATED = "accommodated", "Accommodated with consent (section 20)"
    EPO_GRANTED = "epo_granted", "Emergency Protection Order granted"
    INTERIM_CARE_ORDER = "interim_care_order", "Interim care order"
    OTHER = "other", "Other"


# The longest each may last (Children Act 1989): police protection 72 hours (s46(6)); an EPO 8 days (s45(1)),
# extended once by up to 7 more (s45(5)-(6)).
POLICE_PROTECTION_LIMIT = dt.timedelta(hours=72)
EPO_LIMIT = dt.timedelta(days=8)
EPO_EXTENSION = dt.timedelta(days=7)


class EmergencyAction(TimeStampedModel):
    """One emergency action for one child: when it started, who took it (the officer, or the court and applicant),
    why, and, once it ended, when and with what outcome. Started from an accepted emergency-action work request or
    recorded directly by an LCPP."""

    Kind = EmergencyKind
    Outcome = EmergencyOutcome
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_actions")
    kind = models.CharField(max_length=20, choices=EmergencyKind.choices)
    started_at = models.DateTimeField(help_text="When the child was taken into police protection, or the EPO made.")
    by = models.CharField(
        max_length=300, help_text="Who took it: the police officer and force, or the court and who applied."
    )
    reason = models.TextField()
    epo_extended = models.BooleanField(default=False, help_text="An EPO extended by the court (at most 7 more days).")
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=EmergencyOutcome.choices, blank=True)
    outcome_detail = models.TextField(blank=True)
    work_request = models.ForeignKey(
        WorkRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="emergency_actions"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EmergencyKind.values), name="macpt_emergency_kind_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=EmergencyOutcome.values), name="macpt_emergency_outcome_valid"
            ),
            # An end has its outcome and an outcome its end.
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(outcome="")) | (Q(ended_at__isnull=False) & ~Q(outcome="")),
                name="macpt_emergency_end_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="macpt_emergency_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(epo_extended=False) | Q(kind=EmergencyKind.EPO), name="macpt_emergency_extension_epo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id} from {self.started_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def limit(self) -> dt.timedelta:
        """The longest this action may last in law."""
        if self.kind == EmergencyKind.POLICE_PROTECTION:
            return POLICE_PROTECTION_LIMIT
        return EPO_LIMIT + (EPO_EXTENSION if self.epo_extended else dt.timedelta(0))

    @property
    def lapses_at(self) -> dt.datetime:
        return self.started_at + self.limit
