"""Forms for the strategy discussion, s47 and MACPT team pages: they check the shape of what was entered; the rules
(who may, police and health present or a reason, one open enquiry per child) are the services'."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.forms import GovukDateField, GovukFormMixin
from cases.models import Agency, VisibilityTag

from .models import Attendance, DiscussionForm, NextStep, S47Outcome, StrategyDecision

_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
# The tags an author may add by hand; police and health tags follow the author's agency (the services add them).
EXTRA_TAGS = [
    (VisibilityTag.THIRD_PARTY, VisibilityTag.THIRD_PARTY.label),
    (VisibilityTag.NOT_FOR_FAMILY, VisibilityTag.NOT_FOR_FAMILY.label),
]


class MemberAddForm(GovukFormMixin, forms.Form):
    user = forms.TypedChoiceField(
        label="Practitioner to add",
        coerce=int,
        empty_value=None,
        help_text="Practitioners of every agency: council social care, police, health, education and others.",
        error_messages={"required": "Choose a practitioner", "invalid_choice": "Choose a practitioner from the list"},
    )

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose a practitioner")] + [
            (u.pk, f"{u.full_name}, {u.agency}") for u in candidates
        ]


class StartForm(GovukFormMixin, forms.Form):
    children = forms.TypedMultipleChoiceField(
        label="Which children is the discussion about?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="One discussion can cover brothers and sisters.",
        error_messages={"required": "Choose at least one child", "invalid_choice": "Choose children from the list"},
    )
    team = forms.TypedChoiceField(
        label="Multi-agency child protection team",
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose the team", "invalid_choice": "Choose a team from the list"},
    )
    form = forms.ChoiceField(
        label="Discussion or meeting?",
        choices=DiscussionForm.choices,
        widget=forms.RadioSelect,
        initial=DiscussionForm.DISCUSSION,
        error_messages={"required": "Choose a discussion or a meeting"},
    )
    held_on = GovukDateField(
        label="Date held",
        required=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the discussion was held"},
    )
    held_time = forms.CharField(
        label="Time held",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time the discussion was held"},
    )
    reason = forms.CharField(
        label="What are the concerns?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the concerns are"},
    )

    def __init__(self, *args, children=(), teams=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [
            (c.pk, f"{c.display_name} (born {c.date_of_birth:%d %B %Y})" if c.date_of_birth else c.display_name)
            for c in children
        ]
        self.fields["team"].choices = [("", "Choose a team")] + [(t.pk, t.name) for t in teams]

    def clean_held_time(self) -> dt.time:
        match = _TIME.match(self.cleaned_data["held_time"].strip())
        if not match:
            raise ValidationError("Enter a time using the 24-hour clock, like 14:30")
        return dt.time(int(match[1]), int(match[2]))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("held_on") and data.get("held_time"):
            data["held_at"] = timezone.make_aware(dt.datetime.combine(data["held_on"], data["held_time"]))
        return data


class AttendeeForm(GovukFormMixin, forms.Form):
    user = forms.TypedChoiceField(
        label="A member of the team",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="They are sent the record when it is shared. For anyone else, give their agency and name below.",
        error_messages={"invalid_choice": "Choose a member of the team from the list"},
    )
    agency = forms.TypedChoiceField(
        label="Agency",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    name = forms.CharField(label="Name and role", max_length=200, required=False)
    attendance = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose attended or apologies"},
    )

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["user"].choices = [("", "Someone else")] + [
            (m.pk, f"{m.full_name}, {m.agency}") for m in self.members.values()
        ]
        self.fields["agency"].choices = [("", "Choose an agency")] + [
            (a.pk, f"{a.name} ({a.get_type_display()})") for a in Agency.objects.order_by("name")
        ]


class AbsenceForm(GovukFormMixin, forms.Form):
    police_reason = forms.CharField(
        label="Why did the police not take part? (if they did not)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    health_reason = forms.CharField(
        label="Why did health not take part? (if they did not)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InformationForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(
        label="About",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a child from the list, or the whole family"},
    )
    text = forms.CharField(
        label="Information your agency shares",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the information your agency shares"},
    )
    tags = forms.MultipleChoiceField(
        label="This information also contains",
        choices=EXTRA_TAGS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Police and health information is tagged as such automatically.",
    )

    def __init__(self, *args, children=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "The whole family")] + [(c.pk, c.display_name) for c in children]


class InformationEditForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Information your agency shares",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the information your agency shares"},
    )


class DecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=StrategyDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    next_step = forms.ChoiceField(
        label="If there is no section 47 enquiry, what happens next?",
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Why?", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Say why"}
    )


class ChildSeenForm(GovukFormMixin, forms.Form):
    child_seen_on = GovukDateField(
        label="Date the child was seen",
        required=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the child was seen"},
    )


class S47InformationForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Information your agency gathered",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the information your agency gathered"},
    )
    tags = forms.MultipleChoiceField(
        label="This information also contains",
        choices=EXTRA_TAGS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Police and health information is tagged as such automatically.",
    )


class OutcomeForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=S47Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the enquiry"},
    )
    outcome_date = GovukDateField(
        label="Date of the outcome",
        required=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the outcome"},
    )
    outcome_reason = forms.CharField(
        label="Why?", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Say why"}
    )
