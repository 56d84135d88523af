"""Child protection conferences and plans (issue 14 items 4, 5 and 11).

A conference is about one or more children of one family: an initial conference (after an s47 enquiry whose
outcome is that a conference is needed), an initial conference for an unborn child (with the expected date of
birth), a transfer-in conference (a plan from another council, with the number of plans the child had there), or
a review conference of children already on a plan. Its date is never a weekend or bank holiday (census 8875).

The child protection plan is the statutory wrapper around the family's ONE plan (cases.Plan: its outcomes, actions,
team and reviews are the ones the Family Help lead already works with): per child, it adds what the statute and the
census need (start on the ICPC date, categories of abuse, core groups, statutory visits, review conferences, the
end with its reason, the number of previous plans). Never a second plan: the wrapper points at the family's.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cases.models import Agency, FamilyCase, Person, Plan, Team, TimeStampedModel, User, VisibilityTag


class CategoryOfAbuse(models.TextChoices):
    """The census's category of abuse (categoryofabusetype)."""

    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple categories"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    UNBORN = "unborn", "Initial conference for an unborn child"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"
    REVIEW = "review", "Review child protection conference"


INITIAL_KINDS = frozenset({ConferenceKind.INITIAL, ConferenceKind.UNBORN, ConferenceKind.TRANSFER_IN})


class ConferenceStatus(models.TextChoices):
    ARRANGED = "arranged", "Arranged"
    DECIDED = "decided", "Held: decisions recorded"


class ChildProtectionConference(TimeStampedModel):
    """One child protection conference for one or more children of a family (ConferenceChild rows)."""

    Kind = ConferenceKind
    Status = ConferenceStatus
    kind = models.CharField(max_length=12, choices=ConferenceKind.choices)
    status = models.CharField(max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.ARRANGED)
    family_case = models.ForeignKey(FamilyCase, on_delete=models.PROTECT, related_name="cp_conferences")
    date = models.DateField(help_text="Never a weekend or bank holiday (census 8875).")
    # An LCPP (chair) or an independent chair named here; never the child's own lead practitioner.
    chair = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    independent_chair_name = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    enquiry = models.ForeignKey(
        "macpt.S47Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="conferences"
    )
    expected_birth_date = models.DateField(null=True, blank=True, help_text="An unborn child's conference.")
    transferring_council = models.CharField(max_length=200, blank=True)
    previous_plans_elsewhere = models.PositiveSmallIntegerField(
        default=0, help_text="Transfer in: the child protection plans the child had in other councils."
    )
    family_views = models.TextField(blank=True, help_text="What the family and the children say, in their words.")
    minutes = models.TextField(blank=True, help_text="The minutes, shared with the family.")
    minutes_not_for_family = models.TextField(blank=True, help_text="Never in the family's version.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ConferenceKind.values), name="cp_conference_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ConferenceStatus.values), name="cp_conference_status_valid"),
            models.CheckConstraint(
                condition=Q(chair__isnull=False) | ~Q(independent_chair_name=""), name="cp_conference_has_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d/%m/%Y}"

    @property
    def chair_name(self) -> str:
        if self.chair_id:
            return self.chair.full_name
        return f"{self.independent_chair_name} (independent chair)"

    @property
    def is_initial(self) -> bool:
        return self.kind in INITIAL_KINDS


class InviteeAttendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class ConferenceInvitee(TimeStampedModel):
    """Someone invited: a family member from the child's network (person), or an agency's practitioner (user, or
    just the agency and a name)."""

    Attendance = InviteeAttendance
    conference = models.ForeignKey(ChildProtectionConference, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="Mother, class teacher, health visitor ...")
    attendance = models.CharField(max_length=16, choices=InviteeAttendance.choices, default=InviteeAttendance.INVITED)

    class Meta:
        ordering = ["conference", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance__in=InviteeAttendance.values), name="cp_invitee_attendance_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_family(self) -> bool:
        return self.person_id is not None


class ConferenceReport(TimeStampedModel):
    """An agency's report to the conference. Its tags follow the tag rules (cases.policy TAG_RULES): police and
    health reports carry their agency's tag; a tag in FAMILY_WITHHELD_TAGS keeps it out of the family's minutes.
    Only its own agency changes it."""

    conference = models.ForeignKey(ChildProtectionConference, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    tags = ArrayField(models.CharField(max_length=20, choices=VisibilityTag.choices), default=list, blank=True)

    class Meta:
        ordering = ["conference", "id"]

    def __str__(self) -> str:
        return f"{self.agency} report to {self.conference}"


class ConferenceChild(TimeStampedModel):
    """One child the conference is about, and its decision for them: a plan or not (initial), the plan goes on or
    ends (review), and the category of abuse."""

    conference = models.ForeignKey(ChildProtectionConference, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cp_conferences")
    # Review: the plan reviewed. Initial: the plan it started (set by the decision).
    plan = models.ForeignKey(
        "macpt.ChildProtectionPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="conference_rows"
    )
    plan_decided = models.BooleanField(null=True, blank=True, help_text="A plan (initial) / the plan goes on (review)")
    category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)
    reason = models.TextField(blank=True, help_text="Why, in the conference's words.")

    class Meta:
        ordering = ["conference", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "person"], name="cp_conference_child_once"),
            models.CheckConstraint(
                condition=Q(category="") | Q(category__in=CategoryOfAbuse.values), name="cp_conference_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.conference_id}"


class PlanEndReason(models.TextChoices):
    NO_LONGER_AT_RISK = "no_longer_at_risk", "No longer at continuing risk of significant harm"
    TRANSFERRED_OUT = "transferred_out", "Moved to another council"
    ADULT = "adult", "Reached 18"
    CARE = "care", "Became looked after, with no plan needed"
    DIED = "died", "The child died"
    OTHER = "other", "Other reason (given)"


# Where the statute lets a plan end without a review conference (Working Together 2023): the child moved to another
# council (whose conference takes over), reached 18, became looked after, or died. Any other end is a conference's.
ENDS_WITHOUT_CONFERENCE = (PlanEndReason.TRANSFERRED_OUT, PlanEndReason.ADULT, PlanEndReason.CARE, PlanEndReason.DIED)


class ChildProtectionPlan(TimeStampedModel):
    """One child's child protection plan: the statutory wrapper around the family's one plan (family_plan).
    Census CPPstartDate (the ICPC's date, 2885), CPPendDate, Initial and Latest CategoryOfAbuse, NumberOfPreviousCPP
    (macpt.selectors.number_of_previous_plans) and CPPreviewDate (its review conferences' dates)."""

    EndReason = PlanEndReason
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cp_plans")
    family_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="cp_plans")
    conference = models.ForeignKey(ChildProtectionConference, on_delete=models.PROTECT, related_name="plans_started")
    start_date = models.DateField()
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    previous_plans_elsewhere = models.PositiveSmallIntegerField(default=0)
    visit_every_working_days = models.PositiveSmallIntegerField(default=10)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=PlanEndReason.choices, blank=True)
    end_reason_text = models.TextField(blank=True)
    ended_by_conference = models.ForeignKey(
        ChildProtectionConference, on_delete=models.PROTECT, null=True, blank=True, related_name="plans_ended"
    )

    class Meta:
        ordering = ["person", "-start_date"]
        constraints = [
            # Census 8935: never two open plans for one child.
            models.UniqueConstraint(fields=["person"], condition=Q(end_date__isnull=True), name="cp_plan_one_open"),
            # Census 8925.
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cp_plan_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | ~Q(end_reason=""), name="cp_plan_ended_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(initial_category__in=CategoryOfAbuse.values)
                & Q(latest_category__in=CategoryOfAbuse.values),
                name="cp_plan_categories_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan for {self.person_id} from {self.start_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class CoreGroup(TimeStampedModel):
    """A core group meeting for the children on a plan in one family (the first within 10 working days of the
    ICPC): who came, and the actions agreed, which are actions on the family's plan (cases.Action)."""

    plans = models.ManyToManyField(ChildProtectionPlan, related_name="core_groups")
    date = models.DateField()
    attendees = models.TextField(help_text="Who came, with their agency.")
    apologies = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    actions = models.ManyToManyField("cases.Action", blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Core group on {self.date:%d/%m/%Y}"


class StatutoryVisit(TimeStampedModel):
    """A statutory visit to a child on a plan: whether the child was seen, and seen alone."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField()
    seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(seen=True) | Q(seen_alone=False), name="cp_visit_alone_means_seen")
        ]

    def __str__(self) -> str:
        return f"Visit on {self.date:%d/%m/%Y}"
