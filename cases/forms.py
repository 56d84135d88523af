"""Form helpers: GOV.UK Design System classes and error wiring for Django forms."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for w, c in _WIDGET_CLASSES.items() if isinstance(field.widget, w)), "govuk-input")
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            base = widget.attrs.get("class", "").split(" ")[0]
            if base in _ERROR_CLASSES and _ERROR_CLASSES[base] not in widget.attrs["class"]:
                widget.attrs["class"] += f" {_ERROR_CLASSES[base]}"
            field_id = self[name].id_for_label
            widget.attrs["aria-describedby"] = f"{field_id}-error"

    @property
    def first_field_id(self) -> str:
        first = next(iter(self.fields), None)
        return self[first].id_for_label if first else "main-content"


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
            error_messages={"required": "Enter your email address", "invalid": "Enter an email address in the "
                            "correct format, like name@example.org"},
            widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "class": "govuk-input"}),
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()
