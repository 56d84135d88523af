"""People: children and adults, their names, addresses, relationships, households and restriction."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .base import TimeStampedModel
from .organisation import User


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
        # Granted per object through involvements (cases.permissions): view/change_person for the whole record,
        # view_person_summary for the summary level (a team-around-the-family member).
        permissions = [("view_person_summary", "Can see the summary of a child in a family's plan")]
        indexes = [
            GinIndex(fields=["search_name"], name="person_search_name_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["last_name_phonetic", "first_name_phonetic"], name="person_phonetic_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_valid"),
            models.CheckConstraint(
                condition=Q(nhs_number__isnull=True) | Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="person_nhs_number_format",
            ),
            models.CheckConstraint(
                condition=Q(restricted=False) | ~Q(restriction_reason=""), name="person_restricted_has_reason"
            ),
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
            models.Func(
                "postcode", models.Value(" "), models.Value(""), function="replace", output_field=models.CharField()
            )
        ),
        output_field=models.CharField(max_length=10),
        db_persist=True,
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # A safe address (a refuge, a place a parent must not find) is read under the safe-address tag's rule
    # (cases.policy TAGS): council social care and the agency that recorded it; everyone else, and anything a
    # family member may receive, learns only that a safe address is held.
    safe_address = models.BooleanField(
        default=False,
        db_default=False,  # bulk loads (COPY in the data generators) name the columns they fill
        help_text="Only council social care and the recording agency may see where this is.",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["postcode_normalised"], name="address_postcode_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="address_dates_ordered",
            )
        ]

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
    """The named list for a restricted record: only these users see it, each until their entry's expiry (an entry
    past `expires_at` no longer opens the record: cases.permissions reads it against the database's clock). Empty:
    until removed. The list is reviewed every 90 days (cases.services.restriction)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restricted_access")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="restricted_access")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="restricted_access_unique")]

    def __str__(self) -> str:
        return f"{self.user} may see {self.person_id}"


class PersonUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct-FK table for Person (faster than the generic one, and cascades)."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)
