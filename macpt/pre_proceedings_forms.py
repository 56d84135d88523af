"""Forms for pre-proceedings: the shape of what was typed (real dates, yes or no); every module 5 rule is the
service's (macpt.services.pre_proceedings), whose messages come back onto these fields with what was typed kept."""

from django import forms

from cases.forms import GovukDateField, GovukFormMixin

from .models import KinshipKind, KinshipOutcome, MeetingKind


class PreProceedingsStartForm(GovukFormMixin, forms.Form):
    start_date = GovukDateField(
        label="Date of the legal planning meeting that decided to start pre-proceedings",
        required=True,
        help_text="For example, 27 3 2027",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].error_messages["required"] = (
            "Enter the date of the legal planning meeting that decided to start pre-proceedings"
        )


class PreProceedingsStepsForm(GovukFormMixin, forms.Form):
    start_date = GovukDateField(label="Legal planning meeting decided to start (PPStartDate)", required=True)
    lbp_sent_date = GovukDateField(label="Letter before proceedings sent (LBPSentDate)")
    step_decision_date = GovukDateField(label="Decision to issue proceedings or step down (StepDecisionDate)")
    outcome = forms.ChoiceField(label="Outcome of the decision (PPOutcome)", required=False, widget=forms.RadioSelect)
    court_application_date = GovukDateField(label="Court application for care proceedings submitted (CourtAppDate)")
    letter_initiating_date = GovukDateField(
        label="Letter initiating care proceedings sent to the parents (LetterInitCPDate)"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, outcome_choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = list(outcome_choices)
        self.fields["start_date"].error_messages["required"] = (
            "Enter the date of the legal planning meeting that decided to start pre-proceedings"
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "start_date": data.get("start_date"),
            "lbp_sent_date": data.get("lbp_sent_date"),
            "step_decision_date": data.get("step_decision_date"),
            "outcome": data.get("outcome") or "",
            "court_application_date": data.get("court_application_date"),
            "letter_initiating_date": data.get("letter_initiating_date"),
        }

    @staticmethod
    def initial_from(pp) -> dict:
        return {
            "start_date": pp.start_date,
            "lbp_sent_date": pp.lbp_sent_date,
            "step_decision_date": pp.step_decision_date,
            "outcome": pp.outcome,
            "court_application_date": pp.court_application_date,
            "letter_initiating_date": pp.letter_initiating_date,
            "version": pp.version,
        }


class MeetingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Which meeting?",
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the initial meeting or a review meeting"},
    )
    held_on = GovukDateField(label="Date of the meeting", required=True)
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = "Enter the date of the meeting"


class KinshipAssessmentForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Which assessment?",
        choices=KinshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of assessment"},
    )
    carer = forms.TypedChoiceField(
        label="Who is assessed: someone in the child's network", coerce=int, empty_value=None, required=False
    )
    carer_name = forms.CharField(
        label="Or their name, if they are not in the child's network", required=False, max_length=200
    )
    relationship = forms.CharField(label="How they are connected to the child", required=False, max_length=100)
    started_on = GovukDateField(label="Date the assessment started", required=True)
    completed_on = GovukDateField(label="Date it was completed (if it has been)")
    outcome = forms.ChoiceField(
        label="Outcome (if completed)", choices=KinshipOutcome.choices, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, network=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.network = {n["person"].pk: n for n in network}
        self.fields["carer"].choices = [("", "Not in the network")] + [
            (pk, f"{n['person'].display_name} ({n['relationship']})") for pk, n in self.network.items()
        ]
        self.fields["started_on"].error_messages["required"] = "Enter the date the assessment started"

    def service_data(self) -> dict:
        data = self.cleaned_data
        chosen = self.network.get(data.get("carer"))
        return {
            "kind": data.get("kind"),
            "carer": chosen["person"] if chosen else None,
            "carer_name": data.get("carer_name") or "",
            "relationship": data.get("relationship") or (chosen["relationship"] if chosen else ""),
            "started_on": data.get("started_on"),
            "completed_on": data.get("completed_on"),
            "outcome": data.get("outcome") or "",
        }
