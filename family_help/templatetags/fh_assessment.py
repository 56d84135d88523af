"""The assessment panel on a family's Family Help page: {% load fh_assessment %}{% fh_assessment_panel family_case user %}.
Owned by the assessment area; the family page (views/allocation.py) only includes it."""

from django import template

register = template.Library()


@register.simple_tag
def fh_assessment_panel(family_case, user) -> str:
    return ""
