"""Issue 13 item 13: likely duplicates are flagged in search results and where triage matches or creates a child's
record from a contact.

The rule (cases.selectors.search.likely_same_child): two records found by one search are likely the same child when
their first names are alike and their last names are alike (the same ignoring case, the same sound, or one letter
apart) and they share the date of birth or a current postcode; two different NHS numbers say they are two children.
Each of the pair is flagged, with a link to compare them on the merge page."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.selectors import SearchCriteria, person_search
from cases.services import person_add_address
from front_door.services import contact_create
from tests.front_door.support import CONTACT

pytestmark = pytest.mark.django_db

LILY_BORN = dt.date(2017, 6, 12)


@pytest.fixture
def lilies(make_person, triage_officer):
    """The demo's likely duplicate: Lily Pearson known to Family Help (with an NHS number), and a second record made
    at the front door for the same girl (no NHS number), at the same address."""
    known = make_person(first="Lily", last="Pearson", dob=LILY_BORN, nhs_number="9434765919", sex="F")
    second = make_person(first="Lily", last="Pearson", dob=LILY_BORN, sex="F")
    for person in (known, second):
        person_add_address(person=person, actor=triage_officer, line1="4 Mill Lane", postcode="DE1 4AB")
    return known, second


def _hit(hits, person):
    return next(h for h in hits if h.person is not None and h.person.pk == person.pk)


def test_two_lily_pearson_records_found_by_one_search_are_each_flagged(lilies, triage_officer):
    known, second = lilies
    hits = person_search(user=triage_officer, criteria=SearchCriteria(name="Lily Pearson"))
    assert [h.person.pk for h in _hit(hits, known).likely_duplicates] == [second.pk]
    assert [h.person.pk for h in _hit(hits, second).likely_duplicates] == [known.pk]


def test_a_sounds_alike_name_with_the_same_date_of_birth_is_flagged(make_person, triage_officer):
    john = make_person(first="John", last="Smith", dob=dt.date(2014, 2, 2))
    jon = make_person(first="Jon", last="Smyth", dob=dt.date(2014, 2, 2))
    hits = person_search(user=triage_officer, criteria=SearchCriteria(name="John Smith"))
    assert [h.person for h in _hit(hits, john).likely_duplicates] == [jon]


def test_the_same_name_at_the_same_postcode_with_a_swapped_date_of_birth_is_flagged(make_person, triage_officer):
    amara = make_person(first="Amara", last="Okafor", dob=dt.date(2015, 3, 7))
    swapped = make_person(first="Amara", last="Okafor", dob=dt.date(2015, 7, 3))
    for person in (amara, swapped):
        person_add_address(person=person, actor=triage_officer, line1="9 Elm Road", postcode="DE2 9ZZ")
    hits = person_search(user=triage_officer, criteria=SearchCriteria(name="Amara Okafor"))
    assert [h.person for h in _hit(hits, amara).likely_duplicates] == [swapped]


def test_two_children_who_share_only_a_name_are_not_flagged(make_person, triage_officer):
    one = make_person(first="Lily", last="Pearson", dob=dt.date(2017, 6, 12))
    other = make_person(first="Lily", last="Pearson", dob=dt.date(2012, 1, 30))
    person_add_address(person=one, actor=triage_officer, line1="4 Mill Lane", postcode="DE1 4AB")
    person_add_address(person=other, actor=triage_officer, line1="1 Far Away", postcode="ZZ9 9ZZ")
    hits = person_search(user=triage_officer, criteria=SearchCriteria(name="Lily Pearson"))
    assert all(h.likely_duplicates == [] for h in hits)


def test_two_different_nhs_numbers_are_two_children(make_person, triage_officer):
    make_person(first="Lily", last="Pearson", dob=LILY_BORN, nhs_number="9434765919")
    make_person(first="Lily", last="Pearson", dob=LILY_BORN, nhs_number="9434765870")
    hits = person_search(user=triage_officer, criteria=SearchCriteria(name="Lily Pearson"))
    assert all(h.likely_duplicates == [] for h in hits)


def test_a_restricted_record_off_the_users_list_is_never_named_as_a_duplicate(
    lilies, triage_officer, lcpp, privacy_officer
):
    from cases.services import person_restrict

    known, second = lilies
    person_restrict(person=known, actor=privacy_officer, reason="staff_family", access_users=[triage_officer])
    hits = person_search(user=lcpp, criteria=SearchCriteria(name="Lily Pearson"))
    assert _hit(hits, second).likely_duplicates == []


def test_the_search_page_flags_each_of_the_pair_with_a_link_to_compare_them(client, lilies, triage_officer):
    known, second = lilies
    client.force_login(triage_officer)
    page = client.get(reverse("cases:person_search"), {"name": "Lily Pearson"}).content.decode()
    assert page.count("Likely duplicate") == 2
    compare = reverse("cases:person_merge", args=[known.pk]) + f"?duplicate={second.la_child_id}"
    assert compare in page
    assert reverse("cases:person_merge", args=[second.pk]) + f"?duplicate={known.la_child_id}" in page


def test_the_contact_match_page_flags_likely_duplicates_among_the_records_it_offers(client, lilies, triage_officer):
    known, second = lilies
    contact, _ = contact_create(
        actor=triage_officer,
        data=dict(CONTACT),
        children=[{"given_first_name": "Lily", "given_last_name": "Pearson", "given_date_of_birth": LILY_BORN}],
    )
    child = contact.children.get()
    client.force_login(triage_officer)
    page = client.get(reverse("front_door:contact_child_match", args=[contact.pk, child.pk])).content.decode()
    assert page.count("Likely duplicate") == 2
    assert reverse("cases:person_merge", args=[known.pk]) + f"?duplicate={second.la_child_id}" in page
    # Created anyway (confirmed as none of them): the page that follows still says the records look alike.
    response = client.post(
        reverse("front_door:contact_child_match", args=[contact.pk, child.pk]),
        {"action": "choose", "match-person": second.pk},
        follow=True,
    )
    assert f"may be the same child as {known.la_child_id}" in response.content.decode()


def test_the_search_api_names_each_records_likely_duplicates(api_client, lilies, triage_officer):
    known, second = lilies
    api_client.force_authenticate(triage_officer)
    body = api_client.get(reverse("api:person_search"), {"name": "Lily Pearson"}).json()
    results = body["results"] if isinstance(body, dict) else body
    by_id = {r["la_child_id"]: r["likely_duplicates"] for r in results if "la_child_id" in r}
    assert by_id == {known.la_child_id: [second.la_child_id], second.la_child_id: [known.la_child_id]}
