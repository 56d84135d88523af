"""The plan panel on a family's Family Help page: {% load fh_plan %}{% fh_plan_panel family_case user %}.
Owned by the plan area; the family page (views/allocation.py) only includes it."""

from django import template

register = template.Library()


@register.simple_tag
def fh_plan_panel(family_case, user) -> str:
    return ""
