"""The facilitator's caseload (issue 15 item 2): the open referrals allocated to them, read through the scoped
referrals (selectors.scope), so a facilitator sees only the families allocated to them."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from cases.models import Person, User

from ..models import FamilyPlanReview, FgdmMeeting, FgdmReferral
from .preparation import next_step
from .scope import referrals_visible

# A review counts as due from this many days before its date.
REVIEW_DUE_WITHIN = dt.timedelta(days=14)


@dataclass(frozen=True)
class CaseloadRow:
    referral: FgdmReferral
    family: str
    children: list[Person]
    stage: str
    next_step: str
    meeting_date: dt.date | None
    meeting_held: bool


def _stage(referral: FgdmReferral, meeting: FgdmMeeting | None, today: dt.date) -> str:
    if meeting is None:
        return "Preparing"
    reviews = list(meeting.reviews.all())
    due = reviews[-1].next_review_date if reviews else meeting.review_date
    if due is not None and due - REVIEW_DUE_WITHIN <= today:
        return f"Review due {due.strftime('%-d %B %Y')}"
    return "Meeting held"


def caseload_for(user: User) -> list[CaseloadRow]:
    referrals = (
        referrals_visible(user)
        .filter(facilitator=user)
        .exclude(status=FgdmReferral.Status.CLOSED)
        .select_related("offer__family_case")
        .prefetch_related(
            Prefetch("offer__children", queryset=Person.objects.order_by("pk")),
            "steps",
            Prefetch(
                "meetings",
                queryset=FgdmMeeting.objects.order_by("held_on", "pk").prefetch_related(
                    Prefetch("reviews", queryset=FamilyPlanReview.objects.order_by("held_on", "pk"))
                ),
            ),
        )
        .order_by("meeting_planned_on", "referred_on", "pk")
    )
    today = timezone.localdate()
    rows = []
    for referral in referrals:
        children = list(referral.offer.children.all())
        meetings = list(referral.meetings.all())
        meeting = meetings[-1] if meetings else None
        family_case = referral.offer.family_case
        rows.append(
            CaseloadRow(
                referral=referral,
                family=family_case.name if family_case else ", ".join(c.full_name for c in children),
                children=children,
                stage=_stage(referral, meeting, today),
                next_step="" if meeting else (next_step(referral, referral.steps.all()) or "Ready for the meeting"),
                meeting_date=meeting.held_on if meeting else referral.meeting_planned_on,
                meeting_held=meeting is not None,
            )
        )
    return rows


def caseload_counts(user: User) -> dict:
    rows = caseload_for(user)
    return {
        "total": len(rows),
        "preparing": sum(1 for r in rows if not r.meeting_held),
        "reviews_due": sum(1 for r in rows if r.stage.startswith("Review due")),
    }
