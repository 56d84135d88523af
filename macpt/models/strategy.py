"""Strategy discussions and meetings: the multi-agency decision whether to start an s47 enquiry.

A MACPT is no model of its own: it is a `cases.Team` with multi_agency=True whose members come from several agencies
(cases.services.team_member_add). "The MACPT works with a child" is an active `cases.Involvement(team=<the MACPT>,
role=MACPT_MEMBER)` on the child, opened when a strategy discussion or an s47 enquiry starts for the child."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cases.models import Agency, Person, Team, TimeStampedModel, User, WorkRequest


class MacptSettings(models.Model):
    """One row: the strand's locally set timescales (an admin can change them)."""

    strategy_record_working_days = models.PositiveSmallIntegerField(
        default=1,
        help_text="The strategy discussion's record is shared with the attendees within this many working days.",
    )
    visit_every_working_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="Statutory visits to a child on a child protection plan: at most this many working days apart.",
    )

    class Meta:
        verbose_name_plural = "child protection settings"

    def __str__(self) -> str:
        return "Child protection settings"

    @classmethod
    def load(cls) -> "MacptSettings":
        return cls.objects.get_or_create(pk=1)[0]


class DiscussionForm(models.TextChoices):
    DISCUSSION = "discussion", "Strategy discussion"
    MEETING = "meeting", "Strategy meeting"


class StrategyDiscussion(TimeStampedModel):
    """One strategy discussion or meeting, chaired by an LCPP, about one child or several siblings.

    Police and health take part, or the reason they did not is recorded (police_absence_reason,
    health_absence_reason). The record is shared with the attendees (record_shared_at) within the configured working
    days of the discussion (deadline macpt.strategy_record)."""

    Form = DiscussionForm
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="strategy_discussions")
    held_at = models.DateTimeField()
    form = models.CharField(max_length=10, choices=DiscussionForm.choices, default=DiscussionForm.DISCUSSION)
    chair = models.ForeignKey(User, on_delete=models.PROTECT, related_name="chaired_strategy_discussions")
    # The hand-off that asked for it (front door or step-up), when there was one.
    work_request = models.ForeignKey(
        WorkRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="strategy_discussions"
    )
    reason = models.TextField(blank=True, help_text="Why the discussion is held: the concerns.")
    police_absence_reason = models.TextField(blank=True, help_text="Why the police did not take part, if they did not.")
    health_absence_reason = models.TextField(blank=True, help_text="Why health did not take part, if they did not.")
    record_shared_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(form__in=DiscussionForm.values), name="macpt_discussion_form_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} on {self.held_at:%Y-%m-%d}"


class StrategyDecision(models.TextChoices):
    S47_SINGLE = "s47_single", "Section 47 enquiry (single agency)"
    S47_JOINT = "s47_joint", "Section 47 enquiry (joint with police)"
    IMMEDIATE_PROTECTION = "immediate_protection", "Immediate protective action"
    NO_S47 = "no_s47", "No section 47 enquiry"


class NextStep(models.TextChoices):
    FAMILY_HELP = "family_help", "Family Help"
    FGDM_OFFER = "fgdm_offer", "Offer a family group decision making meeting"
    NFA = "nfa", "No further action"


class StrategyChild(TimeStampedModel):
    """One child the discussion is about, with its decision (blank until decided) and, when there is no s47, the
    next step."""

    Decision = StrategyDecision
    NextStep = NextStep
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="strategy_children")
    decision = models.CharField(max_length=20, choices=StrategyDecision.choices, blank=True)
    next_step = models.CharField(max_length=12, choices=NextStep.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["discussion", "id"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "person"], name="macpt_strategy_child_unique"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=StrategyDecision.values), name="macpt_strategy_decision_valid"
            ),
            # The next step belongs to "no s47" alone, and "no s47" always says what happens next.
            models.CheckConstraint(
                condition=(Q(decision="no_s47") & Q(next_step__in=NextStep.values))
                | (~Q(decision="no_s47") & Q(next_step="")),
                name="macpt_strategy_next_step_with_no_s47",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.discussion}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Apologies"


class StrategyAttendee(TimeStampedModel):
    """Who was invited from which agency, and whether they attended."""

    Attendance = Attendance
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.ATTENDED)

    class Meta:
        ordering = ["discussion", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(attendance__in=Attendance.values), name="macpt_attendance_valid"),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="macpt_attendee_named"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.user} ({self.agency})"


class StrategyInformation(TimeStampedModel):
    """What one agency shared at the discussion, about one child (person) or the family (no person). Tagged by its
    source (police information carries the police tag, health the health tag) and read under the tag rules."""

    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="information")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField()
    tags = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["discussion", "id"]
        verbose_name_plural = "strategy information"

    def __str__(self) -> str:
        return f"{self.agency} at {self.discussion}"
