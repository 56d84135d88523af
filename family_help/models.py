"""Family Help: one lead practitioner, one whole-family assessment, and the lead of the family's one plan.

Every record here hangs off a `cases.FamilyCase` (the family being helped) or one child's
`cases.Episode`; access is never stored here: it comes from the children's involvements (cases).
The family's plan (outcomes, actions, the team around the family, reviews, versions) and the CIN plan
periods belong to the shared record (cases.models.plans, since issue 10); Family Help leads the plan.
Visits and case notes are `cases.CaseNote` rows (strand family_help), not a model of their own.
"""

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Episode, FamilyCase, Person, TimeStampedModel, User, WorkRequest

# --- allocation ---------------------------------------------------------------------------------------


class Allocation(TimeStampedModel):
    """One period of a Family Help Lead Practitioner holding a family. The current lead is the row with
    no `ended_at`; a change of lead ends one row and starts the next, so the history is kept. The same
    lead is also recorded on each child's episode (cases.EpisodeLead, kind FHLP), which grants access."""

    family_case = models.ForeignKey(FamilyCase, on_delete=models.PROTECT, related_name="fh_allocations")
    lead = models.ForeignKey(User, on_delete=models.PROTECT, related_name="fh_allocations")
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why this practitioner, or why the lead changed.")
    # The hand-off that asked for it (front-door decision or step-down), when there was one.
    work_request = models.ForeignKey(
        WorkRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="fh_allocations"
    )
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["family_case"], condition=Q(ended_at__isnull=True), name="fh_one_current_lead_per_family"
            ),
        ]
        indexes = [models.Index(fields=["lead"], condition=Q(ended_at__isnull=True), name="fh_alloc_current_idx")]

    def __str__(self) -> str:
        return f"{self.lead} leads {self.family_case}"


# --- assessment ---------------------------------------------------------------------------------------


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for authorisation"
    AUTHORISED = "authorised", "Authorised"


class AssessmentOutcome(models.TextChoices):
    FAMILY_HELP_TARGETED = "targeted", "Targeted early help (Family Help)"
    CHILD_IN_NEED = "cin", "Child in need (s17) Family Help plan"
    STEP_UP = "step_up", "Step up: strategy discussion"
    STEP_DOWN_UNIVERSAL = "universal", "Step down to universal services"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Assessment(TimeStampedModel):
    """The whole-family Family Help assessment: one per family at a time, with a section per child.

    A draft is saved as it is written (autosave), so a timeout loses nothing; `version` refuses a stale
    save. Submitted, then authorised by a manager: the authorisation date is the census one. The
    45-working-day timescale runs from `referral_date` (cases.Deadline, kind family_help.assessment)."""

    Status = AssessmentStatus
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        AssessmentStatus.DRAFT: {AssessmentStatus.SUBMITTED},
        AssessmentStatus.SUBMITTED: {AssessmentStatus.AUTHORISED, AssessmentStatus.DRAFT},
    }
    family_case = models.ForeignKey(FamilyCase, on_delete=models.PROTECT, related_name="fh_assessments")
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    referral_date = models.DateField(help_text="The 45 working days count from here.")
    started_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Parents' and carers' needs, the whole family's strengths and risks.
    domestic_abuse = models.TextField(blank=True)
    substance_misuse = models.TextField(blank=True)
    mental_health = models.TextField(blank=True)
    housing = models.TextField(blank=True)
    income = models.TextField(blank=True)
    other_needs = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=AssessmentOutcome.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    authorised_on = models.DateField(null=True, blank=True, help_text="The CIN census authorisation date.")
    returned_reason = models.TextField(blank=True, help_text="Why the manager sent it back, if they did.")
    last_saved_at = models.DateTimeField(null=True, blank=True)
    autosaved = models.BooleanField(default=False, help_text="The last save was an autosave.")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=AssessmentStatus.values), name="fh_assessment_status_valid"),
            models.UniqueConstraint(
                fields=["family_case"], condition=~Q(status="authorised"), name="fh_one_open_assessment_per_family"
            ),
        ]

    def __str__(self) -> str:
        return f"Family Help assessment for {self.family_case} ({self.get_status_display()})"


class AssessmentChild(TimeStampedModel):
    """One child's section of the family assessment: their voice in their own words, their needs, the
    CIN assessment factor codes and primary need code (census `Assessments`)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="fh_assessment_sections")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    child_voice = models.TextField(blank=True, help_text="What the child says, in their own words.")
    # When the child's views could not be gathered (too young, would not meet), why: a submitted
    # assessment has one or the other for every child.
    voice_not_gathered_reason = models.TextField(blank=True, db_default="")
    needs = models.TextField(blank=True, help_text="Health, education, emotional and behavioural development.")
    factors = ArrayField(
        models.CharField(max_length=4), default=list, blank=True, help_text="CIN assessment factor codes."
    )
    primary_need = models.CharField(max_length=2, blank=True, help_text="CIN primary need code N0-N9.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "person"], name="fh_assessment_child_once")]

    def __str__(self) -> str:
        return f"{self.person} in {self.assessment_id}"


# --- supervision ---------------------------------------------------------------------------------------


class Supervision(TimeStampedModel):
    """Reflective supervision of a Family Help Lead Practitioner, about one family or their caseload."""

    practitioner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="fh_supervisions")
    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    family_case = models.ForeignKey(
        FamilyCase, on_delete=models.PROTECT, null=True, blank=True, related_name="fh_supervisions"
    )
    held_on = models.DateField()
    reflection = models.TextField(
        help_text="What was discussed: the family's progress, risks, the practitioner's analysis and wellbeing."
    )
    decisions = models.TextField(blank=True)
    next_due_on = models.DateField()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["practitioner", "-held_on"], name="fh_supervision_prac_idx")]

    def __str__(self) -> str:
        return f"Supervision of {self.practitioner} on {self.held_on}"


class SupervisionAction(TimeStampedModel):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class FamilyHelpSettings(models.Model):
    """One row: how often supervision and plan reviews are expected (an admin can change them)."""

    supervision_every_days = models.PositiveSmallIntegerField(default=28)
    review_every_days = models.PositiveSmallIntegerField(default=90, help_text="Default gap between plan reviews.")
    assessment_warn_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="Remind the lead practitioner this many working days before an assessment is due."
    )
    visit_every_days = models.PositiveSmallIntegerField(default=20, help_text="Expected gap between visits.")

    class Meta:
        verbose_name_plural = "Family Help settings"

    def __str__(self) -> str:
        return "Family Help settings"

    @classmethod
    def load(cls) -> "FamilyHelpSettings":
        return cls.objects.get_or_create(pk=1)[0]
