"""The family's one plan: per-child outcomes with measures and ratings, owned actions, the team around the family,
reviews and frozen versions, and each child's child-in-need plan periods (census CINPlanDates).

The plan belongs to the family (`FamilyCase`), not to a strand: Family Help leads it at early help and child in
need; the child protection strand will wrap the same plan, per child, in its statutory plan (dates, category,
conferences, core groups), and FGDM attaches the family's own plan to it. `led_by_strand` says who leads it now,
and each `PlanVersion` records who led it when it was frozen. Access is never stored here: seeing the plan follows
seeing the family's children (their involvements); adding a team-around-the-family member is an involvement on each
child.

These tables were Family Help's until issue 10 (family_help_plan and so on; migration family_help 0003 renamed them,
so no row was copied). Audit rows and chronology entries written before then name the old model labels and URLs:
cases.moved maps them to these at read time.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .base import TimeStampedModel
from .episodes import Episode, FamilyCase, Strand
from .organisation import Agency, User
from .people import Person


class Plan(TimeStampedModel):
    """The family's one plan. It changes as needs change (outcomes and actions are edited in place); every review
    freezes a new `PlanVersion`, so what the plan said at each review stays readable. `version` is the optimistic
    lock for concurrent edits."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    family_case = models.OneToOneField(FamilyCase, on_delete=models.PROTECT, related_name="plan")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    # Which strand leads the plan now (its rules decide the defaults; each version records who led it then).
    led_by_strand = models.CharField(max_length=12, choices=Strand.choices, default=Strand.FAMILY_HELP)
    # In the family's words where possible; `professional_notes` never goes in the family version.
    worries = models.TextField(blank=True, help_text="What we are worried about.")
    working_well = models.TextField(blank=True, help_text="What is working well.")
    family_views = models.TextField(blank=True, help_text="What the family says.")
    professional_notes = models.TextField(blank=True, help_text="Not for the family.")
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["active", "closed"]), name="plan_status_valid"),
            models.CheckConstraint(condition=Q(led_by_strand__in=Strand.values), name="plan_led_by_strand_valid"),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.family_case}"


class PlanVersion(models.Model):
    """A frozen copy of the whole plan (text, outcomes with ratings, actions, team around the family), made when
    the plan starts (number 1) and at every review, with the strand that led the plan then."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    snapshot = models.JSONField()
    led_by_strand = models.CharField(max_length=12, choices=Strand.choices, default=Strand.FAMILY_HELP)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=Q(led_by_strand__in=Strand.values), name="plan_version_led_by_strand_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} version {self.number}"


class Outcome(TimeStampedModel):
    """A measurable outcome for one child: what will be different, how it is measured, from a baseline to a target
    on a scale (0 to `scale_max`), and where it stands now."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plan_outcomes")
    what_will_be_different = models.TextField()
    measure = models.TextField(help_text="How we will know: what is measured and by whom.")
    scale_max = models.PositiveSmallIntegerField(default=10)
    baseline = models.PositiveSmallIntegerField()
    target = models.PositiveSmallIntegerField()
    current = models.PositiveSmallIntegerField()
    not_for_family = models.BooleanField(default=False)
    achieved_on = models.DateField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["child_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline__lte=models.F("scale_max"))
                & Q(target__lte=models.F("scale_max"))
                & Q(current__lte=models.F("scale_max")),
                name="plan_outcome_ratings_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.what_will_be_different[:60]


class OutcomeRating(models.Model):
    """An outcome's rating at a point in time: at the start and at each review (the chart's points)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="ratings")
    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="ratings"
    )
    rating = models.PositiveSmallIntegerField()
    rated_on = models.DateField(default=timezone.localdate)
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["outcome", "rated_on", "id"]

    def __str__(self) -> str:
        return f"{self.outcome_id}: {self.rating} on {self.rated_on}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class Action(TimeStampedModel):
    """Who will do what by when: an owner (a practitioner, or a family member named in the text) and their
    agency."""

    Status = ActionStatus
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="plan_actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress = models.TextField(blank=True)
    not_for_family = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status"], name="plan_action_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="plan_action_status_valid")
        ]

    def __str__(self) -> str:
        return self.description[:60]


class TafMember(TimeStampedModel):
    """A practitioner in the team around the family. Adding one gives them an involvement (team around the family
    member) on each child of the family, so they see this family only; removing them ends those involvements, and
    their access, at once."""

    family_case = models.ForeignKey(FamilyCase, on_delete=models.PROTECT, related_name="taf_members")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="taf_memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, help_text="What they do for this family, e.g. health visitor.")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["family_case", "user"], condition=Q(removed_at__isnull=True), name="taf_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Review(TimeStampedModel):
    """A review of the plan: who came, what changed, each outcome re-rated, the next review date. Each review
    creates a new PlanVersion."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    attendees = models.TextField(blank=True)
    summary = models.TextField()
    family_views = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    plan_version = models.OneToOneField(PlanVersion, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "held_on", "id"]

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} on {self.held_on}"


class CinPlanPeriod(TimeStampedModel):
    """A period in which a child had a child-in-need plan (census `CINPlanDates`): opened when the child's level
    moves to child in need with a plan, closed on step-down, when a CP plan starts (rules 4001, 4014), or at
    closure."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="cin_plan_periods")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="cin_periods")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["episode", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(end_date__isnull=True), name="one_open_cin_plan_per_episode"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cin_plan_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"CIN plan {self.start_date} to {self.end_date or 'now'}"
