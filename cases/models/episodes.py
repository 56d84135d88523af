"""The continuum of need: levels, families, episodes with their levels and leads, and involvements
(who works with a child, which is what grants access)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .base import TimeStampedModel
from .organisation import Agency, Team, User
from .people import Person


class CensusMeaning(models.TextChoices):
    """What a locally named level means for the DfE returns: fixed, whatever the council calls it."""

    UNIVERSAL = "universal", "Universal services"
    EARLY_HELP = "early_help", "Targeted early help"
    CHILD_IN_NEED = "child_in_need", "Child in need (s17)"
    CHILD_PROTECTION = "child_protection", "Child protection (s47)"
    PRE_PROCEEDINGS = "pre_proceedings", "Pre-proceedings"


class NeedLevel(TimeStampedModel):
    """One level of the council's threshold document ("continuum of need"), configurable as data."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(help_text="Order along the continuum: higher is more intensive.")
    census_meaning = models.CharField(max_length=20, choices=CensusMeaning.choices)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["rank"], name="needlevel_rank_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_statutory(self) -> bool:
        """Child in need and above are statutory social care (and counted in the CIN census)."""
        return self.census_meaning in {
            CensusMeaning.CHILD_IN_NEED,
            CensusMeaning.CHILD_PROTECTION,
            CensusMeaning.PRE_PROCEEDINGS,
        }


# --- Families, episodes, involvement -----------------------------------------------------------------


class FamilyCase(TimeStampedModel):
    """The family being helped: children and adults, so one Family Help plan can cover several children."""

    name = models.CharField(max_length=200)
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class FamilyCaseMember(TimeStampedModel):
    class Role(models.TextChoices):
        CHILD = "child", "Child"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        OTHER = "other", "Other family member"

    family_case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family_memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) in {self.family_case}"


class Episode(TimeStampedModel):
    """Our involvement with one child, from a front-door decision to closure. Stepping up or down
    moves its level of need; it never creates a new episode."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    family_case = models.ForeignKey(
        FamilyCase, on_delete=models.PROTECT, null=True, blank=True, related_name="episodes"
    )
    opened_on = models.DateField()
    opened_reason = models.TextField(blank=True)
    # The record that opened it (a front-door decision): a type label and id, so cases imports no strand.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True, help_text="CIN reason for closure RC1-RC9.")
    closure_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_on__isnull=True), name="episode_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closure_reason__regex=r"^RC[1-9]$"),
                name="episode_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="episode_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk} for {self.person}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class EpisodeLevel(TimeStampedModel):
    """Dated history of an episode's level of need; the current one has no end."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="levels")
    level = models.ForeignKey(NeedLevel, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(ended_at__isnull=True), name="episodelevel_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} from {self.started_at:%Y-%m-%d}"


class LeadKind(models.TextChoices):
    FHLP = "fhlp", "Family Help Lead Practitioner"
    LCPP = "lcpp", "Lead Child Protection Practitioner"


class EpisodeLead(TimeStampedModel):
    """Dated history of the lead practitioners (FHLP, LCPP) on an episode."""

    Kind = LeadKind
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="leads")
    kind = models.CharField(max_length=4, choices=LeadKind.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind"], condition=Q(ended_at__isnull=True), name="episodelead_one_current_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"


class InvolvementRole(models.TextChoices):
    LEAD_PRACTITIONER = "lead_practitioner", "Lead practitioner"
    TAF_MEMBER = "taf_member", "Team around the family member"
    MACPT_MEMBER = "macpt_member", "MACPT member"
    FGDM_FACILITATOR = "fgdm_facilitator", "FGDM facilitator"
    REFERRER = "referrer", "Referrer"


# Involvement in these roles grants access to the child's record; a referrer sees only their referral.
ACCESS_GRANTING_ROLES = frozenset(
    {
        InvolvementRole.LEAD_PRACTITIONER,
        InvolvementRole.TAF_MEMBER,
        InvolvementRole.MACPT_MEMBER,
        InvolvementRole.FGDM_FACILITATOR,
    }
)


class InvolvementQuerySet(models.QuerySet):
    def active(self) -> "InvolvementQuerySet":
        """Involvements that grant access today: end_date is the day it ended, so from then on it grants nothing
        (the same rule as Involvement.is_active)."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gt=timezone.localdate()))


class Involvement(TimeStampedModel):
    """Who works with a child, in what role, from when to when: the source of access.

    Exactly one of user and team; the agency is the user's (or the team's) unless an outside agency
    is recorded without a named practitioner."""

    Role = InvolvementRole
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="involvements")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(max_length=20, choices=InvolvementRole.choices)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["user", "end_date"], name="involvement_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(user__isnull=False) & Q(team__isnull=False)), name="involvement_user_or_team"
            ),
            models.CheckConstraint(condition=Q(role__in=InvolvementRole.values), name="involvement_role_valid"),
        ]

    def __str__(self) -> str:
        who = self.user or self.team or self.agency
        return f"{who}: {self.get_role_display()} for {self.person_id}"

    @property
    def is_active(self) -> bool:
        """end_date is the day it ended: from that day on it grants nothing."""
        return self.end_date is None or self.end_date > timezone.localdate()


class Strand(models.TextChoices):
    """The strand of work a chronology entry, a plan version or a work request belongs to."""

    RECORD = "record", "Record"
    FRONT_DOOR = "front_door", "Front door"
    FAMILY_HELP = "family_help", "Family Help"
    MACPT = "macpt", "Child protection"
    FGDM = "fgdm", "Family group decision making"
