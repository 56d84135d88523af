"""Front-door forms. They check what was typed (a real date, a time, a choice from the list); the rules live
in front_door.services, whose ValidationError each view adds back onto its form."""

import datetime as dt
import re
from functools import cache

from django import forms

from cases import validators
from cases.codes import referral_source_choices
from cases.forms import GovukDateField, GovukFormMixin
from cases.models import Agency, AgencyType, CensusMeaning, LawfulBasis, NeedLevel, Sex
from cases.selectors.organisation import COUNCIL_AGENCY_TYPES
from cases.workdays import LONDON

from .models import OUTCOME_LEVELS, Channel, Consent, HouseholdRelationship, Outcome, WorryCategory

_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
# The census referral source a partner most likely is, from their agency (they can change it).
SOURCE_FOR_AGENCY = {
    AgencyType.EDUCATION: "2A",
    AgencyType.POLICE: "6",
    AgencyType.HOUSING: "4",
    AgencyType.PROBATION: "7",
    AgencyType.ADULT_SERVICES: "5A",
    AgencyType.VOLUNTARY_SECTOR: "8",
}


def parse_time(value: str) -> dt.time:
    match = _TIME.match((value or "").strip())
    if not match:
        raise forms.ValidationError("Enter a time using the 24-hour clock, like 09:30 or 14:45")
    return dt.time(int(match.group(1)), int(match.group(2)))


def _sentence_case(text: str) -> str:
    """'HEALTH SERVICES' -> 'Health services'; acronyms of two letters (LA) and A&E stay as they are."""
    words = []
    for index, word in enumerate(text.split()):
        if word.isupper() and len(word) > 2 and "&" not in word:
            word = word.lower().capitalize() if index == 0 else word.lower()
        words.append(word)
    return " ".join(words)


@cache
def source_choices() -> tuple[tuple[str, str], ...]:
    """The CIN census referral sources, readable: '3A: Health services – general practitioner (GP)'."""
    choices = []
    for code, description in referral_source_choices():
        text = description.lstrip("(").strip()
        for dash in (" – ", " - "):
            head, sep, tail = text.partition(dash)
            if sep:
                text = f"{_sentence_case(head)} – {tail}"
                break
        else:
            text = _sentence_case(text)
        choices.append((code, f"{code}: {text}"))
    return tuple(choices)


def source_label(code: str) -> str:
    return dict(source_choices()).get(code, code)


# --- contacts and referrals ---------------------------------------------------------------------------


class ContactForm(GovukFormMixin, forms.Form):
    """What a partner or the front door records about a worry (the children are a formset beside it)."""

    referrer_name = forms.CharField(
        label="Name of the person who is worried",
        max_length=200,
        error_messages={"required": "Enter the name of the person who is worried"},
    )
    referrer_role = forms.CharField(
        label="Their role (optional)",
        max_length=200,
        required=False,
        help_text="For example, designated safeguarding lead, GP, neighbour",
    )
    referrer_phone = forms.CharField(
        label="Phone number (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    referrer_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    source_code = forms.ChoiceField(
        label="Referral source",
        choices=(),
        help_text="Who raised the worry, as the children in need census records it",
        error_messages={
            "required": "Choose the referral source",
            "invalid_choice": "Choose a referral source from the list",
        },
    )
    worry = forms.CharField(
        label="What is the worry?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has happened, what was seen or said, and when.",
        error_messages={"required": "Describe what the worry is"},
    )
    categories = forms.MultipleChoiceField(
        label="What is the worry about?",
        help_text="Select all that apply.",
        choices=WorryCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose categories from the list"},
    )
    urgent = forms.BooleanField(label="This is urgent: a child may be at immediate risk", required=False)
    consent = forms.ChoiceField(
        label="Does the family know about this contact, and agree to it?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the family knows about and agrees to this",
            "invalid_choice": "Choose one of the options",
        },
    )
    consent_override_reason = forms.CharField(
        label="Why was consent not sought?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What makes you think a child may be at risk of significant harm if the family is told.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_code"].choices = [("", "Choose a referral source"), *source_choices()]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("consent") != Consent.NOT_SOUGHT_RISK:
            data["consent_override_reason"] = ""  # typed, then another answer chosen: not part of the contact
        return data


class PartnerReferralForm(ContactForm):
    """The same questions for a partner referrer, who is the person worried (their agency is known)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["referrer_name"].label = "Your name"
        fields["referrer_name"].error_messages["required"] = "Enter your name"
        fields["referrer_role"].label = "Your role (optional)"
        fields["referrer_phone"].help_text = "So that the front door can call you back"
        fields["referrer_phone"].widget.attrs["aria-describedby"] = self["referrer_phone"].hint_id


class StaffContactForm(ContactForm):
    """A phone or email contact recorded by the front door, often after the call: when it came in matters."""

    received_date = GovukDateField(
        label="Date received",
        required=True,
        help_text="For example, 24 11 2026",
        error_messages={"required": "Enter the date the contact was received"},
    )
    received_time = forms.CharField(
        label="Time received",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the time the contact was received"},
    )
    channel = forms.ChoiceField(
        label="How did it come in?",
        widget=forms.RadioSelect,
        choices=[(c, label) for c, label in Channel.choices if c not in (Channel.PARTNER_FORM, Channel.API)],
        error_messages={
            "required": "Choose how the contact came in",
            "invalid_choice": "Choose how the contact came in",
        },
    )
    referrer_agency = forms.ModelChoiceField(
        label="Their agency (optional)",
        required=False,
        queryset=Agency.objects.order_by("name"),
        empty_label="Not from an agency",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )

    field_order = [
        "received_date",
        "received_time",
        "channel",
        "referrer_name",
        "referrer_role",
        "referrer_agency",
        "referrer_phone",
        "referrer_email",
    ]

    def clean_received_time(self) -> dt.time:
        return parse_time(self.cleaned_data["received_time"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("received_date") and data.get("received_time"):
            data["received_at"] = dt.datetime.combine(data["received_date"], data["received_time"], tzinfo=LONDON)
        return data


class ChildForm(GovukFormMixin, forms.Form):
    """One child, as the referrer describes them. Nothing is required here: a child the referrer cannot name
    is described instead (the service refuses a child with neither)."""

    given_first_name = forms.CharField(label="First name", max_length=100, required=False)
    given_last_name = forms.CharField(label="Last name", max_length=100, required=False)
    given_date_of_birth = GovukDateField(label="Date of birth (if known)", help_text="For example, 27 3 2016")
    given_nhs_number = forms.CharField(
        label="NHS number (if known)",
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}),
    )
    given_address = forms.CharField(label="Address (if known)", max_length=300, required=False)
    given_postcode = forms.CharField(
        label="Postcode (if known)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    description = forms.CharField(
        label="If you do not know the child's name, describe them",
        required=False,
        help_text="For example, age, school, where they were seen, who they were with",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_given_nhs_number(self) -> str:
        value = validators.normalise_nhs_number(self.cleaned_data["given_nhs_number"])
        if value:
            validators.validate_nhs_number(value)
        return value

    def clean_given_postcode(self) -> str:
        return " ".join(self.cleaned_data["given_postcode"].upper().split())

    @property
    def is_blank(self) -> bool:
        return not any(v not in (None, "") for v in (self.cleaned_data or {}).values())


class BaseChildFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        """Said here as well as in the service, so that it shows with the form's other errors at once."""
        if any(form.errors for form in self.forms):
            return
        filled = [form for form in self.forms if not form.is_blank]
        if not filled and self.forms:
            self.forms[0].add_error(
                "given_first_name", "Name at least one child, or describe the child if you do not know their name"
            )
        for form in filled:
            data = form.cleaned_data
            if not (data.get("given_first_name") or data.get("given_last_name") or data.get("description")):
                form.add_error("description", "Give the child's name, or describe them if you do not know it")


MAX_CHILDREN = 12
ChildFormSet = forms.formset_factory(
    ChildForm,
    formset=BaseChildFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_CHILDREN,
    absolute_max=MAX_CHILDREN,
    validate_max=True,
)


class HouseholdForm(GovukFormMixin, forms.Form):
    """A parent, carer or other child in the household (issue 13 item 10). Optional: a row left blank is ignored; a
    row begun needs the relationship and both names (a record needs them)."""

    relationship = forms.ChoiceField(
        label="How are they related to the child?",
        required=False,
        choices=[("", "Choose a relationship"), *HouseholdRelationship.choices],
        error_messages={"invalid_choice": "Choose a relationship from the list"},
    )
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth (if known)", help_text="For example, 27 3 1990")

    @property
    def is_blank(self) -> bool:
        return not any(v not in (None, "") for v in (self.cleaned_data or {}).values())

    def clean(self) -> dict:
        data = super().clean()
        if self.is_blank or self.errors:
            return data
        if not data.get("relationship"):
            self.add_error("relationship", "Choose how they are related to the child")
        if not (data.get("first_name") or "").strip():
            self.add_error("first_name", "Enter their first name")
        if not (data.get("last_name") or "").strip():
            self.add_error("last_name", "Enter their last name")
        dob = data.get("date_of_birth")
        if dob and dob > dt.datetime.now(tz=LONDON).date():
            self.add_error("date_of_birth", "Date of birth must be in the past")
        return data


MAX_HOUSEHOLD = 12
HouseholdFormSet = forms.formset_factory(
    HouseholdForm, extra=0, min_num=1, max_num=MAX_HOUSEHOLD, absolute_max=MAX_HOUSEHOLD, validate_max=True
)


class AssignForm(forms.Form):
    assignee = forms.CharField(required=False, max_length=20)


class QueueFilterForm(GovukFormMixin, forms.Form):
    """The queue's filters (a GET form): a value that is not on the list is ignored, never an error page."""

    assignee = forms.ChoiceField(label="Assigned to", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    urgent = forms.ChoiceField(
        label="Urgency", required=False, choices=[("", "Urgent or not"), ("yes", "Urgent only"), ("no", "Not urgent")]
    )
    team = forms.ModelChoiceField(label="Team", required=False, queryset=None, empty_label="Any team")

    def __init__(self, *args, staff, teams, statuses, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("unassigned", "Nobody (unassigned)"),
            *((str(u.pk), u.full_name) for u in staff),
        ]
        self.fields["status"].choices = [("", "Any open status"), *statuses]
        self.fields["team"].queryset = teams


# --- information from partners -------------------------------------------------------------------------


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # Said before anyone chooses: the service refuses a request to an agency with no liaison team.
        return obj.name if obj.liaison_team_id else f"{obj.name} (no liaison team: phone them)"


class AgenciesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name if obj.liaison_team_id else f"{obj.name} (no liaison team: phone them)"


class InformationRequestForm(GovukFormMixin, forms.Form):
    # Several at once (issue 13 item 11): one request per agency, each with its own deadline.
    agencies = AgenciesChoiceField(
        label="Which agencies do you want to ask?",
        help_text="Select all that apply. Each agency gets its own request and answers separately.",
        queryset=Agency.objects.exclude(type__in=COUNCIL_AGENCY_TYPES).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one agency to ask",
            "invalid_choice": "Choose agencies from the list",
            "invalid_pk_value": "Choose agencies from the list",
        },
    )
    question = forms.CharField(
        label="What do you need to know?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Include the details the agency needs to find the family in its records.",
        error_messages={"required": "Say what you need to know"},
    )
    due_date = GovukDateField(
        label="Answer needed by (optional)", help_text="Leave blank for the usual time. For example, 24 11 2026"
    )
    due_time = forms.CharField(
        label="Time (optional)",
        max_length=5,
        required=False,
        help_text="Use the 24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )

    def clean_due_time(self) -> dt.time | None:
        value = self.cleaned_data["due_time"].strip()
        return parse_time(value) if value else None

    def clean(self) -> dict:
        data = super().clean()
        day, time = data.get("due_date"), data.get("due_time")
        data["due_at"] = None
        if day and time:
            data["due_at"] = dt.datetime.combine(day, time, tzinfo=LONDON)
        elif day and "due_time" not in self.errors:
            self.add_error("due_time", "Enter the time the answer is needed by")
        elif time and "due_date" not in self.errors:
            self.add_error("due_date", "Enter the date the answer is needed by")
        return data


class ResponseForm(GovukFormMixin, forms.Form):
    # The answer is the agency's disclosure (issue 17 item 3): shared on a lawful basis, or decided not to share with
    # the reason; the service records the decision and checks the rest.
    kind = forms.ChoiceField(
        label="Are you sharing what your agency holds?",
        choices=[("shared", "Yes, we are sharing it"), ("not_shared", "No, we have decided not to share it")],
        initial="shared",
        required=False,
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label="Your answer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say what your agency knows about the child and family, or that it holds no information.",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing",
        required=False,
        choices=[("", "Choose the lawful basis"), *LawfulBasis.choices],
        initial=LawfulBasis.SAFEGUARDING,
    )
    reason = forms.CharField(
        label="If you decided not to share it: why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def decision(self, data) -> dict:
        """The service's arguments. A field not sent at all (a client posting only the answer) takes its initial
        value, as the page's own form would send it untouched; a field sent empty is the user's choice, checked."""
        return {
            "response": self.cleaned_data["response"],
            "shared": (self.cleaned_data["kind"] if "kind" in data else "shared") != "not_shared",
            "lawful_basis": self.cleaned_data["lawful_basis"] if "lawful_basis" in data else LawfulBasis.SAFEGUARDING,
            "reason": self.cleaned_data["reason"],
        }


# --- the decision ----------------------------------------------------------------------------------------


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: NeedLevel) -> str:
        meaning = CensusMeaning(obj.census_meaning).label
        return obj.name if obj.name == meaning else f"{obj.name} (counts as {meaning.lower()})"


def outcome_hints(signoff_outcomes) -> dict[int, str]:
    """Under each outcome: the levels it may be recorded at, and whether a manager signs it off."""
    meanings = dict(CensusMeaning.choices)
    hints = {}
    for outcome in Outcome:
        allowed = [meanings[m] for m in CensusMeaning.values if m in OUTCOME_LEVELS[outcome]]
        hint = "Level: " + " or ".join(a.lower() if i else a for i, a in enumerate(allowed)) + "."
        if outcome in signoff_outcomes:
            hint += " Needs a manager's sign-off."
        hints[outcome.value] = hint
    return hints


class DecisionForm(GovukFormMixin, forms.Form):
    outcome = forms.TypedChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an outcome", "invalid_choice": "Choose one of the eight outcomes"},
    )
    level = LevelChoiceField(
        label="Level of need",
        queryset=NeedLevel.objects.filter(active=True).order_by("rank"),
        to_field_name="code",
        empty_label="Choose a level of need",
        help_text="From the council's threshold document (continuum of need).",
        error_messages={
            "required": "Choose the level of need",
            "invalid_choice": "Choose a level of need from the list",
        },
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the decision rests on: the worry, what partners said, the child's history.",
        error_messages={"required": "Give the reasons for the decision"},
    )
    urgent_services = forms.CharField(
        label="Which services are needed urgently?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    advice = forms.CharField(
        label="Advice and information given", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    change_reason = forms.CharField(
        label="Why is the decision changing?",
        required=False,
        help_text="The earlier decision stays on the record; this one replaces it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_arguments(self) -> dict:
        """What decision_record is given: the outcome's own details only (text typed under another outcome,
        then left hidden when the outcome changed, is not part of the decision)."""
        data = self.cleaned_data
        outcome = data["outcome"]
        return {
            "outcome": outcome,
            "level": data["level"],
            "rationale": data["rationale"],
            "urgent_services": data["urgent_services"] if outcome == Outcome.IMMEDIATE_SERVICES else "",
            "advice": data["advice"] if outcome == Outcome.NO_FURTHER_ACTION else "",
            "change_reason": data["change_reason"],
        }


class SignoffForm(GovukFormMixin, forms.Form):
    agreed = forms.TypedChoiceField(
        label="Do you agree with the decision?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, sign it off"), ("no", "No, send it back to triage")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you agree with the decision", "invalid_choice": "Choose yes or no"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you send the decision back: say what triage should look at.",
    )


# --- matching a child to a record ------------------------------------------------------------------------


class MatchSearchForm(GovukFormMixin, forms.Form):
    """Search again with other details (a GET form): useful when the referrer could not name the child."""

    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2016")
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}),
    )

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data.get("first_name", "").strip(),
            "last_name": data.get("last_name", "").strip(),
            "date_of_birth": data.get("date_of_birth"),
            "nhs_number": validators.normalise_nhs_number(data.get("nhs_number", "")),
        }


class MatchChooseForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(
        label="Is the child one of these records?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the record that is this child",
            "invalid_choice": "Choose one of the records listed",
        },
    )

    def __init__(self, *args, hits=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(h.person.pk, h.person.display_name) for h in hits if h.person]


class MatchCreateForm(GovukFormMixin, forms.Form):
    """A new record from the details given, checked and corrected by triage."""

    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    date_of_birth = GovukDateField(label="Date of birth (if known)", help_text="For example, 27 3 2016")
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.UNKNOWN,
        error_messages={
            "required": "Choose the child's sex, or 'Not known'",
            "invalid_choice": "Choose the child's sex, or 'Not known'",
        },
    )
    nhs_number = forms.CharField(
        label="NHS number (if known)",
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}),
    )
    # The address the referrer gave, carried to the record as its current address (issue 13 item 10).
    address_line1 = forms.CharField(label="Address line 1 (if known)", max_length=200, required=False)
    address_line2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    address_town = forms.CharField(
        label="Town or city (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    confirm_new = forms.BooleanField(
        label="None of the records above is this child: create a new record", required=False
    )

    # The service's names for the address's fields (cases.services.person_add_address), as this form names them.
    ADDRESS_ALIASES = {"line1": "address_line1", "line2": "address_line2", "town": "address_town"}

    def clean_nhs_number(self) -> str:
        return validators.normalise_nhs_number(self.cleaned_data["nhs_number"])

    def clean(self) -> dict:
        data = super().clean()
        line1, postcode = (data.get("address_line1") or "").strip(), (data.get("postcode") or "").strip()
        if postcode and not line1:
            self.add_error("address_line1", "Enter the first line of the address, or leave the postcode blank")
        elif line1 and not postcode:
            self.add_error("postcode", "Enter the postcode, or leave the address blank")
        return data

    def address(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("address_line1") or "").strip():
            return None
        return {
            "line1": data["address_line1"].strip(),
            "line2": data["address_line2"].strip(),
            "town": data["address_town"].strip(),
            "postcode": data["postcode"].strip(),
        }

    def person_data(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data.get("date_of_birth"),
            "sex": data["sex"],
            "nhs_number": data["nhs_number"],
            "address": self.address(),
        }
