"""Front-door personas and helpers."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AgencyType, Role
from front_door.services import contact_create
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def fd_manager(council):
    return UserFactory(email="fdm@example.test", full_name="Fran Manager", agency=council,
                       roles=[Role.FRONT_DOOR_MANAGER])


@pytest.fixture
def lcpp(council):
    return UserFactory(email="lcpp@example.test", full_name="Lou Lead", agency=council, roles=[Role.LCPP])


@pytest.fixture
def police():
    agency = AgencyFactory(name="Test Police", type=AgencyType.POLICE)
    return UserFactory(email="pc@example.test", full_name="Pat Police", agency=agency,
                       roles=[Role.MACPT_MEMBER])


@pytest.fixture
def dsl():
    school = AgencyFactory(name="Test Primary", type=AgencyType.EDUCATION)
    return UserFactory(email="dsl1@example.test", full_name="Dee School", agency=school,
                       roles=[Role.PARTNER_REFERRER])


@pytest.fixture
def need(db):
    """All default need levels present (a transactional test elsewhere may have flushed them)."""
    from tests.conftest import need_level

    for code in ("universal", "targeted_early_help", "child_in_need", "child_protection", "pre_proceedings"):
        need_level(code)
    return need_level


CONTACT = {
    "referrer_name": "Dee School", "referrer_role": "DSL", "source_code": "2A",
    "worry": "Child arrived hungry and with bruising on both arms.", "categories": ["neglect", "physical_abuse"],
    "consent": "knows_and_agrees",
}


@pytest.fixture
def new_contact():
    def make(actor, children=None, **overrides):
        data = {**CONTACT, **overrides}
        if children is None:
            children = [{"given_first_name": "Amelia", "given_last_name": "Hartley",
                         "given_date_of_birth": dt.date(2016, 3, 14)}]
        contact, _ = contact_create(actor=actor, data=data, children=children)
        return contact
    return make


@pytest.fixture
def now():
    return timezone.now()
