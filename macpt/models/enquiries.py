"""Section 47 enquiries: one child's enquiry, started at a strategy discussion, with its outcome and the ICPC target."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from cases.models import Agency, Person, Team, TimeStampedModel, User

from .strategy import StrategyDiscussion


class S47Outcome(models.TextChoices):
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"
    SUBSTANTIATED_NO_CONFERENCE = "substantiated_no_conference", "Concerns substantiated, no conference needed"
    CONFERENCE_NEEDED = "conference_needed", "Concerns substantiated, initial child protection conference needed"


class S47Enquiry(TimeStampedModel):
    """One child's s47 enquiry (census S47ActualStartDate, InitialCPCtarget, ICPCnotRequired).

    Several strategy discussions may precede it; `started_at_discussion` is the one at which it was started, and the
    ICPC target is 15 working days after that discussion's day (Working Together 2023; deadline macpt.icpc). The
    enquiry ends with its outcome (ended_on); a child has at most one open enquiry."""

    Outcome = S47Outcome
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="s47_enquiries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="s47_enquiries")
    started_at_discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiries")
    start_date = models.DateField(help_text="Census S47ActualStartDate.")
    lead = models.ForeignKey(User, on_delete=models.PROTECT, related_name="led_s47_enquiries")
    joint_with_police = models.BooleanField(default=False)
    child_seen_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=S47Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    outcome_reason = models.TextField(blank=True)
    icpc_target = models.DateField(help_text="Census InitialCPCtarget: 15 working days after the strategy discussion.")
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "s47 enquiries"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True), name="macpt_one_open_s47_per_child"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=S47Outcome.values), name="macpt_s47_outcome_valid"
            ),
            # An outcome has its date, and a date its outcome (the census needs both).
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(outcome_date__isnull=True))
                | (~Q(outcome="") & Q(outcome_date__isnull=False)),
                name="macpt_s47_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True) | Q(outcome_date__gte=F("start_date")),
                name="macpt_s47_outcome_after_start",
            ),
            models.CheckConstraint(condition=Q(icpc_target__gte=F("start_date")), name="macpt_s47_target_after_start"),
        ]

    def __str__(self) -> str:
        return f"s47 enquiry for {self.person_id} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class S47Information(TimeStampedModel):
    """What one agency gathered for the enquiry, tagged by its source and read under the tag rules."""

    enquiry = models.ForeignKey(S47Enquiry, on_delete=models.CASCADE, related_name="information")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    tags = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enquiry", "id"]
        verbose_name_plural = "s47 information"

    def __str__(self) -> str:
        return f"{self.agency} for {self.enquiry}"
