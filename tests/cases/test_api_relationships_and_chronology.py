"""The people API: the family network and the chronology, with their scope, filters and read audit."""

import datetime as dt

import pytest

from cases.models import AuditEvent, Relationship, Role
from cases.services import chronology_add, person_restrict, relationship_add

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


def rels(person) -> str:
    return f"{PEOPLE}{person.pk}/relationships/"


def chron(person) -> str:
    return f"{PEOPLE}{person.pk}/chronology/"


@pytest.fixture
def family(make_person, triage_officer):
    child = make_person(first="Ben", last="Adams", dob=dt.date(2016, 1, 1))
    mother = make_person(first="Ann", last="Adams", dob=dt.date(1988, 1, 1))
    sister = make_person(first="Cat", last="Adams", dob=dt.date(2018, 1, 1))
    relationship_add(
        actor=triage_officer, from_person=mother, to_person=child, type="mother", parental_responsibility=True
    )
    relationship_add(actor=triage_officer, from_person=child, to_person=sister, type="sibling")
    return {"child": child, "mother": mother, "sister": sister}


@pytest.fixture
def fhlp(make_api_user):
    return make_api_user(Role.FHLP)


# --- relationships -----------------------------------------------------------------------------------


def test_relationships_are_read_from_this_persons_side(api_client, triage_officer, family):
    api_client.force_authenticate(triage_officer)
    response = api_client.get(rels(family["child"]))
    assert response.status_code == 200
    by_name = {r["person"]["name"]: r for r in response.data}
    assert by_name["Ann Adams"]["relationship"] == "Mother"
    assert by_name["Ann Adams"]["parental_responsibility"] is True
    assert by_name["Cat Adams"]["relationship"] == "Sibling"
    assert by_name["Ann Adams"]["person"]["url"].endswith(f"{PEOPLE}{family['mother'].pk}/")
    mother_side = api_client.get(rels(family["mother"])).data
    assert [(r["person"]["id"], r["relationship"]) for r in mother_side] == [(family["child"].pk, "Child")]


def test_relationship_list_writes_one_read_audit_row_with_everyone_shown(api_client, triage_officer, family):
    api_client.force_authenticate(triage_officer)
    api_client.get(rels(family["child"]))
    event = AuditEvent.objects.get(verb="person.relationships_viewed")
    assert event.child_ids == sorted(p.pk for p in family.values())


def test_family_network_shows_out_of_scope_relatives_without_a_link(api_client, fhlp, family, api_involve):
    api_involve(family["child"], fhlp)
    api_client.force_authenticate(fhlp)
    response = api_client.get(rels(family["child"]))
    by_name = {r["person"]["name"]: r["person"] for r in response.data}
    assert by_name["Ann Adams"]["url"]  # an adult in the child's network opens with the child
    assert by_name["Cat Adams"]["url"] is None  # a sibling is reached through her own involvement only
    assert api_client.get(f"{PEOPLE}{family['sister'].pk}/").status_code == 404


def test_a_restricted_relative_is_shown_only_as_a_placeholder(api_client, triage_officer, family, privacy_officer):
    person_restrict(person=family["mother"], actor=privacy_officer, reason="high_risk", access_users=[])
    api_client.force_authenticate(triage_officer)
    response = api_client.get(rels(family["child"]))
    assert {"restricted": True} in [r["person"] for r in response.data]
    assert b"Ann" not in response.content
    event = AuditEvent.objects.get(verb="person.relationships_viewed")
    assert family["mother"].pk not in event.child_ids


def test_add_a_relationship_in_either_direction(api_client, triage_officer, make_person):
    child = make_person(first="Ben", last="Adams")
    father = make_person(first="Dan", last="Adams", dob=dt.date(1985, 1, 1))
    grandchild = make_person(first="Eve", last="Adams", dob=dt.date(2024, 1, 1))
    api_client.force_authenticate(triage_officer)
    response = api_client.post(
        rels(child),
        {"other_person_id": father.pk, "type": "father", "parental_responsibility": True, "start_date": "2016-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert (response.data["person"]["id"], response.data["relationship"]) == (father.pk, "Father")
    assert response.data["parental_responsibility"] is True
    rel = Relationship.objects.get(pk=response.data["relationship_id"])
    assert (rel.from_person_id, rel.to_person_id, rel.type) == (father.pk, child.pk, "father")
    response = api_client.post(
        rels(child),
        {"other_person_id": grandchild.pk, "type": "grandparent", "direction": "this_is_type_of_other"},
        format="json",
    )
    assert response.status_code == 201
    assert response.data["relationship"] == "Grandchild"
    assert AuditEvent.objects.filter(verb="relationship.added").count() == 2


def test_add_relationship_needs_both_people_in_scope(api_client, fhlp, make_person, api_involve):
    child, stranger = make_person(first="Ben"), make_person(first="Stranger", dob=dt.date(2017, 1, 1))
    api_involve(child, fhlp)
    api_client.force_authenticate(fhlp)
    response = api_client.post(rels(child), {"other_person_id": stranger.pk, "type": "sibling"}, format="json")
    assert response.status_code == 404
    response = api_client.post(rels(stranger), {"other_person_id": child.pk, "type": "sibling"}, format="json")
    assert response.status_code == 404
    assert not Relationship.objects.exists()


def test_add_relationship_is_404_for_someone_who_may_read_but_not_edit(api_client, make_api_user, make_person):
    child, other = make_person(first="Ben"), make_person(first="Other")
    api_client.force_authenticate(make_api_user(Role.MANAGER))
    assert api_client.get(rels(child)).status_code == 200
    response = api_client.post(rels(child), {"other_person_id": other.pk, "type": "sibling"}, format="json")
    assert response.status_code == 404
    assert not Relationship.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"type": "sibling"}, "other_person_id", 400),
        ({"other_person_id": "abc", "type": "sibling"}, "other_person_id", 400),
        ({"other_person_id": 10**30, "type": "sibling"}, "other_person_id", 400),
        ({"other_person_id": "self", "type": "sibling"}, "other_person_id", 400),
        ({"other_person_id": "other", "type": "cousin"}, "type", 400),
        ({"other_person_id": "other", "type": "sibling", "direction": "sideways"}, "direction", 400),
        ({"other_person_id": "other", "type": "sibling", "start_date": "yesterday"}, "start_date", 400),
        ({"other_person_id": 999999999, "type": "sibling"}, None, 404),
    ],
)
def test_add_relationship_refuses_bad_input_with_a_reason(api_client, triage_officer, make_person, body, field, status):
    child, other = make_person(first="Ben"), make_person(first="Other")
    ids = {"self": child.pk, "other": other.pk}
    body = {**body, "other_person_id": ids.get(body.get("other_person_id"), body.get("other_person_id"))}
    body = {k: v for k, v in body.items() if v is not None}
    api_client.force_authenticate(triage_officer)
    response = api_client.post(rels(child), body, format="json")
    assert response.status_code == status
    if field:
        assert field in response.data
    assert not Relationship.objects.exists()


# --- chronology --------------------------------------------------------------------------------------


@pytest.fixture
def story(make_person, triage_officer):
    child = make_person()
    for day, strand, significant in ((3, "front_door", False), (5, "macpt", True), (4, "family_help", False)):
        chronology_add(
            person=child,
            actor=triage_officer,
            strand=strand,
            kind=f"{strand}_event",
            summary=f"Event on day {day}",
            significant=significant,
            occurred_at=dt.datetime(2026, 1, day, 9, tzinfo=dt.UTC),
        )
    return child


def test_chronology_lists_every_strand_newest_first(api_client, triage_officer, story):
    api_client.force_authenticate(triage_officer)
    response = api_client.get(chron(story), {"to": "2026-01-31"})
    assert response.status_code == 200
    assert [e["strand"] for e in response.data["results"]] == ["macpt", "family_help", "front_door"]
    assert response.data["results"][0]["author"] == triage_officer.full_name
    event = AuditEvent.objects.get(verb="person.chronology_viewed")
    assert (event.child_ids, event.actor_id) == ([story.pk], triage_officer.pk)


@pytest.mark.parametrize(
    ("params", "kinds"),
    [
        ({"strand": "macpt"}, ["macpt_event"]),
        ({"significant": "true", "to": "2026-01-31"}, ["macpt_event"]),
        ({"from": "2026-01-04", "to": "2026-01-04"}, ["family_help_event"]),
        ({"from": "2026-01-04", "to": "2026-01-31", "significant": "false"}, ["macpt_event", "family_help_event"]),
    ],
)
def test_chronology_filters(api_client, triage_officer, story, params, kinds):
    api_client.force_authenticate(triage_officer)
    response = api_client.get(chron(story), params)
    assert [e["kind"] for e in response.data["results"]] == kinds


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"strand": "police"}, "strand"),
        ({"significant": "maybe"}, "significant"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "not a date"}, "to"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
        ({"page": "-1"}, "page"),
    ],
)
def test_chronology_refuses_bad_filters_with_a_reason(api_client, triage_officer, story, params, field):
    api_client.force_authenticate(triage_officer)
    response = api_client.get(chron(story), params)
    assert response.status_code == 400
    assert field in response.data
    assert not AuditEvent.objects.filter(verb="person.chronology_viewed").exists()


def test_chronology_is_404_for_an_uninvolved_fhlp_and_200_once_involved(api_client, fhlp, story, api_involve):
    api_client.force_authenticate(fhlp)
    assert api_client.get(chron(story)).status_code == 404
    assert api_client.get(rels(story)).status_code == 404
    api_involve(story, fhlp)
    assert api_client.get(chron(story)).status_code == 200
    assert api_client.get(rels(story)).status_code == 200
