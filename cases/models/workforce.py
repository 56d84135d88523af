"""The Family Help workforce as it was on any day (issue 16 item 4): a dated history of each practitioner's
qualification, hours and whether they hold families as a lead practitioner, kept by managers. The FFP quarterly
return counts lead practitioners by agency and qualification, headcount and FTE, at the end of a quarter from this
history, never from today's values (User.qualification is kept in step with the record in force today)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .organisation import Agency, Qualification, User

# The hours of a full-time post: FTE = hours per week / this (settings.WORKFORCE_FULL_TIME_HOURS overrides).
FULL_TIME_HOURS = Decimal("37")


def full_time_hours() -> Decimal:
    return Decimal(str(getattr(settings, "WORKFORCE_FULL_TIME_HOURS", FULL_TIME_HOURS)))


class PractitionerRecord(TimeStampedModel):
    """From `valid_from` until the practitioner's next record: their agency, qualification, contracted hours a week
    and whether they hold families as a Family Help Lead Practitioner. A record with 0 hours means they left (or are
    not in post) from that day. One record per practitioner per day: a correction replaces that day's record."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="practitioner_records")
    valid_from = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    qualification = models.CharField(max_length=32, choices=Qualification.choices, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    lead_practitioner = models.BooleanField(
        default=True, help_text="Holds families as a Family Help Lead Practitioner (counted in the FFP return)."
    )
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["user", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["user", "valid_from"], name="practitionerrecord_one_per_day"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=60), name="practitionerrecord_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(qualification__in=Qualification.values), name="practitionerrecord_qualification_valid"
            ),
        ]
        indexes = [models.Index(fields=["valid_from"], name="practitionerrecord_from_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} from {self.valid_from}: {self.qualification or '-'} {self.hours_per_week} h"

    @property
    def in_post(self) -> bool:
        return self.hours_per_week > 0

    @property
    def fte(self) -> Decimal:
        return (self.hours_per_week / full_time_hours()).quantize(Decimal("0.01"))
