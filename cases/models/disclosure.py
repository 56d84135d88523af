"""Disclosure control (issue 17 item 3): a decision recorded for every share or export, and subject access requests.

A DisclosureDecision is written by every path that lets information leave the service (the inventory of those paths
is cases.disclosure.INVENTORY, walked by tests/cases/test_disclosure_inventory.py): what was shared or withheld, about
whom, for what purpose, on which lawful basis, with whom, decided by whom. "Decided not to share" is a decision too,
with its reason (the ICO's data sharing code: record the decision and the reasons, whether or not you share).

A SubjectAccessRequest (UK GDPR Article 15) has its clock (cases.services.disclosure.sar_due_on: one calendar month,
stop-the-clock periods, extension by two further months) and a bundle assembled from the record that leaves out every
tagged item (third-party, police, health, safe address, not for the family) unless a second person releases it.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .organisation import User
from .people import Person


class LawfulBasis(models.TextChoices):
    """The lawful bases a council's children's services shares under, as the ICO's data sharing code asks them to be
    named: the UK GDPR Article 6 condition, with the statute behind a public task, and for special category data
    (health, and police information treated alike) the Article 9 condition with its DPA 2018 Schedule 1 paragraph.
    A decision names one; its purpose says the rest."""

    PUBLIC_TASK_S17 = "6_1_e_s17", "UK GDPR 6(1)(e) public task: Children Act 1989 s17 (a child in need)"
    PUBLIC_TASK_S47 = "6_1_e_s47", "UK GDPR 6(1)(e) public task: Children Act 1989 s47 (child protection enquiries)"
    PUBLIC_TASK_CA2004 = (
        "6_1_e_ca2004",
        "UK GDPR 6(1)(e) public task: Children Act 2004 s10 and s11 (co-operation, early help)",
    )
    LEGAL_OBLIGATION = "6_1_c", "UK GDPR 6(1)(c) legal obligation (a court order, a statutory return)"
    VITAL_INTERESTS = "6_1_d", "UK GDPR 6(1)(d) vital interests (a life at risk)"
    SAFEGUARDING = (
        "9_2_g_sch1_18",
        "UK GDPR 9(2)(g) substantial public interest: DPA 2018 Sch 1 para 18 (safeguarding children)",
    )
    HEALTH_SOCIAL_CARE = "9_2_h", "UK GDPR 9(2)(h) health or social care: DPA 2018 Sch 1 para 2"
    CRIME = "sch2_2", "DPA 2018 Sch 2 para 2 (prevention or detection of crime)"
    CONSENT = "6_1_a", "UK GDPR 6(1)(a) consent (only where the person has a real choice)"
    SUBJECT_ACCESS = "art15", "UK GDPR Article 15: the person's right of access (a subject access request)"


class DisclosureDecision(TimeStampedModel):
    """One decision to share (or not to share) one thing: a PDF, an export, a letter, an answer to a partner."""

    class Kind(models.TextChoices):
        SHARED = "shared", "Shared"
        NOT_SHARED = "not_shared", "Decided not to share"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What: the inventory's key for the path (cases.disclosure.INVENTORY) and the id of the thing on it.
    what_type = models.CharField(max_length=60)
    what_id = models.CharField(max_length=64, blank=True)
    what_label = models.CharField(max_length=200, blank=True)
    person_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    purpose = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True, help_text="Why not (required when it was decided not to share).")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["what_type", "what_id"], name="disclosure_what_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["shared", "not_shared"]), name="disclosure_kind_valid"),
            # A share names its purpose, lawful basis and recipient; a refusal its reason (the ICO's code).
            models.CheckConstraint(
                condition=Q(kind="not_shared")
                | (~Q(purpose="") & ~Q(lawful_basis="") & (~Q(recipient_name="") | ~Q(recipient_organisation=""))),
                name="disclosure_shared_complete",
            ),
            models.CheckConstraint(condition=Q(kind="shared") | ~Q(reason=""), name="disclosure_not_shared_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.what_type} {self.what_id}"


class SubjectAccessRequest(TimeStampedModel):
    """A person's request for their record (UK GDPR Article 15), from receipt to the bundle sent."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SENT = "sent", "Bundle sent"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    requester_name = models.CharField(max_length=200)
    requester_relationship = models.CharField(
        max_length=100, help_text="The person themself, a parent with parental responsibility, a solicitor, ..."
    )
    received_on = models.DateField()
    extended = models.BooleanField(default=False)
    extension_reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "sent", "withdrawn"]), name="sar_status_valid"),
            models.CheckConstraint(condition=Q(extended=False) | ~Q(extension_reason=""), name="sar_extension_why"),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} received {self.received_on}"


class SarPause(TimeStampedModel):
    """A stop-the-clock period: waiting for proof of identity or for the requester to clarify what they want. The
    clock stands still from `paused_on` until `resumed_on` (still stopped while that is empty)."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paused_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=models.F("paused_on")),
                name="sar_pause_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Paused {self.paused_on} to {self.resumed_on or '...'}"


class SarRelease(TimeStampedModel):
    """A second person's release of one tagged item into a bundle, with the reason (DPA 2018 Sch 2 para 16: third
    parties' information goes out only with their consent or where it is reasonable to disclose it without)."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="releases")
    item_key = models.CharField(max_length=80, help_text='"<type>:<id>", e.g. "case_note:12".')
    reason = models.TextField()
    released_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField()

    class Meta:
        ordering = ["released_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item_key"], name="sar_release_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="sar_release_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} released"
