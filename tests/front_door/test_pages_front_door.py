"""The front door's HTML pages: who sees what (404 otherwise), the queue's order, RAG words, filters and cost,
recording contacts and referrals with nothing lost, matching children, information requests, decisions and
sign-off, and what the referrer is told."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from cases.models import AuditEvent, Person, Role
from cases.workdays import LONDON
from front_door.models import OUTCOME_PLAIN_WORDS, Contact, ContactStatus, Decision, InformationRequest
from front_door.services import (
    contact_assign,
    contact_create,
    decision_record,
    decision_signoff,
    information_request_respond,
    information_request_send,
)
from tests.factories import TeamFactory, UserFactory
from tests.support import unchanged

pytestmark = pytest.mark.django_db

WEDNESDAY_NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=LONDON)
CONTACT = {
    "referrer_name": "Dee School",
    "referrer_role": "DSL",
    "source_code": "2A",
    "worry": "Arrived hungry, with bruises on both arms.",
    "categories": ["neglect"],
    "consent": "knows_and_agrees",
}
RUBY = {"given_first_name": "Ruby", "given_last_name": "Quinton", "given_date_of_birth": dt.date(2017, 9, 4)}


# --- helpers -----------------------------------------------------------------------------------------------


def make_contact(actor, *, children=None, key="", **data):
    contact, _ = contact_create(
        actor=actor, data={**CONTACT, **data}, children=children or [dict(RUBY)], idempotency_key=key
    )
    return contact


def html(response) -> str:
    return response.content.decode()


def row_with(page: str, text: str) -> str:
    """The table row of a page that contains this text."""
    return next(row for row in page.split('<tr class="govuk-table__row">') if text in row)


def staff_post(**overrides) -> dict:
    data = {
        "received_date_day": "18",
        "received_date_month": "11",
        "received_date_year": "2026",
        "received_time": "09:15",
        "channel": "phone",
        "referrer_name": "Nan Neighbour",
        "referrer_role": "Neighbour",
        "source_code": "1B",
        "worry": "Shouting every night and the children are left alone.",
        "categories": ["neglect"],
        "consent": "does_not_know",
        "idempotency_key": "staff-key-1",
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
    return {k: v for k, v in data.items() if v is not None}


def partner_post(**overrides) -> dict:
    data = staff_post(
        **{
            "referrer_name": "Dana School",
            "source_code": "2A",
            "worry": "Hungry and bruised",
            "consent": "knows_and_agrees",
            "idempotency_key": "partner-key-1",
            **overrides,
        }
    )
    for name in ("received_date_day", "received_date_month", "received_date_year", "received_time", "channel"):
        if name not in overrides:
            data.pop(name, None)
    return data


# --- the triage queue --------------------------------------------------------------------------------------------


def test_queue_lists_open_contacts_soonest_due_first_with_rag_in_words(client, triage_officer, make_person, levels):
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        fresh = make_contact(triage_officer, received_at=dt.datetime(2026, 11, 18, 11, 0, tzinfo=LONDON))
        late = make_contact(triage_officer, received_at=dt.datetime(2026, 11, 16, 10, 0, tzinfo=LONDON))
        soon = make_contact(triage_officer, received_at=dt.datetime(2026, 11, 17, 14, 0, tzinfo=LONDON))
        decided = make_contact(triage_officer, children=[{"person": make_person()}])
        decision_record(
            contact=decided, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="Assess."
        )
        client.force_login(triage_officer)
        page = html(client.get(reverse("front_door:queue")))
    assert page.index(late.reference) < page.index(soon.reference) < page.index(fresh.reference)
    assert decided.reference not in page
    assert "Overdue" in row_with(page, late.reference) and "26 hours overdue" in row_with(page, late.reference)
    assert "Due soon" in row_with(page, soon.reference) and "2 hours left" in row_with(page, soon.reference)
    assert "On track" in row_with(page, fresh.reference)
    assert "Thu 19 Nov 11:00" in row_with(page, fresh.reference)  # decision due, Europe/London
    assert "Wed 18 Nov 11:00" in row_with(page, fresh.reference)  # received
    assert "Ruby Quinton" in row_with(page, fresh.reference)


def test_queue_query_count_is_the_same_for_5_and_40_contacts(
    client, triage_officer, make_person, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            children = [{"person": make_person(first=f"Child{i}", last="Queue")}] if i % 2 else None
            contact = make_contact(triage_officer, children=children, urgent=bool(i % 3))
            if i % 4 == 0:
                contact_assign(contact=contact, actor=triage_officer, assignee=triage_officer)

    client.force_login(triage_officer)
    add(5)
    with django_assert_max_num_queries(30) as five:
        assert client.get(reverse("front_door:queue")).status_code == 200
    add(35)
    with django_assert_max_num_queries(len(five.captured_queries)):
        page = html(client.get(reverse("front_door:queue")))
    # Every row not already mine has the button.
    assert page.count("Assign to me") == Contact.objects.exclude(assigned_to=triage_officer).count() == 29


def test_queue_is_paginated_50_a_page(client, triage_officer):
    for _ in range(51):
        make_contact(triage_officer)
    client.force_login(triage_officer)
    first = html(client.get(reverse("front_door:queue")))
    second = html(client.get(reverse("front_door:queue") + "?page=2"))
    links = re.compile(r'href="/front-door/contacts/[0-9]+/"')
    assert len(links.findall(first)) == 50 and len(links.findall(second)) == 1
    assert "page 1 of 2" in first


def test_queue_filters_by_assignee_status_urgency_and_team(client, triage_officer, front_door_manager, levels, council):
    mine = make_contact(triage_officer)
    contact_assign(contact=mine, actor=triage_officer, assignee=triage_officer)
    urgent = make_contact(triage_officer, urgent=True)
    theirs = make_contact(triage_officer)
    contact_assign(contact=theirs, actor=triage_officer, assignee=front_door_manager)
    team = TeamFactory(name="East front door", agency=council)
    Contact.objects.filter(pk=theirs.pk).update(team=team)  # teams come with API contacts; set it directly here
    waiting = make_contact(triage_officer, children=[{"description": "A boy of about 6 seen at the park"}])
    decision_record(
        contact=waiting,
        actor=triage_officer,
        outcome=8,
        level=levels["universal"],
        rationale="NFA.",
        advice="Signposted to the school nurse.",
    )
    client.force_login(triage_officer)

    def shown(query):
        page = html(client.get(reverse("front_door:queue") + query))
        return {c.reference for c in (mine, urgent, theirs, waiting) if c.reference in page}

    everyone = {mine.reference, urgent.reference, theirs.reference, waiting.reference}
    assert shown("") == everyone
    assert shown("?assignee=me") == {mine.reference}
    assert shown(f"?assignee={front_door_manager.pk}") == {theirs.reference}
    assert shown("?assignee=unassigned") == {urgent.reference, waiting.reference}
    assert shown("?urgent=yes") == {urgent.reference}
    assert shown("?urgent=no") == everyone - {urgent.reference}
    assert shown(f"?team={team.pk}") == {theirs.reference}
    assert shown("?status=awaiting_signoff") == {waiting.reference}
    # Values that are not on the lists narrow nothing and never fail.
    response = client.get(reverse("front_door:queue") + "?team=abc&assignee=zz&status=decided&urgent=1&page=x")
    assert response.status_code == 200
    assert all(c.reference in html(response) for c in (mine, urgent, theirs, waiting))


def test_queue_counts(client, triage_officer):
    make_contact(triage_officer, urgent=True)
    make_contact(triage_officer, received_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=LONDON))
    client.force_login(triage_officer)
    response = client.get(reverse("front_door:queue"))
    assert response.context["counts"] == {
        "open": 2,
        "overdue": 1,
        "unassigned": 2,
        "urgent": 1,
        "awaiting_signoff": 0,
        "mine": 0,
    }


def test_assign_to_me_from_the_queue_returns_to_the_filtered_queue(client, triage_officer):
    contact = make_contact(triage_officer, urgent=True)
    client.force_login(triage_officer)
    response = client.post(
        reverse("front_door:contact_assign", args=[contact.pk]),
        {"assignee": "me", "next": "queue", "query": "urgent=yes"},
    )
    assert response.status_code == 302 and response.url == "/front-door/?urgent=yes"
    contact.refresh_from_db()
    assert contact.assigned_to == triage_officer and contact.status == ContactStatus.IN_TRIAGE
    page = html(client.get(response.url))
    assert f"Contact {contact.reference} is assigned to you" in page


def test_assign_refuses_someone_outside_the_front_door(client, triage_officer, police_officer):
    contact = make_contact(triage_officer)
    client.force_login(triage_officer)
    response = client.post(
        reverse("front_door:contact_assign", args=[contact.pk]), {"assignee": police_officer.pk}, follow=True
    )
    assert "Assign the contact to a member of the front door" in html(response)
    for bad in ("999999", "someone"):
        response = client.post(reverse("front_door:contact_assign", args=[contact.pk]), {"assignee": bad}, follow=True)
        assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.assigned_to is None


# --- who sees what -----------------------------------------------------------------------------------------------


def test_front_door_pages_are_404_for_a_school_dsl(client, triage_officer, school_dsl, make_person, levels):
    contact = make_contact(triage_officer, children=[{"person": make_person()}, dict(RUBY)])
    decision = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=8,
        level=levels["universal"],
        rationale="NFA.",
        advice="Advice given.",
    )
    child = contact.children.get(person__isnull=True)
    client.force_login(school_dsl)
    for url in (
        reverse("front_door:queue"),
        reverse("front_door:contact_create"),
        reverse("front_door:contact_detail", args=[contact.pk]),
        reverse("front_door:contact_child_match", args=[contact.pk, child.pk]),
        reverse("front_door:information_request_create", args=[contact.pk]),
        reverse("front_door:decision_create", args=[contact.pk]),
        reverse("front_door:decision_signoff", args=[decision.pk]),
        reverse("front_door:dashboard"),
    ):
        assert client.get(url).status_code == 404, url
    with unchanged(Contact, Decision):
        assert (
            client.post(reverse("front_door:contact_assign", args=[contact.pk]), {"assignee": "me"}).status_code == 404
        )
        assert client.post(reverse("front_door:decision_create", args=[contact.pk]), {}).status_code == 404


def test_a_school_dsl_sees_only_their_own_referrals(client, school_dsl, other_dsl):
    mine = make_contact(school_dsl)
    theirs = make_contact(other_dsl)
    client.force_login(school_dsl)
    listing = html(client.get(reverse("front_door:my_referrals")))
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(reverse("front_door:my_referral", args=[mine.pk])).status_code == 200
    assert client.get(reverse("front_door:my_referral", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("front_door:contact_detail", args=[mine.pk])).status_code == 404


def test_an_agency_sees_only_the_requests_sent_to_it(client, triage_officer, police_officer, school_dsl):
    contact = make_contact(triage_officer)
    request = information_request_send(
        contact=contact,
        actor=triage_officer,
        agency=police_officer.agency,
        question="Any call-outs to the family's address?",
    )
    client.force_login(school_dsl)
    assert contact.reference not in html(client.get(reverse("front_door:inbox")))
    assert client.get(reverse("front_door:information_request_respond", args=[request.pk])).status_code == 404
    response = client.post(
        reverse("front_door:information_request_respond", args=[request.pk]), {"response": "Nothing known"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN
    client.force_login(police_officer)
    assert contact.reference in html(client.get(reverse("front_door:inbox")))
    assert client.get(reverse("front_door:information_request_respond", args=[request.pk])).status_code == 200


def test_a_user_with_no_agency_has_no_inbox(client):
    user = UserFactory(agency=None, roles=[Role.FHLP])
    client.force_login(user)
    assert client.get(reverse("front_door:inbox")).status_code == 404


def test_partners_inbox_shows_only_first_names_and_ages(client, triage_officer, police_officer):
    contact = make_contact(triage_officer)
    request = information_request_send(
        contact=contact,
        actor=triage_officer,
        agency=police_officer.agency,
        question="Anything known about this family?",
    )
    client.force_login(police_officer)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        inbox = html(client.get(reverse("front_door:inbox")))
        answer_page = html(client.get(reverse("front_door:information_request_respond", args=[request.pk])))
    assert "Ruby, 9" in inbox
    assert "Quinton" not in inbox and "2017" not in inbox and contact.worry not in inbox
    # The answer page names the child fully, to be found in the agency's systems (issue 13 item 11); never the worry.
    assert "Ruby Quinton" in answer_page and contact.worry not in answer_page


def test_an_lcpp_reads_a_contact_but_cannot_work_it(client, triage_officer, lcpp):
    contact = make_contact(triage_officer)
    client.force_login(lcpp)
    page = html(client.get(reverse("front_door:contact_detail", args=[contact.pk])))
    assert contact.reference in page and "Record decision" not in page and "Find or create record" not in page
    assert client.get(reverse("front_door:decision_create", args=[contact.pk])).status_code == 404
    assert client.get(reverse("front_door:queue")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("front_door_manager", 200), ("manager", 200), ("triage_officer", 404), ("school_dsl", 404)]
)
def test_dashboard_is_for_managers(client, request, persona, status, council):
    if persona == "manager":
        user = UserFactory(agency=council, roles=[Role.MANAGER])
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("front_door:dashboard")).status_code == status


def test_partner_pages_are_404_for_front_door_staff(client, triage_officer):
    client.force_login(triage_officer)
    assert client.get(reverse("front_door:partner_referral")).status_code == 404
    assert client.get(reverse("front_door:my_referrals")).status_code == 404


def test_pages_need_sign_in(client):
    response = client.get(reverse("front_door:queue"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- recording a contact and a referral --------------------------------------------------------------------------


def test_staff_record_a_contact_received_earlier(client, triage_officer):
    client.force_login(triage_officer)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        response = client.post(reverse("front_door:contact_create"), staff_post())
    contact = Contact.objects.get()
    assert response.status_code == 302 and response.url == reverse("front_door:contact_detail", args=[contact.pk])
    assert contact.received_at == dt.datetime(2026, 11, 18, 9, 15, tzinfo=LONDON)
    assert contact.decision_due_at == dt.datetime(2026, 11, 19, 9, 15, tzinfo=LONDON)
    assert contact.channel == "phone" and contact.recorded_by == triage_officer and contact.referrer_user is None
    assert contact.children.get().given_name == "Ruby Quinton"


def test_the_contact_form_starts_with_now_and_a_fresh_idempotency_key(client, triage_officer):
    client.force_login(triage_officer)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        first = html(client.get(reverse("front_door:contact_create")))
    second = html(client.get(reverse("front_door:contact_create")))
    assert 'name="received_time" value="12:00"' in first and 'value="18"' in first
    keys = [re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1) for page in (first, second)]
    assert keys[0] != keys[1]


@pytest.mark.parametrize("form", ["staff", "partner"])
def test_a_double_clicked_submit_creates_one_contact(client, triage_officer, school_dsl, form):
    user, url, post = (
        (triage_officer, "front_door:contact_create", staff_post)
        if form == "staff"
        else (school_dsl, "front_door:partner_referral", partner_post)
    )
    client.force_login(user)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        first = client.post(reverse(url), post())
        second = client.post(reverse(url), post())
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Contact.objects.count() == 1


def test_invalid_codes_and_dates_are_field_errors_with_everything_kept(client, triage_officer):
    client.force_login(triage_officer)
    response = client.post(
        reverse("front_door:contact_create"),
        staff_post(
            source_code="ZZ",
            received_date_month="13",
            received_time="25:00",
            **{
                "child-0-given_date_of_birth_day": "31",
                "child-0-given_date_of_birth_month": "2",
                "child-0-given_nhs_number": "123",
            },
        ),
    )
    page = html(response)
    assert response.status_code == 200 and Contact.objects.count() == 0
    assert page.count('class="govuk-error-summary"') == 1 and "<title>Error: " in page
    assert 'href="#id_source_code">Choose a referral source from the list' in page
    assert 'href="#id_received_date_day">Date received must be a real date' in page
    assert 'href="#id_received_time">Enter a time using the 24-hour clock' in page
    assert 'href="#id_child-0-given_date_of_birth_day">Child 1: Date of birth (if known) must be a real date' in page
    assert 'href="#id_child-0-given_nhs_number">Child 1: Enter an NHS number with 10 digits' in page
    # Nothing typed is lost.
    assert "Shouting every night and the children are left alone." in page
    assert 'value="Ruby"' in page and 'value="Quinton"' in page and 'value="13"' in page and 'value="31"' in page
    assert 'value="25:00"' in page and 'value="Nan Neighbour"' in page and 'value="staff-key-1"' in page


def test_a_received_time_in_the_future_is_an_error_on_the_date(client, triage_officer):
    client.force_login(triage_officer)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        response = client.post(reverse("front_door:contact_create"), staff_post(received_date_day="19"))
    assert 'href="#id_received_date_day">The time received cannot be in the future' in html(response)
    assert Contact.objects.count() == 0


def test_consent_not_sought_needs_a_reason(client, school_dsl):
    client.force_login(school_dsl)
    response = client.post(reverse("front_door:partner_referral"), partner_post(consent="not_sought_risk"))
    assert 'href="#id_consent_override_reason">Give the reason consent was not sought' in html(response)
    response = client.post(
        reverse("front_door:partner_referral"),
        partner_post(consent="not_sought_risk", consent_override_reason="Telling the father may put Ruby at risk"),
    )
    assert response.status_code == 302
    assert Contact.objects.get().consent_override_reason == "Telling the father may put Ruby at risk"


def test_a_reason_typed_then_left_behind_is_not_kept(client, school_dsl):
    client.force_login(school_dsl)
    client.post(reverse("front_door:partner_referral"), partner_post(consent_override_reason="Changed my mind"))
    assert Contact.objects.get().consent_override_reason == ""


def test_a_contact_with_no_identifiable_child_needs_a_description_and_is_flagged(client, triage_officer):
    client.force_login(triage_officer)
    blank = {
        "child-0-given_first_name": "",
        "child-0-given_last_name": "",
        "child-0-given_date_of_birth_day": "",
        "child-0-given_date_of_birth_month": "",
        "child-0-given_date_of_birth_year": "",
    }
    response = client.post(reverse("front_door:contact_create"), staff_post(**blank))
    assert "Name at least one child, or describe the child" in html(response)
    assert Contact.objects.count() == 0
    response = client.post(
        reverse("front_door:contact_create"),
        staff_post(**blank, **{"child-0-description": "A girl of about 8 in a red coat, seen at the bus stop"}),
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and contact.no_identifiable_child
    detail = html(client.get(response.url))
    assert "No identifiable child" in detail and "A girl of about 8 in a red coat" in detail
    queue = html(client.get(reverse("front_door:queue")))
    assert "No identifiable child" in row_with(queue, contact.reference)
    assert "Unidentified child" in row_with(queue, contact.reference)


def test_add_another_child_keeps_everything_typed_and_checks_nothing_yet(client, school_dsl):
    client.force_login(school_dsl)
    response = client.post(reverse("front_door:partner_referral"), partner_post(worry="", add_child="1"))
    page = html(response)
    assert response.status_code == 200 and Contact.objects.count() == 0
    assert "There is a problem" not in page and "govuk-input--error" not in page
    assert 'id="child-1"' in page and 'id="child-2"' in page and 'id="child-3"' not in page
    assert 'name="child-TOTAL_FORMS" value="2"' in page
    assert 'value="Ruby"' in page and 'value="Quinton"' in page and 'value="partner-key-1"' in page
    assert 'value="2A" selected' in page or 'value="2A" selected>' in page


def test_siblings_are_recorded_and_a_blank_extra_child_is_ignored(client, school_dsl):
    client.force_login(school_dsl)
    response = client.post(
        reverse("front_door:partner_referral"),
        partner_post(
            **{"child-TOTAL_FORMS": "3", "child-1-given_first_name": "Sam", "child-1-given_last_name": "Quinton"}
        ),
    )
    assert response.status_code == 302
    assert [c.given_name for c in Contact.objects.get().children.all()] == ["Ruby Quinton", "Sam Quinton"]


def test_a_future_date_of_birth_is_an_error_on_that_child(client, school_dsl):
    client.force_login(school_dsl)
    response = client.post(
        reverse("front_door:partner_referral"),
        partner_post(
            **{
                "child-TOTAL_FORMS": "2",
                "child-1-given_first_name": "Sam",
                "child-1-given_date_of_birth_day": "1",
                "child-1-given_date_of_birth_month": "1",
                "child-1-given_date_of_birth_year": "2099",
            }
        ),
    )
    assert 'href="#id_child-1-given_date_of_birth_day">Child 2: Date of birth must be in the past' in html(response)
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"child-0-given_date_of_birth_year": "1899"}, "given_date_of_birth_day", "1 January 1900"),
        ({"child-0-given_first_name": "Ru\x07by"}, "given_first_name", "control characters"),
    ],
)
def test_an_out_of_bounds_child_is_an_error_on_that_child_with_everything_kept(
    client, school_dsl, overrides, anchor, message
):
    client.force_login(school_dsl)
    response = client.post(reverse("front_door:partner_referral"), partner_post(**overrides))
    page = html(response)
    assert response.status_code == 200
    assert f'href="#id_child-0-{anchor}">Child 1: ' in page and message in page
    assert "Hungry and bruised" in page and 'value="Quinton"' in page
    assert Contact.objects.count() == 0


def test_a_tampered_formset_is_an_error_not_a_crash(client, school_dsl):
    client.force_login(school_dsl)
    for total in ("abc", "500"):
        response = client.post(reverse("front_door:partner_referral"), partner_post(**{"child-TOTAL_FORMS": total}))
        assert response.status_code == 200
        response = client.post(
            reverse("front_door:partner_referral"), partner_post(add_child="1", **{"child-TOTAL_FORMS": total})
        )
        assert response.status_code == 200
    assert Contact.objects.count() == 0


def test_the_partner_form_is_prefilled_from_the_user(client, school_dsl):
    client.force_login(school_dsl)
    page = html(client.get(reverse("front_door:partner_referral")))
    assert 'value="Dana School"' in page and 'value="Designated safeguarding lead"' in page
    assert 'value="2A" selected' in page
    assert "received_time" not in page and 'name="channel"' not in page and "referrer_agency" not in page


def test_a_partner_referral_shows_the_confirmation_once(client, school_dsl):
    client.force_login(school_dsl)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        response = client.post(reverse("front_door:partner_referral"), partner_post())
        contact = Contact.objects.get()
        assert response.url == reverse("front_door:my_referral", args=[contact.pk])
        page = html(client.get(response.url))
        again = html(client.get(response.url))
    assert "govuk-panel--confirmation" in page and contact.reference in page
    assert "What happens next" in page and "Thursday 19 November at 12:00" in page
    assert contact.referrer_user == school_dsl and contact.referrer_agency == school_dsl.agency
    assert contact.channel == "partner_form"
    assert "govuk-panel--confirmation" not in again and contact.reference in again


# --- one contact ---------------------------------------------------------------------------------------------------


def test_viewing_a_contact_writes_one_read_audit_row_with_the_matched_children(client, triage_officer, make_person):
    child = make_person()
    contact = make_contact(triage_officer, children=[{"person": child}, dict(RUBY)])
    client.force_login(triage_officer)
    before = AuditEvent.objects.filter(verb="contact.viewed").count()
    page = html(client.get(reverse("front_door:contact_detail", args=[contact.pk])))
    events = AuditEvent.objects.filter(verb="contact.viewed")
    assert events.count() == before + 1
    assert events.latest("id").child_ids == [child.pk] and events.latest("id").kind == "read"
    assert reverse("cases:person_detail", args=[child.pk]) in page
    unmatched = contact.children.get(person__isnull=True)
    assert "Not yet matched" in page
    assert reverse("front_door:contact_child_match", args=[contact.pk, unmatched.pk]) in page


def test_the_contact_page_shows_the_worry_consent_source_and_requests(client, triage_officer, police_officer):
    contact = make_contact(
        triage_officer,
        consent="not_sought_risk",
        consent_override_reason="Father is violent",
        categories=["neglect", "domestic_abuse"],
    )
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    information_request_respond(request=request, actor=police_officer, response="One incident in October.")
    client.force_login(triage_officer)
    page = html(client.get(reverse("front_door:contact_detail", args=[contact.pk])))
    for text in (
        contact.worry,
        "Neglect, Domestic abuse",
        "Father is violent",
        "2A: Schools",
        "Test Police",
        "Any call-outs?",
        "One incident in October.",
        "Request information",
        "Record decision",
    ):
        assert text in page, text


# --- matching a child to a record ----------------------------------------------------------------------------------


def test_the_match_page_lists_likely_records_with_scores_and_links_the_chosen_one(client, triage_officer, make_person):
    existing = make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4))
    contact = make_contact(triage_officer)
    child = contact.children.get()
    url = reverse("front_door:contact_child_match", args=[contact.pk, child.pk])
    client.force_login(triage_officer)
    page = html(client.get(url))
    assert existing.la_child_id in page and "% match" in page and "same date of birth" in page
    assert AuditEvent.objects.filter(verb="contact_match.viewed", child_ids=[existing.pk]).exists()
    response = client.post(url, {"action": "choose", "match-person": existing.pk})
    assert response.status_code == 302 and response.url == reverse("front_door:contact_detail", args=[contact.pk])
    child.refresh_from_db()
    assert child.person == existing
    assert "Ruby Quinton linked to contact" in html(client.get(response.url))


def test_choosing_nothing_or_a_record_not_listed_is_an_error(client, triage_officer, make_person):
    make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4))
    other = make_person(first="Zed", last="Unrelated", dob=dt.date(2010, 1, 1))
    contact = make_contact(triage_officer)
    child = contact.children.get()
    url = reverse("front_door:contact_child_match", args=[contact.pk, child.pk])
    client.force_login(triage_officer)
    assert "Choose the record that is this child" in html(client.post(url, {"action": "choose"}))
    assert "Choose one of the records listed" in html(client.post(url, {"action": "choose", "match-person": other.pk}))
    assert "Choose one of the records listed" in html(client.post(url, {"action": "choose", "match-person": "x"}))
    child.refresh_from_db()
    assert child.person is None


def test_creating_a_record_when_likely_records_exist_needs_a_confirmation(client, triage_officer, make_person):
    make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4))
    contact = make_contact(triage_officer)
    child = contact.children.get()
    url = reverse("front_door:contact_child_match", args=[contact.pk, child.pk])
    new = {
        "action": "create",
        "new-first_name": "Ruby",
        "new-last_name": "Quinton",
        "new-date_of_birth_day": "4",
        "new-date_of_birth_month": "9",
        "new-date_of_birth_year": "2017",
        "new-sex": "F",
    }
    client.force_login(triage_officer)
    page = html(client.post(url, new))
    assert 'href="#id_new-confirm_new">Records like this child already exist' in page
    assert Person.objects.filter(last_name="Quinton").count() == 1
    response = client.post(url, {**new, "new-confirm_new": "on"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert Person.objects.filter(last_name="Quinton").count() == 2
    assert child.person.sex == "F" and child.person.date_of_birth == dt.date(2017, 9, 4)


def test_a_new_record_is_made_from_the_details_given_and_corrected(client, triage_officer):
    contact = make_contact(triage_officer, children=[{**RUBY, "given_nhs_number": "9434765919"}])
    child = contact.children.get()
    url = reverse("front_door:contact_child_match", args=[contact.pk, child.pk])
    client.force_login(triage_officer)
    page = html(client.get(url))
    assert 'name="new-first_name" value="Ruby"' in page and 'value="9434765919"' in page
    bad = client.post(
        url,
        {
            "action": "create",
            "new-first_name": "Ruby",
            "new-last_name": "Quinton",
            "new-sex": "F",
            "new-nhs_number": "1234567890",
        },
    )
    assert 'href="#id_new-nhs_number">Enter a valid NHS number' in html(bad) and Person.objects.count() == 0
    response = client.post(
        url,
        {
            "action": "create",
            "new-first_name": "Rubie",
            "new-last_name": "Quinton",
            "new-sex": "F",
            "new-nhs_number": "943 476 5919",
            "new-date_of_birth_day": "4",
            "new-date_of_birth_month": "9",
            "new-date_of_birth_year": "2017",
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.person.first_name == "Rubie" and child.person.nhs_number == "9434765919"


def test_an_undescribed_child_can_be_searched_for_with_other_details(client, triage_officer, make_person):
    existing = make_person(first="Amelia", last="Hartley", dob=dt.date(2015, 3, 14))
    contact = make_contact(triage_officer, children=[{"description": "A girl of about 11 from the flats"}])
    child = contact.children.get()
    url = reverse("front_door:contact_child_match", args=[contact.pk, child.pk])
    client.force_login(triage_officer)
    assert existing.la_child_id not in html(client.get(url))
    page = html(client.get(url + "?search-first_name=Amelia&search-last_name=Hartley"))
    assert existing.la_child_id in page


# --- information from partners -------------------------------------------------------------------------------------


def test_requesting_information_offers_partner_agencies_only(client, triage_officer, police_officer, council):
    contact = make_contact(triage_officer)
    client.force_login(triage_officer)
    page = html(client.get(reverse("front_door:information_request_create", args=[contact.pk])))
    assert "Test Police" in page and council.name not in page
    url = reverse("front_door:information_request_create", args=[contact.pk])
    assert "Choose agencies from the list" in html(client.post(url, {"agencies": [council.pk], "question": "Q?"}))
    response = client.post(url, {"agencies": [police_officer.agency.pk], "question": "Any call-outs?"})
    assert response.status_code == 302
    request = InformationRequest.objects.get()
    assert request.agency == police_officer.agency and request.due_at <= contact.decision_due_at


def test_an_information_request_due_time_must_be_whole_and_in_the_future(client, triage_officer, police_officer):
    contact = make_contact(triage_officer)
    url = reverse("front_door:information_request_create", args=[contact.pk])
    base = {"agencies": [police_officer.agency.pk], "question": "Any call-outs?"}
    client.force_login(triage_officer)
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        half = html(client.post(url, {**base, "due_date_day": "18", "due_date_month": "11", "due_date_year": "2026"}))
        past = html(
            client.post(
                url,
                {**base, "due_date_day": "18", "due_date_month": "11", "due_date_year": "2026", "due_time": "09:00"},
            )
        )
        ok = client.post(
            url, {**base, "due_date_day": "18", "due_date_month": "11", "due_date_year": "2026", "due_time": "15:30"}
        )
    assert 'href="#id_due_time">Enter the time the answer is needed by' in half
    assert 'href="#id_due_date_day">The answer must be due in the future' in past
    assert ok.status_code == 302
    assert InformationRequest.objects.get().due_at == dt.datetime(2026, 11, 18, 15, 30, tzinfo=LONDON)


def test_an_answer_is_sent_once_and_then_read_only(client, triage_officer, police_officer):
    contact = make_contact(triage_officer)
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    url = reverse("front_door:information_request_respond", args=[request.pk])
    client.force_login(police_officer)
    assert "Enter your answer" in html(client.post(url, {"response": "  "}))
    response = client.post(url, {"response": "One domestic incident in October."})
    assert response.status_code == 302 and response.url == reverse("front_door:inbox")
    page = html(client.get(url))
    assert "One domestic incident in October." in page and "<textarea" not in page
    client.post(url, {"response": "Changed"})
    request.refresh_from_db()
    assert request.response == "One domestic incident in October." and request.responded_by == police_officer
    answered = html(client.get(reverse("front_door:inbox") + "?show=answered"))
    assert contact.reference in answered
    assert contact.reference not in html(client.get(reverse("front_door:inbox")))


# --- decisions and sign-off ----------------------------------------------------------------------------------------


@pytest.fixture
def matched_contact(triage_officer, make_person, school_dsl):
    return make_contact(school_dsl, children=[{"person": make_person(first="Ruby", last="Quinton")}])


def decide(client, contact, **data):
    return client.post(reverse("front_door:decision_create", args=[contact.pk]), data)


def test_a_decision_needs_reasons(client, triage_officer, matched_contact, levels):
    client.force_login(triage_officer)
    page = html(decide(client, matched_contact, outcome="3", level="child_in_need", rationale=""))
    assert 'href="#id_rationale">Give the reasons for the decision' in page
    assert Decision.objects.count() == 0


def test_a_level_not_allowed_for_the_outcome_is_a_field_error(client, triage_officer, matched_contact, levels):
    client.force_login(triage_officer)
    page = html(decide(client, matched_contact, outcome="3", level="universal", rationale="Assess."))
    assert 'href="#id_level">' in page and "cannot be recorded at Universal services" in page
    assert 'value="universal" selected' in page and "Assess." in page  # the form is kept
    for bad in ({"outcome": "9", "level": "universal"}, {"outcome": "3", "level": "nonsense"}):
        assert decide(client, matched_contact, rationale="x", **bad).status_code == 200
    assert Decision.objects.count() == 0


def test_a_child_in_need_decision_is_a_referral_and_closes_the_contact(client, triage_officer, matched_contact, levels):
    client.force_login(triage_officer)
    response = decide(
        client,
        matched_contact,
        outcome="3",
        level="child_in_need",
        rationale="Assess under s17.",
        advice="Typed under another outcome",
        urgent_services="Also hidden",
    )
    assert response.status_code == 302
    matched_contact.refresh_from_db()
    decision = Decision.objects.get()
    assert matched_contact.status == ContactStatus.DECIDED and matched_contact.is_referral
    assert decision.accepted_as_referral and decision.advice == "" and decision.urgent_services == ""
    page = html(client.get(response.url))
    assert "Decision recorded on contact" in page and "Change decision" in page and "Not needed" in page
    assert "In time" in page and "On track" not in page


def test_a_second_decision_without_a_reason_shows_the_already_decided_message(
    client, triage_officer, matched_contact, levels
):
    client.force_login(triage_officer)
    decide(client, matched_contact, outcome="3", level="child_in_need", rationale="Assess under s17.")
    form = html(client.get(reverse("front_door:decision_create", args=[matched_contact.pk])))
    assert "Change the decision" in form and 'name="change_reason"' in form
    page = html(decide(client, matched_contact, outcome="7", level="targeted_early_help", rationale="Early help."))
    assert 'class="govuk-error-summary"' in page
    assert f"Contact {matched_contact.reference} already has a decision" in page and "Early help." in page
    assert Decision.objects.count() == 1
    response = decide(
        client,
        matched_contact,
        outcome="7",
        level="targeted_early_help",
        rationale="Early help.",
        change_reason="Family agreed to work with early help",
    )
    assert response.status_code == 302
    first, second = Decision.objects.order_by("id")
    assert second.supersedes == first and second.change_reason == "Family agreed to work with early help"
    page = html(client.get(reverse("front_door:contact_detail", args=[matched_contact.pk])))
    assert "Replaced" in page and "Family agreed to work with early help" in page


def test_no_further_action_needs_advice_and_is_not_a_referral(client, triage_officer, matched_contact, levels):
    client.force_login(triage_officer)
    page = html(decide(client, matched_contact, outcome="8", level="universal", rationale="Universal needs."))
    assert 'href="#id_advice">Record the advice and information given' in page
    decide(
        client,
        matched_contact,
        outcome="8",
        level="universal",
        rationale="Universal needs.",
        advice="Signposted to the school nurse.",
    )
    decision = Decision.objects.get()
    # Outcome 8 is a contact that did not become a referral (census meaning): the form no longer asks.
    assert decision.advice == "Signposted to the school nurse." and not decision.is_referral
    assert not decision.accepted_as_referral
    page = html(client.get(reverse("front_door:contact_detail", args=[matched_contact.pk])))
    assert "No (outcomes 7 and 8 are not referrals)" in page and "accepted_as_referral" not in page


def test_sign_off_flow(client, triage_officer, front_door_manager, matched_contact, school_dsl, levels):
    client.force_login(triage_officer)
    decide(
        client,
        matched_contact,
        outcome="8",
        level="universal",
        rationale="Universal needs.",
        advice="Signposted to the school nurse.",
    )
    matched_contact.refresh_from_db()
    decision = Decision.objects.get()
    assert matched_contact.status == ContactStatus.AWAITING_SIGNOFF and decision.signoff_required
    signoff_url = reverse("front_door:decision_signoff", args=[decision.pk])
    assert client.get(signoff_url).status_code == 404  # triage cannot sign off
    assert "Sign off" not in html(client.get(reverse("front_door:contact_detail", args=[matched_contact.pk])))

    # The referrer is not told yet: the decision is not final.
    client.force_login(school_dsl)
    assert "Being looked at" in html(client.get(reverse("front_door:my_referrals")))

    client.force_login(front_door_manager)
    detail = html(client.get(reverse("front_door:contact_detail", args=[matched_contact.pk])))
    assert signoff_url in detail and "Waiting for sign-off" in detail
    assert "Choose whether you agree" in html(client.post(signoff_url, {}))
    assert "Say why the decision is being sent back" in html(client.post(signoff_url, {"agreed": "no"}))
    response = client.post(signoff_url, {"agreed": "no", "comment": "Ask health first"})
    assert response.status_code == 302
    matched_contact.refresh_from_db()
    assert matched_contact.status == ContactStatus.IN_TRIAGE
    assert "This decision has been replaced" not in html(client.get(signoff_url))
    assert "Sent back by Fran Manager" in html(client.get(signoff_url))

    client.force_login(triage_officer)
    decide(
        client,
        matched_contact,
        outcome="8",
        level="universal",
        rationale="Health agree.",
        advice="Signposted to the school nurse.",
        change_reason="Health say no concerns",
    )
    second = Decision.objects.latest("id")
    client.force_login(front_door_manager)
    response = client.post(reverse("front_door:decision_signoff", args=[second.pk]), {"agreed": "yes"})
    assert response.status_code == 302
    matched_contact.refresh_from_db()
    assert matched_contact.status == ContactStatus.DECIDED
    assert "signed off" in html(client.get(response.url))
    page = html(client.get(reverse("front_door:decision_signoff", args=[second.pk])))
    assert "Signed off by Fran Manager" in page
    assert '<form method="post"' not in page.split("</nav>")[-1].split("</main>")[0]  # the timeout dialog's are outside

    client.force_login(school_dsl)
    listing = html(client.get(reverse("front_door:my_referrals")))
    assert escape(OUTCOME_PLAIN_WORDS[8]) in listing and "Decided" in listing


def test_a_decision_waiting_for_sign_off_can_be_changed_and_only_the_new_one_signed(
    client, triage_officer, front_door_manager, matched_contact, levels
):
    client.force_login(triage_officer)
    decide(client, matched_contact, outcome="8", level="universal", rationale="NFA.", advice="Advice.")
    response = decide(
        client,
        matched_contact,
        outcome="8",
        level="universal",
        rationale="NFA, better reasons.",
        advice="Advice.",
        change_reason="Reasons were too thin",
    )
    assert response.status_code == 302
    old, new = Decision.objects.order_by("id")
    assert new.supersedes == old
    client.force_login(front_door_manager)
    page = html(client.get(reverse("front_door:decision_signoff", args=[old.pk])))
    assert "This decision has been replaced by a later one" in page and 'name="agreed"' not in page
    client.post(reverse("front_door:decision_signoff", args=[old.pk]), {"agreed": "yes"})
    matched_contact.refresh_from_db()
    assert matched_contact.status == ContactStatus.AWAITING_SIGNOFF
    detail = html(client.get(reverse("front_door:contact_detail", args=[matched_contact.pk])))
    assert reverse("front_door:decision_signoff", args=[new.pk]) in detail


def test_unmatched_children_allow_only_no_further_action(client, triage_officer, levels):
    contact = make_contact(triage_officer)
    client.force_login(triage_officer)
    form = html(client.get(reverse("front_door:decision_create", args=[contact.pk])))
    assert "not yet matched to a record" in form
    page = html(decide(client, contact, outcome="3", level="child_in_need", rationale="Assess."))
    assert "Match every child to a record" in page


# --- what the referrer is told -------------------------------------------------------------------------------------


def test_the_referrer_sees_the_status_and_the_outcome_in_plain_words_only(
    client, triage_officer, matched_contact, school_dsl, levels
):
    client.force_login(school_dsl)
    assert "Received" in html(client.get(reverse("front_door:my_referrals")))
    client.force_login(triage_officer)
    contact_assign(contact=matched_contact, actor=triage_officer, assignee=triage_officer)
    client.force_login(school_dsl)
    assert "Being looked at" in html(client.get(reverse("front_door:my_referrals")))
    client.force_login(triage_officer)
    decide(client, matched_contact, outcome="3", level="child_in_need", rationale="Secret rationale text.")
    client.force_login(school_dsl)
    for page in (
        html(client.get(reverse("front_door:my_referrals"))),
        html(client.get(reverse("front_door:my_referral", args=[matched_contact.pk]))),
    ):
        assert "Decided" in page and OUTCOME_PLAIN_WORDS[3] in page
        assert "Secret rationale text." not in page and "Child in need (s17)" not in page
        assert "LA child ID" not in page and "/cases/people/" not in page


def test_partner_lists_have_a_constant_query_count(
    client, triage_officer, school_dsl, police_officer, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            contact = make_contact(school_dsl)
            information_request_send(
                contact=contact, actor=triage_officer, agency=police_officer.agency, question="Anything known?"
            )

    add(3)
    counts = {}
    for user, url in ((school_dsl, "front_door:my_referrals"), (police_officer, "front_door:inbox")):
        client.force_login(user)
        with django_assert_max_num_queries(30) as few:
            client.get(reverse(url))
        counts[url] = len(few.captured_queries)
    add(12)
    for user, url in ((school_dsl, "front_door:my_referrals"), (police_officer, "front_door:inbox")):
        client.force_login(user)
        with django_assert_max_num_queries(counts[url]):
            assert client.get(reverse(url)).status_code == 200


# --- the dashboard -------------------------------------------------------------------------------------------------


def test_the_dashboard_shows_figures_overdue_contacts_and_requests_by_agency(
    client, front_door_manager, triage_officer, police_officer
):
    client.force_login(front_door_manager)
    assert html(client.get(reverse("front_door:dashboard"))).count("No contacts due yet") == 3
    late = make_contact(triage_officer, received_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=LONDON))
    information_request_send(
        contact=make_contact(triage_officer), actor=triage_officer, agency=police_officer.agency, question="Anything?"
    )
    page = html(client.get(reverse("front_door:dashboard")))
    assert reverse("front_door:contact_detail", args=[late.pk]) in page
    assert re.search(r"\d+ days", row_with(page, late.reference))
    assert "Test Police" in row_with(page, "Test Police")


def test_team_filter_lists_council_teams_only(client, triage_officer, police_officer):
    hub = police_officer.teams.get(agency=police_officer.agency)  # the Police Safeguarding Hub
    client.force_login(triage_officer)
    page = html(client.get(reverse("front_door:queue")))
    assert "Test Front Door" in page and hub.name not in page


def test_a_returned_decision_leaves_the_contact_undecided_on_its_page_and_overdue_on_the_dashboard(
    client, triage_officer, front_door_manager, levels
):
    # Issue 13 item 3: decided an hour after it came in, but the manager sent the decision back: not in time.
    with time_machine.travel(dt.datetime(2026, 11, 2, 11, 0, tzinfo=LONDON), tick=False):
        contact = make_contact(triage_officer, received_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=LONDON))
        decision = decision_record(
            contact=contact, actor=triage_officer, outcome=8, level=levels["universal"], rationale="x", advice="Advice"
        )
    with time_machine.travel(dt.datetime(2026, 11, 2, 11, 30, tzinfo=LONDON), tick=False):
        decision_signoff(decision=decision, actor=front_door_manager, agreed=False, comment="Ask health first")
    with time_machine.travel(dt.datetime(2026, 11, 4, 12, 0, tzinfo=LONDON), tick=False):
        client.force_login(front_door_manager)
        detail = html(client.get(reverse("front_door:contact_detail", args=[contact.pk])))
        assert "Being looked at" in detail and "Overdue" in detail and "In time" not in detail
        dashboard = html(client.get(reverse("front_door:dashboard")))
    # This month: one contact due, none decided in time; and it is listed as overdue.
    assert re.search(r"This month</th>\s*<td[^>]*>1</td>\s*<td[^>]*>0</td>\s*<td[^>]*>0.0%", dashboard), dashboard
    assert reverse("front_door:contact_detail", args=[contact.pk]) in row_with(dashboard, contact.reference)
