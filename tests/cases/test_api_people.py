"""The people API: list, create with a duplicate check, read, change with If-Match, search, read audit."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AuditEvent, Person, RecordHistory
from cases.services import person_add_address, person_restrict
from tests.api_tokens import service_account, token_for
from tests.support import unchanged

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
SEARCH = "/api/v1/people/search/"
DUPLICATES = "/api/v1/people/duplicates/"


def detail(person) -> str:
    return f"{PEOPLE}{person.pk}/"


def reads(verb: str | None = None):
    qs = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ)
    return qs.filter(verb=verb) if verb else qs


@pytest.fixture
def triage_client(api_client, triage_officer):
    api_client.force_authenticate(triage_officer)
    return api_client


# --- list ----------------------------------------------------------------------------------------------


def test_list_shows_only_people_in_the_users_scope(api_client, sw_fhlp, make_person, api_involve):
    mine = make_person(first="Mia", last="Mine")
    make_person(first="Otto", last="Other")
    api_involve(mine, sw_fhlp)
    api_client.force_authenticate(sw_fhlp)
    response = api_client.get(PEOPLE)
    assert response.status_code == 200
    assert response.data["count"] == 1
    row = response.data["results"][0]
    assert set(row) == {
        "id",
        "la_child_id",
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "restricted",
        "url",
    }
    assert row["id"] == mine.pk
    assert row["url"].endswith(detail(mine))


def test_list_writes_one_read_audit_row_with_the_ids_shown(triage_client, triage_officer, make_person):
    people = [make_person(first=f"Child{i}") for i in range(3)]
    response = triage_client.get(PEOPLE, {"page_size": 2})
    shown = [row["id"] for row in response.data["results"]]
    assert len(shown) == 2
    event = reads("person.listed").get()
    assert (event.actor_id, event.child_ids) == (triage_officer.pk, sorted(shown))
    assert set(shown) < {p.pk for p in people}


def test_a_bad_page_is_a_400_with_a_reason(triage_client, make_person):
    make_person()
    for page in ("abc", "0", "99"):
        response = triage_client.get(PEOPLE, {"page": page})
        assert response.status_code == 400
        assert "page" in response.data
    assert not reads().exists()


@pytest.mark.parametrize("persona", ["triage_officer", "sw_fhlp"])
def test_list_keeps_a_constant_number_of_queries_as_rows_grow(
    persona, api_client, make_person, api_involve, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)

    def add(n):
        for i in range(n):
            person = make_person(first=f"Kid{Person.objects.count()}", last=f"Family{i}")
            api_involve(person, user)

    add(5)
    api_client.force_authenticate(type(user).objects.get(pk=user.pk))  # a fresh user: no cached roles
    with CaptureQueriesContext(connection) as small:
        assert api_client.get(PEOPLE, {"page_size": 100}).data["count"] == 5
    add(35)
    api_client.force_authenticate(type(user).objects.get(pk=user.pk))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api_client.get(PEOPLE, {"page_size": 100}).data["count"] == 40
    assert len(small.captured_queries) <= 8


# --- create, with the duplicate check ----------------------------------------------------------------


def test_create_returns_the_record_with_an_etag_and_location(triage_client, triage_officer):
    response = triage_client.post(
        PEOPLE,
        {
            "first_name": "Zainab",
            "last_name": "Okoro",
            "date_of_birth": "2016-02-29",
            "sex": "F",
            "nhs_number": "943 476 5919",
            "ethnicity": "BAFR",
            "disabilities": ["NONE"],
            "address": {"line1": "1 Test Street", "postcode": "ab1 2cd"},
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    person = Person.objects.get(pk=response.data["id"])
    assert (person.nhs_number, person.created_by_id, person.version) == ("9434765919", triage_officer.pk, 1)
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(detail(person))
    assert response.data["addresses"][0]["postcode"] == "AB1 2CD"
    assert response.data["la_child_id"] == person.la_child_id
    assert AuditEvent.objects.filter(verb="person.created", target_id=str(person.pk)).exists()
    assert reads("person.viewed").get().child_ids == [person.pk]


def test_create_with_a_likely_duplicate_is_409_then_201_once_reviewed(triage_client, make_person):
    existing = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    body = {"first_name": "Jon", "last_name": "Smith", "date_of_birth": "2016-05-01"}
    before = Person.objects.count()

    response = triage_client.post(PEOPLE, body, format="json")
    assert response.status_code == 409
    assert "duplicate" in response.data["detail"]
    [dup] = response.data["duplicates"]
    assert (dup["id"], dup["la_child_id"], dup["name"], dup["date_of_birth"]) == (
        existing.pk,
        existing.la_child_id,
        "John Smith",
        "2016-05-01",
    )
    assert dup["score"] >= 0.8 and "same date of birth" in dup["reasons"]
    assert Person.objects.count() == before
    assert reads("person.duplicates_shown").get().child_ids == [existing.pk]

    response = triage_client.post(PEOPLE, {**body, "duplicates_reviewed": True}, format="json")
    assert response.status_code == 201
    assert Person.objects.count() == before + 1
    assert AuditEvent.objects.get(verb="person.created", target_id=str(response.data["id"])).reason


def test_a_restricted_duplicate_is_shown_only_as_a_bare_placeholder(triage_client, make_person, privacy_officer):
    hidden = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    person_restrict(person=hidden, actor=privacy_officer, reason="high_risk", access_users=[])
    response = triage_client.post(
        PEOPLE, {"first_name": "Jon", "last_name": "Smith", "date_of_birth": "2016-05-01"}, format="json"
    )
    assert response.status_code == 409
    assert response.data["duplicates"] == [{"restricted": True}]
    assert hidden.la_child_id not in response.content.decode()
    assert reads("person.duplicates_shown").get().child_ids == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nhs_number", "1234567890", "check digit"),
        ("nhs_number", "12345", "10 digits"),
        ("upn", "A12345678901", "13 characters"),
        ("upn", "A999000000001", "check letter"),
        ("ethnicity", "XXXX", "not a valid choice"),
        ("disabilities", ["NONE", "MOB"], "on its own"),
        ("date_of_birth", (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "today or in the past"),
        ("date_of_birth", "2016-02-30", "format"),
        ("sex", "X", "not a valid choice"),
        ("first_name", "   ", "blank"),
    ],
)
def test_create_refuses_bad_values_with_a_field_keyed_reason(triage_client, field, value, message):
    body = {"first_name": "Amelia", "last_name": "Hartley", "date_of_birth": "2015-03-14", field: value}
    response = triage_client.post(PEOPLE, {**body, "duplicates_reviewed": True}, format="json")
    assert response.status_code == 400
    assert message in str(response.data[field])
    assert not Person.objects.exists()


def test_create_refuses_rules_across_fields_with_a_field_keyed_reason(triage_client):
    with unchanged(Person):
        response = triage_client.post(
            PEOPLE,
            {
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "2015-01-01",
                "expected_date_of_birth": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 400
    assert "not both" in str(response.data["expected_date_of_birth"])


def test_create_refuses_a_bad_postcode_and_saves_nothing(triage_client):
    response = triage_client.post(
        PEOPLE,
        {"first_name": "A", "last_name": "B", "address": {"line1": "1 Road", "postcode": "NOT A POSTCODE"}},
        format="json",
    )
    assert response.status_code == 400
    assert "postcode" in response.data["address"]
    assert not Person.objects.exists()


def test_create_refuses_an_nhs_number_already_on_another_record(triage_client, make_person):
    make_person(nhs_number="9434765919")
    with unchanged(Person):
        response = triage_client.post(
            PEOPLE,
            {"first_name": "Other", "last_name": "Child", "nhs_number": "9434765919", "duplicates_reviewed": True},
            format="json",
        )
    assert response.status_code == 400
    assert "already exists" in str(response.data["nhs_number"])


MASS_ASSIGNMENT = {"restricted", "restriction_reason", "la_child_id", "merged_into", "created_by", "version", "id"}


def test_create_refuses_keys_that_are_not_person_fields_by_name(triage_client, sw_fhlp, make_person):
    other = make_person(first="Someone", last="Else")
    before = Person.objects.count()
    response = triage_client.post(
        PEOPLE,
        {
            "first_name": "Amelia",
            "last_name": "Hartley",
            "restricted": True,
            "restriction_reason": "high_risk",
            "la_child_id": "HACKED1",
            "merged_into": other.pk,
            "created_by": sw_fhlp.pk,
            "version": 99,
            "id": 1,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.data) == {"code", *MASS_ASSIGNMENT}
    assert Person.objects.count() == before
    assert not Person.objects.filter(la_child_id="HACKED1").exists()


def test_only_front_door_and_lcpps_create_records(api_client, sw_fhlp):
    api_client.force_authenticate(sw_fhlp)
    response = api_client.post(PEOPLE, {"first_name": "A", "last_name": "B"}, format="json")
    assert response.status_code == 404  # a refusal is one answer (issue 11, finding 5)
    assert not Person.objects.exists()


def test_duplicates_endpoint_lists_likely_duplicates_without_saving(triage_client, make_person):
    existing = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    before = Person.objects.count()
    response = triage_client.post(
        DUPLICATES, {"first_name": "Jon", "last_name": "Smyth", "date_of_birth": "2016-05-01"}, format="json"
    )
    assert response.status_code == 200
    assert [d["id"] for d in response.data["duplicates"]] == [existing.pk]
    assert Person.objects.count() == before
    assert reads("person.duplicates_shown").get().child_ids == [existing.pk]


# --- read ----------------------------------------------------------------------------------------------


def test_detail_has_the_whole_record_and_an_etag(triage_client, make_person, triage_officer, sw_fhlp):
    from cases.models import CensusMeaning, NeedLevel
    from cases.services import episode_open, episode_set_lead, person_add_previous_name

    # get_or_create: a transactional test's flush (elsewhere in the run) empties the migration's levels.
    cin, _ = NeedLevel.objects.get_or_create(
        code="child_in_need",
        defaults={"name": "Child in need", "rank": 30, "census_meaning": CensusMeaning.CHILD_IN_NEED},
    )
    child = make_person()
    person_add_address(person=child, actor=triage_officer, line1="2 Test Road", postcode="AB1 2CD")
    person_add_previous_name(person=child, actor=triage_officer, first_name="Amelia", last_name="Jones")
    episode = episode_open(person=child, actor=triage_officer, level=cin, reason="Contact")
    episode_set_lead(episode=episode, actor=triage_officer, user=sw_fhlp, kind="fhlp")
    response = triage_client.get(detail(child))
    assert response.status_code == 200
    assert response["ETag"] == f'"{child.version}"'
    data = response.data
    assert (data["id"], data["version"], data["la_child_id"]) == (child.pk, child.version, child.la_child_id)
    assert data["other_names"][0]["last_name"] == "Jones"
    assert data["addresses"][0]["postcode"] == "AB1 2CD" and data["addresses"][0]["current"]
    assert (data["current_episode"]["level_code"], data["current_episode"]["level_name"]) == ("child_in_need", cin.name)
    assert [lead["name"] for lead in data["current_episode"]["leads"]] == ["Sol Social"]
    assert {i["practitioner"] for i in data["involvements"]} == {"Sol Social"}
    assert data["can_edit"] is True
    assert data["relationships_url"].endswith(f"{detail(child)}relationships/")


def test_n_reads_of_a_person_write_exactly_n_read_audit_rows(triage_client, triage_officer, make_person):
    child = make_person()
    for _ in range(4):
        assert triage_client.get(detail(child)).status_code == 200
    events = reads("person.viewed")
    assert events.count() == 4
    assert all(
        e.child_ids == [child.pk] and e.actor_id == triage_officer.pk and e.path == detail(child) for e in events
    )


def test_a_404_writes_no_read_audit_row(api_client, sw_fhlp, make_person):
    child = make_person()
    api_client.force_authenticate(sw_fhlp)
    assert api_client.get(detail(child)).status_code == 404
    assert api_client.get(f"{PEOPLE}999999999/").status_code == 404
    assert not reads().exists()


def test_if_the_read_audit_fails_no_child_data_is_returned(triage_client, make_person, monkeypatch):
    from cases import services

    child = make_person(first="Canary", last="Tweetington")

    def broken(**kwargs):
        raise RuntimeError("audit database unavailable")

    monkeypatch.setattr(services, "audit_read", broken)
    triage_client.raise_request_exception = False
    for url in (detail(child), PEOPLE, f"{SEARCH}?name=Canary", f"{detail(child)}chronology/"):
        response = triage_client.get(url)
        assert response.status_code == 500
        assert b"Tweetington" not in response.content


def test_token_authenticated_requests_are_scoped_like_session_ones(api_client, sw_fhlp, make_person, api_involve):
    mine = make_person(first="Mia", last="Mine")
    other = make_person(first="Otto", last="Other")
    account = service_account(like=sw_fhlp)  # a partner system's account, with the practitioner's roles
    api_involve(mine, account)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(account)}")
    listed = api_client.get(PEOPLE)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.data["results"]] == [mine.pk]
    assert api_client.get(detail(mine)).status_code == 200
    assert api_client.get(detail(other)).status_code == 404
    assert reads().filter(actor_id=account.pk).count() == 2


def test_a_bad_token_or_no_credentials_is_refused(api_client, make_person):
    child = make_person()
    assert api_client.get(detail(child)).status_code in (401, 403)
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert api_client.get(detail(child)).status_code in (401, 403)
    assert not reads().exists()


# --- change, with If-Match -----------------------------------------------------------------------------


def test_patch_without_if_match_is_428_and_changes_nothing(triage_client, make_person):
    child = make_person()
    for headers in ({}, {"HTTP_IF_MATCH": "*"}, {"HTTP_IF_MATCH": ""}):
        response = triage_client.patch(detail(child), {"preferred_name": "Millie"}, format="json", **headers)
        assert response.status_code == 428
        assert "If-Match" in response.data["detail"]
    child.refresh_from_db()
    assert (child.preferred_name, child.version) == ("", 1)


def test_patch_with_a_stale_version_is_412_with_the_current_version(triage_client, make_person):
    child = make_person()
    assert (
        triage_client.patch(detail(child), {"preferred_name": "Millie"}, format="json", HTTP_IF_MATCH='"1"').status_code
        == 200
    )
    response = triage_client.patch(detail(child), {"preferred_name": "Amy"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response.data["current_version"] == 2 and response.data["detail"]
    assert response["ETag"] == '"2"'
    child.refresh_from_db()
    assert (child.preferred_name, child.version) == ("Millie", 2)


def test_patch_with_the_current_etag_saves_and_bumps_the_version(triage_client, triage_officer, make_person):
    child = make_person()
    etag = triage_client.get(detail(child))["ETag"]
    response = triage_client.patch(
        detail(child), {"preferred_name": "Millie", "nhs_number": "943 476 5919"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert (response.data["version"], response["ETag"]) == (2, '"2"')
    child.refresh_from_db()
    assert (child.preferred_name, child.nhs_number, child.version) == ("Millie", "9434765919", 2)
    event = AuditEvent.objects.get(verb="person.updated")
    assert (event.actor_id, event.fields) == (triage_officer.pk, ["nhs_number", "preferred_name"])
    # The values are the record's own history, not the audit's.
    assert sorted(RecordHistory.objects.filter(audit_event_id=event.pk).values_list("field", "new_value")) == [
        ("nhs_number", "9434765919"),
        ("preferred_name", "Millie"),
    ]


def test_a_version_in_the_body_is_not_a_precondition(triage_client, make_person):
    # If-Match is the one way to say which version is changed (as for every editable resource).
    child = make_person()
    response = triage_client.patch(detail(child), {"first_name": "Amelie", "version": 1}, format="json")
    assert response.status_code == 428
    child.refresh_from_db()
    assert (child.first_name, child.version) == ("Amelia", 1)


def test_patch_refuses_keys_that_are_not_person_fields_by_name(triage_client, make_person, sw_fhlp):
    child = make_person()
    other = make_person(first="Other")
    response = triage_client.patch(
        detail(child),
        {
            "preferred_name": "Millie",
            "restricted": True,
            "restriction_reason": "adoption",
            "la_child_id": "X1",
            "merged_into": other.pk,
            "created_by": sw_fhlp.pk,
            "id": other.pk,
            "updated_at": "2000-01-01T00:00Z",
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert set(response.data) == {"code", "restricted", "restriction_reason", "la_child_id", "merged_into"} | {
        "created_by",
        "id",
        "updated_at",
    }
    child.refresh_from_db()
    assert (child.preferred_name, child.restricted, child.version) == ("", False, 1)


def test_patch_with_only_unknown_keys_changes_nothing(triage_client, make_person):
    child = make_person()
    response = triage_client.patch(detail(child), {"restricted": True}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    child.refresh_from_db()
    assert (child.restricted, child.version) == (False, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nhs_number": "1234567890"}, "nhs_number"),
        ({"upn": "A12345678901"}, "upn"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"ethnicity": "XXXX"}, "ethnicity"),
        ({"expected_date_of_birth": "2030-01-01"}, "expected_date_of_birth"),  # a date of birth is already set
        ({"date_of_death": "2010-01-01"}, "date_of_death"),  # before the date of birth
        ({"last_name": ""}, "last_name"),
        ({"interpreter_needed": "perhaps"}, "interpreter_needed"),
    ],
)
def test_patch_refuses_bad_values_with_a_field_keyed_reason(triage_client, make_person, body, field):
    child = make_person()
    response = triage_client.patch(detail(child), body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert field in response.data
    child.refresh_from_db()
    assert child.version == 1


def test_patch_is_404_for_someone_who_may_read_but_not_edit(api_client, fh_manager, make_person):
    child = make_person()
    api_client.force_authenticate(fh_manager)
    assert api_client.get(detail(child)).status_code == 200
    response = api_client.patch(detail(child), {"preferred_name": "X"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    child.refresh_from_db()
    assert child.version == 1


# --- search --------------------------------------------------------------------------------------------


def test_search_returns_scored_matches(triage_client, make_person, triage_officer):
    smith = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    person_add_address(person=smith, actor=triage_officer, line1="1 Road", postcode="AB1 2CD")
    response = triage_client.get(
        SEARCH, {"name": "Jon Smyth", "date_of_birth": "2016-05-03", "dob_range_days": 5, "postcode": "ab12cd"}
    )
    assert response.status_code == 200
    [hit] = response.data["results"]
    assert hit["id"] == smith.pk and hit["score"] > 0.5
    assert "name sounds the same" in hit["reasons"] and "same postcode" in hit["reasons"]
    event = reads("person.searched").get()
    assert event.child_ids == [smith.pk]
    assert "name" in event.reason and "Smyth" not in event.reason


def test_search_by_nhs_number(triage_client, make_person):
    child = make_person(nhs_number="9434765919")
    response = triage_client.get(SEARCH, {"nhs_number": "943 476 5919"})
    assert [h["id"] for h in response.data["results"]] == [child.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "non_field_errors"),
        ({"name": "   ", "postcode": ""}, "non_field_errors"),
        ({"date_of_birth": "01/05/2016"}, "date_of_birth"),
        ({"name": "x", "dob_range_days": "-1"}, "dob_range_days"),
        ({"name": "x", "dob_range_days": "7"}, "dob_range_days"),  # a range needs a date
        ({"date_of_birth": "0001-01-02", "dob_range_days": "30"}, "date_of_birth"),
        ({"name": "x" * 201}, "name"),
        ({"name": "nul\x00byte"}, "name"),
    ],
)
def test_search_refuses_bad_criteria_with_a_reason(triage_client, params, field):
    response = triage_client.get(SEARCH, params)
    assert response.status_code == 400
    assert field in response.data
    if field == "non_field_errors":
        assert "Give at least one of" in response.data[field][0]
    assert not reads().exists()


def test_search_shows_a_restricted_record_only_as_a_placeholder(
    api_client, sw_fhlp, make_person, api_involve, privacy_officer
):
    child = make_person(first="Zebedee", last="Quill", dob=dt.date(2014, 4, 4))
    api_involve(child, sw_fhlp)
    person_restrict(person=child, actor=privacy_officer, reason="staff_family", access_users=[])
    api_client.force_authenticate(sw_fhlp)
    response = api_client.get(SEARCH, {"name": "Zebedee Quill"})
    assert response.status_code == 200
    assert response.data["results"] == [{"restricted": True}]
    assert b"Quill" not in response.content and child.la_child_id.encode() not in response.content
    assert api_client.get(detail(child)).status_code == 404
    assert reads("person.searched").get().child_ids == []


def test_search_paths_are_not_taken_for_ids(triage_client):
    assert triage_client.get(SEARCH, {"name": "Smith"}).status_code == 200
    assert triage_client.get(DUPLICATES).status_code == 405


# --- the OpenAPI document and docs ---------------------------------------------------------------------


def test_schema_is_served_as_openapi_json_with_the_people_paths(triage_client):
    response = triage_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/search/",
        "/api/v1/people/duplicates/",
        "/api/v1/people/{id}/relationships/",
        "/api/v1/people/{id}/chronology/",
    } <= set(schema["paths"])
    assert {"409", "412", "428"} <= set(schema["paths"]["/api/v1/people/"]["post"]["responses"]) | set(
        schema["paths"]["/api/v1/people/{id}/"]["patch"]["responses"]
    )


def test_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/people/{id}/chronology/" in (tmp_path / "schema.yml").read_text()


def test_api_docs_render(triage_client):
    response = triage_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
