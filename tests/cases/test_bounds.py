"""Bounds on dates and names, one rule each in cases.validators, applied by the services that both the API and the
pages call (issue 12 item 5): a 400 naming the field on the API, the message on the page. Before: a date of birth in
year 1, an expected date of birth in 1990, relationship dates in 0376 and 3381 and a BEL in a first name were saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Person, Relationship
from cases.services import person_add_address, person_update, relationship_add

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
DUPLICATES = "/api/v1/people/duplicates/"
TOO_LATE = (timezone.localdate() + dt.timedelta(days=330)).isoformat()  # more than 10 months ahead


@pytest.fixture
def triage_client(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    return api_client


def _today() -> dt.date:
    return timezone.localdate()


def _person(**extra) -> dict:
    return {"first_name": "Amelia", "last_name": "Hartley", "duplicates_reviewed": True, **extra}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"date_of_birth": "0001-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"expected_date_of_birth": "1990-06-01"}, "expected_date_of_birth"),
        (
            {"expected_date_of_birth": (timezone.localdate() + dt.timedelta(days=330)).isoformat()},
            "expected_date_of_birth",
        ),
        ({"first_name": "Ame\x07lia"}, "first_name"),
        ({"last_name": "Hart\nley"}, "last_name"),
        ({"middle_names": "Jo\x00"}, "middle_names"),
        ({"preferred_name": "Millie\x1b[31m"}, "preferred_name"),
    ],
)
@pytest.mark.parametrize("url", [PEOPLE, DUPLICATES])
def test_out_of_bounds_people_are_a_400_naming_the_field(triage_client, url, extra, field):
    before = Person.objects.count()
    body = _person(**extra)
    if url == DUPLICATES:
        body.pop("duplicates_reviewed")
    response = triage_client.post(url, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    "extra",
    [
        {"date_of_birth": "1900-01-01"},
        {"date_of_birth": timezone.localdate().isoformat()},
        {"expected_date_of_birth": (timezone.localdate() + dt.timedelta(days=280)).isoformat()},
        {"first_name": "Zoë-Ann", "last_name": "O'Brien Nakamura-Łukasz"},
    ],
)
def test_the_edges_of_the_bounds_are_accepted(triage_client, extra):
    assert triage_client.post(PEOPLE, _person(**extra), format="json").status_code == 201


def test_a_patch_with_an_out_of_bounds_date_of_birth_is_a_400(triage_client, make_person):
    child = make_person()
    response = triage_client.patch(
        f"{PEOPLE}{child.pk}/", {"date_of_birth": "0001-01-01"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400 and "date_of_birth" in response.json()


def test_an_unborn_childs_record_whose_expected_date_has_passed_can_still_be_edited(triage_officer, make_person):
    # The rule is for what is entered: a record keyed months ago is not frozen by it.
    child = make_person(dob=None, expected_date_of_birth=_today() + dt.timedelta(days=10))
    Person.objects.filter(pk=child.pk).update(expected_date_of_birth=_today() - dt.timedelta(days=20))
    child.refresh_from_db()
    person_update(person=child, actor=triage_officer, data={"preferred_name": "Bump"}, expected_version=child.version)
    child.refresh_from_db()
    assert child.preferred_name == "Bump"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"start_date": "0376-01-01"}, "start_date"),
        ({"start_date": "3381-01-01"}, "start_date"),
        ({"start_date": "1899-12-31"}, "start_date"),
    ],
)
def test_relationship_start_dates_out_of_bounds_are_a_400(triage_client, make_person, extra, field):
    child, mother = make_person(), make_person(first="Ann", dob=dt.date(1990, 1, 1))
    body = {"other_person_id": mother.pk, "type": "mother", **extra}
    response = triage_client.post(f"{PEOPLE}{child.pk}/relationships/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Relationship.objects.exists()


def test_relationship_start_date_of_1900_is_accepted(triage_client, make_person):
    child, mother = make_person(), make_person(first="Ann", dob=dt.date(1990, 1, 1))
    body = {"other_person_id": mother.pk, "type": "mother", "start_date": "1900-01-01"}
    assert triage_client.post(f"{PEOPLE}{child.pk}/relationships/", body, format="json").status_code == 201


def test_a_relationship_cannot_end_before_it_starts(triage_officer, make_person):
    child, mother = make_person(), make_person(first="Ann", dob=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError) as caught:
        relationship_add(
            actor=triage_officer,
            from_person=mother,
            to_person=child,
            type="mother",
            start_date=dt.date(2020, 1, 1),
            end_date=dt.date(2019, 1, 1),
        )
    assert "end_date" in caught.value.message_dict


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"start_date": dt.date(376, 1, 1)}, "start_date"),
        ({"start_date": dt.date(3381, 1, 1)}, "start_date"),
        ({"start_date": dt.date(2020, 1, 1), "end_date": dt.date(2019, 1, 1)}, "end_date"),
    ],
)
def test_address_dates_out_of_bounds_are_refused_naming_the_field(triage_officer, make_person, dates, field):
    child = make_person()
    with pytest.raises(ValidationError) as caught:
        person_add_address(person=child, actor=triage_officer, line1="1 Road", postcode="AB1 2CD", **dates)
    assert field in caught.value.message_dict
