"""The meeting (issue 15 item 4), the family's plan and its review (item 5).

Private family time is recorded as a start and an end; professionals record nothing during it. The family's plan is
written in the family's words and attached to the family's one plan in the shared record (cases.Plan)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from cases.models import Agency, Person, Plan, User
from cases.models.base import TimeStampedModel
from cases.models.notes import VisibilityTag

from .referrals import FgdmReferral


class FgdmMeeting(TimeStampedModel):
    referral = models.ForeignKey(FgdmReferral, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    private_time_start = models.TimeField()
    private_time_end = models.TimeField()
    # The family's one plan in the shared record, which the family's plan is attached to.
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    plan_agreed = models.BooleanField(default=False, help_text="The family agreed a plan.")
    # The professionals' view: does the family's plan keep the child safe? If not, why not.
    keeps_child_safe = models.BooleanField(null=True, blank=True)
    not_safe_reason = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(private_time_end__gt=F("private_time_start")), name="fgdm_private_time_has_length"
            ),
            models.CheckConstraint(
                condition=~Q(keeps_child_safe=False) | ~Q(not_safe_reason=""), name="fgdm_not_safe_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(review_date__isnull=True) | Q(review_date__gt=F("held_on")),
                name="fgdm_review_after_meeting",
            ),
        ]


class MeetingAttendee(models.Model):
    class Kind(models.TextChoices):
        FAMILY = "family", "Family network"
        PROFESSIONAL = "professional", "Professional"

    meeting = models.ForeignKey(FgdmMeeting, on_delete=models.CASCADE, related_name="attendees")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.pk}"


class SharedInformation(TimeStampedModel):
    """What a professional shared at the meeting; tagged by its source (information tags apply: a police or health
    item, or one not for the family, never reaches the family's PDF)."""

    meeting = models.ForeignKey(FgdmMeeting, on_delete=models.CASCADE, related_name="information")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The professional at the meeting who shared it (the author is who recorded it: the facilitator).
    shared_by = models.ForeignKey(
        "MeetingAttendee", on_delete=models.SET_NULL, null=True, blank=True, related_name="information_shared"
    )
    # When it was shared, if recorded: never inside private family time (professionals record nothing then).
    shared_at = models.TimeField(null=True, blank=True)
    text = models.TextField()
    tags = ArrayField(models.CharField(max_length=20, choices=VisibilityTag.choices), default=list, blank=True)


class FamilyPlanItem(models.Model):
    """One line of the family's plan, in the family's words: what, who, when, and what happens if not."""

    meeting = models.ForeignKey(FgdmMeeting, on_delete=models.CASCADE, related_name="plan_items")
    what = models.TextField()
    who = models.CharField(max_length=200)
    when = models.CharField(max_length=200)
    contingency = models.TextField(blank=True)
    not_for_family = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.what[:80]


class SupportRequest(models.Model):
    """Support the family asked for: practical, financial (a Family Network Support Package, with its cost), or a
    service."""

    class Kind(models.TextChoices):
        PRACTICAL = "practical", "Practical help"
        FINANCIAL = "financial", "Financial help"
        SERVICE = "service", "A service"

    meeting = models.ForeignKey(FgdmMeeting, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField()
    family_network_support_package = models.BooleanField(default=False)
    cost = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    agreed = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="fgdm_support_cost_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class FamilyPlanReview(TimeStampedModel):
    class Outcome(models.TextChoices):
        WORKING = "working", "The plan is working"
        PARTLY = "partly", "Partly working: the plan changed"
        NOT_WORKING = "not_working", "Not working: professionals step in"
        ENDED = "ended", "No longer needed"

    meeting = models.ForeignKey(FgdmMeeting, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
