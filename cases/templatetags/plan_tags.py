"""The plan panel on a family's page in the strand that leads it: {% load plan_tags %}{% plan_panel family_case user %}.
The page that includes it has already checked the family is in the user's scope and audited the read of the family's
children."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..selectors import plans as sel

register = template.Library()


@register.simple_tag
def plan_panel(family_case, user) -> str:
    plan = sel.plan_for_family(family_case=family_case)
    context = {
        "family_case": family_case,
        "plan": plan,
        "can_edit": sel.plan_can_edit(user=user, family_case=family_case),
        "taf": sel.taf_members(family_case=family_case),
    }
    if plan is not None:
        # Outcomes about a child the user may not see (a restricted record they are not on the list of) are left
        # out, with the actions serving them, as on the plan page.
        visible = sel.plan_visible_child_ids(family_case=family_case, user=user)
        outcomes = sel.plan_outcomes_for_user(plan=plan, visible=visible)
        actions = sel.plan_actions_for_user(plan=plan, visible=visible)
        today = timezone.localdate()
        open_actions = [a for a in actions if a.status in ("not_started", "in_progress")]
        context.update(
            {
                "outcomes": outcomes,
                "on_target": sum(1 for o in outcomes if o.current >= o.target),
                "improved": sum(1 for o in outcomes if o.current > o.baseline),
                "open_actions": len(open_actions),
                "overdue_actions": sum(1 for a in open_actions if a.due_on < today),
                "review_overdue": plan.next_review_on is not None and plan.next_review_on < today,
                "version_number": plan.versions.count(),
            }
        )
    return mark_safe(render_to_string("cases/plan/panel.html", context))  # noqa: S308  (our template, escaped)  # nosec B308 B703
