"""The GOV.UK error summary: every error on the page at the top, each linking to its field.

`error_list()` builds the rows (anchor id, message) for one form; a page of several forms adds the lists
up. The one template is includes/error_summary.html: include it with `errors=` (the rows), or with
`form=` (and optionally `non_field_anchor=`) and it builds the rows itself with this function.
"""

from django import forms


def error_list(form: forms.BaseForm, *, anchor: str | None = None, label: str = "") -> list[tuple[str, str]]:
    """One form's errors in page order: those not about one field first, leading to `anchor` (by default
    the form's first field), then each field's, leading to that field. `label` prefixes every message
    ("Child 2: ") where a page repeats a form."""
    if anchor is None:
        anchor = getattr(form, "first_field_id", "main-content")
    rows = [(anchor, f"{label}{e}") for e in form.non_field_errors()]
    for field in form:
        rows.extend((getattr(field, "anchor_id", field.auto_id), f"{label}{e}") for e in field.errors)
    return rows
