"""The Integrated Front Door: contacts from anyone, information from partners, and the decision."""

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Agency, CensusMeaning, NeedLevel, Person, Team, TimeStampedModel, User


class WorryCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parent's or carer's mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Drug or alcohol misuse"
    EXPLOITATION = "exploitation", "Exploitation (criminal or sexual)"
    CHILD_MENTAL_HEALTH = "child_mental_health", "Child's mental health"
    SCHOOL_ATTENDANCE = "school_attendance", "School attendance"
    HOUSING = "housing", "Housing or money"
    OTHER = "other", "Something else"


class Consent(models.TextChoices):
    KNOWS_AND_AGREES = "knows_and_agrees", "The family knows and agrees"
    DOES_NOT_KNOW = "does_not_know", "The family does not know"
    NOT_SOUGHT_RISK = "not_sought_risk", "Not sought: a child may be at risk of significant harm"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    PARTNER_FORM = "partner_form", "Partner referral form"
    API = "api", "Partner system (API)"
    IN_PERSON = "in_person", "In person"


class ContactStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_TRIAGE = "in_triage", "Being looked at"
    AWAITING_SIGNOFF = "awaiting_signoff", "Decision awaiting manager sign-off"
    DECIDED = "decided", "Decided"


class Contact(TimeStampedModel):
    """A worry about one or more children, from anyone. A contact whose standing decision has outcome 1-6 is a
    referral to children's social care (is_referral, derived; never stored); the date it was received is the CIN
    census referral date (cases.CinReferral)."""

    Status = ContactStatus
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        ContactStatus.RECEIVED: {ContactStatus.IN_TRIAGE, ContactStatus.AWAITING_SIGNOFF, ContactStatus.DECIDED},
        ContactStatus.IN_TRIAGE: {ContactStatus.AWAITING_SIGNOFF, ContactStatus.DECIDED},
        ContactStatus.AWAITING_SIGNOFF: {
            ContactStatus.DECIDED,
            ContactStatus.IN_TRIAGE,
            ContactStatus.AWAITING_SIGNOFF,
        },
        ContactStatus.DECIDED: {ContactStatus.AWAITING_SIGNOFF, ContactStatus.DECIDED},
    }

    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField()
    decision_due_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Who is worried: a partner user (their own referral) or a person named by the caller.
    referrer_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    source_code = models.CharField("referral source", max_length=3)
    worry = models.TextField()
    categories = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    urgent = models.BooleanField(default=False)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_override_reason = models.TextField(blank=True)
    no_identifiable_child = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=ContactStatus.choices, default=ContactStatus.RECEIVED)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_to = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # When a decision came to stand: recorded without sign-off, or agreed by the manager. A decision waiting for
    # sign-off, or sent back, has not decided the contact (the one-working-day clock runs on).
    decided_at = models.DateTimeField(null=True, blank=True)
    breached = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=100, blank=True)
    # SHA-256 of the canonical body sent with the key: a retry must be the same request (issue 12 item 6).
    idempotency_body_hash = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["decision_due_at", "id"]
        permissions = [
            ("decide_contact", "Can record front-door decisions"),
            ("signoff_decision", "Can sign off front-door decisions"),
        ]
        indexes = [
            # The triage queue: open contacts by time left to decision.
            models.Index(
                fields=["decision_due_at", "id"], name="contact_open_queue_idx", condition=~Q(status="decided")
            ),
            # Contacts by date received; covering, so the dashboard's timeliness figures are an index-only scan
            # of the quarter rather than a read of every contact's row.
            models.Index(
                fields=["received_at"], name="contact_received_idx", include=["decision_due_at", "decided_at"]
            ),
            models.Index(fields=["referrer_user", "-received_at"], name="contact_referrer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ContactStatus.values), name="contact_status_valid"),
            models.CheckConstraint(condition=Q(consent__in=Consent.values), name="contact_consent_valid"),
            models.CheckConstraint(
                condition=~Q(consent="not_sought_risk") | ~Q(consent_override_reason=""),
                name="contact_consent_override_has_reason",
            ),
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="contact_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != ContactStatus.DECIDED

    @property
    def standing_decision(self) -> "Decision | None":
        """The latest decision that stands (see Decision.stands); uses prefetched decisions and sign-offs."""
        prefetched = "decisions" in getattr(self, "_prefetched_objects_cache", {})
        decisions = self.decisions.all() if prefetched else self.decisions.select_related("signoff")
        standing = [d for d in decisions if d.stands]
        return max(standing, key=lambda d: (d.decided_at, d.pk), default=None)

    @property
    def is_referral(self) -> bool:
        """A referral to children's social care: the standing decision's outcome is 1-6 (census meaning; outcomes 7
        and 8 are contacts that did not become referrals)."""
        standing = self.standing_decision
        return standing is not None and standing.is_referral


class ContactChild(TimeStampedModel):
    """A child the contact is about, as the referrer described them, and (once triage has matched or
    created it) the child's record. Partners never see records, so their details wait here for triage."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts")
    given_first_name = models.CharField(max_length=100, blank=True)
    given_last_name = models.CharField(max_length=100, blank=True)
    given_date_of_birth = models.DateField(null=True, blank=True)
    given_nhs_number = models.CharField(max_length=12, blank=True)
    given_address = models.CharField(max_length=300, blank=True)
    given_postcode = models.CharField(max_length=10, blank=True)
    description = models.TextField(blank=True, help_text="What is known when the child cannot be named.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | ~Q(given_last_name="")
                | ~Q(given_first_name="")
                | ~Q(description=""),
                name="contactchild_identifiable_or_described",
            )
        ]

    @property
    def given_name(self) -> str:
        return f"{self.given_first_name} {self.given_last_name}".strip()

    def __str__(self) -> str:
        if self.person_id:
            return str(self.person)
        return self.given_name or f"Unidentified child: {self.description[:40]}"


class HouseholdRelationship(models.TextChoices):
    """How a person in the household is related to the children the contact is about (as cases.RelationshipType
    names it, from that person's side: "Jade is the mother of Ruby")."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    CARER = "carer", "Other carer (for example a grandparent or kinship carer)"
    SIBLING = "sibling", "Brother or sister"
    HALF_SIBLING = "half_sibling", "Half-brother or half-sister"


class ContactPerson(TimeStampedModel):
    """A parent, carer or other child in the household, as the referrer named them (issue 13 item 10). When triage
    creates or matches a child's record, each becomes a person on the record with their relationship to the child
    (`person`: the record made or found), so that the family is built from them and nobody types them again."""

    Relationship = HouseholdRelationship
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="household")
    relationship = models.CharField(max_length=20, choices=HouseholdRelationship.choices)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(relationship__in=HouseholdRelationship.values), name="contactperson_relationship_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_relationship_display()})"


class InformationRequest(TimeStampedModel):
    """Triage asks a partner agency what it knows (the MASH model); the agency answers in the app."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        CANCELLED = "cancelled", "Cancelled"

    # The moves cases.services.transition() allows: an open request is answered or cancelled, once.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {Status.OPEN: {Status.ANSWERED, Status.CANCELLED}}

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="information_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="information_requests")
    question = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="inforequest_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.contact} -> {self.agency}"


class Outcome(models.IntegerChoices):
    """The eight outcomes of a front-door decision (DOMAIN section 3)."""

    IMMEDIATE_PROTECTION = 1, "Immediate protection: urgent action required"
    STRATEGY_DISCUSSION = 2, "Strategy discussion and s47 enquiry"
    CHILD_IN_NEED = 3, "Child in need: assessment under s17"
    IMMEDIATE_SERVICES = 4, "Immediate services required urgently"
    SPECIALIST_ASSESSMENT = 5, "Further specialist assessment"
    SEE_CHILD = 6, "See the child as soon as possible"
    EARLY_HELP = 7, "Early help support (targeted Family Help)"
    NO_FURTHER_ACTION = 8, "No further action: information, advice and guidance"


# A decision with one of these outcomes makes the contact a referral to children's social care (CIN census).
REFERRAL_OUTCOMES: frozenset[int] = frozenset(range(1, 7))

# The safety actions of these outcomes go at once, even while the decision waits for sign-off (issue 13 item 2).
SAFETY_OUTCOMES: frozenset[int] = frozenset({1, 2})

# Which census meanings of the level of need each outcome may be recorded with.
OUTCOME_LEVELS: dict[int, frozenset[str]] = {
    Outcome.IMMEDIATE_PROTECTION: frozenset({CensusMeaning.CHILD_PROTECTION}),
    Outcome.STRATEGY_DISCUSSION: frozenset({CensusMeaning.CHILD_PROTECTION}),
    Outcome.CHILD_IN_NEED: frozenset({CensusMeaning.CHILD_IN_NEED}),
    Outcome.IMMEDIATE_SERVICES: frozenset({CensusMeaning.CHILD_IN_NEED, CensusMeaning.CHILD_PROTECTION}),
    Outcome.SPECIALIST_ASSESSMENT: frozenset({CensusMeaning.CHILD_IN_NEED, CensusMeaning.CHILD_PROTECTION}),
    Outcome.SEE_CHILD: frozenset({CensusMeaning.CHILD_IN_NEED, CensusMeaning.CHILD_PROTECTION}),
    Outcome.EARLY_HELP: frozenset({CensusMeaning.EARLY_HELP}),
    Outcome.NO_FURTHER_ACTION: frozenset({CensusMeaning.UNIVERSAL, CensusMeaning.EARLY_HELP}),
}

# What the referrer is told, in plain words and without sensitive detail.
OUTCOME_PLAIN_WORDS: dict[int, str] = {
    Outcome.IMMEDIATE_PROTECTION: "Children's social care are taking urgent action to keep the child safe.",
    Outcome.STRATEGY_DISCUSSION: "Children's social care and partners are looking into the concerns together.",
    Outcome.CHILD_IN_NEED: "A social worker will assess what help the family needs.",
    Outcome.IMMEDIATE_SERVICES: "Services have been arranged urgently for the family.",
    Outcome.SPECIALIST_ASSESSMENT: "A specialist assessment has been arranged.",
    Outcome.SEE_CHILD: "A practitioner will see the child as soon as possible.",
    Outcome.EARLY_HELP: "The family has been offered support from Family Help.",
    Outcome.NO_FURTHER_ACTION: "No further action by children's services: advice and information were given.",
}


class Decision(TimeStampedModel):
    """A front-door decision. Append-only: a change is a new decision that supersedes the last, with a
    reason (a database trigger refuses UPDATE and DELETE)."""

    Outcome = Outcome
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.PositiveSmallIntegerField(choices=Outcome.choices)
    level = models.ForeignKey(NeedLevel, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    urgent_services = models.TextField(blank=True, help_text="Which services (outcome 4).")
    advice = models.TextField(blank=True, help_text="Advice and information given (outcome 8).")
    # Kept for the sealed history (append-only rows are hashed with their columns): always written as
    # `outcome in REFERRAL_OUTCOMES`, never read; whether a contact is a referral is derived (Contact.is_referral).
    accepted_as_referral = models.BooleanField(default=False)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    signoff_required = models.BooleanField(default=False)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    change_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__gte=1, outcome__lte=8), name="decision_outcome_valid"),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(change_reason=""), name="decision_change_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_outcome_display()}"

    @property
    def is_referral(self) -> bool:
        return self.outcome in REFERRAL_OUTCOMES

    @property
    def stands(self) -> bool:
        """Recorded without sign-off, or agreed by the manager (a decision waiting or sent back does not stand)."""
        if not self.signoff_required:
            return True
        signoff = getattr(self, "signoff", None)  # RelatedObjectDoesNotExist is an AttributeError
        return signoff is not None and signoff.agreed


class DecisionSignoff(TimeStampedModel):
    """A manager's sign-off of a decision (or a refusal, which sends it back to triage)."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="signoff")
    manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agreed = models.BooleanField()
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{'Agreed' if self.agreed else 'Returned'}: {self.decision}"


class FrontDoorSettings(TimeStampedModel):
    """The council's front-door configuration (one row; edited in the admin)."""

    amber_working_hours = models.PositiveSmallIntegerField(
        default=4, help_text="A contact turns amber when fewer than this many working hours remain."
    )
    warn_working_hours = models.PositiveSmallIntegerField(
        default=2, help_text="The assignee is reminded when this many working hours remain."
    )
    signoff_outcomes = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        help_text="Outcomes that need a manager's sign-off (default: 2 and 8).",
    )
    signoff_working_hours = models.PositiveSmallIntegerField(
        default=4,
        db_default=4,
        help_text="Working hours a manager has to sign off a decision before front door managers are chased.",
    )
    information_request_working_hours = models.PositiveSmallIntegerField(
        default=4, help_text="Default time partners have to answer an information request."
    )

    class Meta:
        verbose_name_plural = "front door settings"

    def __str__(self) -> str:
        return "Front door settings"

    @classmethod
    def current(cls) -> "FrontDoorSettings":
        settings, _ = cls.objects.get_or_create(pk=1, defaults={"signoff_outcomes": [2, 8]})
        return settings
