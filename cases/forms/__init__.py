"""Form helpers: GOV.UK Design System classes and error wiring for Django forms, and the record's forms.

Forms only check the shape of what was typed (a real date, a well-formed NHS number); the rules of
the record (no future date of birth, NHS number unique, a visit records whether the child was seen)
live in cases.services, whose ValidationError each view adds back onto its form with add_service_errors.
"""

import datetime as dt
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone

from .. import validators
from ..codes import disability_choices, ethnicity_choices
from ..models import CaseNote, Sex, Strand, VisibilityTag


class DatePartsWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes named <name>_day, <name>_month, <name>_year.

    A bare <name>=YYYY-MM-DD (a link from another page) is read too, when the three boxes are absent."""

    def __init__(self, attrs=None) -> None:
        super().__init__({"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}, attrs)

    def decompress(self, value) -> list:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name) -> list:
        parts = super().value_from_datadict(data, files, name)
        iso = data.get(name)
        if not any(parts) and isinstance(iso, str) and iso.strip():
            pieces = iso.strip().split("-")
            # Anything that is not three pieces fails as "not a real date", never as a 500.
            return [pieces[2], pieces[1], pieces[0]] if len(pieces) == 3 else [iso, iso, iso]
        return parts

    def value_omitted_from_data(self, data, files, name) -> bool:
        return super().value_omitted_from_data(data, files, name) and name not in data


_DAY_MONTH = re.compile(r"^[0-9]{1,2}$")
_YEAR = re.compile(r"^[0-9]{4}$")


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with GOV.UK's error messages ("must include a month", "must be a real date")."""

    widget = DatePartsWidget

    def __init__(self, *, required: bool = False, **kwargs) -> None:
        parts = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields=parts, require_all_fields=False, required=required, **kwargs)

    def compress(self, data_list) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = ((v or "").strip() for v in data_list)
        label = self.label or "Date"
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        if not (_DAY_MONTH.match(day) and _DAY_MONTH.match(month) and _YEAR.match(year)):
            raise ValidationError(f"{label} must be a real date", code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None


# Widgets rendered as a GOV.UK fieldset: their hint and error are described on the fieldset, and the
# error summary links to the first box or option.
_FIELDSET_WIDGETS = (forms.RadioSelect, DatePartsWidget)


class GovukBoundField(BoundField):
    """Ids the GOV.UK templates need: where the error summary links to, and the hint and error ids."""

    @property
    def anchor_id(self) -> str:
        widget = self.field.widget
        if isinstance(widget, DatePartsWidget):
            return f"{self.auto_id}_day"
        if isinstance(widget, forms.RadioSelect):  # and CheckboxSelectMultiple, its subclass
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def date_parts(self) -> dict[str, str]:
        """The day, month and year as typed (or from the initial date), for the three boxes."""
        value = self.value()
        if isinstance(value, list | tuple):
            parts = [*(str(v) if v is not None else "" for v in value), "", "", ""][:3]
        else:
            parts = DatePartsWidget().decompress(value)
        return {"day": parts[0], "month": parts[1], "year": parts[2]}


_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",  # before RadioSelect: it is a subclass
    forms.RadioSelect: "govuk-radios__input",
    forms.FileInput: "govuk-file-upload",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukFormMixin:
    """Adds GOV.UK classes to widgets, and the error class plus aria-describedby to fields in error,
    so that the error summary links and screen readers land on the right field."""

    bound_field_class = GovukBoundField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next((c for w, c in _WIDGET_CLASSES.items() if isinstance(field.widget, w)), "govuk-input")
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()
            if field.help_text and not isinstance(field.widget, _FIELDSET_WIDGETS):
                field.widget.attrs["aria-describedby"] = self[name].hint_id

    def full_clean(self) -> None:
        super().full_clean()
        self._style_errors()

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        self._style_errors()

    def _style_errors(self) -> None:
        for name in self._errors or {}:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, _FIELDSET_WIDGETS):
                continue  # the template marks the fieldset and each box
            base = widget.attrs.get("class", "").split(" ")[0]
            if base in _ERROR_CLASSES and _ERROR_CLASSES[base] not in widget.attrs["class"]:
                widget.attrs["class"] += f" {_ERROR_CLASSES[base]}"
            widget.attrs["aria-describedby"] = self[name].described_by

    def add_service_errors(self, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
        """A service's ValidationError onto this form: keyed messages on their fields (`aliases` maps a service's
        name for a field to the form's), the rest at the top."""
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                name = (aliases or {}).get(key, key)
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, exc.messages)

    @property
    def first_field_id(self) -> str:
        first = next(iter(self.fields), None)
        return self[first].anchor_id if first else "main-content"


class SignInForm(GovukFormMixin, AuthenticationForm):
    """Email and password. The error says only that the pair was wrong, never which part."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is not active. Ask your administrator.",
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label="Email address",
            max_length=254,
            error_messages={
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
            widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "class": "govuk-input"}),
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


# --- people ----------------------------------------------------------------------------------------


def _ethnicity_choices() -> list[tuple[str, str]]:
    return [("", "Not recorded"), *ethnicity_choices()]


class PersonSearchForm(GovukFormMixin, forms.Form):
    DOB_RANGES = [
        ("0", "Exact date"),
        ("7", "Within a week either side"),
        ("31", "Within a month either side"),
        ("183", "Within 6 months either side"),
        ("366", "Within a year either side"),
    ]

    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="First and last name. Spellings that sound alike are found too.",
    )
    dob = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2015")
    dob_range = forms.ChoiceField(
        label="How close to that date",
        choices=DOB_RANGES,
        required=False,
        error_messages={"invalid_choice": "Choose how close to the date of birth from the list"},
    )
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=20, help_text="10 digits, for example 943 476 5919"
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=16)
    # Break-glass (issue 17 item 2): only for a user who may break glass (cases.permissions.may_break_glass).
    whole_council = forms.BooleanField(
        label="Search the whole council",
        required=False,
        help_text="Only when you need a child's record outside your work. You must give a reason; the privacy "
        "officer is told.",
    )
    reason = forms.CharField(
        label="Why you need to search the whole council",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the emergency duty team has asked about a child you do not work with.",
    )

    def __init__(self, *args, break_glass: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.break_glass = break_glass
        if not break_glass:
            del self.fields["whole_council"]
            del self.fields["reason"]

    def clean_nhs_number(self) -> str:
        value = validators.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validators.validate_nhs_number(value)
        return value

    def clean(self):
        data = super().clean()
        if self.break_glass and data.get("whole_council"):
            data["reason"] = (data.get("reason") or "").strip()
            if not data["reason"]:
                self.add_error("reason", "Give the reason you need to search the whole council")
        return data

    @property
    def searches_whole_council(self) -> bool:
        return bool(self.break_glass and self.is_bound and self.is_valid() and self.cleaned_data.get("whole_council"))

    def criteria_values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name", "").strip(),
            "date_of_birth": data.get("dob"),
            "dob_range_days": int(data.get("dob_range") or 0),
            "nhs_number": data.get("nhs_number", ""),
            "postcode": data.get("postcode", "").strip(),
        }


# The person's own fields, in the services' names (cases.services.PERSON_EDITABLE_FIELDS).
PERSON_FORM_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "gender_identity",
    "ethnicity",
    "disabilities",
    "first_language",
    "interpreter_needed",
    "nhs_number",
    "upn",
)


class PersonForm(GovukFormMixin, forms.Form):
    """The person's details, as on the create and edit pages."""

    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the first name"}
    )
    middle_names = forms.CharField(label="Middle names", max_length=200, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter the last name"})
    preferred_name = forms.CharField(
        label="Preferred name",
        max_length=100,
        required=False,
        help_text="What the person likes to be called, if different",
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2015")
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="For an unborn child only. For example, 14 9 2026"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="As the CIN census records it. If you leave this blank it is recorded as not known.",
        error_messages={"invalid_choice": "Select male, female or not known"},
    )
    gender_identity = forms.CharField(
        label="Gender identity", max_length=100, required=False, help_text="As the person describes it"
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=_ethnicity_choices,
        required=False,
        error_messages={"invalid_choice": "Choose an ethnicity from the list of CIN census codes"},
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        choices=disability_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
        error_messages={"invalid_choice": "Choose disabilities from the list of CIN census codes"},
    )
    first_language = forms.CharField(label="First language", max_length=60, required=False)
    interpreter_needed = forms.BooleanField(label="An interpreter is needed", required=False)
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        required=False,
        help_text="10 digits, for example 943 476 5919. Leave blank if not known.",
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=20,
        required=False,
        help_text="13 characters, for example A123456789012",
    )

    def clean_nhs_number(self) -> str:
        value = validators.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validators.validate_nhs_number(value)
        return value

    def clean_upn(self) -> str:
        value = self.cleaned_data["upn"].strip().upper()
        if value:
            validators.validate_upn(value)
        return value

    def clean_disabilities(self) -> list[str]:
        values = self.cleaned_data["disabilities"]
        validators.validate_disabilities(values)
        return values

    def person_data(self) -> dict:
        """The person's fields in the services' names (only those that passed the form's checks)."""
        cleaned = getattr(self, "cleaned_data", {})
        data = {name: cleaned[name] for name in PERSON_FORM_FIELDS if name in cleaned}
        data["sex"] = data.get("sex") or Sex.UNKNOWN
        return data


class PersonCreateForm(PersonForm):
    line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=16, required=False)
    safe_address = forms.BooleanField(
        label="This is a safe address (only council social care and your agency will see where it is)",
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()
        line1, town, postcode = (data.get(k, "").strip() for k in ("line1", "town", "postcode"))
        if (line1 or town or postcode) and not {"line1", "town", "postcode"} & set(self.errors):
            if not line1:
                self.add_error("line1", "Enter address line 1, or leave the whole address blank")
            if not postcode:
                self.add_error("postcode", "Enter the postcode, or leave the whole address blank")
            else:
                try:
                    validators.validate_postcode(postcode)
                except ValidationError as exc:
                    self.add_error("postcode", exc)
        return data

    @property
    def address(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("line1"):
            return None
        return {
            "line1": data["line1"].strip(),
            "town": data.get("town", "").strip(),
            "postcode": data["postcode"].strip(),
            "safe_address": bool(data.get("safe_address")),
        }


class PersonEditForm(PersonForm):
    date_of_death = GovukDateField(label="Date of death", required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This page is out of date: open the record again, then make your changes",
            "invalid": "This page is out of date: open the record again, then make your changes",
            "min_value": "This page is out of date: open the record again, then make your changes",
        },
    )

    field_order = list(PERSON_FORM_FIELDS)


# --- chronology ---------------------------------------------------------------------------------------


class ChronologyFilterForm(GovukFormMixin, forms.Form):
    strand = forms.ChoiceField(
        label="Strand",
        choices=[("", "All strands"), *Strand.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a strand from the list"},
    )
    significant = forms.BooleanField(label="Significant events only", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added here rather than declared above.
        self.fields["from"] = GovukDateField(label="From", required=False, help_text="For example, 1 9 2025")
        self.fields["to"] = GovukDateField(label="To", required=False, help_text="For example, 31 3 2026")
        for name in ("from", "to"):
            self.fields[name].widget.attrs["class"] = "govuk-input"

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", "The 'to' date must be the same as or after the 'from' date")
        return data

    def filters(self) -> dict:
        """The filters that are valid: a bad one is shown as an error and ignored, never a 500."""
        data = getattr(self, "cleaned_data", {})
        return {
            "strand": data.get("strand") or "",
            "significant_only": bool(data.get("significant")),
            "date_from": data.get("from"),
            "date_to": data.get("to"),
        }


# --- case notes ----------------------------------------------------------------------------------------

_YES_NO = [("yes", "Yes"), ("no", "No")]
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def _yes_no(value: str) -> bool:
    return value == "yes"


class CaseNoteForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of contact was it?",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of note", "invalid_choice": "Select the kind of note"},
    )
    occurred_on = GovukDateField(
        label="Date",
        required=True,
        help_text="When it happened. For example, 27 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    occurred_time = forms.CharField(
        label="Time (optional)", required=False, max_length=5, help_text="Use the 24-hour clock, for example 14:30"
    )
    subject = forms.CharField(label="Subject", max_length=200, error_messages={"required": "Enter a subject"})
    body = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 8}), error_messages={"required": "Enter the note"}
    )
    significant = forms.BooleanField(
        label="This is a significant event (it will appear in the chronology)", required=False
    )
    child_seen = forms.TypedChoiceField(
        label="Was the child seen?",
        choices=_YES_NO,
        coerce=_yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        help_text="Required for a visit",
    )
    child_seen_alone = forms.TypedChoiceField(
        label="Was the child seen alone?",
        choices=_YES_NO,
        coerce=_yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    visibility_tags = forms.MultipleChoiceField(
        label="This note contains",
        choices=VisibilityTag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean_occurred_time(self) -> dt.time | None:
        value = self.cleaned_data["occurred_time"].strip()
        if not value:
            return None
        match = _TIME.match(value)
        if not match:
            raise ValidationError("Enter a time using the 24-hour clock, like 14:30")
        return dt.time(int(match[1]), int(match[2]))

    def clean(self) -> dict:
        data = super().clean()
        # A visit records whether the child was seen (the service insists) and, if so, whether alone.
        if (
            data.get("kind") == CaseNote.Kind.VISIT
            and data.get("child_seen")
            and data.get("child_seen_alone") is None
            and "child_seen_alone" not in self.errors
        ):
            self.add_error("child_seen_alone", "Say whether the child was seen alone")
        if data.get("occurred_on"):
            naive = dt.datetime.combine(data["occurred_on"], data.get("occurred_time") or dt.time(0, 0))
            data["occurred_at"] = timezone.make_aware(naive)
        return data

    def note_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "occurred_at": data["occurred_at"],
            "subject": data["subject"].strip(),
            "body": data["body"],
            "significant": data["significant"],
            "child_seen": data["child_seen"],
            "child_seen_alone": data["child_seen_alone"],
            "visibility_tags": data["visibility_tags"],
        }

    @staticmethod
    def initial_from(note: CaseNote) -> dict:
        local = timezone.localtime(note.occurred_at)
        as_yes_no = {True: "yes", False: "no", None: None}
        return {
            "kind": note.kind,
            "occurred_on": local.date(),
            "occurred_time": local.strftime("%H:%M") if (local.hour, local.minute) != (0, 0) else "",
            "subject": note.subject,
            "body": note.body,
            "significant": note.significant,
            "child_seen": as_yes_no[note.child_seen],
            "child_seen_alone": as_yes_no[note.child_seen_alone],
            "visibility_tags": note.visibility_tags,
            "version": note.version,
        }


class CorrectionForm(GovukFormMixin, forms.Form):
    body = forms.CharField(
        label="Correction",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was wrong and what is right. The note itself is not changed.",
        error_messages={"required": "Enter the correction"},
    )


# --- merging duplicates ----------------------------------------------------------------------------------


class MergeChooseForm(GovukFormMixin, forms.Form):
    duplicate = forms.CharField(
        label="LA child ID of the duplicate record",
        max_length=20,
        help_text="For example, 999C00000123",
        error_messages={"required": "Enter the LA child ID of the duplicate record"},
    )

    def clean_duplicate(self) -> str:
        return self.cleaned_data["duplicate"].strip().upper()


class MergeForm(GovukFormMixin, forms.Form):
    merged = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the duplicate record again",
            "invalid": "Choose the duplicate record again",
        },
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the same NHS number on a health record, or confirmed with the school",
        error_messages={"required": "Say why these are the same person"},
    )


class UnmergeForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this merge being undone?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the merge is being undone"},
    )


# --- audit ---------------------------------------------------------------------------------------------


class AuditFilterForm(GovukFormMixin, forms.Form):
    email = forms.CharField(label="Email address contains", required=False, max_length=254)
    verb = forms.CharField(
        label="Action starts with", required=False, max_length=100, help_text="For example, person. or auth.sign_in"
    )
