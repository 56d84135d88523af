"""The front door's decision as a decision point other strands read (cases.registry.decision_point): an FGDM offer
(issue 15) is made at it. Only the standing decision is one (a decision waiting for sign-off or replaced by a later
one is not); and not the two safety outcomes: emergency action is no place for a family meeting's offer, and a
strategy discussion decides first whether an s47 enquiry is needed (it is a decision point of its own)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cases.decision_points import open_family_case_id
from cases.registry import DecisionPoint

from .models import SAFETY_OUTCOMES, Decision


def describe_decision(decision: Decision) -> DecisionPoint | None:
    if decision.outcome in SAFETY_OUTCOMES or not decision.stands:
        return None
    if Decision.objects.filter(supersedes=decision).exists():
        return None
    children = tuple(c.person_id for c in decision.contact.children.all() if c.person_id)
    if not children:
        return None
    day = timezone.localdate(decision.decided_at)
    return DecisionPoint(
        kind="front_door",
        label=f"the front door's decision on {date_format(day, 'j F Y')} ({decision.get_outcome_display().lower()})",
        children=children,
        family_case_id=open_family_case_id(children),
        date=day,
        url=reverse("front_door:contact_detail", args=[decision.contact_id]),
        facts={"outcome": decision.outcome},
    )
