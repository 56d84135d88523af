"""Forms for emergency action: they check the shape of what was typed (a real date, a time as HH:MM); the rules (not
in the future, the law's limits, an outcome with an end) are the service's (macpt.services.emergency)."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from cases.forms import GovukDateField, GovukFormMixin
from cases.workdays import LONDON

from .models import EmergencyKind, EmergencyOutcome

_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def clean_time(value: str, label: str) -> dt.time | None:
    value = (value or "").strip()
    if not value:
        return None
    match = _TIME.match(value)
    if not match:
        raise ValidationError(f"{label} must be a time like 14:30")
    return dt.time(int(match.group(1)), int(match.group(2)))


def at(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    """A London wall-clock date and time, as an aware datetime."""
    if day is None:
        return None
    return dt.datetime.combine(day, time or dt.time(0, 0), tzinfo=LONDON)


class _EndFields(forms.Form):
    ended_on = GovukDateField(label="Date it ended")
    ended_time = forms.CharField(
        label="Time it ended", required=False, max_length=5, help_text="For example, 09:15 or 17:40"
    )
    outcome = forms.ChoiceField(
        label="What happened when it ended?", choices=EmergencyOutcome.choices, required=False, widget=forms.RadioSelect
    )
    outcome_detail = forms.CharField(
        label="What happened (needed for 'Other')",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if "ended_on" not in self.errors:
            try:
                time = clean_time(data.get("ended_time", ""), "Time it ended")
            except ValidationError as exc:
                self.add_error("ended_time", exc)
            else:
                if data.get("ended_on") is not None and time is None:
                    self.add_error("ended_time", "Enter the time it ended")
                data["ended_at"] = at(data.get("ended_on"), time)
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "ended_at": data.get("ended_at"),
            "outcome": data.get("outcome") or "",
            "outcome_detail": data.get("outcome_detail") or "",
        }


class EmergencyActionForm(GovukFormMixin, _EndFields):
    kind = forms.ChoiceField(
        label="What emergency action was taken?",
        choices=EmergencyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose police protection or an Emergency Protection Order"},
    )
    started_on = GovukDateField(label="Date it started", required=True)
    started_time = forms.CharField(
        label="Time it started", max_length=5, help_text="For example, 09:15 or 17:40", required=False
    )
    by = forms.CharField(
        label="Who took it",
        max_length=300,
        required=False,
        help_text="The police officer and force, or the court and who applied for the order.",
    )
    reason = forms.CharField(
        label="Why the child needed immediate protection",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    epo_extended = forms.BooleanField(label="The court extended the Emergency Protection Order", required=False)

    field_order = ["kind", "started_on", "started_time", "by", "reason", "epo_extended"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].error_messages["required"] = "Enter the date it started"
        self.fields["ended_on"].label = "Date it ended (if it has ended)"

    def clean(self):
        data = super().clean()
        try:
            time = clean_time(data.get("started_time", ""), "Time it started")
        except ValidationError as exc:
            self.add_error("started_time", exc)
        else:
            if data.get("started_on") is not None and time is None:
                self.add_error("started_time", "Enter the time it started")
            data["started_at"] = at(data.get("started_on"), time)
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "started_at": data.get("started_at"),
            "by": data.get("by") or "",
            "reason": data.get("reason") or "",
            "epo_extended": bool(data.get("epo_extended")),
            **super().service_data(),
        }


class EmergencyEndForm(GovukFormMixin, _EndFields):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["ended_on"].error_messages["required"] = "Enter the date it ended"
        self.fields["outcome"].required = True
        self.fields["outcome"].error_messages["required"] = "Choose what happened when it ended"


# The service's names for the fields the form splits in two (a date and a time).
SERVICE_ALIASES = {"started_at": "started_on", "ended_at": "ended_on"}
