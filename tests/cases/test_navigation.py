"""Navigation follows the user's roles."""

import pytest

from cases.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def nav_labels(client) -> list[str]:
    return [item["label"] for item in client.get("/").context["nav_items"]]


def test_admin_sees_administration_and_a_partner_does_not(client, council, school_dsl):
    admin = UserFactory(agency=council, roles=[Role.ADMIN], is_staff=True)
    client.force_login(admin)
    assert "Administration" in nav_labels(client)
    client.force_login(school_dsl)
    assert "Administration" not in nav_labels(client)
    assert nav_labels(client) == [
        "Home",
        "Refer a child",
        "My referrals",
        "Information requests",
        "My families",  # a school DSL may be in a team around a family: its plan is theirs (the summary level)
        "Notifications",
    ]


def test_home_shows_agency_teams_and_roles(client, triage_officer):
    client.force_login(triage_officer)
    html = client.get("/").content.decode()
    assert "Test Council Children&#x27;s Social Care" in html
    assert "Test Front Door" in html
    assert "Triage officer" in html


def test_the_navigation_tag_writes_what_the_template_wrote(client, triage_officer):
    """base.html's menu is written by cases.templatetags.page.service_navigation: the same markup as the template
    block it replaced (tests/cases/reference/navigation.html), for a signed-in user on a page of the menu."""
    import re
    from pathlib import Path

    from django.middleware.csrf import get_token
    from django.template import Context, Template
    from django.test import RequestFactory

    from tests.support import squash_html

    reference = (Path(__file__).parent / "reference" / "navigation.html").read_text()
    request = RequestFactory().get("/")
    request.user = triage_officer
    client.force_login(triage_officer)
    items = client.get("/").context["nav_items"]  # as the context processor builds them (Home is current)
    assert any(item["current"] for item in items) and not all(item["current"] for item in items)
    items = [*items, {"label": 'A <b>"label"</b> & more', "url": "/x/?a=1&b=2", "current": False, "description": ""}]
    context = {"nav_items": items, "user": triage_officer, "request": request}

    def squash(html: str) -> str:
        html = squash_html(html)  # spaces around tags: the old template's indents
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)  # masked afresh on each render

    old = Template("{% load page %}" + reference.replace("{% url 'logout' %}", "{% site_url 'logout' %}"))
    new = Template("{% load page %}{% service_navigation %}")
    csrf = {"csrf_token": get_token(request)}  # what a RequestContext gives the old template's {% csrf_token %}
    assert squash(new.render(Context(context))) == squash(old.render(Context({**context, **csrf})))
    assert "TOKEN" in squash(new.render(Context(context)))
    assert squash(new.render(Context({**context, "nav_items": []}))) == ""
