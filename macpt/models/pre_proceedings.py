"""Pre-proceedings under the Public Law Outline, as the CIN census 2026-27 module 5 (PreProceedingsandFGDM) counts
it: one row per child per pre-proceedings episode, its meetings, and the kinship and connected-person assessments
started during it. The census rules (../shared/data/cin/module5_rules.md) are the service's checks
(macpt.services.pre_proceedings); the database holds the orderings too, so no path round the service breaks them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from cases.models import Person, TimeStampedModel, User


class PPOutcome(models.TextChoices):
    """Census code set CS131 (PPOutcome). The codes are DfE's; what each is called is the council's
    (PreProceedingsSettings.outcome_labels): these are only the defaults."""

    A = "A", "Care proceedings issued"
    B = "B", "Stepped down to a child protection or child in need plan"
    C = "C", "Stepped down: no further statutory action"


class PreProceedings(TimeStampedModel):
    """One child's pre-proceedings episode: from the legal planning meeting's decision to start (PPStartDate) to the
    decision to issue care proceedings or step down (StepDecisionDate, with PPOutcome), then the court application
    (CourtAppDate) and the letter initiating proceedings (LetterInitCPDate). The initial meeting and the review
    meetings are PreProceedingsMeeting rows (InitialPPMeetingDate, ReviewMeetingsCount). FGDMMeetingOffer and
    FGDMMeetingFac are the FGDM strand's records (an offer in the letter, a meeting held), read through its one
    selector (macpt.selectors.pre_proceedings.fgdm_measures), never typed here."""

    Outcome = PPOutcome
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pre_proceedings")
    start_date = models.DateField(help_text="Census PPStartDate: the legal planning meeting that decided to start.")
    lbp_sent_date = models.DateField(null=True, blank=True, help_text="Census LBPSentDate.")
    step_decision_date = models.DateField(null=True, blank=True, help_text="Census StepDecisionDate.")
    outcome = models.CharField(max_length=1, choices=PPOutcome.choices, blank=True, help_text="Census PPOutcome.")
    court_application_date = models.DateField(null=True, blank=True, help_text="Census CourtAppDate.")
    letter_initiating_date = models.DateField(null=True, blank=True, help_text="Census LetterInitCPDate.")
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change: stale edits are refused.")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "pre-proceedings"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(step_decision_date__isnull=True), name="macpt_one_open_pp_per_child"
            ),
            # 9011: PPOutcome is A, B or C; and it goes with the step decision (both or neither).
            models.CheckConstraint(condition=Q(outcome="") | Q(outcome__in=PPOutcome.values), name="macpt_pp_outcome"),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(step_decision_date__isnull=True))
                | (~Q(outcome="") & Q(step_decision_date__isnull=False)),
                name="macpt_pp_decision_has_outcome",
            ),
            # 9006, 9009, 9012, 9013: the order of the dates.
            models.CheckConstraint(
                condition=Q(lbp_sent_date__isnull=True) | Q(lbp_sent_date__gte=F("start_date")),
                name="macpt_pp_lbp_after_start",
            ),
            models.CheckConstraint(
                condition=Q(step_decision_date__isnull=True) | Q(step_decision_date__gte=F("start_date")),
                name="macpt_pp_decision_after_start",
            ),
            models.CheckConstraint(
                condition=Q(court_application_date__isnull=True)
                | (Q(step_decision_date__isnull=False) & Q(court_application_date__gte=F("step_decision_date"))),
                name="macpt_pp_court_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(letter_initiating_date__isnull=True)
                | (
                    Q(court_application_date__isnull=False) & Q(letter_initiating_date__gte=F("court_application_date"))
                ),
                name="macpt_pp_letter_after_court",
            ),
        ]

    def __str__(self) -> str:
        return f"Pre-proceedings for {self.person_id} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.step_decision_date is None

    @property
    def reference(self) -> str:
        """How it is named where the child must not be (deadline labels, notification titles)."""
        return f"PP{self.pk:06d}"


class MeetingKind(models.TextChoices):
    INITIAL = "initial", "Initial pre-proceedings meeting"
    REVIEW = "review", "Review meeting"


class PreProceedingsMeeting(TimeStampedModel):
    """A pre-proceedings meeting held with the parents (and their lawyers): the first effective one is the initial
    meeting (InitialPPMeetingDate); each one after it is a review (ReviewMeetingsCount counts them)."""

    Kind = MeetingKind
    pre_proceedings = models.ForeignKey(PreProceedings, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="macpt_pp_meeting_kind"),
            models.UniqueConstraint(
                fields=["pre_proceedings"], condition=Q(kind="initial"), name="macpt_pp_one_initial_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on}"


class KinshipKind(models.TextChoices):
    VIABILITY = "viability", "Kinship viability assessment"
    CONNECTED_PERSON = "connected_person", "Connected person (family and friends foster carer) assessment"
    SPECIAL_GUARDIANSHIP = "special_guardianship", "Special guardianship assessment"


class KinshipOutcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    WITHDRAWN = "withdrawn", "Withdrawn"


class KinshipAssessment(TimeStampedModel):
    """A kinship or connected-person assessment started during pre-proceedings: of whom (a person in the child's
    network, or a name), how they are connected, when it started and, when known, how it ended."""

    Kind = KinshipKind
    Outcome = KinshipOutcome
    pre_proceedings = models.ForeignKey(PreProceedings, on_delete=models.CASCADE, related_name="kinship_assessments")
    kind = models.CharField(max_length=24, choices=KinshipKind.choices)
    carer = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    carer_name = models.CharField(max_length=200, blank=True)
    relationship = models.CharField(max_length=100, help_text="How they are connected to the child.")
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=KinshipOutcome.choices, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=KinshipKind.values), name="macpt_kinship_kind"),
            models.CheckConstraint(condition=~Q(carer__isnull=True, carer_name=""), name="macpt_kinship_names_carer"),
            models.CheckConstraint(
                condition=(Q(completed_on__isnull=True) & Q(outcome=""))
                | (Q(completed_on__isnull=False) & ~Q(outcome="")),
                name="macpt_kinship_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="macpt_kinship_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on}"


class PreProceedingsSettings(models.Model):
    """One row, edited in the admin: what the council calls each PPOutcome code, and the timescales its
    pre-proceedings deadline (macpt.pp_step) watches."""

    outcome_a_label = models.CharField(max_length=120, default=PPOutcome.A.label, help_text="PPOutcome A.")
    outcome_b_label = models.CharField(max_length=120, default=PPOutcome.B.label, help_text="PPOutcome B.")
    outcome_c_label = models.CharField(max_length=120, default=PPOutcome.C.label, help_text="PPOutcome C.")
    letter_working_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The letter before proceedings is due this many working days after the decision to start.",
    )
    initial_meeting_working_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The initial pre-proceedings meeting is due this many working days after the letter.",
    )
    decision_weeks = models.PositiveSmallIntegerField(
        default=16,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="The decision to issue or step down is due this many weeks after the start (PLO: 16 weeks).",
    )

    class Meta:
        verbose_name_plural = "pre-proceedings settings"

    def __str__(self) -> str:
        return "Pre-proceedings settings"

    @classmethod
    def load(cls) -> "PreProceedingsSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def outcome_labels(self) -> dict[str, str]:
        return {"A": self.outcome_a_label, "B": self.outcome_b_label, "C": self.outcome_c_label}

    def outcome_choices(self) -> list[tuple[str, str]]:
        return [(code, f"{label} ({code})") for code, label in self.outcome_labels().items()]
