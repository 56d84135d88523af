"""Fixtures for the shared record: people built through the services, as users would build them."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from cases.models import User
from tests.conftest import need_level  # noqa: E402,F401  (re-exported for older imports)

# --- the people API (tests/cases/test_api_*.py) ----------------------------------------------------------


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def make_api_user(council):
    """A practitioner with the given roles, in the council unless another agency is given."""
    from tests.factories import UserFactory

    def make(*roles: str, agency=None, teams=(), **extra):
        return UserFactory(agency=agency or council, roles=list(roles), teams=list(teams), **extra)
    return make


@pytest.fixture
def api_involve(triage_officer):
    """Make a practitioner involved with a child (access follows at once), as the front door would."""
    from cases.models import InvolvementRole
    from cases.services import involvement_add

    def involve(person, user, role=InvolvementRole.TAF_MEMBER):
        return involvement_add(person=person, actor=triage_officer, role=role, user=user)
    return involve


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """The full demo data (seed_demo), written once per test module and rolled back after it.

    Each test still runs in its own savepoint inside this transaction, so what a test writes is undone
    while the demo data stays for the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo_user(db):
    """A seed_demo user by email, read fresh (roles are cached per instance)."""
    def get(email: str) -> User:
        return User.objects.get(email=email)
    return get


# --- the record's pages (tests/cases/test_pages_*.py, tests/browser/test_record_journey.py) -----------------


@pytest.fixture
def privacy_officer(council):
    from cases.models import Role
    from tests.factories import UserFactory

    return UserFactory(email="privacy@example.test", full_name="Pat Privacy", agency=council,
                       roles=[Role.PRIVACY_OFFICER])


@pytest.fixture
def front_door_manager(council):
    from cases.models import Role
    from tests.factories import UserFactory

    return UserFactory(email="fdm@example.test", full_name="Fran Manager", agency=council,
                       roles=[Role.FRONT_DOOR_MANAGER])


@pytest.fixture
def health_fhlp(db):
    """A Family Help Lead Practitioner from a partner agency: sees only the children they work with."""
    from cases.models import AgencyType, Role
    from tests.factories import AgencyFactory, UserFactory

    health = AgencyFactory(name="Test Health Visiting", type=AgencyType.HEALTH)
    return UserFactory(email="hv@example.test", full_name="Hana Visitor", agency=health, roles=[Role.FHLP])


@pytest.fixture
def valid_upn():
    """A UPN with a correct check letter, for any 11 digits (and a final digit)."""
    from cases.validators import upn_check_letter

    def make(tail: str = "999012345670") -> str:
        return upn_check_letter(tail) + tail
    return make
