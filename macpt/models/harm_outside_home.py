"""Harm outside the home (extra-familial harm): an s47 enquiry or a conference about a child may be about risk from
outside the family (exploitation, peer groups, places). It is recorded as such, with the contexts of harm, the people
and the places involved; the actions that answer it are on the family's one plan (cases.Action), linked here."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from cases.models import Action, Person, TimeStampedModel, User


class HarmContext(models.TextChoices):
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Criminal exploitation (including county lines)"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    PEER_ABUSE = "peer_abuse", "Abuse by peers or in peer groups"
    SERIOUS_YOUTH_VIOLENCE = "serious_youth_violence", "Serious youth violence"
    GANGS = "gangs", "Gangs"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
    RADICALISATION = "radicalisation", "Radicalisation"
    ONLINE = "online", "Harm online"
    OTHER = "other", "Other harm outside the home"


class ExtraFamilialHarm(TimeStampedModel):
    """Harm outside the home for one child, recorded on an s47 enquiry or a child protection conference (one record
    per child for each)."""

    Context = HarmContext
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="harm_outside_home")
    enquiry = models.ForeignKey(
        "macpt.S47Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="harm_outside_home"
    )
    conference = models.ForeignKey(
        "macpt.ChildProtectionConference",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="harm_outside_home",
    )
    contexts = ArrayField(models.CharField(max_length=30, choices=HarmContext.choices), default=list)
    summary = models.TextField(help_text="What the risk is and where it comes from.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "harm outside the home"
        constraints = [
            # On exactly one of an enquiry and a conference.
            models.CheckConstraint(
                condition=(Q(enquiry__isnull=False) & Q(conference__isnull=True))
                | (Q(enquiry__isnull=True) & Q(conference__isnull=False)),
                name="macpt_harm_on_enquiry_or_conference",
            ),
            models.CheckConstraint(condition=~Q(contexts=[]), name="macpt_harm_has_context"),
            models.UniqueConstraint(
                fields=["person", "enquiry"], condition=Q(enquiry__isnull=False), name="macpt_harm_one_per_enquiry"
            ),
            models.UniqueConstraint(
                fields=["person", "conference"],
                condition=Q(conference__isnull=False),
                name="macpt_harm_one_per_conference",
            ),
        ]

    def __str__(self) -> str:
        return f"Harm outside the home for {self.person_id}"

    def context_labels(self) -> list[str]:
        labels = dict(HarmContext.choices)
        return [labels.get(c, c) for c in self.contexts]


class HarmPersonRole(models.TextChoices):
    EXPLOITING_ADULT = "exploiting_adult", "Adult thought to exploit or harm"
    PEER = "peer", "Peer or peer group"
    VICTIM = "victim", "Another child at risk"
    PROTECTIVE = "protective", "Trusted or protective adult"
    OTHER = "other", "Other"


class HarmPerson(TimeStampedModel):
    """A person involved: someone with a record (cases.Person) or named here, and how they are involved."""

    Role = HarmPersonRole
    harm = models.ForeignKey(ExtraFamilialHarm, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=HarmPersonRole.choices)
    detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(person__isnull=True, name=""), name="macpt_harm_person_named")
        ]

    def __str__(self) -> str:
        return self.name or f"Person {self.person_id}"


class HarmPlaceKind(models.TextChoices):
    ADDRESS = "address", "An address"
    PUBLIC_SPACE = "public_space", "Park or public space"
    TRANSPORT = "transport", "Transport hub or route"
    SCHOOL = "school", "School or college"
    SHOP = "shop", "Shop, takeaway or business"
    ONLINE = "online", "Online space or app"
    OTHER = "other", "Other"


class HarmPlace(TimeStampedModel):
    """A place involved: where the harm happens or the child is drawn to."""

    Kind = HarmPlaceKind
    harm = models.ForeignKey(ExtraFamilialHarm, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(max_length=20, choices=HarmPlaceKind.choices)
    name = models.CharField(max_length=300, help_text="Where: a name, a description or an address.")
    detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class HarmAction(TimeStampedModel):
    """An action on the family's plan that answers this harm (the plan holds it: owner, due date, progress)."""

    harm = models.ForeignKey(ExtraFamilialHarm, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["harm", "action"], name="macpt_harm_action_once")]

    def __str__(self) -> str:
        return f"Action {self.action_id} for harm {self.harm_id}"
