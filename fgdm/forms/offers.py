"""Forms for offers: the shape of what was typed; every rule (parental responsibility, the rationale, the letter before
proceedings' date) is the service's, whose messages come back onto these fields with what was typed kept."""

from django import forms

from cases.forms import GovukDateField, GovukFormMixin

from ..models import DecisionPointKind, OfferResponse

MADE = [
    ("offered", "Offered to the family"),
    ("not_offered", "Not offered: not in the child's best interests"),
]


class OfferForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Where was it offered?", widget=forms.RadioSelect, required=False)
    children = forms.MultipleChoiceField(
        label="Which children is the offer about?", widget=forms.CheckboxSelectMultiple, required=False
    )
    recipients = forms.MultipleChoiceField(
        label="Who received the offer?",
        help_text="Those with parental responsibility for the children, from the family's network in the record.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    offered_on = GovukDateField(label="Date", required=True, help_text="For example, 27 3 2027")
    made = forms.ChoiceField(label="Was it offered?", choices=MADE, widget=forms.RadioSelect, initial="offered")
    rationale = forms.CharField(
        label="If not offered: why a family group decision making meeting is not in the child's best interests",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, kinds: list[str], children, holders, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, DecisionPointKind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.initial.setdefault("kind", kinds[0])
        self.fields["children"].choices = [(str(p.pk), p.full_name) for p in children]
        self.fields["recipients"].choices = [(str(p.pk), p.full_name) for p in holders]
        self.fields["offered_on"].error_messages["required"] = "Enter the date it was offered, or decided not to be"
        self.fields["made"].error_messages["required"] = "Say whether it was offered"

    @property
    def single_kind(self) -> bool:
        return isinstance(self.fields["kind"].widget, forms.HiddenInput)


ANSWERS = [
    (OfferResponse.ACCEPTED, "Accepted"),
    (OfferResponse.DECLINED, "Declined"),
    (OfferResponse.NOT_OFFERED, "Not offered after all: not in the child's best interests"),
]


class OfferAnswerForm(GovukFormMixin, forms.Form):
    response = forms.ChoiceField(label="The family's answer", choices=ANSWERS, widget=forms.RadioSelect)
    responded_on = GovukDateField(label="Date of the answer", required=True, help_text="For example, 27 3 2027")
    reason = forms.CharField(
        label="If declined: why the family declined, in their words where possible",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    rationale = forms.CharField(
        label="If not offered: why it is not in the child's best interests",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].error_messages["required"] = "Choose the family's answer"
        self.fields["responded_on"].error_messages["required"] = "Enter the date of the answer"
