"""FGDM offers made at decision points (issue 15 item 1).

An offer is made to a family at one decision point about one or more of its children, and records who received it
(those with parental responsibility, from the child's network in the shared record) and the family's response. The
decision point is the record it was made at: a front-door decision, a family plan or its review, a strategy discussion,
an ICPC or CP review, pre-proceedings (before, or in, the letter before proceedings). It is linked by content type and
id, and described by the strand that owns it (cases.registry.decision_point), so this strand imports none of them."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from cases.models import FamilyCase, Person, User
from cases.models.base import TimeStampedModel


class DecisionPointKind(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door decision"
    FAMILY_PLAN = "family_plan", "Family plan"
    PLAN_REVIEW = "plan_review", "Family plan review"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    ICPC = "icpc", "Initial child protection conference"
    CP_REVIEW = "cp_review", "Child protection review conference"
    PRE_PROCEEDINGS = "pre_proceedings", "Pre-proceedings, before the letter before proceedings"
    LETTER_BEFORE_PROCEEDINGS = "lbp", "In the letter before proceedings"


class OfferResponse(models.TextChoices):
    AWAITING = "awaiting", "Offered, waiting for the family's answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    # Not offered because it is not in the child's best interests: the lead practitioner's or LCPP's rationale.
    NOT_OFFERED = "not_offered", "Not offered: not in the child's best interests"


class FgdmOffer(TimeStampedModel):
    decision_point = models.CharField(max_length=20, choices=DecisionPointKind.choices)
    # The decision point's record (cases.registry.decision_point describes it); null for an offer made outside one.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    family_case = models.ForeignKey(FamilyCase, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    children = models.ManyToManyField(Person, related_name="fgdm_offers")
    # Those with parental responsibility who received it (people in the child's network).
    recipients = models.ManyToManyField(Person, related_name="fgdm_offers_received", blank=True)
    offered_on = models.DateField()
    offered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    response = models.CharField(max_length=12, choices=OfferResponse.choices, default=OfferResponse.AWAITING)
    responded_on = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    not_offered_rationale = models.TextField(blank=True)
    # Who recorded the rationale (a lead practitioner or LCPP) or the response.
    responded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The shared record's FGDM-offer hand-off this answers, when it came from one.
    work_request = models.ForeignKey(
        "cases.WorkRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["source_type", "source_id"], name="fgdm_offer_source_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(response="not_offered") | ~Q(not_offered_rationale=""),
                name="fgdm_offer_not_offered_has_rationale",
            ),
            models.CheckConstraint(
                condition=~Q(response="declined") | ~Q(decline_reason=""), name="fgdm_offer_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=(Q(source_type__isnull=True) & Q(source_id__isnull=True))
                | (Q(source_type__isnull=False) & Q(source_id__isnull=False)),
                name="fgdm_offer_source_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"FGDM offer at {self.get_decision_point_display()} on {self.offered_on}"
