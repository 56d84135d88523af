"""Front-door fixtures: a contact recorded through the service (the personas are in tests/conftest.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from front_door.services import contact_create
from tests.front_door.support import CONTACT


@pytest.fixture
def new_contact():
    def make(actor, children=None, **overrides):
        data = {**CONTACT, **overrides}
        if children is None:
            children = [
                {
                    "given_first_name": "Amelia",
                    "given_last_name": "Hartley",
                    "given_date_of_birth": dt.date(2016, 3, 14),
                }
            ]
        contact, _ = contact_create(actor=actor, data=data, children=children)
        return contact

    return make


@pytest.fixture
def now():
    return timezone.now()
