"""Issue 13, "nothing typed twice" at the front door: what a referrer gives about a child is carried to the record made
from the contact (item 10), the household they name becomes the family (item 10), and a partner answering an
information request sees the identifiers it needs to search its own systems, within the restriction rules, never a
safe address; one request goes to several agencies at once (item 11)."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Address, AuditEvent, Person
from front_door.services import contact_child_create_and_link, contact_create
from tests.front_door.support import CONTACT

pytestmark = pytest.mark.django_db

RUBY_GIVEN = {
    "given_first_name": "Ruby",
    "given_last_name": "Quinton",
    "given_date_of_birth": dt.date(2017, 9, 4),
    "given_nhs_number": "9434765919",
    "given_address": "14 Larch Close, Eastfield",
    "given_postcode": "LS12 3AB",
}


def _contact(actor, children=None, **kwargs):
    contact, _ = contact_create(actor=actor, data=CONTACT, children=children or [dict(RUBY_GIVEN)], **kwargs)
    return contact


# --- item 10: what was given is carried to the record --------------------------------------------------------------


def test_a_record_created_from_a_contact_carries_the_address_date_of_birth_and_nhs_number(triage_officer, school_dsl):
    contact = _contact(school_dsl)
    child = contact.children.get()
    # What the match page's "Create a new record" passes when triage changes nothing but the sex.
    person = contact_child_create_and_link(
        contact_child=child, actor=triage_officer, data={"first_name": "Ruby", "last_name": "Quinton", "sex": "F"}
    )
    person.refresh_from_db()
    assert person.date_of_birth == dt.date(2017, 9, 4)
    assert person.nhs_number == "9434765919"
    address = Address.objects.get(person=person)
    assert (address.line1, address.town, address.postcode, address.end_date) == (
        "14 Larch Close",
        "Eastfield",
        "LS12 3AB",
        None,
    )
    assert AuditEvent.objects.filter(verb="address.added", actor_id=triage_officer.pk).count() == 1


def test_the_match_page_offers_the_given_address_and_creates_the_record_with_it(client, triage_officer, school_dsl):
    contact = _contact(school_dsl)
    child = contact.children.get()
    url = reverse("front_door:contact_child_match", args=[contact.pk, child.pk])
    client.force_login(triage_officer)
    page = client.get(url).content.decode()
    assert 'name="new-address_line1" value="14 Larch Close"' in page
    assert 'name="new-postcode" value="LS12 3AB"' in page
    post = {
        "action": "create",
        "new-first_name": "Ruby",
        "new-last_name": "Quinton",
        "new-sex": "F",
        "new-nhs_number": "9434765919",
        "new-date_of_birth_day": "4",
        "new-date_of_birth_month": "9",
        "new-date_of_birth_year": "2017",
        "new-address_line1": "14 Larch Close",
        "new-address_town": "Eastfield",
        "new-postcode": "NOT A CODE",
    }
    refused = client.post(url, post).content.decode()
    assert 'href="#id_new-postcode">Enter a real postcode' in refused and Person.objects.count() == 0
    assert 'name="new-address_line1" value="14 Larch Close"' in refused  # what was typed is kept
    assert client.post(url, {**post, "new-postcode": "ls12 3ab"}).status_code == 302
    person = Person.objects.get()
    assert str(person.addresses.get()) == "14 Larch Close, Eastfield, LS12 3AB"
