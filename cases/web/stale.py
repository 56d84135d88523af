"""Someone changed this meanwhile: what an edit page does when its save is refused as stale.

Every edit page carries the version it was opened at in a hidden field; the service refuses a save based
on an older one (StaleEdit). The page then shows, above the form, each detail where what is saved now
differs from what this user entered (`differences()`, shown by includes/conflict.html), and keeps
everything they typed in the form, now based on the saved version (`stale_rebind()`): a second save,
made knowing the other change, goes through.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Difference:
    label: str
    saved: str
    entered: str


def shown(value: Any, *, empty: str = NOT_RECORDED) -> str:
    """A value as an edit page shows it: dates in words, yes/no, lists joined, nothing as `empty`."""
    if value is None or value == "" or value == [] or value == ():
        return empty
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return date_format(value, "j F Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value).strip() or empty


def differences(rows: Iterable[tuple[str, Any, Any]], *, show: Callable[[Any], str] = shown) -> list[Difference]:
    """The details (label, saved now, entered) whose shown values differ."""
    out = []
    for label, saved, entered in rows:
        saved_text, entered_text = show(saved), show(entered)
        if saved_text != entered_text:
            out.append(Difference(str(label), saved_text, entered_text))
    return out


def _as_chosen(field: forms.Field, value: Any) -> Any:
    """A choice field's value(s) as their labels."""
    labels = {str(k): v for k, v in getattr(field, "choices", ()) if not isinstance(v, list | tuple)}
    if not labels:
        return value
    if isinstance(value, list | tuple):
        return [labels.get(str(v), v) for v in value]
    return labels.get(str(value), value) if value not in (None, "") else value


def form_differences(form: forms.BaseForm, saved: dict[str, Any]) -> list[Difference]:
    """The form's fields (all but the hidden version) where what is saved now (`saved`: the initial values
    the form would be opened with for the saved record) differs from what this user entered."""
    return differences(
        (field.label, _as_chosen(field, saved.get(name)), _as_chosen(field, form.cleaned_data[name]))
        for name, field in form.fields.items()
        if name != "version" and name in form.cleaned_data
    )


def stale_rebind(
    build: Callable[[QueryDict], forms.BaseForm],
    data: QueryDict,
    current_version: Any,
    message: str | list[str] | None = None,
    *,
    version_field: str = "version",
) -> forms.BaseForm:
    """The form again with everything as typed, based on the version saved meanwhile (in the hidden field
    `version_field`), and the reason at its top (`message`; None: no message, as on a page that shows it
    elsewhere)."""
    data = data.copy()
    data[version_field] = str(current_version)
    form = build(data)
    form.is_valid()
    if message:
        form.add_error(None, message)
    return form
