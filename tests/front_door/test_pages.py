"""Front-door pages: who sees what (404 otherwise), the queue's shape and cost, and input that is kept."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import AuditEvent
from front_door.models import Contact
from front_door.services import information_request_send

pytestmark = pytest.mark.django_db


def test_queue_is_ordered_by_time_left_with_rag_labels(client, triage_officer, new_contact):
    late = new_contact(triage_officer, received_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC))
    fresh = new_contact(triage_officer)
    client.force_login(triage_officer)
    html = client.get(reverse("front_door:queue")).content.decode()
    assert html.index(late.reference) < html.index(fresh.reference)
    assert "Overdue" in html and "On track" in html


def test_queue_query_count_does_not_grow_with_rows(client, triage_officer, new_contact, django_assert_max_num_queries):
    client.force_login(triage_officer)
    for _ in range(5):
        new_contact(triage_officer)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("front_door:queue"))
    for _ in range(35):
        new_contact(triage_officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("front_door:queue")).status_code == 200


@pytest.mark.parametrize("name", ["front_door:queue", "front_door:contact_create", "front_door:dashboard"])
def test_front_door_pages_are_404_for_a_school_dsl(client, school_dsl, name):
    client.force_login(school_dsl)
    assert client.get(reverse(name)).status_code == 404


def test_a_dsl_sees_only_their_own_referrals(client, school_dsl, other_dsl, new_contact):
    mine = new_contact(school_dsl)
    theirs = new_contact(other_dsl)
    client.force_login(school_dsl)
    listing = client.get(reverse("front_door:my_referrals")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(reverse("front_door:my_referral", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("front_door:contact_detail", args=[mine.pk])).status_code == 404


def test_an_agency_sees_only_requests_sent_to_it(client, triage_officer, police_officer, school_dsl, new_contact):
    contact = new_contact(triage_officer)
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Anything known?"
    )
    client.force_login(school_dsl)
    assert contact.reference not in client.get(reverse("front_door:inbox")).content.decode()
    assert client.get(reverse("front_door:information_request_respond", args=[request.pk])).status_code == 404
    client.force_login(police_officer)
    assert contact.reference in client.get(reverse("front_door:inbox")).content.decode()


def _partner_post(**overrides):
    data = {
        "referrer_name": "Dee School",
        "source_code": "2A",
        "worry": "Hungry and bruised",
        "consent": "knows_and_agrees",
        "idempotency_key": "same-key-1",
        "child-TOTAL_FORMS": "1",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "12",
        "child-0-given_first_name": "Ruby",
        "child-0-given_last_name": "Quinton",
        "child-0-given_date_of_birth_day": "4",
        "child-0-given_date_of_birth_month": "9",
        "child-0-given_date_of_birth_year": "2017",
    }
    data.update(overrides)
    return data


def test_a_double_clicked_submit_creates_one_contact(client, school_dsl):
    client.force_login(school_dsl)
    first = client.post(reverse("front_door:partner_referral"), _partner_post())
    second = client.post(reverse("front_door:partner_referral"), _partner_post())
    assert first.status_code == second.status_code == 302
    assert Contact.objects.count() == 1


def test_bad_input_is_shown_with_everything_kept(client, school_dsl):
    client.force_login(school_dsl)
    response = client.post(
        reverse("front_door:partner_referral"),
        _partner_post(source_code="ZZ", consent="not_sought_risk", **{"child-0-given_date_of_birth_month": "13"}),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Give the reason consent was not sought" in html or "must be a real date" in html
    assert "Hungry and bruised" in html and 'value="Ruby"' in html and 'value="Quinton"' in html
    assert Contact.objects.count() == 0


def test_viewing_a_contact_writes_a_read_audit_row(client, triage_officer, new_contact, make_person):
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    client.force_login(triage_officer)
    client.get(reverse("front_door:contact_detail", args=[contact.pk]))
    client.get(reverse("front_door:contact_detail", args=[contact.pk]))
    assert AuditEvent.objects.filter(verb="contact.viewed", child_ids=[child.pk], kind="read").count() == 2
