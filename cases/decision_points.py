"""The shared record's decision points, as other strands read them (cases.registry.decision_point): the family's one
plan, and each of its reviews. An FGDM offer (issue 15) is made at them; the strand that makes it imports nothing of
this module, it asks the registry."""

from django.urls import reverse
from django.utils.dateformat import format as date_format

from .models import FamilyCaseMember, Plan, Review
from .registry import DecisionPoint


def family_children(family_case_id: int) -> tuple[int, ...]:
    """The children in the family now (cases.Person pks)."""
    return tuple(
        FamilyCaseMember.objects.filter(
            family_case_id=family_case_id, role=FamilyCaseMember.Role.CHILD, end_date__isnull=True
        )
        .order_by("pk")
        .values_list("person_id", flat=True)
    )


def open_family_case_id(person_ids) -> int | None:
    """The open family case the first of these children is a member of now (a decision point recorded about children
    rather than a family names the family this way)."""
    return (
        FamilyCaseMember.objects.filter(
            person_id__in=list(person_ids), end_date__isnull=True, family_case__closed_on__isnull=True
        )
        .order_by("pk")
        .values_list("family_case_id", flat=True)
        .first()
    )


def describe_plan(plan: Plan) -> DecisionPoint | None:
    children = family_children(plan.family_case_id)
    if not children:
        return None
    return DecisionPoint(
        kind="family_plan",
        label="the family's plan",
        children=children,
        family_case_id=plan.family_case_id,
        date=plan.created_at.date(),
        url=reverse("cases:plan", args=[plan.family_case_id]),
    )


def describe_review(review: Review) -> DecisionPoint | None:
    family_case_id = review.plan.family_case_id
    children = family_children(family_case_id)
    if not children:
        return None
    return DecisionPoint(
        kind="plan_review",
        label=f"the review of the family's plan on {date_format(review.held_on, 'j F Y')}",
        children=children,
        family_case_id=family_case_id,
        date=review.held_on,
        url=reverse("cases:plan_version", args=[family_case_id, review.plan_version.number]),
    )
