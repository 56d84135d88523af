"""{% load restricted %}{{ person|shown_name:restricted_ids }}: a person's name, or "Restricted record" for a restricted
record the viewer is not on the access list of (cases.web.restricted; restricted_ids comes from
cases.selectors.people_restricted_for_user)."""

from django import template

from ..web import restricted

register = template.Library()


@register.filter
def shown_name(person, hidden) -> str:
    return restricted.shown_name(person, hidden or ())
