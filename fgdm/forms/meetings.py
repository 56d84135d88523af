"""Forms for the meeting, the family's plan and its review. They check the shape of what was typed (a real date, a
24-hour time, an amount); the rules (private family time, not in the future, safe or why not, after the meeting) live
in fgdm.services, whose ValidationErrors the views add back, so what was typed stays on the page."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from cases.forms import GovukDateField, GovukFormMixin
from cases.models import VisibilityTag

from ..models import FamilyPlanReview, SupportRequest

_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
_YES_NO = [("yes", "Yes"), ("no", "No")]


def _time(value: str) -> dt.time | None:
    value = (value or "").strip()
    if not value:
        return None
    match = _TIME.match(value)
    if not match:
        raise ValidationError("Enter a time using the 24-hour clock, like 14:30")
    return dt.time(int(match[1]), int(match[2]))


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _time_field(label: str, help_text: str = "Use the 24-hour clock, for example 14:30") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=5,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )


class MeetingRecordForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the meeting", help_text="For example, 27 11 2026")
    private_time_start = _time_field("Private family time started at")
    private_time_end = _time_field("Private family time ended at")
    family = forms.MultipleChoiceField(
        label="Who came from the family network?", required=False, widget=forms.CheckboxSelectMultiple
    )
    professionals = forms.MultipleChoiceField(
        label="Which professionals came?", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), users=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._people = {str(p.pk): p for p in people}
        self._users = {str(u.pk): u for u in users}
        self.fields["family"].choices = [(k, p.full_name) for k, p in self._people.items()]
        self.fields["professionals"].choices = [
            (k, f"{u.full_name}, {u.agency.name}" if u.agency_id else u.full_name) for k, u in self._users.items()
        ]

    def clean_private_time_start(self):
        return _time(self.cleaned_data.get("private_time_start"))

    def clean_private_time_end(self):
        return _time(self.cleaned_data.get("private_time_end"))

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data.get("held_on"),
            "private_time_start": data.get("private_time_start"),
            "private_time_end": data.get("private_time_end"),
            "family": [self._people[k] for k in data.get("family") or []],
            "professionals": [self._users[k] for k in data.get("professionals") or []],
        }


class AttendeeForm(GovukFormMixin, forms.Form):
    person = forms.ChoiceField(label="Someone from the family network", required=False)
    user = forms.ChoiceField(label="Or a practitioner", required=False)
    name = forms.CharField(label="Or the name of another professional", required=False, max_length=200)
    agency = forms.ChoiceField(label="Their agency", required=False)

    def __init__(self, *args, people=(), users=(), agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._people = {str(p.pk): p for p in people}
        self._users = {str(u.pk): u for u in users}
        self._agencies = {str(a.pk): a for a in agencies}
        self.fields["person"].choices = [("", "Choose someone")] + [(k, p.full_name) for k, p in self._people.items()]
        self.fields["user"].choices = [("", "Choose a practitioner")] + [
            (k, f"{u.full_name}, {u.agency.name}" if u.agency_id else u.full_name) for k, u in self._users.items()
        ]
        self.fields["agency"].choices = [("", "Choose an agency")] + [(k, a.name) for k, a in self._agencies.items()]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "person": self._people.get(data.get("person") or ""),
            "user": self._users.get(data.get("user") or ""),
            "name": data.get("name") or "",
            "agency": self._agencies.get(data.get("agency") or ""),
        }


class InformationForm(GovukFormMixin, forms.Form):
    shared_by = forms.ChoiceField(label="Who shared it?")
    text = forms.CharField(
        label="What they shared", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    shared_at = _time_field(
        "When it was shared (optional)",
        "Use the 24-hour clock. Professionals record nothing during private family time.",
    )
    tags = forms.MultipleChoiceField(
        label="Information tags",
        required=False,
        choices=VisibilityTag.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Police and health information is tagged as such from the professional's agency.",
    )

    def __init__(self, *args, attendees=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._attendees = {str(a.pk): a for a in attendees}
        self.fields["shared_by"].choices = [("", "Choose a professional")] + [
            (k, f"{a.name}, {a.agency.name}" if a.agency_id else a.name) for k, a in self._attendees.items()
        ]
        self.fields["shared_by"].error_messages["required"] = "Choose the professional who shared it"

    def clean_shared_at(self):
        return _time(self.cleaned_data.get("shared_at"))

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "shared_by": self._attendees.get(data.get("shared_by") or ""),
            "text": data.get("text") or "",
            "shared_at": data.get("shared_at"),
            "tags": data.get("tags") or [],
        }


class PlanItemForm(GovukFormMixin, forms.Form):
    what = forms.CharField(
        label="What will happen, in the family's words",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    who = forms.CharField(label="Who will do it", required=False, max_length=200)
    when = forms.CharField(label="When", required=False, max_length=200)
    contingency = forms.CharField(
        label="If it does not happen, what then?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    not_for_family = forms.BooleanField(label="Not for the family's copy of the plan", required=False)


class SupportForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of support",
        choices=SupportRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of support: practical, financial or a service"},
    )
    description = forms.CharField(
        label="What the family asked for", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    family_network_support_package = forms.BooleanField(label="A Family Network Support Package", required=False)
    cost = forms.DecimalField(
        label="Cost in pounds",
        required=False,
        max_digits=9,
        decimal_places=2,
        help_text="For example, 250.00",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter the cost as an amount in pounds, like 250.00"},
    )


class AgreeForm(GovukFormMixin, forms.Form):
    plan_agreed = forms.ChoiceField(
        label="Did the family agree a plan?",
        choices=_YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the family agreed a plan"},
    )
    keeps_child_safe = forms.ChoiceField(
        label="Do the professionals agree the plan keeps the children safe?",
        choices=_YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    not_safe_reason = forms.CharField(
        label="If not, why not?", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    review_date = GovukDateField(label="Date of the review of the family's plan", help_text="After the meeting")

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "plan_agreed": _yes_no(data.get("plan_agreed")),
            "keeps_child_safe": _yes_no(data.get("keeps_child_safe")),
            "not_safe_reason": data.get("not_safe_reason") or "",
            "review_date": data.get("review_date"),
        }


class ReviewDateForm(GovukFormMixin, forms.Form):
    review_date = GovukDateField(label="New review date", help_text="For example, 15 1 2027")


class ReviewForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the review", help_text="Not before the meeting")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=FamilyPlanReview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the review"},
    )
    family_views = forms.CharField(
        label="What the family said", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    next_review_date = GovukDateField(label="Next review (optional)", help_text="After this review")
