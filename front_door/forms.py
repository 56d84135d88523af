"""Front-door forms. They check what was typed; the rules live in front_door.services."""

import datetime as dt
import re

from django import forms

from cases.codes import referral_source_choices
from cases.forms import GovukDateField, GovukFormMixin
from cases.models import Agency, AgencyType, NeedLevel

from .models import Channel, Consent, Outcome, WorryCategory

_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


class ContactForm(GovukFormMixin, forms.Form):
    """What a partner or the front door records about a worry (children are a formset beside it)."""

    referrer_name = forms.CharField(label="Name of the person who is worried", max_length=200,
                                    error_messages={"required": "Enter the name of the person who is worried"})
    referrer_role = forms.CharField(label="Their role", max_length=200, required=False,
                                    help_text="For example, designated safeguarding lead, GP, neighbour")
    referrer_phone = forms.CharField(label="Phone number", max_length=40, required=False)
    referrer_email = forms.EmailField(label="Email address", required=False)
    source_code = forms.ChoiceField(label="Where the contact came from", choices=[("", "Choose")] + list(
        referral_source_choices()), error_messages={"required": "Choose where the contact came from"})
    worry = forms.CharField(label="What is the worry?", widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="What has happened, what you have seen or been told, and when.",
                            error_messages={"required": "Describe what the worry is"})
    categories = forms.MultipleChoiceField(label="What is it about? Select all that apply",
                                           choices=WorryCategory.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    urgent = forms.BooleanField(label="This is urgent: a child may be at immediate risk", required=False)
    consent = forms.ChoiceField(label="Does the family know about this contact and agree to it?",
                                choices=Consent.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Say whether the family knows about and agrees to this"})
    consent_override_reason = forms.CharField(
        label="Why was consent not sought?", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when consent was not sought because a child may be at risk of significant harm.")
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)


class StaffContactForm(ContactForm):
    received_date = GovukDateField(label="Date received", required=True,
                                   error_messages={"required": "Enter the date the contact was received"})
    received_time = forms.CharField(label="Time received", max_length=5, help_text="For example, 14:30",
                                    error_messages={"required": "Enter the time the contact was received"})
    channel = forms.ChoiceField(label="How it came in", choices=[(c, label) for c, label in Channel.choices
                                                                 if c not in ("partner_form", "api")])
    referrer_agency = forms.ModelChoiceField(label="Their agency (if a professional)", required=False,
                                             queryset=Agency.objects.order_by("name"))

    field_order = ["received_date", "received_time", "channel", "referrer_name", "referrer_role", "referrer_agency"]

    def clean_received_time(self) -> dt.time:
        match = _TIME.match(self.cleaned_data["received_time"].strip())
        if not match:
            raise forms.ValidationError("Enter a time like 09:30 or 14:45")
        return dt.time(int(match.group(1)), int(match.group(2)))


class ChildForm(GovukFormMixin, forms.Form):
    given_first_name = forms.CharField(label="First name", max_length=100, required=False)
    given_last_name = forms.CharField(label="Last name", max_length=100, required=False)
    given_date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2016")
    given_nhs_number = forms.CharField(label="NHS number (if known)", max_length=12, required=False)
    given_address = forms.CharField(label="Address", max_length=300, required=False)
    given_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    description = forms.CharField(label="If you do not know the child's name, describe them", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


ChildFormSet = forms.formset_factory(ChildForm, extra=0, min_num=1, max_num=12)


class AssignForm(forms.Form):
    assignee = forms.CharField(required=False)


class InformationRequestForm(GovukFormMixin, forms.Form):
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.exclude(
        type__in=[AgencyType.COUNCIL_SOCIAL_CARE, AgencyType.COUNCIL_EARLY_HELP]).order_by("name"),
        error_messages={"required": "Choose the agency to ask"})
    question = forms.CharField(label="What do you need to know?", widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": "Say what you need to know"})


class DecisionForm(GovukFormMixin, forms.Form):
    outcome = forms.TypedChoiceField(label="Outcome", choices=Outcome.choices, coerce=int, widget=forms.RadioSelect,
                                     error_messages={"required": "Choose an outcome"})
    level = forms.ModelChoiceField(label="Level of need", queryset=NeedLevel.objects.filter(active=True),
                                   to_field_name="code", error_messages={"required": "Choose the level of need"})
    rationale = forms.CharField(label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 5}),
                                error_messages={"required": "Give the reasons for the decision"})
    urgent_services = forms.CharField(label="Which services are needed urgently (outcome 4)", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    advice = forms.CharField(label="Advice and information given (outcome 8)", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    accepted_as_referral = forms.BooleanField(label="Accepted as a referral to children's social care before no "
                                              "further action (outcome 8)", required=False)
    change_reason = forms.CharField(label="Why the decision is changing", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class SignoffForm(GovukFormMixin, forms.Form):
    agreed = forms.TypedChoiceField(label="Do you agree with the decision?", coerce=lambda v: v == "yes",
                                    choices=[("yes", "Yes, sign it off"), ("no", "No, send it back to triage")],
                                    widget=forms.RadioSelect, error_messages={"required": "Choose yes or no"})
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Needed when you send a decision back.")


class ResponseForm(GovukFormMixin, forms.Form):
    response = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 6}),
                               help_text="Say if your agency holds no information.",
                               error_messages={"required": "Enter your answer"})
