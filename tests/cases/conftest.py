"""Fixtures for the shared record's tests: an API client, a practitioner with given roles, an involvement made as
the front door makes it, the demo data once per module, and a valid UPN."""

import pytest

from cases.models import User

# --- the people API (tests/cases/test_api_*.py) ----------------------------------------------------------


@pytest.fixture
def make_api_user(council):
    """A practitioner with the given roles, in the council unless another agency is given."""
    from tests.factories import UserFactory

    def make(*roles: str, agency=None, teams=(), **extra):
        return UserFactory(agency=agency or council, roles=list(roles), teams=list(teams), **extra)

    return make


@pytest.fixture
def api_involve(triage_officer):
    """Make a practitioner involved with a child (access follows at once), as the front door would. By default
    as lead practitioner (the whole record); a team-around-the-family involvement gives the summary level only."""
    from cases.models import InvolvementRole
    from cases.services import involvement_add

    def involve(person, user, role=InvolvementRole.LEAD_PRACTITIONER):
        return involvement_add(person=person, actor=triage_officer, role=role, user=user)

    return involve


@pytest.fixture
def demo_user(db):
    """A seed_demo user by email, read fresh (roles are cached per instance)."""

    def get(email: str) -> User:
        return User.objects.get(email=email)

    return get


@pytest.fixture
def valid_upn():
    """A UPN with a correct check letter, for any 11 digits (and a final digit)."""
    from cases.validators import upn_check_letter

    def make(tail: str = "999012345670") -> str:
        return upn_check_letter(tail) + tail

    return make
