"""Reviewing the family's plan at the agreed time (issue 15 item 5).

Rules kept here:
- the facilitator, the family's lead practitioner or an LCPP reviews (policy REVIEW), for children whose whole record
  they see (the meeting's selector: anything else is not there);
- a review is not before the meeting, nor in the future; its outcome is one of the outcomes; the next review, if
  any, is after it;
- recording the review meets the shared deadline (kind fgdm.review on the meeting) and the next review date sets the
  next one; the children's leads are told and the children's chronologies say what was decided.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import User
from cases.services import audit_record, deadline_met

from ..models import FamilyPlanReview, FgdmMeeting
from ..selectors.scope import meeting_get
from .meetings import REVIEW_DEADLINE, _child_ids, _chronology, may_review, review_deadline_set, tell_leads


@transaction.atomic
def review_record(
    *,
    meeting: FgdmMeeting,
    actor: User,
    held_on: dt.date | None,
    outcome: str,
    notes: str = "",
    family_views: str = "",
    next_review_date: dt.date | None = None,
) -> FamilyPlanReview:
    """Record the review of the family's plan."""
    if not may_review(actor):
        raise PermissionDenied("Only the facilitator, the family's lead practitioner or an LCPP reviews the plan")
    meeting_get(user=actor, pk=meeting.pk)  # the children in the reviewer's scope, else not there (404)
    locked = FgdmMeeting.objects.select_for_update().select_related("referral").get(pk=meeting.pk)
    errors: dict[str, list[str]] = {}
    if not locked.plan_agreed:
        errors["__all__"] = ["The family agreed no plan at this meeting: there is no plan to review"]
    if held_on is None:
        errors["held_on"] = ["Enter the date of the review"]
    elif held_on < locked.held_on:
        errors["held_on"] = [
            f"The review cannot be before the meeting (held on {locked.held_on:%-d %B %Y}): check the date"
        ]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["The review's date cannot be in the future: record it once it has been held"]
    if outcome not in FamilyPlanReview.Outcome.values:
        errors["outcome"] = ["Choose the outcome of the review"]
    if next_review_date is not None and held_on is not None and next_review_date <= held_on:
        errors["next_review_date"] = ["The next review must be after this one"]
    if outcome == FamilyPlanReview.Outcome.ENDED and next_review_date is not None:
        errors["next_review_date"] = ["The plan is no longer needed: leave the next review date empty"]
    if errors:
        raise ValidationError(errors)
    review = FamilyPlanReview(
        meeting=locked,
        held_on=held_on,
        outcome=outcome,
        notes=(notes or "").strip(),
        family_views=(family_views or "").strip(),
        next_review_date=next_review_date,
        recorded_by=actor,
    )
    review.full_clean()
    review.save()
    deadline_met(kind=REVIEW_DEADLINE, target=locked)
    locked.review_date = next_review_date
    locked.save(update_fields=["review_date", "updated_at"])
    if next_review_date is not None:
        review_deadline_set(meeting=locked, review_date=next_review_date)
    audit_record(
        actor=actor,
        verb="fgdm.plan_reviewed",
        target=review,
        child_ids=_child_ids(locked.referral),
        fields=["held_on", "outcome", "notes", "family_views", "next_review_date"],
        related={"meeting": locked},
    )
    summary = f"The family's plan was reviewed on {held_on:%-d %B %Y}: {review.get_outcome_display().lower()}"
    if next_review_date is not None:
        summary += f". Next review on {next_review_date:%-d %B %Y}"
    _chronology(locked, actor, "fgdm_plan_reviewed", summary)
    tell_leads(
        meeting=locked,
        actor=actor,
        event=f"plan_reviewed_{review.pk}",
        title="A family's own plan was reviewed",
        body=summary + ".",
    )
    return review
