"""The shared record. This issue lays the foundation: agencies, teams, users and the audit trail."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class TimeStampedModel(models.Model):
    """Every record knows when it was created and last changed."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AgencyType(models.TextChoices):
    COUNCIL_SOCIAL_CARE = "council_social_care", "Council children's social care"
    COUNCIL_EARLY_HELP = "council_early_help", "Council early help"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    HOUSING = "housing", "Housing"
    PROBATION = "probation", "Probation"
    ADULT_SERVICES = "adult_services", "Adult services"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary and community sector"


class Agency(TimeStampedModel):
    """An organisation whose practitioners use the system: the council's own services or a partner."""

    Type = AgencyType
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=32, choices=AgencyType.choices)
    # ODS code for health, DfE URN for schools, force code for police: optional, for exports.
    code = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(type__in=AgencyType.values), name="agency_type_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.type in {AgencyType.COUNCIL_SOCIAL_CARE, AgencyType.COUNCIL_EARLY_HELP}


class Team(TimeStampedModel):
    """A working group hosted by one agency; its members may come from several (a MACPT does)."""

    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    multi_agency = models.BooleanField(default=False, help_text="Members come from several agencies (a MACPT).")
    # Object permissions granted to a team are held by this group; team_member_add/remove keep the
    # user's membership of both in step (cases.services).
    group = models.OneToOneField("auth.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="team")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles are Django groups with these names; the data migration creates them everywhere."""

    TRIAGE_OFFICER = "triage_officer", "Triage officer"
    FRONT_DOOR_MANAGER = "front_door_manager", "Front door manager"
    FHLP = "fhlp", "Family Help Lead Practitioner"
    LCPP = "lcpp", "Lead Child Protection Practitioner"
    MACPT_MEMBER = "macpt_member", "MACPT member"
    FGDM_FACILITATOR = "fgdm_facilitator", "FGDM facilitator"
    PARTNER_REFERRER = "partner_referrer", "Partner referrer"
    # A partner agency's practitioner (school, health, housing, voluntary sector) who works with the
    # families they are involved with, e.g. in a team around the family: sees those children only.
    PARTNER_PRACTITIONER = "partner_practitioner", "Partner practitioner"
    MANAGER = "manager", "Manager"
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"
    ADMIN = "admin", "Administrator"


class Qualification(models.TextChoices):
    """The DfE quarterly return counts FHLPs by this."""

    SOCIAL_WORKER = "social_worker", "Registered social worker"
    ALTERNATIVELY_QUALIFIED = "alternatively_qualified", "Alternatively qualified practitioner"
    NOT_APPLICABLE = "", "Not applicable"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if "agency" not in extra and "agency_id" not in extra:
            extra["agency"] = Agency.objects.filter(type=AgencyType.COUNCIL_SOCIAL_CARE).first()
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A practitioner: signs in with an email address, belongs to one agency and one or more teams."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True)
    teams = models.ManyToManyField(Team, related_name="members", blank=True)
    qualification = models.CharField(max_length=32, choices=Qualification.choices, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, *roles: str) -> bool:
        """True when the user is in any of the named role groups (cached per instance)."""
        if not hasattr(self, "_role_cache"):
            self._role_cache = set(self.groups.values_list("name", flat=True))
        return bool(self._role_cache.intersection(roles))

    @property
    def roles(self) -> set[str]:
        self.has_role()
        return self._role_cache


class AuditEvent(models.Model):
    """One read or write of the record: who, what, when, why. Append-only in the database.

    A trigger (migration 0002) refuses UPDATE and DELETE on this table, and TRUNCATE unless the
    connection carries the maintenance flag that only the test settings set.
    """

    class Kind(models.TextChoices):
        READ = "read"
        WRITE = "write"
        AUTH = "auth"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # No FK: an audit row must outlive (and never block the removal of) the user it names.
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_email = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    child_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # "Who has looked at this child, and when": a GIN index over the child ids.
            GinIndex(fields=["child_ids"], name="audit_child_ids_gin"),
        ]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["read", "write", "auth"]), name="audit_kind_valid")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email} {self.verb}"


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the heartbeat task, per source (beat or worker start)."""

    source = models.CharField(max_length=32, unique=True)
    last_seen = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.source} @ {self.last_seen:%H:%M:%S}"


# --- The continuum of need, as data ----------------------------------------------------------------


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
        return self.census_meaning in {CensusMeaning.CHILD_IN_NEED, CensusMeaning.CHILD_PROTECTION,
                                       CensusMeaning.PRE_PROCEEDINGS}


# --- People ------------------------------------------------------------------------------------------


class Sex(models.TextChoices):
    """As the CIN census codes it (sextype)."""

    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class RestrictionReason(models.TextChoices):
    STAFF_FAMILY = "staff_family", "Staff member or their family"
    HIGH_PROFILE = "high_profile", "High profile"
    ADOPTION = "adoption", "Adoption"
    HIGH_RISK = "high_risk", "High risk"


class Person(TimeStampedModel):
    """A child or an adult, once: every strand points here.

    The names used for searching and the phonetic keys are generated columns, so they are always in
    step with the names whatever writes them (a service, a merge, a bulk load).
    """

    first_name = models.CharField("first name", max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField("last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="What the person likes to be called.")
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn child.")
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=100, blank=True, help_text="As the person describes it.")
    ethnicity = models.CharField(max_length=4, blank=True)
    disabilities = ArrayField(models.CharField(max_length=4), default=list, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    # Ours: "<LA code>C<sequence>", from a database sequence, so never reused (not even after a merge).
    la_child_id = models.CharField("LA child ID", max_length=20, unique=True, editable=False)
    restricted = models.BooleanField(default=False)
    restriction_reason = models.CharField(max_length=20, choices=RestrictionReason.choices, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every edit: stale edits are refused.")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    search_name = models.GeneratedField(
        expression=models.functions.Lower(
            models.functions.Concat("first_name", models.Value(" "), "last_name", output_field=models.TextField())
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    first_name_phonetic = models.GeneratedField(
        expression=models.Func("first_name", function="dmetaphone", output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )
    last_name_phonetic = models.GeneratedField(
        expression=models.Func("last_name", function="dmetaphone", output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            GinIndex(fields=["search_name"], name="person_search_name_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["last_name_phonetic", "first_name_phonetic"], name="person_phonetic_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_valid"),
            models.CheckConstraint(condition=Q(nhs_number__isnull=True) | Q(nhs_number__regex=r"^[0-9]{10}$"),
                                   name="person_nhs_number_format"),
            models.CheckConstraint(condition=Q(restricted=False) | ~Q(restriction_reason=""),
                                   name="person_restricted_has_reason"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="person_not_merged_into_self"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_names, self.last_name) if part)

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.first_name:
            return f"{self.first_name} ({self.preferred_name}) {self.last_name}"
        return f"{self.first_name} {self.last_name}"

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day) -> int | None:
        if self.date_of_birth is None:
            return None
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def is_child(self) -> bool:
        """Under 18 today, or not yet born. Unknown date of birth counts as a child (the safer reading)."""
        if self.date_of_birth is None:
            return True
        return self.age_on(timezone.localdate()) < 18


class PersonName(TimeStampedModel):
    """A previous name or alias, kept for searching and for the record."""

    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous name"
        ALIAS = "alias", "Also known as"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PREVIOUS)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    used_until = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Address(TimeStampedModel):
    """Where a person lives or lived, with dates. The current address has no end date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10)
    postcode_normalised = models.GeneratedField(
        expression=models.functions.Upper(
            models.Func("postcode", models.Value(" "), models.Value(""), function="replace",
                        output_field=models.CharField())
        ),
        output_field=models.CharField(max_length=10),
        db_persist=True,
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["postcode_normalised"], name="address_postcode_idx")]
        constraints = [models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(start_date__isnull=True)
                                              | Q(end_date__gte=models.F("start_date")),
                                              name="address_dates_ordered")]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


class RelationshipType(models.TextChoices):
    """Directional: "A is the <type> of B". INVERSE below gives the reading from B's side."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    CARER = "carer", "Carer"
    PARTNER_OF_PARENT = "partner_of_parent", "Partner of parent"
    FRIEND = "friend", "Friend of the family"
    OTHER = "other", "Other"


# How B is related to A when A is <type> of B.
RELATIONSHIP_INVERSE = {
    RelationshipType.MOTHER: "Child",
    RelationshipType.FATHER: "Child",
    RelationshipType.STEP_PARENT: "Step-child",
    RelationshipType.SIBLING: "Sibling",
    RelationshipType.HALF_SIBLING: "Half-sibling",
    RelationshipType.GRANDPARENT: "Grandchild",
    RelationshipType.AUNT_UNCLE: "Niece or nephew",
    RelationshipType.CARER: "Cared for",
    RelationshipType.PARTNER_OF_PARENT: "Child of partner",
    RelationshipType.FRIEND: "Friend of the family",
    RelationshipType.OTHER: "Other",
}


class Relationship(TimeStampedModel):
    """from_person is <type> of to_person, e.g. "Ann is the mother of Ben", with parental responsibility."""

    Type = RelationshipType
    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_out")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_in")
    type = models.CharField(max_length=20, choices=RelationshipType.choices)
    parental_responsibility = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["type", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_person=models.F("to_person")), name="relationship_not_self"),
            models.CheckConstraint(condition=Q(type__in=RelationshipType.values), name="relationship_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} is {self.get_type_display().lower()} of {self.to_person}"


class Household(TimeStampedModel):
    """People living together, with dates: a child may belong to two (shared care)."""

    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class HouseholdMember(TimeStampedModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"


class RestrictedAccess(TimeStampedModel):
    """The named list for a restricted record: only these users see it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restricted_access")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="restricted_access")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="restricted_access_unique")]

    def __str__(self) -> str:
        return f"{self.user} may see {self.person_id}"


class PersonUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct-FK table for Person (faster than the generic one, and cascades)."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


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
    family_case = models.ForeignKey(FamilyCase, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="episodes")
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
            models.UniqueConstraint(fields=["person"], condition=Q(closed_on__isnull=True),
                                    name="episode_one_open_per_person"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closure_reason__regex=r"^RC[1-9]$"),
                                   name="episode_closed_has_reason"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                                   name="episode_dates_ordered"),
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
        constraints = [models.UniqueConstraint(fields=["episode"], condition=Q(ended_at__isnull=True),
                                               name="episodelevel_one_current")]

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
        constraints = [models.UniqueConstraint(fields=["episode", "kind"], condition=Q(ended_at__isnull=True),
                                               name="episodelead_one_current_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"


class InvolvementRole(models.TextChoices):
    LEAD_PRACTITIONER = "lead_practitioner", "Lead practitioner"
    TAF_MEMBER = "taf_member", "Team around the family member"
    MACPT_MEMBER = "macpt_member", "MACPT member"
    FGDM_FACILITATOR = "fgdm_facilitator", "FGDM facilitator"
    REFERRER = "referrer", "Referrer"


# Involvement in these roles grants access to the child's record; a referrer sees only their referral.
ACCESS_GRANTING_ROLES = frozenset({
    InvolvementRole.LEAD_PRACTITIONER, InvolvementRole.TAF_MEMBER, InvolvementRole.MACPT_MEMBER,
    InvolvementRole.FGDM_FACILITATOR,
})


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

    class Meta:
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["user", "end_date"], name="involvement_user_idx")]
        constraints = [
            models.CheckConstraint(condition=~(Q(user__isnull=False) & Q(team__isnull=False)),
                                   name="involvement_user_or_team"),
            models.CheckConstraint(condition=Q(role__in=InvolvementRole.values), name="involvement_role_valid"),
        ]

    def __str__(self) -> str:
        who = self.user or self.team or self.agency
        return f"{who}: {self.get_role_display()} for {self.person_id}"

    @property
    def is_active(self) -> bool:
        """end_date is the day it ended: from that day on it grants nothing."""
        return self.end_date is None or self.end_date > timezone.localdate()


# --- Chronology and case notes ------------------------------------------------------------------------


class Strand(models.TextChoices):
    RECORD = "record", "Record"
    FRONT_DOOR = "front_door", "Front door"
    FAMILY_HELP = "family_help", "Family Help"
    MACPT = "macpt", "Child protection"
    FGDM = "fgdm", "Family group decision making"


class ChronologyEntry(TimeStampedModel):
    """One event in a child's story, from any strand, with a link back to the record it came from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    strand = models.CharField(max_length=12, choices=Strand.choices)
    kind = models.CharField(max_length=60)
    summary = models.TextField()
    significant = models.BooleanField(default=False)
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="Path of the record this entry describes.")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["person", "-occurred_at", "-id"], name="chronology_person_time_idx")]
        constraints = [models.CheckConstraint(condition=Q(strand__in=Strand.values), name="chronology_strand_valid")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.kind}"


class VisibilityTag(models.TextChoices):
    POLICE = "police", "Police information"
    HEALTH = "health", "Health information"
    THIRD_PARTY = "third_party", "Third-party information"
    NOT_FOR_FAMILY = "not_for_family", "Not to be shared with the family"


class CaseNote(TimeStampedModel):
    """A practitioner's note: a draft until made final; after that only corrections are appended."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        MESSAGE = "message", "Email or message"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_notes")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    strand = models.CharField(max_length=12, choices=Strand.choices, default=Strand.RECORD)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OTHER)
    occurred_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    significant = models.BooleanField(default=False, help_text="A significant event: shown in the chronology.")
    child_seen = models.BooleanField(null=True, blank=True)
    child_seen_alone = models.BooleanField(null=True, blank=True)
    visibility_tags = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | Q(finalised_at__isnull=False),
                                   name="casenote_final_has_time"),
            models.CheckConstraint(condition=Q(child_seen_alone__isnull=True) | Q(child_seen_alone=False)
                                   | Q(child_seen=True), name="casenote_seen_alone_implies_seen"),
        ]

    def __str__(self) -> str:
        return self.subject


class CaseNoteCorrection(TimeStampedModel):
    """Appended to a final note: the note itself is never edited."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="corrections")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Correction to note {self.note_id}"


class PersonMerge(TimeStampedModel):
    """A merge of one duplicate record into another, with what moved, so it can be undone exactly."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    # [{"model": "app.model", "field": "person", "ids": [..]}]: each row re-pointed from merged to kept.
    moved = models.JSONField(default=list)
    # Fields of the kept record filled from the merged one (and cleared there), to restore on unmerge.
    kept_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["merged"], condition=Q(unmerged_at__isnull=True),
                                               name="personmerge_one_active_per_merged")]

    def __str__(self) -> str:
        return f"{self.merged_id} merged into {self.kept_id}"


# --- The working-day calendar, notifications, deadlines, hand-offs ---------------------------------------


class ClosureDay(TimeStampedModel):
    """A day the council is closed beyond bank holidays (e.g. a Christmas closure day): not a working day."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Notification(models.Model):
    """An in-app message (and optionally an email) to one user. `unique_key` makes each alert happen
    exactly once however many times a sweeper runs or is interrupted."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    unique_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    send_email = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"


class Deadline(TimeStampedModel):
    """Something due by a time, computed with the working-day clock. One sweeper (cases.tasks) warns
    before and records a breach after, for every strand's statutory timescales."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    person_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    link = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Besides the assignee, who hears about it: an agency's users (information requests) ...
    notify_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # ... and, on breach, everyone holding this role (front door managers for contacts).
    escalate_role = models.CharField(max_length=40, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    breach_detected_late = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["due_at"], name="deadline_open_due_idx", condition=Q(state="open")),
            models.Index(fields=["target_type", "target_id"], name="deadline_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target_type", "target_id"], condition=Q(state="open"),
                                    name="deadline_one_open_per_target"),
        ]

    def __str__(self) -> str:
        return f"{self.label} due {self.due_at:%Y-%m-%d %H:%M}"


class WorkRequest(TimeStampedModel):
    """A hand-off between strands, through the shared record: the receiving strand lists and accepts it."""

    class Kind(models.TextChoices):
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
        EMERGENCY_ACTION = "emergency_action", "Immediate protection"
        FAMILY_HELP_ALLOCATION = "family_help_allocation", "Family Help allocation"
        FGDM_OFFER = "fgdm_offer", "Offer family group decision making"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="work_requests")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="work_requests")
    urgent = models.BooleanField(default=False)
    summary = models.TextField()
    # The record that asked (a front-door decision, a Family Help step-up), as a label and id.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "created_at"]
        indexes = [models.Index(fields=["kind", "status"], name="workrequest_kind_status_idx")]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["strategy_discussion", "emergency_action",
                                                                    "family_help_allocation", "fgdm_offer"]),
                                              name="workrequest_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"
