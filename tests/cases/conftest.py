"""Fixtures for the shared record: people built through the services, as users would build them."""

import datetime as dt

import pytest

from cases.models import NeedLevel, Person
from cases.services import person_create


@pytest.fixture
def make_person(triage_officer):
    def make(first="Amelia", last="Hartley", dob=dt.date(2015, 3, 14), actor=None, **extra) -> Person:
        return person_create(actor=actor or triage_officer,
                             data={"first_name": first, "last_name": last, "date_of_birth": dob, **extra})
    return make


@pytest.fixture
def level(db):
    def get(code: str) -> NeedLevel:
        return NeedLevel.objects.get(code=code)
    return get
