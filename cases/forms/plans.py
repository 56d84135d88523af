"""Forms for the family's plan pages. They check the shape of what was typed; the plan's rules (a measure for
every outcome, an owner for every action, review dates) live in cases.services.plans, whose ValidationErrors the
views add back onto these forms."""

from django import forms
from django.utils import timezone

from ..models import ActionStatus, TafMember, User
from ..services.plans import taf_member_label
from . import GovukDateField, GovukFormMixin

_STALE = "This page is out of date: open it again, then make your changes"
_VERSION_ERRORS = {"required": _STALE, "invalid": _STALE, "min_value": _STALE}
_YES_NO = [("yes", "Yes"), ("no", "No")]


def _rating(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": f"Enter {label.lower()}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 100 or less",
        },
    )


class PlanForm(GovukFormMixin, forms.Form):
    worries = forms.CharField(
        label="What are we worried about?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In words the family would recognise",
    )
    working_well = forms.CharField(
        label="What is working well?", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    family_views = forms.CharField(
        label="What does the family say?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The parents' and children's views, in their own words where possible",
    )
    professional_notes = forms.CharField(
        label="Professional notes (not for the family)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Never shown in the family's version of the plan",
    )
    next_review_on = GovukDateField(
        label="Next review date",
        required=False,
        help_text="Leave blank for the usual gap between reviews. For example, 27 3 2027",
    )

    def plan_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class PlanEditForm(PlanForm):
    next_review_on = GovukDateField(
        label="Next review date",
        required=True,
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the next review"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=_VERSION_ERRORS)


class OutcomeForm(GovukFormMixin, forms.Form):
    child = forms.TypedChoiceField(
        label="Which child is this outcome for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which child this outcome is for",
            "invalid_choice": "Choose which child this outcome is for",
        },
    )
    what_will_be_different = forms.CharField(
        label="What will be different?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, Mia goes to school every day and on time",
        error_messages={"required": "Say what will be different for the child"},
    )
    measure = forms.CharField(
        label="How will we measure it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is measured, and by whom. For example, attendance each half term from the school's register",
        error_messages={"required": "Say how you will measure this outcome: what is measured, and by whom"},
    )
    scale_max = _rating("Top of the scale", help_text="Ratings go from 0 up to this number, usually 10")
    baseline = _rating("Baseline", help_text="Where things are now, on the scale")
    target = _rating("Target", help_text="Where things will be when the outcome is met")
    current = _rating("Current rating", required=False, help_text="Leave blank to use the baseline")
    not_for_family = forms.BooleanField(
        label="Not for the family: leave this outcome out of the family's version", required=False
    )

    def __init__(self, *args, children=(), editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(c.pk, c.full_name) for c in children]
        if editing:
            del self.fields["child"]
            self.fields["current"].required = True
            self.fields["current"].help_text = "Where things stand now (the review records the rating at each review)"
            self.fields["current"].error_messages["required"] = "Enter the current rating"
        if not editing and "scale_max" not in self.data and not self.initial.get("scale_max"):
            self.initial["scale_max"] = 10

    def outcome_data(self, children_by_id: dict) -> dict:
        data = dict(self.cleaned_data)
        if "child" in data:
            data["child"] = children_by_id.get(data["child"])
        if data.get("current") is None:
            data.pop("current", None)
        return data


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.agency.name if obj.agency else 'no agency'})"


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.child.first_name}: {obj.what_will_be_different[:80]}"


class ActionForm(GovukFormMixin, forms.Form):
    description = forms.CharField(
        label="What will be done?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what will be done"},
    )
    owner = OwnerChoiceField(
        label="Who will do it?",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        required=False,
        help_text="The lead practitioner or someone in the team around the family. Add a "
        "practitioner to the team first if they are not listed.",
    )
    outcome = OutcomeChoiceField(
        label="Which outcome does it help with? (optional)",
        queryset=None,
        required=False,
        empty_label="None in particular",
        error_messages={"invalid_choice": "Choose an outcome from this plan"},
    )
    due_on = GovukDateField(
        label="Due date",
        required=True,
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date this is due"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        initial=ActionStatus.NOT_STARTED,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose the status"},
    )
    progress = forms.CharField(label="Progress (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    not_for_family = forms.BooleanField(
        label="Not for the family: leave this action out of the family's version", required=False
    )

    def __init__(self, *args, owners=(), outcomes=None, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(pk__in=[u.pk for u in owners]).select_related("agency").order_by("full_name", "id")
        )
        self.fields["owner"].error_messages["invalid_choice"] = "Choose someone from the list"
        self.fields["outcome"].queryset = outcomes
        if editing:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, error_messages=_VERSION_ERRORS
            )

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner is None:
            raise forms.ValidationError("Choose who will do this: every action needs an owner")
        return owner

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ActionProgressForm(GovukFormMixin, forms.Form):
    """What an action's owner may change: its status and progress."""

    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status", "invalid_choice": "Choose the status"},
    )
    progress = forms.CharField(
        label="Progress", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="What has happened so far"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=_VERSION_ERRORS)


class TafSearchForm(GovukFormMixin, forms.Form):
    """The picker's search box (a GET form): the list below it is filtered on the server, so it works without
    JavaScript."""

    q = forms.CharField(
        label="Search for a practitioner",
        max_length=100,
        required=False,
        help_text="Name, job title, email address or agency, for example 'health visitor' or 'Test Police'",
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class TafAddForm(GovukFormMixin, forms.Form):
    """A practitioner chosen from the list (cases.selectors.plans.taf_candidates), never an email address typed."""

    user = PractitionerChoiceField(
        label="Practitioner",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the practitioner to add",
            "invalid_choice": "Choose a practitioner from the list",
        },
    )
    role = forms.CharField(
        label="Their role for this family",
        max_length=200,
        help_text="For example, health visitor, school attendance officer, housing officer",
        error_messages={"required": "Say what they do for this family, for example health visitor"},
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class TafMemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TafMember) -> str:
        return taf_member_label(obj)


class TafRemoveForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(label="Why are they leaving the team? (optional)", required=False, max_length=500)


class ReviewForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(
        label="Date of the review",
        required=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the review was held"},
    )
    # Picked from the team around the family (issue 13 item 12); anyone else (the family, say) typed below.
    taf_attendees = TafMemberChoiceField(
        label="Who came from the team around the family?",
        help_text="Select all that apply.",
        queryset=TafMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose who came from the team around the family",
            "invalid_pk_value": "Choose who came from the team around the family",
        },
    )
    attendees = forms.CharField(
        label="Anyone else who came (optional)",
        required=False,
        help_text="For example, the family and anyone not in the team around the family",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary = forms.CharField(
        label="What did the review find?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Summarise what the review found"},
    )
    family_views = forms.CharField(
        label="What does the family say?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review_on = GovukDateField(
        label="Next review date",
        required=True,
        help_text="For example, 27 6 2027",
        error_messages={"required": "Enter the date of the next review"},
    )

    def __init__(self, *args, outcomes=(), members=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        if members is not None:
            self.fields["taf_attendees"].queryset = members
        else:
            del self.fields["taf_attendees"]
        for outcome in self.outcomes:
            field = _rating(
                f"Rating for {outcome.child.first_name}: {outcome.what_will_be_different}",
                help_text=f"0 to {outcome.scale_max}. Baseline {outcome.baseline}, target "
                f"{outcome.target}, last rated {outcome.current}.",
            )
            field.max_value = outcome.scale_max
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            field.error_messages["required"] = f"Rate '{outcome.what_will_be_different}' at this review"
            self.fields[f"rating_{outcome.pk}"] = field
            field.widget.attrs["class"] = "govuk-input govuk-input--width-3"
            field.widget.attrs["aria-describedby"] = self[f"rating_{outcome.pk}"].hint_id

    def clean(self) -> dict:
        # The service checks these too; here they are shown with the form's other errors in one go.
        data = super().clean()
        today = timezone.localdate()
        held_on, next_on = data.get("held_on"), data.get("next_review_on")
        if held_on and held_on > today:
            self.add_error("held_on", "The review date must be today or in the past")
        if next_on and next_on < today:
            self.add_error("next_review_on", "The next review date must be today or in the future")
        elif next_on and held_on and next_on <= held_on:
            self.add_error("next_review_on", "The next review date must be after the review")
        for outcome in self.outcomes:
            value = data.get(f"rating_{outcome.pk}")
            if value is not None and not 0 <= value <= outcome.scale_max:
                self.add_error(f"rating_{outcome.pk}", f"The rating must be between 0 and {outcome.scale_max}")
        return data

    def rating_fields(self):
        return [self[f"rating_{o.pk}"] for o in self.outcomes]

    def ratings(self) -> dict[int, int | None]:
        return {o.pk: self.cleaned_data.get(f"rating_{o.pk}") for o in self.outcomes}

    def review_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("rating_")}
