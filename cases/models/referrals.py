"""The CIN census referral (CINdetails): when a child's referral to children's social care began, where it came
from, and how it ended. One record across strands: the front door opens it, a step-up from early help opens it,
step-down out of child in need or closure closes it."""

from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .episodes import Episode
from .organisation import User
from .people import Person


class CinReferral(TimeStampedModel):
    """One referral of a child to children's social care, as the CIN census counts it (`CINreferralDate`,
    `ReferralSource`, `ReferralNFA`, `CINclosureDate`, `ReasonForClosure`). A child has at most one open."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cin_referrals")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="cin_referrals")
    # The date the contact that became the referral was received (or the step-up date): CINreferralDate.
    referral_date = models.DateField()
    # Census ReferralSource code (referralsourcetype: 1A ... 10).
    source_code = models.CharField("referral source", max_length=3)
    # The record that made it (a front-door decision, a Family Help step-up), as a label and id: cases imports
    # no strand.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True, help_text="CIN reason for closure RC1-RC9.")
    # ReferralNFA: closed with no further action before an assessment started.
    nfa = models.BooleanField("no further action", default=False)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["person", "referral_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_on__isnull=True), name="cinreferral_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closure_reason__regex=r"^RC[1-9]$"),
                name="cinreferral_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("referral_date")),
                name="cinreferral_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=False) | Q(nfa=False), name="cinreferral_nfa_only_when_closed"
            ),
        ]
        indexes = [models.Index(fields=["referral_date"], name="cinreferral_date_idx")]

    def __str__(self) -> str:
        return f"CIN referral {self.referral_date} to {self.closed_on or 'now'} for {self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
