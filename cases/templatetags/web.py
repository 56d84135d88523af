"""Template side of the web toolkit (cases.web)."""

from django import template

from ..web.errors import error_list

register = template.Library()


@register.simple_tag
def error_rows(form=None, errors=None, non_field_anchor=None) -> list[tuple[str, str]]:
    """The error summary's rows: `errors` as given, else built from `form`."""
    if errors:
        return list(errors)
    if not getattr(form, "errors", None):  # no form (an unset variable renders as "") or no errors
        return []
    return error_list(form, anchor=non_field_anchor or None)
