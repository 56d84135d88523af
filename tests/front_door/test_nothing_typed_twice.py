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


# --- item 11: a partner sees what it needs to search its own systems ----------------------------------------------


def _answer_page(client, partner, request) -> str:
    client.force_login(partner)
    response = client.get(reverse("front_door:information_request_respond", args=[request.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_partner_answering_sees_the_childs_name_date_of_birth_address_and_nhs_number(
    client, triage_officer, police_officer, make_person
):
    from cases.services import person_add_address
    from front_door.services import contact_child_link, information_request_send

    matched = make_person(first="Amelia", last="Hartley", dob=dt.date(2015, 3, 14), nhs_number="4010232137")
    person_add_address(person=matched, actor=triage_officer, line1="3 Birch Row", town="Eastfield", postcode="LS1 4AP")
    contact = _contact(triage_officer, children=[dict(RUBY_GIVEN), {"given_first_name": "Amelia"}])
    contact_child_link(contact_child=contact.children.order_by("id")[1], person=matched, actor=triage_officer)
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    page = _answer_page(client, police_officer, request)
    # Not matched yet: what the referrer gave.
    for text in ("Ruby Quinton", "4 September 2017", "14 Larch Close, Eastfield", "LS12 3AB", "943 476 5919"):
        assert text in page
    # Matched: the record's.
    for text in ("Amelia Hartley", "14 March 2015", "3 Birch Row, Eastfield, LS1 4AP", "401 023 2137"):
        assert text in page
    assert contact.worry not in page
    assert AuditEvent.objects.filter(verb="information_request.viewed", actor_id=police_officer.pk).count() == 1


def test_a_partner_never_sees_a_safe_address_nor_the_address_the_referrer_gave_for_that_child(
    client, triage_officer, police_officer, make_person
):
    from cases.services import person_add_address
    from front_door.services import contact_child_link, information_request_send

    child = make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4))
    person_add_address(person=child, actor=police_officer, line1="Refuge 9", postcode="LS2 7QQ", safe_address=True)
    contact = _contact(triage_officer)
    contact_child_link(contact_child=contact.children.get(), person=child, actor=triage_officer)
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    # The police recorded the refuge, and may read it on the record: the answer page still never shows it.
    page = _answer_page(client, police_officer, request)
    assert "Ruby Quinton" in page and "4 September 2017" in page
    for text in ("Refuge 9", "LS2 7QQ", "Larch Close", "LS12 3AB"):
        assert text not in page
    assert "A safe address is held: it is not shared" in page


def test_a_partner_sees_only_restricted_record_for_a_restricted_child(
    client, triage_officer, front_door_manager, police_officer, make_person
):
    from cases.services import person_restrict
    from front_door.services import contact_child_link, information_request_send

    child = make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4), nhs_number="9434765919")
    person_restrict(person=child, actor=front_door_manager, reason="high_profile", access_users=[triage_officer])
    contact = _contact(triage_officer)
    contact_child_link(contact_child=contact.children.get(), person=child, actor=triage_officer)
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    page = _answer_page(client, police_officer, request)
    assert "Restricted record" in page
    for text in ("Ruby", "Quinton", "2017", "943 476 5919", "Larch Close", "LS12"):
        assert text not in page


def test_one_request_goes_to_several_agencies_each_with_its_own_request_and_deadline(
    client, triage_officer, police_officer, health_practitioner, school_dsl
):
    from cases.models import Deadline
    from front_door.models import InformationRequest

    contact = _contact(triage_officer)
    url = reverse("front_door:information_request_create", args=[contact.pk])
    client.force_login(triage_officer)
    page = client.get(url).content.decode()
    assert 'type="checkbox"' in page and 'name="agencies"' in page
    empty = client.post(url, {"question": "Anything known?"}).content.decode()
    assert "Choose at least one agency to ask" in empty
    assert "Anything known?" in empty  # the question typed is kept
    agencies = [police_officer.agency, health_practitioner.agency, school_dsl.agency]
    response = client.post(url, {"agencies": [a.pk for a in agencies], "question": "Anything known?"})
    assert response.status_code == 302
    requests = list(InformationRequest.objects.filter(contact=contact).order_by("agency__name"))
    assert {r.agency for r in requests} == set(agencies)
    assert all(r.question == "Anything known?" and r.due_at <= contact.decision_due_at for r in requests)
    assert Deadline.objects.filter(kind="front_door.information_request").count() == 3
    assert AuditEvent.objects.filter(verb="information_request.sent", actor_id=triage_officer.pk).count() == 3


def test_several_agencies_are_refused_together_when_one_cannot_receive_a_request(
    triage_officer, police_officer, school_dsl
):
    from django.core.exceptions import ValidationError

    from front_door.models import InformationRequest
    from front_door.services import information_requests_send
    from tests.factories import AgencyFactory

    no_liaison = AgencyFactory(name="Test Housing Association", type="housing")
    contact = _contact(triage_officer)
    with pytest.raises(ValidationError) as exc:
        information_requests_send(
            contact=contact,
            actor=triage_officer,
            agencies=[police_officer.agency, no_liaison],
            question="Anything known?",
        )
    assert "Test Housing Association has no liaison team" in exc.value.message_dict["agencies"][0]
    assert not InformationRequest.objects.exists()


def test_the_agency_inbox_api_gives_the_address_and_nhs_number_but_never_a_safe_address(
    api_client, triage_officer, police_officer, make_person
):
    from cases.services import person_add_address
    from front_door.services import contact_child_link, information_request_send

    safe = make_person(first="Amelia", last="Hartley", dob=dt.date(2015, 3, 14))
    person_add_address(person=safe, actor=triage_officer, line1="Refuge 9", postcode="LS2 7QQ", safe_address=True)
    contact = _contact(triage_officer, children=[dict(RUBY_GIVEN), {"given_first_name": "Amelia"}])
    contact_child_link(contact_child=contact.children.order_by("id")[1], person=safe, actor=triage_officer)
    information_request_send(contact=contact, actor=triage_officer, agency=police_officer.agency, question="Known?")
    api_client.force_authenticate(police_officer)
    children = api_client.get("/api/v1/information-requests/").json()["results"][0]["children"]
    assert [(c["name"], c["address"], c["nhs_number"]) for c in children] == [
        ("Ruby Quinton", "14 Larch Close, Eastfield, LS12 3AB", "9434765919"),
        ("Amelia Hartley", "A safe address is held: it is not shared", ""),
    ]


# --- item 10: the household named on the referral becomes the family ------------------------------------------------

HOUSEHOLD = [
    {"relationship": "mother", "first_name": "Jade", "last_name": "Quinton", "date_of_birth": dt.date(1990, 5, 1)},
    {"relationship": "sibling", "first_name": "Theo", "last_name": "Quinton", "date_of_birth": dt.date(2020, 2, 2)},
]


def test_the_household_named_on_a_referral_becomes_the_family_when_the_work_is_allocated(
    triage_officer, school_dsl, fh_manager, sw_fhlp, levels
):
    from cases.models import FamilyCaseMember, Relationship, WorkRequest
    from family_help.services.allocation import allocation_create
    from front_door.services import decision_record

    contact, _ = contact_create(actor=school_dsl, data=CONTACT, children=[dict(RUBY_GIVEN)], household=HOUSEHOLD)
    assert [(p.relationship, p.first_name) for p in contact.household.order_by("id")] == [
        ("mother", "Jade"),
        ("sibling", "Theo"),
    ]
    ruby = contact_child_create_and_link(
        contact_child=contact.children.get(), actor=triage_officer, data={"first_name": "Ruby", "last_name": "Quinton"}
    )
    jade, theo = Person.objects.get(first_name="Jade"), Person.objects.get(first_name="Theo")
    assert (jade.date_of_birth, theo.date_of_birth) == (dt.date(1990, 5, 1), dt.date(2020, 2, 2))
    assert Relationship.objects.filter(from_person=jade, to_person=ruby, type="mother").exists()
    assert Relationship.objects.filter(from_person=theo, to_person=ruby, type="sibling").exists()
    assert AuditEvent.objects.filter(verb="relationship.added", actor_id=triage_officer.pk).count() == 2
    decision_record(
        contact=contact, actor=triage_officer, outcome=7, level=levels["targeted_early_help"], rationale="Early help"
    )
    request = WorkRequest.objects.get(person=ruby, kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION)
    allocation = allocation_create(work_request=request, actor=fh_manager, lead=sw_fhlp, reason="Capacity")
    members = {
        (m.person.first_name, m.role) for m in FamilyCaseMember.objects.filter(family_case=allocation.family_case)
    }
    assert members == {("Ruby", "child"), ("Theo", "child"), ("Jade", "parent")}


def test_a_matched_childs_household_reuses_the_people_already_on_the_record(triage_officer, make_person):
    from cases.models import Relationship
    from cases.services import relationship_add
    from front_door.services import contact_household_carry

    ruby = make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4))
    jade = make_person(first="Jade", last="Quinton", dob=dt.date(1990, 5, 1))
    relationship_add(actor=triage_officer, from_person=jade, to_person=ruby, type="mother")
    contact, _ = contact_create(actor=triage_officer, data=CONTACT, children=[{"person": ruby}], household=HOUSEHOLD)
    contact_household_carry(contact_child=contact.children.get(), actor=triage_officer)
    contact_household_carry(contact_child=contact.children.get(), actor=triage_officer)  # twice: nothing doubled
    assert Person.objects.filter(first_name="Jade").count() == 1
    assert Person.objects.filter(first_name="Theo").count() == 1
    assert Relationship.objects.filter(to_person=ruby).count() == 2


def test_the_household_is_optional_but_a_person_in_it_needs_a_relationship_and_a_name(triage_officer):
    from django.core.exceptions import ValidationError

    from front_door.models import Contact

    with pytest.raises(ValidationError) as exc:
        contact_create(
            actor=triage_officer,
            data=CONTACT,
            children=[dict(RUBY_GIVEN)],
            household=[{"relationship": "uncle", "first_name": "", "last_name": "Quinton"}],
        )
    errors = exc.value.message_dict["household"]
    assert "Person 1 in the household: choose how they are related to the child" in errors
    assert "Person 1 in the household: enter their first name" in errors
    assert not Contact.objects.exists()


def test_the_partner_form_asks_for_the_household_and_keeps_it_on_error(client, school_dsl):
    from front_door.models import Contact

    client.force_login(school_dsl)
    url = reverse("front_door:partner_referral")
    page = client.get(url).content.decode()
    assert "Parents, carers and other children in the household (optional)" in page
    assert 'name="household-0-relationship"' in page
    post = {
        "referrer_name": "Dana School",
        "source_code": "2A",
        "worry": "Hungry and bruised",
        "consent": "knows_and_agrees",
        "idempotency_key": "k-household",
        "child-TOTAL_FORMS": "1",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "12",
        "child-0-given_first_name": "Ruby",
        "child-0-given_last_name": "Quinton",
        "household-TOTAL_FORMS": "2",
        "household-INITIAL_FORMS": "0",
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "12",
        "household-0-relationship": "mother",
        "household-0-first_name": "Jade",
        "household-0-last_name": "",
        "household-1-relationship": "",
    }
    refused = client.post(url, post).content.decode()
    assert "Enter their last name" in refused and 'value="Jade"' in refused and not Contact.objects.exists()
    assert client.post(url, {**post, "household-0-last_name": "Quinton"}).status_code == 302
    assert [(p.first_name, p.last_name) for p in Contact.objects.get().household.all()] == [("Jade", "Quinton")]


def test_the_api_takes_the_household(api_client, school_dsl):
    from front_door.models import Contact

    api_client.force_authenticate(school_dsl)
    body = {
        "referrer_name": "Dana School",
        "source_code": "2A",
        "worry": "Hungry",
        "consent": "knows_and_agrees",
        "children": [{"first_name": "Ruby", "last_name": "Quinton"}],
        "household": [{"relationship": "father", "first_name": "Lee", "last_name": "Quinton"}],
    }
    response = api_client.post("/api/v1/contacts/", body, format="json")
    assert response.status_code == 201, response.content
    assert [(p.relationship, p.first_name) for p in Contact.objects.get().household.all()] == [("father", "Lee")]
    bad = api_client.post(
        "/api/v1/contacts/", {**body, "household": [{"relationship": "cousin", "first_name": "X"}]}, format="json"
    )
    assert bad.status_code == 400 and Contact.objects.count() == 1
