"""The continuum panel on a family's Family Help page: {% load fh_continuum %}{% fh_continuum_panel family_case user %}.
Owned by the continuum area; the family page (views/allocation.py) only includes it."""

from django import template

register = template.Library()


@register.simple_tag
def fh_continuum_panel(family_case, user) -> str:
    return ""
