"""The form renderer writes the single-element widgets itself: its output must be Django's, byte for byte."""

import datetime as dt

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from cases.web.forms import FormRenderer

TRICKY = ['a "quoted" <b>value</b> & more', "", "0", 0, 12.5, mark_safe("<i>safe</i>"), None]


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="hint", widget=forms.TextInput(attrs={"class": "govuk-input"}))
    number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "autofocus": True}))
    time = forms.TimeField(required=False)
    flag = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": False, "x": True}))
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": 'a"b'}))
    choice = forms.ChoiceField(required=False, choices=[("a", "A <one>"), ("b", "B")])
    grouped = forms.ChoiceField(
        required=False, choices=[("", "Choose"), ("Group <1>", [("0", "Zero"), ("12.5", "Twelve")]), ("z", "Z")]
    )
    several = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")])
    many = forms.MultipleChoiceField(required=False, choices=[("x", "X")], widget=forms.CheckboxSelectMultiple)


def _both(**kwargs) -> list[tuple[str, str, str]]:
    """Each field's widget as this project's renderer writes it and as Django's templates do."""
    fast, django = Everything(renderer=FormRenderer(), **kwargs), Everything(renderer=DjangoTemplates(), **kwargs)
    fast.is_valid(), django.is_valid()
    return [(name, str(fast[name]), str(django[name])) for name in fast.fields]


def test_the_project_uses_this_renderer():
    assert settings.FORM_RENDERER == "cases.web.forms.FormRenderer"


@pytest.mark.parametrize("value", TRICKY)
def test_bound_widgets_render_as_django_does(value):
    # Submitted data is always text (a number arrives as "12.5").
    data = {
        name: value if isinstance(value, str) else str(value) for name in Everything.base_fields if value is not None
    }
    for name, fast, django in _both(data=data):
        assert fast == django, name


@pytest.mark.parametrize("value", TRICKY)
def test_initial_values_render_as_django_does(value):
    initial = {name: value for name in Everything.base_fields}
    initial["day"] = dt.date(2026, 12, 5)
    for name, fast, django in _both(initial=initial):
        assert fast == django, name


def test_errors_and_unbound_render_as_django_does():
    assert not Everything(data={"text": "x" * 30, "number": "ten", "flag": "on"}).is_valid()
    for name, fast, django in _both(data={"text": "x" * 30, "number": "ten", "flag": "on"}):
        assert fast == django, name
    for name, fast, django in _both():
        assert fast == django, name


def test_the_fast_path_is_taken_and_not_for_checkbox_lists():
    renderer = FormRenderer()
    form = Everything(data={"text": "hello"}, renderer=renderer)
    str(form["text"]), str(form["choice"]), str(form["many"])
    widgets = "django/forms/widgets/"
    assert renderer._fast == {
        (f"{widgets}text.html", f"{widgets}input.html", f"{widgets}attrs.html"): True,
        (f"{widgets}select.html", f"{widgets}select_option.html", f"{widgets}attrs.html"): True,
    }
