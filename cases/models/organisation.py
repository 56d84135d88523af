"""Agencies, teams and users, and the roles users hold."""

from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .base import TimeStampedModel


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
    # Information requests from the front door go to this team only (its members see them in their inbox and are
    # notified), never to every user of the agency. No team: the front door cannot send the agency a request.
    liaison_team = models.ForeignKey(
        "Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_for",
        help_text="The team that receives and answers the front door's information requests to this agency.",
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(type__in=AgencyType.values), name="agency_type_valid")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.type in {AgencyType.COUNCIL_SOCIAL_CARE, AgencyType.COUNCIL_EARLY_HELP}

    def clean(self) -> None:
        if self.liaison_team_id and self.pk and self.liaison_team.agency_id != self.pk:
            raise ValidationError({"liaison_team": "Choose one of this agency's own teams"})


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
    # Prepares the council's returns (CIN census, FFP quarterly return, Annex A) and exports child-level data for them:
    # reads every unrestricted record council-wide, edits none (issue 16 item 9).
    PERFORMANCE_OFFICER = "performance_officer", "Performance officer"
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
    # A partner system's account (issue 17): it signs in with API tokens only (cases.models.api_tokens), never a
    # password; it has an agency, teams and roles like anyone, so the one policy decides what it may see.
    is_service_account = models.BooleanField(default=False)

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
            self._role_cache = role_names(self.groups.values_list("name", flat=True))
        return bool(self._role_cache.intersection(roles))

    @cached_property
    def team_names(self) -> list[str]:
        """The names of the user's teams, alphabetically (the request's user comes with them: cases.auth)."""
        return list(self.teams.order_by("name").values_list("name", flat=True))

    @property
    def agency_type(self) -> str:
        """The type of the user's agency ("" without one): the information tags' rules read it on every page, so
        the request's user comes with it (cases.auth); any other user reads it once."""
        if "_agency_type" not in self.__dict__:
            self.__dict__["_agency_type"] = self.agency.type if self.agency_id else ""
        return self.__dict__["_agency_type"] or ""

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles: their role groups only. Team groups ("team:<id>") are how a team's members
        share object permissions, never a role, so a rule such as `roles <= policy.NEVER` sees roles alone."""
        self.has_role()
        return self._role_cache


ROLE_NAMES = frozenset(Role.values)


def role_names(group_names) -> frozenset[str]:
    """The role names among a user's group names (team groups and any other group left out)."""
    return ROLE_NAMES.intersection(group_names)
