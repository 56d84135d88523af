"""The CIN census referral: opened when a child is referred to children's social care (a front-door decision with
outcome 1-6, a step-up from early help), closed at step-down out of child in need or at closure."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ..codes import valid_codes
from ..models import CinReferral, Episode, Person, User
from .audit import audit_record


def cin_referral_open_for(person: Person) -> CinReferral | None:
    """The child's open referral, if any (at most one)."""
    return CinReferral.objects.filter(person=person, closed_on__isnull=True).first()


@transaction.atomic
def cin_referral_open(
    *,
    person: Person,
    episode: Episode | None,
    referral_date: dt.date,
    source_code: str,
    source: models.Model | None,
    actor: User | None,
) -> CinReferral:
    """Record the child's referral to children's social care (census CINdetails). A child has one open referral:
    if one is open already it is kept and returned (a second contact during a referral is not a new referral).
    `referral_date` is the day the contact that became the referral was received (or the step-up day);
    `source_code` the census ReferralSource; `source` the record that made it (a decision, a step-up)."""
    if source_code not in valid_codes("referralsourcetype"):
        raise ValidationError({"source_code": ["Choose where the referral came from (a census referral source)"]})
    if referral_date > timezone.localdate():
        raise ValidationError({"referral_date": ["The referral date cannot be in the future"]})
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one open per child: take turns
    current = cin_referral_open_for(person)
    if current is not None:
        return current
    referral = CinReferral(
        person=person,
        episode=episode,
        referral_date=referral_date,
        source_code=source_code,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        opened_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(
        actor=actor,
        verb="cin_referral.opened",
        target=referral,
        child_ids=[person.pk],
        fields=["referral_date", "source_code"],
        related={"episode": episode},
    )
    return referral


@transaction.atomic
def cin_referral_close(
    *, person: Person, on: dt.date, reason_code: str, actor: User | None, nfa: bool = False
) -> CinReferral | None:
    """Close the child's open referral on this day with the census reason for closure (RC1-RC9). `nfa`: the
    referral ended with no further action before an assessment started (census ReferralNFA); the caller knows
    whether an assessment started. Nothing open: nothing to do (None)."""
    if reason_code not in valid_codes("reasonforclosuretype"):
        raise ValidationError({"closure_reason": ["Choose a reason for closure (RC1 to RC9)"]})
    if nfa and reason_code in {"RC8", "RC9"}:
        # RC8/RC9 say an assessment took place (validator query 8825Q); an NFA referral had none.
        raise ValidationError(
            {"closure_reason": ["A referral closed before an assessment cannot be closed 'after assessment'"]}
        )
    referral = CinReferral.objects.select_for_update().filter(person=person, closed_on__isnull=True).first()
    if referral is None:
        return None
    if on < referral.referral_date:
        raise ValidationError(
            {"closed_on": [f"The referral began on {referral.referral_date:%d/%m/%Y}: it cannot close earlier"]}
        )
    CinReferral.objects.filter(pk=referral.pk).update(
        closed_on=on, closure_reason=reason_code, nfa=nfa, closed_by=actor, updated_at=timezone.now()
    )
    referral.refresh_from_db()
    audit_record(
        actor=actor,
        verb="cin_referral.closed",
        target=referral,
        child_ids=[person.pk],
        fields=["closed_on", "closure_reason", "nfa"],
    )
    return referral
