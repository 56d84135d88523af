"""Forms for harm outside the home: the shape of what was entered; the rules are the service's
(macpt.services.harm_outside_home). Actions use the family plan's own form (cases.forms.plans.ActionForm)."""

from django import forms

from cases.forms import GovukFormMixin

from .models import HarmContext, HarmPersonRole, HarmPlaceKind


class HarmForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(
        label="Which child?", coerce=int, empty_value=None, required=False, widget=forms.RadioSelect
    )
    contexts = forms.MultipleChoiceField(
        label="What harm outside the home is there?",
        choices=HarmContext.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    summary = forms.CharField(
        label="What is the risk and where does it come from?",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, children=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if children is None:
            del self.fields["person"]
        else:
            self.children = {c.pk: c for c in children}
            self.fields["person"].choices = [(c.pk, c.full_name) for c in children]
            self.fields["person"].error_messages["required"] = "Choose the child"
            self.fields["person"].required = True


class HarmPersonForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Who", required=False, max_length=200, help_text="A name or a description.")
    la_child_id = forms.CharField(
        label="Their LA child ID, if they have a record here (optional)", required=False, max_length=20
    )
    role = forms.ChoiceField(
        label="How are they involved?",
        choices=HarmPersonRole.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label="What is known (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HarmPlaceForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of place?", choices=HarmPlaceKind.choices, required=False, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label="Where", required=False, max_length=300, help_text="A name, a description or an address."
    )
    detail = forms.CharField(
        label="What happens there (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
