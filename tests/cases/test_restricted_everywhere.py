"""A restricted child is "Restricted record" to everyone off its access list, on every surface, not only on the
record's own page (issue 11 finding 2): the front-door queue and contact, a partner agency's inbox of information
requests (page and API), and the family's Family Help page and plan (page, panel, API and PDF). Those on the list
still see the child. One selector (cases.selectors.people_restricted_for_user) and one filter (shown_name) do it,
at one query per page however many rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import RestrictionReason
from cases.services import person_restrict
from front_door.services import contact_child_link, contact_create, information_request_send
from tests.family_help import conftest as family_help_fixtures

pytestmark = pytest.mark.django_db

# Family Help's fixtures (the family with its lead practitioner, and its plan with an outcome for each child).
led_family = family_help_fixtures.led_family
plan = family_help_fixtures.plan

CONTACT = {
    "referrer_name": "Dee School",
    "referrer_role": "DSL",
    "source_code": "2A",
    "worry": "Arrived hungry, with bruises on both arms.",
    "categories": ["neglect"],
    "consent": "knows_and_agrees",
}
# The child as the referrer names them, and her record (made by the front door, then restricted).
GIVEN = {"given_first_name": "Amelia", "given_last_name": "Hartley", "given_date_of_birth": dt.date(2015, 3, 14)}
DOB_SHOWN = ("14 March 2015", "2015-03-14", "14/03/2015")
NHS = "9434765919"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def restrict(person, front_door_manager):
    """Restricted by the front door manager, who alone is on the list."""
    return person_restrict(
        person=person, actor=front_door_manager, reason=RestrictionReason.HIGH_PROFILE, access_users=[]
    )


@pytest.fixture
def amelia(make_person, front_door_manager):
    person = make_person(nhs_number=NHS)
    return restrict(person, front_door_manager)


@pytest.fixture
def contact(triage_officer, amelia):
    """A contact about Amelia, matched to her (restricted) record."""
    made, _ = contact_create(actor=triage_officer, data=dict(CONTACT), children=[dict(GIVEN)])
    contact_child_link(contact_child=made.children.get(), person=amelia, actor=triage_officer)
    return made


def assert_nothing_of_amelia(page: str, amelia) -> None:
    for text in ("Amelia", "Hartley", NHS, amelia.la_child_id, *DOB_SHOWN):
        assert text not in page, text
    assert "Restricted record" in page


# --- the selector ----------------------------------------------------------------------------------------


def test_the_selector_names_the_restricted_records_a_user_is_not_on_the_list_of(
    amelia, make_person, triage_officer, front_door_manager, django_assert_num_queries
):
    from cases.selectors import people_restricted_for_user  # here: the other tests ran before it existed

    other = make_person(first="Ben", last="Cole", dob=dt.date(2016, 1, 1))
    with django_assert_num_queries(1):
        assert people_restricted_for_user(user=triage_officer, people=[amelia, other, None]) == {amelia.pk}
    assert people_restricted_for_user(user=front_door_manager, people=[amelia, other]) == set()
    with django_assert_num_queries(0):  # nobody restricted: no query
        assert people_restricted_for_user(user=triage_officer, people=[other, None]) == set()


# --- the front door ------------------------------------------------------------------------------------------


def test_the_front_door_queue_shows_a_restricted_child_only_as_restricted_record(
    client, contact, amelia, triage_officer, front_door_manager
):
    client.force_login(triage_officer)
    page = html(client.get(reverse("front_door:queue")))
    assert contact.reference in page
    assert_nothing_of_amelia(page, amelia)
    client.force_login(front_door_manager)  # on the list
    assert amelia.display_name in html(client.get(reverse("front_door:queue")))


def test_the_queue_reads_the_access_lists_in_one_query_however_many_rows(
    client, triage_officer, front_door_manager, make_person
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            html(client.get(reverse("front_door:queue")))
        return len(captured)

    def add_restricted_contacts(n: int) -> None:
        for i in range(n):
            person = restrict(make_person(first=f"Child{i}", last="Restricted"), front_door_manager)
            made, _ = contact_create(actor=triage_officer, data=dict(CONTACT), children=[{"person": person}])

    client.force_login(triage_officer)
    add_restricted_contacts(2)
    few = queries()
    add_restricted_contacts(8)
    assert queries() == few


def test_the_contact_page_does_not_show_what_the_referrer_gave_for_a_restricted_child(
    client, contact, amelia, triage_officer, front_door_manager
):
    client.force_login(triage_officer)
    page = html(client.get(reverse("front_door:contact_detail", args=[contact.pk])))
    assert_nothing_of_amelia(page, amelia)
    client.force_login(front_door_manager)
    page = html(client.get(reverse("front_door:contact_detail", args=[contact.pk])))
    assert "Amelia" in page and amelia.la_child_id in page


def test_the_contacts_api_does_not_show_a_restricted_child_to_front_door_staff_off_the_list(
    contact, amelia, triage_officer, front_door_manager
):
    api = APIClient()
    api.force_authenticate(triage_officer)
    for body in (api.get(f"/api/v1/contacts/{contact.pk}/").json(), api.get("/api/v1/contacts/").json()):
        text = str(body)
        assert "Amelia" not in text and "Hartley" not in text and "2015-03-14" not in text
    child = api.get(f"/api/v1/contacts/{contact.pk}/").json()["children"][0]
    assert child["restricted"] is True and child["person_id"] == amelia.pk
    api.force_authenticate(front_door_manager)
    assert api.get(f"/api/v1/contacts/{contact.pk}/").json()["children"][0]["first_name"] == "Amelia"


def test_a_partner_agencys_inbox_shows_a_restricted_child_only_as_restricted_record(
    client, contact, amelia, triage_officer, police_officer
):
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    client.force_login(police_officer)
    assert_nothing_of_amelia(html(client.get(reverse("front_door:inbox"))), amelia)
    page = html(client.get(reverse("front_door:information_request_respond", args=[request.pk])))
    assert_nothing_of_amelia(page, amelia)
    api = APIClient()
    api.force_authenticate(police_officer)
    body = api.get("/api/v1/information-requests/").json()
    assert body["results"][0]["children"] == [
        {
            "name": "Restricted record",
            "date_of_birth": None,
            "address": "",
            "nhs_number": "",
            "description": "",
            "restricted": True,
        }
    ]
    assert "Amelia" not in str(body) and "2015" not in str(body)


# --- Family Help: the family's page and plan -------------------------------------------------------------------


@pytest.fixture
def restricted_mia(plan, led_family, front_door_manager):
    """The Okafor-Lewis family's plan (outcomes for Mia and Leo), then Mia's record restricted: Sol, the lead
    practitioner, is not on its list."""
    restrict(led_family["mia"], front_door_manager)
    return led_family["mia"]


MIA_OUTCOME = "Mia goes to school every day and on time"


def assert_nothing_of_mia(page: str) -> None:
    for text in (MIA_OUTCOME, "Mia Okafor-Lewis", "2 May 2017", "2017-05-02"):
        assert text not in page, text


def test_the_plan_page_leaves_out_a_restricted_childs_outcomes_and_actions(client, restricted_mia, led_family, plan):
    from cases.services.plans import action_add

    mia_outcome = plan.outcomes.get(child=restricted_mia)
    action_add(
        plan=plan,
        actor=led_family["lead"],
        data={
            "description": "Walk Mia to the school gate",
            "owner": led_family["lead"],
            "outcome": mia_outcome,
            "due_on": timezone.localdate() + dt.timedelta(days=7),
        },
    )
    client.force_login(led_family["lead"])
    page = html(client.get(reverse("cases:plan", args=[led_family["case"].pk])))
    assert_nothing_of_mia(page)
    assert "Walk Mia to the school gate" not in page
    assert "Leo&#x27;s bedtime routine is settled" in page or "Leo's bedtime routine is settled" in page
    assert "Restricted record" in page
    assert client.get(reverse("cases:outcome_edit", args=[led_family["case"].pk, mia_outcome.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(led_family["lead"])
    body = str(api.get(f"/api/v1/families/{led_family['case'].pk}/plan/").json())
    assert MIA_OUTCOME not in body and "Walk Mia to the school gate" not in body


def test_the_family_page_shows_a_restricted_child_only_as_restricted_record(
    client, restricted_mia, led_family, front_door_manager
):
    client.force_login(led_family["lead"])
    page = html(client.get(reverse("family_help:family", args=[led_family["case"].pk])))
    assert_nothing_of_mia(page)
    assert "Restricted record" in page
    assert "Leo Okafor-Lewis" in page


def test_a_restricted_adult_in_the_family_is_restricted_record_on_the_family_page(
    client, led_family, front_door_manager
):
    restrict(led_family["grace"], front_door_manager)
    client.force_login(led_family["lead"])
    page = html(client.get(reverse("family_help:family", args=[led_family["case"].pk])))
    assert "Grace Okafor" not in page
    assert "Restricted record (mother" in page or "Restricted record (parent" in page


def test_the_lead_practitioners_letter_does_not_name_a_restricted_child_to_a_printer_off_the_list(
    client, family, fh_manager, vcs_fhlp, front_door_manager
):
    import io
    import re

    from pypdf import PdfReader

    from family_help.services.allocation import allocation_create

    allocation = allocation_create(work_request=family["request"], actor=fh_manager, lead=vcs_fhlp, reason="Local")
    restrict(family["mia"], front_door_manager)
    client.force_login(vcs_fhlp)
    response = client.get(reverse("family_help:letter", args=[allocation.pk]))
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert "Mia" not in text and "Family Help for Leo" in text


def test_the_allocation_waiting_list_keeps_a_restricted_child_as_restricted_record(
    client, family, fh_manager, front_door_manager
):
    # A manager off the list still sees that a child is waiting (not silently missing), and nothing about them.
    restrict(family["mia"], front_door_manager)
    client.force_login(fh_manager)
    page = html(client.get(reverse("family_help:allocations")))
    assert "Restricted record" in page
    for text in ("Mia", "Okafor-Lewis", "attendance is falling"):
        assert text not in page, text
    assert client.get(reverse("family_help:allocate", args=[family["request"].pk])).status_code == 404
