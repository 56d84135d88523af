"""Restricted records' named access lists, reviewed every 90 days (issue 17 item 2).

Each restricted record has one open Deadline of kind REVIEW_KIND (the shared sweeper, cases.services.deadlines,
reminds two weeks before and at the breach): assigned to whoever restricted it (or last reviewed it), and reminding
every privacy officer. A review keeps or removes each name, sets or extends each name's expiry, and starts the
90 days again. Lifting the restriction cancels the review."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import policy
from ..models import REVIEW_EVERY_DAYS, Person, RestrictedAccess, RestrictionReview, Role, User
from .audit import audit_record
from .deadlines import deadline_cancel, deadline_met, deadline_set

REVIEW_KIND = "cases.restriction_review"
REMIND_BEFORE = dt.timedelta(days=14)


def restriction_review_schedule(*, person: Person, assignee: User | None, start=None) -> None:
    """Open (or move) the record's review deadline to 90 days from `start` (now)."""
    due = (start or timezone.now()) + dt.timedelta(days=REVIEW_EVERY_DAYS)
    deadline_set(
        kind=REVIEW_KIND,
        # No name: the reminder goes to people who may not be on the list (cases.web.restricted).
        label="Review who may see a restricted record",
        target=person,
        due_at=due,
        warn_at=due - REMIND_BEFORE,
        person_ids=[person.pk],
        assignee=assignee,
        remind_role=Role.PRIVACY_OFFICER,
        link=reverse("cases:restriction_review", args=[person.pk]),
    )


def restriction_review_cancel(*, person: Person) -> None:
    deadline_cancel(kind=REVIEW_KIND, target=person)


@transaction.atomic
def restriction_review(
    *, person: Person, actor: User, decisions: dict[int, tuple[bool, dt.datetime | None]]
) -> RestrictionReview:
    """Review the record's list: `decisions` maps each listed user's id to (keep, expires_at). Every name on the list
    must be decided; at least one is kept (to remove them all, lift the restriction). Starts the 90 days again."""
    if not policy.may(actor, policy.RESTRICT):
        raise PermissionDenied("Only a privacy officer or a manager can review a restricted record's list")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.restricted:
        raise ValidationError("This record is no longer restricted")
    entries = {e.user_id: e for e in RestrictedAccess.objects.filter(person=person)}
    if set(decisions) != set(entries):
        raise ValidationError("The list changed while you were reviewing it: review it again")
    now = timezone.now()
    kept = [uid for uid, (keep, _) in decisions.items() if keep]
    if not kept:
        raise ValidationError("Keep at least one name on the list, or lift the restriction instead")
    for uid, (keep, expires_at) in decisions.items():
        if keep and expires_at is not None and expires_at <= now:
            raise ValidationError({f"expires_{uid}": ["The expiry date must be in the future"]})
    removed = sorted(uid for uid in decisions if uid not in kept)
    RestrictedAccess.objects.filter(person=person, user_id__in=removed).delete()
    for uid in kept:
        entry = entries[uid]
        entry.expires_at = decisions[uid][1]
        entry.save(update_fields=["expires_at", "updated_at"])
    deadline_met(kind=REVIEW_KIND, target=person)
    review = RestrictionReview.objects.create(
        person=person,
        reviewed_by=actor,
        reviewed_at=now,
        kept=sorted(kept),
        removed=removed,
        next_review_due=now + dt.timedelta(days=REVIEW_EVERY_DAYS),
    )
    restriction_review_schedule(person=person, assignee=actor, start=now)
    audit_record(
        actor=actor,
        verb="person.restriction_reviewed",
        target=person,
        child_ids=[person.pk],
        fields=["restricted_access"],
        related={"kept": sorted(kept), "removed": removed, "review": review},
    )
    return review
