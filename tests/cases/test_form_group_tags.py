"""The form-group tags (cases.templatetags.web: govuk_field, govuk_date_input) write what the include templates they
replaced wrote, for fields with and without hints, errors and sizes, with awkward text escaped the same way."""

from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template

from cases.forms import GovukDateField, GovukFormMixin
from tests.support import squash_html

# The include templates as they were (templates/includes/field.html and date_input.html), kept as the reference.
REFERENCE = Path(__file__).parent / "reference"
FIELD_INCLUDE = (REFERENCE / "field.html").read_text()
DATE_INCLUDE = (REFERENCE / "date_input.html").read_text()

AWKWARD = 'a "quoted" <b>label</b> & more'


class Sample(GovukFormMixin, forms.Form):
    plain = forms.CharField(max_length=10)
    hinted = forms.CharField(required=False, label=AWKWARD, help_text="Hint with <tags> & 'quotes'")
    body = forms.CharField(required=False, widget=forms.Textarea, help_text="Say why")
    choice = forms.ChoiceField(required=False, choices=[("", "Choose"), ("a", "A <one>")])
    born = GovukDateField(label="Date of birth", help_text="For example, 27 3 2007")
    when = GovukDateField(label=AWKWARD, required=False)

    def clean_plain(self):
        value = self.cleaned_data["plain"]
        if value == "bad":
            raise forms.ValidationError(["First <problem>", "Second & last"])
        return value


class PlainDjango(forms.Form):  # Django's own BoundField: no hint_id or error_id of ours
    name = forms.CharField(help_text="Your name")


def _render(template: str, **context) -> str:
    return squash_html(Template(template).render(Context(context)))


DATA = [
    {},
    {"plain": "bad", "hinted": "<x>", "born_day": "31", "born_month": "2", "born_year": "2020", "when_day": "x"},
    {"plain": "ok", "hinted": "fine", "born_day": "1", "born_month": "2", "born_year": "2010", "choice": "a"},
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", ["plain", "hinted", "body", "choice"])
@pytest.mark.parametrize("label_class", ["", "govuk-label--m"])
def test_govuk_field_writes_what_the_include_wrote(data, name, label_class):
    form = Sample(data=data or None)
    form.is_valid()
    old = _render(FIELD_INCLUDE, field=form[name], label_class=label_class)
    new = _render(
        "{% load web %}{% govuk_field field label_class=label_class %}", field=form[name], label_class=label_class
    )
    assert new == old
    assert "<b>" not in new and "<tags>" not in new


def test_govuk_field_with_djangos_own_bound_field_and_errors():
    form = PlainDjango(data={"name": ""})
    assert not form.is_valid()
    old = _render(FIELD_INCLUDE, field=form["name"])
    assert _render("{% load web %}{% govuk_field field %}", field=form["name"]) == old
    assert "govuk-form-group--error" in old and 'id="id_name-hint"' in old


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", ["born", "when"])
@pytest.mark.parametrize("legend_class", ["", "govuk-fieldset__legend--s"])
def test_govuk_date_input_writes_what_the_include_wrote(data, name, legend_class):
    form = Sample(data=data or None)
    form.is_valid()
    old = _render(DATE_INCLUDE, field=form[name], legend_class=legend_class)
    new = _render(
        "{% load web %}{% govuk_date_input field legend_class=legend_class %}",
        field=form[name],
        legend_class=legend_class,
    )
    assert new == old
    assert "<b>" not in new


def test_the_error_state_is_written():
    form = Sample(data=DATA[1])
    assert not form.is_valid()
    html = _render("{% load web %}{% govuk_field f %}{% govuk_date_input d %}", f=form["plain"], d=form["born"])
    assert html.count("govuk-form-group--error") == 2
    assert "First &lt;problem&gt;<br>Second &amp; last" in html
    assert html.count("govuk-input--error") >= 3
