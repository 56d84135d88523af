"""Forms for referral, allocation and preparation (issue 15 items 2 and 3). They check the shape of what was typed;
the rules (an accepted offer, an independent facilitator, a step that has happened) are the services'."""

from django import forms

from cases.forms import GovukDateField, GovukFormMixin
from cases.models import RelationshipType

from .models import MeetingType, PreparationStep


def _text(label: str, *, required: bool = False, rows: int = 0, max_length: int = 4000, **kwargs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget, **kwargs)


class ReferralForm(GovukFormMixin, forms.Form):
    meeting_type = forms.ChoiceField(
        label="What kind of meeting?",
        choices=MeetingType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of meeting: a family group conference or a family network meeting"
        },
    )
    reason = _text(
        "What do the family and professionals want the meeting to decide?",
        required=True,
        rows=5,
        error_messages={"required": "Say what the family and professionals want the meeting to decide"},
    )


class AllocateForm(GovukFormMixin, forms.Form):
    facilitator = forms.TypedChoiceField(
        label="Independent facilitator",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Never the family's own lead practitioner or Lead Child Protection Practitioner.",
        error_messages={"required": "Choose a facilitator"},
    )

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].choices = [
            (user.pk, f"{user.full_name}" + (f" (not independent: {why})" if why else "")) for user, why in candidates
        ]


class CloseForm(GovukFormMixin, forms.Form):
    reason = _text(
        "Why is the referral closing?",
        required=True,
        rows=3,
        error_messages={"required": "Say why the referral is being closed"},
    )


class StepForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Which step?",
        choices=PreparationStep.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which preparation step this was"},
    )
    date = GovukDateField(label="Date it happened", required=True)
    person = forms.TypedChoiceField(
        label="Who you met (a parent, the child, or someone in the network)",
        coerce=int,
        required=False,
        empty_value=None,
    )
    notes = _text("Notes", rows=4, max_length=10000)
    child_wishes = _text(
        "The child's wishes, in their own words", rows=4, max_length=10000, help_text="For a meeting with the child."
    )
    child_taking_part = _text("How the child will take part in the meeting", rows=3)

    def __init__(self, *args, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date it happened"
        self.fields["person"].choices = [("", "Nobody in particular"), *((p.pk, p.full_name) for p in people)]


class CoDesignForm(GovukFormMixin, forms.Form):
    venue = _text("Venue", max_length=200)
    meeting_planned_on = GovukDateField(label="Date of the meeting")
    language = _text("Language the meeting is held in", max_length=100)
    interpreter_needed = forms.BooleanField(label="An interpreter is needed", required=False)
    interpreter_language = _text("Interpreter's language", max_length=100)
    family_wants_there = _text("Who the family want there", rows=3)
    family_does_not_want_there = _text("Who the family do not want there", rows=3)


class MemberForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter their last name"})
    date_of_birth = GovukDateField(label="Date of birth (if known)")
    type = forms.ChoiceField(
        label="How they are related to the children",
        choices=[("", "Choose"), *RelationshipType.choices],
        error_messages={"required": "Choose how they are related to the children"},
    )
    children = forms.TypedMultipleChoiceField(
        label="Related to", coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    parental_responsibility = forms.BooleanField(label="They have parental responsibility", required=False)

    def __init__(self, *args, children=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(c.pk, c.full_name) for c in children]
        self.fields["children"].initial = [c.pk for c in children]


class InviteForm(GovukFormMixin, forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    invited = forms.TypedChoiceField(
        label="Invite them?",
        choices=[("yes", "Invite"), ("no", "Do not invite")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to invite them"},
    )
    not_invited_reason = _text("Why not (for example, the family's wish)", max_length=2000)
