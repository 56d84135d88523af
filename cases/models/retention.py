"""Retention: how long the council keeps a child's record (rules it sets), what holds a record beyond that (legal
holds), and what the disposal job did (one row per record disposed of, holding ids and dates, never values).

The defaults (cases.services.retention.DEFAULT_RULES) follow the IRMS Retention Guidelines for Local Authorities
(Information and Records Management Society, "Social Care: Children's Services"), which the LGA points councils to:
a children's social care record (a child who was referred to social care, was a child in need or had a child
protection plan) is kept until the child's 75th birthday; an early help record only, 6 years after the case closed.
The council changes them on the rules page: the rules are data, not code."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .base import TimeStampedModel
from .organisation import User
from .people import Person


class RecordType(models.TextChoices):
    """What kind of record a child's is, for retention: the most intensive work it holds decides."""

    SOCIAL_CARE = "social_care", "Children's social care (referral, child in need or child protection)"
    EARLY_HELP = "early_help", "Early help only"


class RetentionBasis(models.TextChoices):
    DATE_OF_BIRTH = "date_of_birth", "Years after the child's date of birth"
    CLOSURE = "closure", "Years after the last episode closed"
    DEATH = "death", "Years after the child's death"


class RetentionRule(TimeStampedModel):
    """How long one type of record is kept: `years` after its basis date. One rule per record type."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    basis = models.CharField(max_length=20, choices=RetentionBasis.choices)
    years = models.PositiveSmallIntegerField()
    # Where the figure comes from (e.g. "IRMS Retention Guidelines for Local Authorities, children's social care").
    source = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(condition=Q(record_type__in=RecordType.values), name="retention_rule_type_valid"),
            models.CheckConstraint(condition=Q(basis__in=RetentionBasis.values), name="retention_rule_basis_valid"),
            models.CheckConstraint(condition=Q(years__gte=1, years__lte=150), name="retention_rule_years_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years, {self.get_basis_display().lower()}"


class LegalHold(TimeStampedModel):
    """An inquiry's retention notice (or a court's, or the council's own litigation hold): everything about the
    named children is kept while it is in force, whatever the rules say. In force from `starts_on` until `ends_on`
    (open-ended while empty); a hold whose start is still ahead already holds (a notice is kept from when it is
    recorded: disposing of a record the day before a known notice starts would defeat it)."""

    name = models.CharField(max_length=200, help_text="The inquiry or notice, e.g. 'Independent Inquiry, notice 3'.")
    reference = models.CharField(max_length=100, blank=True)
    people = models.ManyToManyField(Person, related_name="legal_holds")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="legal_hold_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def in_force_on(self, day) -> bool:
        return self.ends_on is None or self.ends_on >= day


class DisposalRun(TimeStampedModel):
    """One run of the disposal job (the weekly beat task, the command or the page): how many records it disposed
    of. A dry run is not kept here: it changes nothing, and its report is computed afresh each time."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    disposed = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Disposal run {self.started_at:%Y-%m-%d %H:%M}: {self.disposed}"


class Disposal(models.Model):
    """That a record was disposed of, and why: ids, the rule and dates only (nothing that identifies the child
    beyond the id the audit already holds). `merged_ids` are the merged-away records disposed of with it."""

    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="disposals")
    person_id = models.BigIntegerField(unique=True)
    merged_ids = models.JSONField(default=list, blank=True)
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    basis = models.CharField(max_length=20, choices=RetentionBasis.choices)
    years = models.PositiveSmallIntegerField()
    basis_date = models.DateField()
    due_on = models.DateField()
    disposed_at = models.DateTimeField(default=timezone.now)
    audit_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-disposed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gt=models.F("basis_date")), name="disposal_due_after_basis")
        ]

    def __str__(self) -> str:
        return f"Record {self.person_id} disposed of {self.disposed_at:%Y-%m-%d}"
