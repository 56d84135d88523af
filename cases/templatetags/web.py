"""Template side of the web toolkit (cases.web)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


# --- form groups, written in Python -------------------------------------------------------------------------------
# Every form page rendered these through `{% include %}` (about 130 uses): each include cost a template render, a
# context push and a dozen variable lookups, which made the form groups most of a small page's rendering time. The
# tags write the same markup directly.


def _error_message(field, error_id: str) -> str:
    errors = "<br>".join(conditional_escape(error) for error in field.errors)
    return (
        f'<p id="{conditional_escape(error_id)}" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {errors}</p>'
    )


@register.simple_tag
def govuk_field(field, label_class: str = "") -> str:
    """One GOV.UK text-style form group (input, select or textarea) for a bound field, with its label, hint (the
    field's help_text) and error message; `label_class` sizes the label ("govuk-label--m"). All of a field's errors
    share one message element, so its id is unique."""
    errors = field.errors
    id_for_label = field.id_for_label or ""
    label_classes = f"govuk-label {label_class}" if label_class else "govuk-label"
    parts = [
        f'<div class="govuk-form-group{" govuk-form-group--error" if errors else ""}">',
        f'<label class="{conditional_escape(label_classes)}" for="{conditional_escape(id_for_label)}">'
        f"{conditional_escape(field.label)}</label>",
    ]
    if field.help_text:
        hint_id = getattr(field, "hint_id", "") or f"{field.auto_id}-hint"
        parts.append(
            f'<div id="{conditional_escape(hint_id)}" class="govuk-hint">{conditional_escape(field.help_text)}</div>'
        )
    if errors:
        parts.append(_error_message(field, getattr(field, "error_id", "") or f"{id_for_label}-error"))
    parts.append(str(field))
    parts.append("</div>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped; the widget is Django's own HTML  # nosec B308 B703


_DATE_BOXES = (("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4"))


@register.simple_tag
def govuk_date_input(field, legend_class: str = "") -> str:
    """The GOV.UK date input (day, month and year boxes in a fieldset) for a GovukDateField; `legend_class` sizes
    the legend ("govuk-fieldset__legend--m")."""
    errors = field.errors
    auto_id = conditional_escape(field.auto_id)
    name = conditional_escape(field.html_name)
    described_by = field.described_by
    legend_classes = f"govuk-fieldset__legend {legend_class}" if legend_class else "govuk-fieldset__legend"
    input_error = " govuk-input--error" if errors else ""
    parts = [
        f'<div class="govuk-form-group{" govuk-form-group--error" if errors else ""}">',
        '<fieldset class="govuk-fieldset" role="group"'
        + (f' aria-describedby="{conditional_escape(described_by)}"' if described_by else "")
        + ">",
        f'<legend class="{conditional_escape(legend_classes)}">{conditional_escape(field.label)}</legend>',
    ]
    if field.help_text:
        hint = conditional_escape(field.help_text)
        parts.append(f'<div id="{conditional_escape(field.hint_id)}" class="govuk-hint">{hint}</div>')
    if errors:
        parts.append(_error_message(field, field.error_id))
    values = field.date_parts
    parts.append(f'<div class="govuk-date-input" id="{auto_id}">')
    for part, label, width in _DATE_BOXES:
        parts.append(
            '<div class="govuk-date-input__item"><div class="govuk-form-group">'
            f'<label class="govuk-label govuk-date-input__label" for="{auto_id}_{part}">{label}</label>'
            f'<input class="govuk-input govuk-date-input__input govuk-input--width-{width}{input_error}" '
            f'id="{auto_id}_{part}" name="{name}_{part}" type="text" inputmode="numeric" '
            f'value="{conditional_escape(values[part])}"></div></div>'
        )
    parts.append("</div></fieldset></div>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped  # nosec B308 B703
