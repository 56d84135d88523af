"""The form renderer: Django's own widget templates, with the plain ones written out directly.

Every form field on a page renders its widget through a template (`input.html`, which includes `attrs.html`),
and on a search or plan page those widget templates were a third of the page's rendering time. The widgets
whose templates are a single element (text-like inputs, checkboxes, textareas) and plain selects are written
here in Python to the same bytes; everything else (radios, checkbox lists, multi-widgets) still renders its
template.

The fast path is used only while the template Django would render is Django's own: a project template
overriding one of these names turns the fast path off for that name (checked once, when first rendered).
tests/cases/test_form_renderer.py compares both renderers' output widget by widget.
"""

from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_DJANGO_WIDGETS = Path(django.__file__).resolve().parent / "forms" / "templates" / "django" / "forms" / "widgets"

# Widget templates that are exactly Django's input.html (each is `{% include "django/forms/widgets/input.html" %}`).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "time",
        "datetime",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
_TEXTAREA = "django/forms/widgets/textarea.html"
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_INPUT = "django/forms/widgets/input.html"
_ATTRS = "django/forms/widgets/attrs.html"


def _attrs(attrs: dict) -> str:
    # attrs.html: {% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}
    # {% if value is not True %}="{{ value|stringformat:'s' }}"{% endif %}{% endif %}{% endfor %}
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            text = value if isinstance(value, SafeString) else "%s" % (value,)  # noqa: UP031 (stringformat:'s')
            parts.append(f' {conditional_escape(name)}="{conditional_escape(text)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = ""
    if value != None:  # noqa: E711 (the template's `widget.value != None`, equality as written there)
        text = value if isinstance(value, SafeString) else "%s" % (value,)  # noqa: UP031
        shown = f' value="{conditional_escape(text)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _select(widget: dict) -> str | None:
    # select.html and select_option.html, for a select whose options all use select_option.html.
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            value = option["value"]
            text = value if isinstance(value, SafeString) else "%s" % (value,)  # noqa: UP031
            parts.append(
                f'\n  <option value="{conditional_escape(text)}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # select_option.html ends in a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()  # as the renderer strips a rendered template


class FormRenderer(DjangoTemplates):
    """FORM_RENDERER: DjangoTemplates, with the single-element widgets written directly (same output)."""

    def __init__(self) -> None:
        super().__init__()
        self._fast: dict[tuple[str, ...], bool] = {}

    def _is_djangos_own(self, *template_names: str) -> bool:
        """Whether these templates (the widget's and those it includes) all resolve to Django's own files."""
        fast = self._fast.get(template_names)
        if fast is None:
            fast = self._fast[template_names] = all(
                Path(self.get_template(name).origin.name).resolve().parent == _DJANGO_WIDGETS for name in template_names
            )
        return fast

    def render(self, template_name, context, request=None):
        if template_name in _INPUT_TEMPLATES and self._is_djangos_own(template_name, _INPUT, _ATTRS):
            return mark_safe(_input(context["widget"]))  # noqa: S308 (every value is escaped above)  # nosec B308 B703
        if template_name == _TEXTAREA and self._is_djangos_own(template_name, _ATTRS):
            return mark_safe(_textarea(context["widget"]))  # noqa: S308 (escaped above)  # nosec B308 B703
        if template_name == _SELECT and self._is_djangos_own(template_name, _OPTION, _ATTRS):
            html = _select(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 (escaped above)  # nosec B308 B703
        return super().render(template_name, context, request=request)
