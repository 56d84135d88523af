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
