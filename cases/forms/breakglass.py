"""Forms of break-glass and the privacy officer's review queue (issue 17 item 2)."""

from django import forms

from ..models import PrivacyAlert
from . import GovukFormMixin


class BreakGlassForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why you need to see this child's record",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason you need to see this child's record"},
        help_text="The privacy officer reads this. Say who asked, or what happened, and why it cannot wait.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason you need to see this child's record")
        return reason


class PrivacyAlertReviewForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Your decision",
        choices=[
            (PrivacyAlert.Status.REVIEWED, "Reviewed: the access was justified"),
            (PrivacyAlert.Status.CHALLENGED, "Challenged: I have raised it with the user or their manager"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the access was justified or challenged"},
    )
    outcome = forms.CharField(
        label="Outcome",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you found or did"},
        help_text="What you checked, who you spoke to, and what happens next.",
    )
