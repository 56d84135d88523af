"""Forms for the Family Help assessment: they check the shape of what was typed; the rules (codes from the
census lists, what a submission needs, authorisation dates) live in family_help.services.assessment."""

from functools import cache

from django import forms

from cases.codes import codelist
from cases.forms import GovukDateField, GovukFormMixin

from ..models import AssessmentOutcome

TEXTAREA = {"rows": 4}


@cache
def factor_choices() -> tuple[tuple[str, str], ...]:
    return tuple((code, f"{code}: {text}") for code, text in codelist("assessmentfactorstype"))


@cache
def primary_need_choices() -> tuple[tuple[str, str], ...]:
    return (("", "Not chosen yet"), *((code, f"{code}: {text}") for code, text in codelist("primaryneedcodetype")))


class AssessmentStartForm(GovukFormMixin, forms.Form):
    referral_date = GovukDateField(
        label="Referral date",
        required=True,
        help_text="The 45 working days count from here. We have filled in the date the "
        "front door opened the children's episodes.",
        error_messages={"required": "Enter the referral date"},
    )


class AssessmentForm(GovukFormMixin, forms.Form):
    """The whole family's part: parents' and carers' needs, strengths, risks, analysis and outcome."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    domestic_abuse = forms.CharField(label="Domestic abuse", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    substance_misuse = forms.CharField(label="Substance misuse", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    mental_health = forms.CharField(label="Mental health", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    housing = forms.CharField(label="Housing", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    income = forms.CharField(label="Income and debt", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    other_needs = forms.CharField(label="Other needs", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    strengths = forms.CharField(
        label="Strengths",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What is working well: in the family and around them.",
    )
    risks = forms.CharField(
        label="Risks", required=False, widget=forms.Textarea(attrs=TEXTAREA), help_text="What we are worried about."
    )
    analysis = forms.CharField(
        label="Analysis",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the information means for the children: needed before you submit.",
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        widget=forms.RadioSelect,
        choices=AssessmentOutcome.choices,
        error_messages={"invalid_choice": "Choose an outcome from the list"},
    )

    PARENT_FIELDS = ("domestic_abuse", "substance_misuse", "mental_health", "housing", "income", "other_needs")

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AssessmentChildForm(GovukFormMixin, forms.Form):
    """One child's section (prefix `child-<section id>`)."""

    child_voice = forms.CharField(
        label="The child's voice",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the child says, in their own words.",
    )
    voice_not_gathered_reason = forms.CharField(
        label="If you could not gather the child's views, say why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs = forms.CharField(
        label="The child's needs",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Health, education, emotional and behavioural development.",
    )
    factors = forms.MultipleChoiceField(
        label="Assessment factors",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The children in need census factors identified for this child. Choose at least one.",
        error_messages={"invalid_choice": "%(value)s is not a CIN assessment factor code: choose from the list"},
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        required=False,
        error_messages={"invalid_choice": "%(value)s is not a CIN primary need code: choose from the list"},
    )

    def __init__(self, *args, section=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.fields["factors"].choices = factor_choices()
        self.fields["primary_need"].choices = primary_need_choices()
        if section is not None:
            name = section.person.first_name
            self.fields["child_voice"].label = f"{name}'s voice"
            self.fields["child_voice"].help_text = f"What {name} says, in their own words."
            self.fields["voice_not_gathered_reason"].label = f"If you could not gather {name}'s views, say why"
            self.fields["needs"].label = f"{name}'s needs"
            self.fields["factors"].label = f"Assessment factors for {name}"
            self.fields["primary_need"].label = f"{name}'s primary need"
            # The GOV.UK mixin made bound fields (for hint ids) before the names went in: make them again.
            self._bound_fields_cache.clear()

    @classmethod
    def initial_for(cls, section) -> dict:
        return {
            "child_voice": section.child_voice,
            "voice_not_gathered_reason": section.voice_not_gathered_reason,
            "needs": section.needs,
            "factors": list(section.factors),
            "primary_need": section.primary_need,
        }


class AuthoriseForm(GovukFormMixin, forms.Form):
    DECISIONS = [("authorise", "Authorise the assessment"), ("return", "Return it to the practitioner")]

    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to authorise or return the assessment"},
    )
    authorised_on = GovukDateField(
        label="Date authorised",
        required=False,
        help_text="This is the authorisation date in the children in need census. For example, 27 3 2027",
    )
    returned_reason = forms.CharField(
        label="What needs to change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you return it.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "authorise"
            and not cleaned.get("authorised_on")
            and "authorised_on" not in self.errors
        ):
            self.add_error("authorised_on", "Enter the date authorised")
        if cleaned.get("decision") == "return" and not (cleaned.get("returned_reason") or "").strip():
            self.add_error("returned_reason", "Say what needs to change before it can be authorised")
        return cleaned
