"""Referral to the FGDM service and the independent facilitator (issue 15 item 2); preparation (item 3).

An accepted offer becomes a referral: the shared record's FGDM_REFERRAL work request goes to the FGDM service, who
allocate a facilitator who is never the family's own lead practitioner or LCPP. Allocation gives the facilitator the
FGDM_FACILITATOR involvement with the children (cases.Involvement), which is what opens their records to them."""

from django.db import models

from cases.models import Person, User
from cases.models.base import TimeStampedModel

from .offers import FgdmOffer


class MeetingType(models.TextChoices):
    FAMILY_GROUP_CONFERENCE = "fgc", "Family group conference"
    FAMILY_NETWORK_MEETING = "fnm", "Family network meeting"


class FgdmReferral(TimeStampedModel):
    class Status(models.TextChoices):
        AWAITING_ALLOCATION = "awaiting", "Waiting for a facilitator"
        PREPARING = "preparing", "Preparing"
        MEETING_HELD = "held", "Meeting held"
        CLOSED = "closed", "Closed"

    offer = models.OneToOneField(FgdmOffer, on_delete=models.PROTECT, related_name="referral")
    meeting_type = models.CharField(max_length=3, choices=MeetingType.choices)
    referred_on = models.DateField()
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="What the family and professionals want the meeting to decide.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWAITING_ALLOCATION)
    facilitator = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="fgdm_referrals"
    )
    allocated_on = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    work_request = models.ForeignKey(
        "cases.WorkRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # Co-design of the meeting (item 3): language and interpreter start from the record's first language fields.
    venue = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=100, blank=True)
    family_wants_there = models.TextField(blank=True)
    family_does_not_want_there = models.TextField(blank=True)
    # The date the family and the facilitator set for the meeting (co-design), until the meeting is recorded.
    meeting_planned_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["facilitator", "status"], name="fgdm_referral_caseload_idx")]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} referral {self.pk}"


class PreparationStep(TimeStampedModel):
    """A dated preparation step: meeting the referring professionals, a pre-meeting with a parent, with the child
    (the child's wishes in their own words and how they will take part), with the wider family, or co-designing the
    meeting."""

    class Kind(models.TextChoices):
        PROFESSIONALS = "professionals", "Meeting with the referring professionals"
        PARENT = "parent", "Pre-meeting with a parent"
        CHILD = "child", "Pre-meeting with the child"
        WIDER_FAMILY = "wider_family", "Pre-meeting with the wider family"
        CO_DESIGN = "co_design", "Co-design of the meeting"

    referral = models.ForeignKey(FgdmReferral, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    date = models.DateField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    child_wishes = models.TextField(blank=True, help_text="The child's wishes, in their own words.")
    child_taking_part = models.TextField(blank=True, help_text="How the child will take part in the meeting.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "pk"]


class NetworkInvitee(TimeStampedModel):
    """A member of the family network for the meeting: a person in the shared record (drawn from the child's
    relationships, or added during preparation as a new person and relationship), invited or not wanted."""

    referral = models.ForeignKey(FgdmReferral, on_delete=models.CASCADE, related_name="network")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(max_length=100, blank=True)
    invited = models.BooleanField(default=True)
    not_invited_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "person"], name="fgdm_network_once")]
