"""Issue 13 item 4: new information reaches the people working with the child.

When triage matches a contact's child to a record open to Family Help or child protection (an open episode), the
episode's lead practitioners are told (once, the title naming the contact and never the child), and the contact's
entry is on the child's chronology. The contact page shows triage, for each matched child, the context: the open
episode and its level, the lead practitioners, the team around the family, brothers and sisters, the contacts of
the last 12 months and whether a referral now would be a re-referral (the DfE's: within 12 months of a previous
referral's date). One selector reads it (front_door.selectors.contact_triage_context), scoped to the reader, in a
number of queries that does not grow with the children."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import ChronologyEntry, LeadKind, Notification
from cases.services import (
    cin_referral_close,
    cin_referral_open,
    episode_set_lead,
    person_restrict,
    relationship_add,
    taf_add,
)
from cases.workdays import LONDON
from front_door.selectors import contact_triage_context
from front_door.services import contact_child_create_and_link, contact_child_link, contact_create, decision_record
from tests.front_door.support import CONTACT
from tests.support import need_level

pytestmark = pytest.mark.django_db

MIA_AS_GIVEN = {
    "given_first_name": "Mia",
    "given_last_name": "Okafor-Lewis",
    "given_date_of_birth": dt.date(2017, 5, 2),
}


def _contact(actor, children=None, **data):
    contact, _ = contact_create(actor=actor, data={**CONTACT, **data}, children=children or [dict(MIA_AS_GIVEN)])
    return contact


@pytest.fixture
def open_family(family, fh_manager, vcs_fhlp, lcpp, health_practitioner, triage_officer):
    """The Okafor-Lewis family (tests/conftest.py) with Mia led by a Family Help lead practitioner and an LCPP,
    a health visitor in the team around the family, and Leo recorded as Mia's brother."""
    mia_episode = family["episodes"]["Mia"]
    episode_set_lead(episode=mia_episode, actor=fh_manager, user=vcs_fhlp, kind=LeadKind.FHLP)
    episode_set_lead(episode=mia_episode, actor=fh_manager, user=lcpp, kind=LeadKind.LCPP)
    taf_add(family_case=family["case"], actor=fh_manager, user=health_practitioner, role="Health visitor")
    relationship_add(actor=triage_officer, from_person=family["mia"], to_person=family["leo"], type="sibling")
    return family


# --- the lead is told -----------------------------------------------------------------------------------------


def test_matching_a_child_to_a_record_open_to_family_help_tells_each_lead_once(
    open_family, triage_officer, vcs_fhlp, lcpp
):
    mia = open_family["mia"]
    contact = _contact(triage_officer)
    child = contact.children.get()
    contact_child_link(contact_child=child, person=mia, actor=triage_officer)
    contact_child_link(contact_child=child, person=mia, actor=triage_officer)  # the same match again: no second word
    for lead in (vcs_fhlp, lcpp):
        told = Notification.objects.filter(user=lead, kind="contact.child_open")
        assert told.count() == 1, lead
        note = told.get()
        assert contact.reference in note.title
        # The title and body never name the child (a restricted child's name must not reach anyone off its list).
        assert "Mia" not in note.title + note.body and "Okafor" not in note.title + note.body
    # The LCPP reads contacts: their link opens the contact. A Family Help lead cannot open the front door's
    # contacts, so theirs opens the child's chronology, where the contact's entry is.
    assert Notification.objects.get(user=lcpp, kind="contact.child_open").link == reverse(
        "front_door:contact_detail", args=[contact.pk]
    )
    assert Notification.objects.get(user=vcs_fhlp, kind="contact.child_open").link == reverse(
        "cases:person_chronology", args=[mia.pk]
    )
    entry = ChronologyEntry.objects.get(person=mia, kind="contact_received", target_id=str(contact.pk))
    assert contact.reference in entry.summary


def test_a_lead_of_a_restricted_child_is_told_without_the_childs_name(
    open_family, triage_officer, vcs_fhlp, privacy_officer
):
    mia = open_family["mia"]
    person_restrict(person=mia, actor=privacy_officer, reason="high_risk", access_users=[triage_officer, vcs_fhlp])
    contact = _contact(triage_officer)
    contact_child_link(contact_child=contact.children.get(), person=mia, actor=triage_officer)
    note = Notification.objects.get(user=vcs_fhlp, kind="contact.child_open")
    assert "Mia" not in note.title + note.body and "Okafor" not in note.title + note.body


def test_nobody_is_told_when_the_record_has_no_open_episode(triage_officer, make_person):
    closed = make_person(first="Ruby", last="Quinton", dob=dt.date(2017, 9, 4))
    contact = _contact(triage_officer, children=[{"given_first_name": "Ruby", "given_last_name": "Quinton"}])
    contact_child_link(contact_child=contact.children.get(), person=closed, actor=triage_officer)
    assert not Notification.objects.filter(kind="contact.child_open").exists()
    contact = _contact(triage_officer, children=[{"given_first_name": "New", "given_last_name": "Child"}])
    contact_child_create_and_link(
        contact_child=contact.children.get(), actor=triage_officer, data={"first_name": "New", "last_name": "Child"}
    )
    assert not Notification.objects.filter(kind="contact.child_open").exists()


# --- the context on the contact page -------------------------------------------------------------------------


def _page(client, user, contact) -> str:
    client.force_login(user)
    response = client.get(reverse("front_door:contact_detail", args=[contact.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, element_id: str) -> str:
    """The text of one item of the context (each is a <dd> with its id)."""
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</dd>", start)]


def test_the_contact_page_shows_triage_each_matched_childs_context(
    client, open_family, triage_officer, vcs_fhlp, lcpp, health_practitioner
):
    mia = open_family["mia"]
    earlier = _contact(triage_officer, children=[{"person": mia}], received_at=timezone.now() - dt.timedelta(days=90))
    long_ago = _contact(triage_officer, children=[{"person": mia}], received_at=timezone.now() - dt.timedelta(days=400))
    contact = _contact(triage_officer, children=[{"person": mia}])
    page = _page(client, triage_officer, contact)
    assert 'id="triage-context"' in page
    assert "Targeted early help" in _section(page, "context-episode-1")
    leads = _section(page, "context-leads-1")
    assert vcs_fhlp.full_name in leads and lcpp.full_name in leads
    assert health_practitioner.full_name in _section(page, "context-taf-1")
    assert "Leo Okafor-Lewis" in _section(page, "context-siblings-1")
    contacts = _section(page, "context-contacts-1")
    assert earlier.reference in contacts and long_ago.reference not in contacts and contact.reference not in contacts
    assert "No referral in the 12 months before this contact" in _section(page, "context-re-referral-1")


def test_a_brother_through_the_same_mother_is_shown_when_no_sibling_relationship_is_recorded(
    client, family, triage_officer
):
    """The family fixture records Grace as the mother of Mia and of Leo, and no sibling relationship between them:
    triage must still see that Mia has a brother (the issue 13 journey found "None recorded")."""
    contact = _contact(triage_officer, children=[{"person": family["mia"]}])
    siblings = _section(_page(client, triage_officer, contact), "context-siblings-1")
    assert "Leo Okafor-Lewis" in siblings and "same mother: Grace Okafor" in siblings


def test_a_restricted_brother_off_the_readers_list_is_not_named(
    client, open_family, triage_officer, front_door_manager, privacy_officer
):
    leo = open_family["leo"]
    person_restrict(person=leo, actor=privacy_officer, reason="high_risk", access_users=[triage_officer])
    contact = _contact(triage_officer, children=[{"person": open_family["mia"]}])
    siblings = _section(_page(client, front_door_manager, contact), "context-siblings-1")
    assert "Leo" not in siblings and "Restricted record" in siblings
    assert "Leo Okafor-Lewis" in _section(_page(client, triage_officer, contact), "context-siblings-1")


def test_a_restricted_child_off_the_readers_list_has_no_context_shown(
    client, open_family, triage_officer, front_door_manager, vcs_fhlp, privacy_officer
):
    mia = open_family["mia"]
    person_restrict(person=mia, actor=privacy_officer, reason="high_risk", access_users=[triage_officer])
    contact = _contact(triage_officer, children=[{"person": mia}])
    page = _page(client, front_door_manager, contact)
    assert 'id="context-leads-1"' not in page and vcs_fhlp.full_name not in page
    assert vcs_fhlp.full_name in _section(_page(client, triage_officer, contact), "context-leads-1")


def test_the_context_costs_the_same_queries_for_one_child_or_three(
    client, open_family, triage_officer, django_assert_max_num_queries, make_person
):
    mia, leo = open_family["mia"], open_family["leo"]
    third = make_person(first="Ava", last="Okafor-Lewis", dob=dt.date(2019, 1, 1))
    for child in (mia, leo, third):
        _contact(triage_officer, children=[{"person": child}], received_at=timezone.now() - dt.timedelta(days=30))
    one = _contact(triage_officer, children=[{"person": mia}])
    three = _contact(triage_officer, children=[{"person": mia}, {"person": leo}, {"person": third}])
    client.force_login(triage_officer)
    url = reverse("front_door:contact_detail", args=[one.pk])
    client.get(url)  # warm the session and the kept scopes
    with CaptureQueriesContext(connection) as for_one:
        client.get(url)
    with django_assert_max_num_queries(len(for_one.captured_queries)):
        response = client.get(reverse("front_door:contact_detail", args=[three.pk]))
    assert 'id="context-child-3"' in response.content.decode()
    # The context itself: 10 queries at most (9 when the page gives it the children it may see), for any number.
    children = list(three.children.select_related("person"))
    with django_assert_max_num_queries(10):
        rows = contact_triage_context(user=triage_officer, contact=three, children=children)
        assert [r.index for r in rows] == [1, 2, 3] and rows[0].leads and rows[0].siblings and rows[0].contacts


# --- the re-referral flag ----------------------------------------------------------------------------------------


def _referral(person, on, actor):
    """A previous referral of the child, closed (a child has one open at a time)."""
    cin_referral_open(person=person, episode=None, referral_date=on, source_code="2A", source=None, actor=actor)
    cin_referral_close(person=person, on=on, reason_code="RC8", actor=actor)


@pytest.mark.parametrize(
    ("months", "days", "flagged"),
    [
        (12, 0, True),  # 12 months to the day before this contact: within 12 months (the DfE's count)
        (12, 1, False),  # a day more: not a re-referral
        (3, 0, True),
    ],
)
def test_re_referral_is_a_previous_referral_within_12_months_of_this_contact(
    client, open_family, triage_officer, months, days, flagged
):
    mia = open_family["mia"]
    received = dt.datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
    _referral(mia, received.date() - relativedelta(months=months) - dt.timedelta(days=days), triage_officer)
    contact = _contact(triage_officer, children=[{"person": mia}], received_at=received)
    text = _section(_page(client, triage_officer, contact), "context-re-referral-1")
    if flagged:
        previous = received.date() - relativedelta(months=months) - dt.timedelta(days=days)
        assert f"Yes: referred on {previous.day} {previous:%B %Y}" in text
    else:
        assert "No referral in the 12 months before this contact" in text
    row = contact_triage_context(user=triage_officer, contact=contact, children=list(contact.children.all()))[0]
    assert row.re_referral is flagged


def test_a_referral_made_from_this_contact_is_not_its_own_previous_referral(open_family, triage_officer):
    mia = open_family["mia"]
    contact = _contact(triage_officer, children=[{"person": mia}])
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=3, level=need_level("child_in_need"), rationale="s17 needed"
    )
    cin_referral_open(
        person=mia,
        episode=None,
        referral_date=timezone.localdate(),
        source_code="2A",
        source=decision,
        actor=triage_officer,
    )
    row = contact_triage_context(user=triage_officer, contact=contact, children=list(contact.children.all()))[0]
    assert row.re_referral is False


# --- a contact recorded about an already-matched child (the API's person_id) ------------------------------------------


def test_a_contact_recorded_already_matched_to_an_open_child_tells_the_lead_and_carries_the_household(
    open_family, triage_officer, vcs_fhlp
):
    """Triage (or a system through the API) may name the child's record when recording the contact: the lead is told
    then, as on a match, and the household given joins the record (contact_child_link is never called)."""
    from cases.models import Relationship

    mia = open_family["mia"]
    contact, _ = contact_create(
        actor=triage_officer,
        data=CONTACT,
        children=[{"person": mia}],
        household=[{"relationship": "father", "first_name": "Kofi", "last_name": "Okafor", "date_of_birth": None}],
    )
    told = Notification.objects.filter(user=vcs_fhlp, kind="contact.child_open")
    assert [n.title for n in told] == [f"New contact {contact.reference} about a child you are lead practitioner for"]
    father = Relationship.objects.get(to_person=mia, type="father").from_person
    assert (father.first_name, father.last_name) == ("Kofi", "Okafor")


def test_matching_through_the_service_carries_the_household_whatever_page_or_api_calls_it(family, triage_officer):
    """contact_child_link is the one way a contact's child meets a record: the household joins the record there, not
    only when the match page's view remembers to ask for it."""
    from cases.models import Relationship

    contact, _ = contact_create(
        actor=triage_officer,
        data=CONTACT,
        children=[dict(MIA_AS_GIVEN)],
        household=[{"relationship": "father", "first_name": "Kofi", "last_name": "Okafor", "date_of_birth": None}],
    )
    contact_child_link(contact_child=contact.children.get(), person=family["mia"], actor=triage_officer)
    assert Relationship.objects.filter(to_person=family["mia"], type="father", from_person__first_name="Kofi").exists()
