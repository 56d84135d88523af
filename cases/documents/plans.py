"""The family's plan as a PDF, in two forms: the professional plan (everything), and the family's version in
plain language, which leaves out the professional notes and every outcome and action marked not for the
family (and the actions that serve a hidden outcome)."""

from django.conf import settings
from django.utils import timezone

from ..models import Person, Plan, User
from ..selectors import plans as sel
from . import render_pdf


def plan_pdf_context(*, plan: Plan, children: list[Person], printed_by: User, family_friendly: bool) -> dict:
    visible = {c.pk for c in children}
    outcomes = sel.plan_outcomes_for_user(plan=plan, visible=visible)
    actions = sel.plan_actions_for_user(plan=plan, visible=visible)
    if family_friendly:
        hidden = {o.pk for o in outcomes if o.not_for_family}
        outcomes = [o for o in outcomes if not o.not_for_family]
        actions = [a for a in actions if not a.not_for_family and a.outcome_id not in hidden]
    by_child = [{"child": child, "outcomes": [o for o in outcomes if o.child_id == child.pk]} for child in children]
    reviews = sel.plan_reviews(plan=plan)
    return {
        "plan": plan,
        "family_case": plan.family_case,
        "children": children,
        "by_child": by_child,
        "outcomes": outcomes,
        "actions": actions,
        "taf": sel.taf_members(family_case=plan.family_case),
        "lead": sel.plan_lead(family_case=plan.family_case, plan=plan),
        "last_review": reviews[-1] if reviews else None,
        "version_number": plan.versions.count(),
        "printed_at": timezone.localtime(),
        "printed_by": printed_by,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }


def render_plan_pdf(*, plan: Plan, children: list[Person], printed_by: User, family_friendly: bool) -> bytes:
    context = plan_pdf_context(plan=plan, children=children, printed_by=printed_by, family_friendly=family_friendly)
    template = "cases/plan/family_pdf.html" if family_friendly else "cases/plan/plan_pdf.html"
    return render_pdf(template, context)
