"""The parts of every page's frame (templates/base.html) that are written in Python: the service navigation and the
links and asset paths that never change in a process. Every page renders the frame, so its template lookups were a
fixed cost of each request; these tags write the same markup directly."""

from functools import cache

from django import template
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@cache
def _url(url_name: str, script_prefix: str) -> str:
    return reverse(url_name)


@cache
def _static(path: str) -> str:
    return static(path)


@register.simple_tag
def site_url(url_name: str) -> str:
    """`{% url %}` for the frame's argument-free links, reversed once per process (and script prefix)."""
    return _url(url_name, get_script_prefix())


@register.simple_tag
def site_static(path: str) -> str:
    """`{% static %}` for the frame's assets, resolved once per process (the manifest does not change in one)."""
    return _static(path)


@register.simple_tag(takes_context=True)
def service_navigation(context) -> str:
    """The GOV.UK service navigation's menu: the entries the context processor chose (cases.navigation), the
    current one marked, and the sign-out button for a signed-in user. Nothing when there are no entries."""
    items = context.get("nav_items")
    if not items:
        return ""
    lines = [
        '<nav aria-label="Menu" class="govuk-service-navigation__wrapper">',
        '<button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" '
        'aria-controls="navigation" hidden>Menu</button>',
        '<ul class="govuk-service-navigation__list" id="navigation">',
    ]
    for item in items:
        label, url = conditional_escape(item["label"]), conditional_escape(item["url"])
        if item["current"]:
            lines.append(
                '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
                f'<a class="govuk-service-navigation__link" href="{url}" aria-current="page">'
                f'<strong class="govuk-service-navigation__active-fallback">{label}</strong></a></li>'
            )
        else:
            lines.append(
                '<li class="govuk-service-navigation__item">'
                f'<a class="govuk-service-navigation__link" href="{url}">{label}</a></li>'
            )
    user = context.get("user")
    request = context.get("request")
    if user is not None and user.is_authenticated and request is not None:
        token = conditional_escape(context.get("csrf_token") or get_token(request))  # the page's one masked token
        lines.append(
            '<li class="govuk-service-navigation__item">'
            f'<form method="post" action="{conditional_escape(_url("logout", get_script_prefix()))}" '
            'class="app-inline-form">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<button type="submit" class="govuk-service-navigation__link govuk-!-margin-0 app-link-button">'
            "Sign out</button></form></li>"
        )
    lines.append("</ul></nav>")
    return mark_safe("\n".join(lines))  # noqa: S308 - labels, links and the token are escaped above  # nosec B308 B703
