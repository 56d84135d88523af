"""Information tags narrow who reads an item, on every surface (issue 11 finding 3).

A note tagged "police" was read by health, the voluntary-sector lead practitioner and the FGDM facilitator, and a
"health" note by the police: the tags were labels only. Now each tag's rule (cases.policy TAGS) is one SQL
condition that the notes, the chronology made from them (pages, CSV, PDF, API, the record page) and safe
addresses all apply. Readers are built like the demo users (tests/personas.py: teams, several roles) and each is
given access to the child first, so a refusal here is the tag's and not the record's scope. The expected answers
come from the table through `policy.tags_admit`, a plain-Python reading of it, and from the rules as the issue
words them (the explicit cases below)."""

import csv
import io
import itertools
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import policy
from cases.models import (
    Address,
    AgencyType,
    CaseNote,
    ChronologyEntry,
    InvolvementRole,
    Qualification,
    Role,
    Team,
    VisibilityTag,
)
from cases.services import (
    case_note_correct,
    case_note_save,
    involvement_add,
    involvement_end,
    person_add_address,
    team_member_add,
)
from tests import personas
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

POLICE, HEALTH, THIRD_PARTY, SAFE, NOT_FOR_FAMILY = (
    VisibilityTag.POLICE,
    VisibilityTag.HEALTH,
    VisibilityTag.THIRD_PARTY,
    VisibilityTag.SAFE_ADDRESS,
    VisibilityTag.NOT_FOR_FAMILY,
)


# --- people, as the demo has them ----------------------------------------------------------------------


@pytest.fixture
def fgdm_facilitator(db):
    """Like the demo's fgdm@: a family group conference coordinator in the council's early help service."""
    agency = AgencyFactory(name="Test Council Early Help", type=AgencyType.COUNCIL_EARLY_HELP)
    user = UserFactory(
        email="fgdm@example.test",
        full_name="Fran Convenor",
        agency=agency,
        qualification=Qualification.ALTERNATIVELY_QUALIFIED,
        roles=[Role.FGDM_FACILITATOR],
    )
    team = Team.objects.get_or_create(agency=agency, name="Family Group Decision Making Service")[0]
    team_member_add(team=team, user=user, actor=None)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def involve(child, user=None, *, role=InvolvementRole.LEAD_PRACTITIONER, team=None):
    return involvement_add(person=child, actor=personas.persona("triage_officer"), role=role, user=user, team=team)


def note(child, author, *, subject: str, tags=(), significant=True) -> CaseNote:
    """A final note, written through the services as the pages write it (its chronology entry with it)."""
    return case_note_save(
        person=child,
        actor=author,
        data={
            "kind": CaseNote.Kind.MEETING,
            "occurred_at": timezone.now(),
            "subject": subject,
            "body": f"The body of {subject}.",
            "significant": significant,
            "visibility_tags": list(tags),
        },
        finalise=True,
    )


# --- the surfaces a note or its chronology entry reaches -----------------------------------------------


def surfaces(client: Client, child, item: CaseNote) -> dict[str, str | None]:
    """What each surface shows this client of the child's record (None: the surface is refused, 404)."""
    shown: dict[str, str | None] = {}

    def get(name, url, **params):
        response = client.get(url, params)
        assert response.status_code in (200, 404), (name, response.status_code)
        shown[name] = None if response.status_code == 404 else response.content.decode(errors="replace")

    get("note", reverse("cases:case_note_detail", args=[item.pk]))
    get("record", reverse("cases:person_detail", args=[child.pk]))
    get("chronology", reverse("cases:person_chronology", args=[child.pk]))
    get("chronology_csv", reverse("cases:person_chronology_csv", args=[child.pk]))
    get("chronology_api", f"/api/v1/people/{child.pk}/chronology/")
    get("chronology_significant", reverse("cases:person_chronology", args=[child.pk]), significant="on")
    pdf = client.get(reverse("cases:person_chronology_pdf", args=[child.pk]))
    assert pdf.status_code in (200, 404)
    shown["chronology_pdf"] = None if pdf.status_code == 404 else pdf_text(pdf.content)
    return shown


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def reads(client: Client, child, item: CaseNote) -> bool:
    """True when every surface shows the note's subject; False when none does. Half and half is the leak this
    file exists to catch, and fails the test."""
    shown = surfaces(client, child, item)
    seen = {name: text is not None and item.subject in text for name, text in shown.items()}
    assert len(set(seen.values())) == 1, f"surfaces disagree about {item.subject!r}: {seen}"
    return next(iter(seen.values()))


@pytest.fixture
def child(make_person):
    return make_person(first="Ruby", last="Tagwell")


@pytest.fixture
def tagged(child, lcpp, sw_fhlp):
    """The child's notes: one per tag, by the LCPP (as in the demo: 'Core group: police and health updates'),
    a third-party one by the council social worker, and an untagged one as the control."""
    return {
        "untagged": note(child, lcpp, subject="Untagged visit note"),
        POLICE: note(child, lcpp, subject="Police intelligence shared", tags=[POLICE]),
        HEALTH: note(child, lcpp, subject="Health records update", tags=[HEALTH]),
        THIRD_PARTY: note(child, sw_fhlp, subject="Neighbour told us", tags=[THIRD_PARTY]),
        NOT_FOR_FAMILY: note(child, lcpp, subject="Professional worry", tags=[NOT_FOR_FAMILY]),
        "police+health": note(child, lcpp, subject="Joint police health view", tags=[POLICE, HEALTH]),
    }


# --- finding 3, reproduced ----------------------------------------------------------------------------


def test_a_police_note_is_not_read_by_health_the_voluntary_sector_lead_or_the_fgdm_facilitator(
    child, tagged, health_fhlp, vcs_fhlp, fgdm_facilitator
):
    involve(child, health_fhlp)
    involve(child, vcs_fhlp)
    involve(child, fgdm_facilitator, role=InvolvementRole.FGDM_FACILITATOR)
    for reader in (health_fhlp, vcs_fhlp, fgdm_facilitator):
        client = client_for(reader)
        assert reads(client, child, tagged["untagged"]), reader  # they do see the child's record and notes
        assert not reads(client, child, tagged[POLICE]), reader
        assert client.get(reverse("cases:case_note_detail", args=[tagged[POLICE].pk])).status_code == 404


def test_a_health_note_is_not_read_by_the_police(child, tagged, police_officer):
    # The police officer works with the child through their hub (a whole-record involvement), not in its MACPT. (A
    # team-around-the-family involvement would not do: it opens the summary level only, no notes at all.)
    involve(child, team=personas.team("police_hub"), role=InvolvementRole.LEAD_PRACTITIONER)
    client = client_for(police_officer)
    assert reads(client, child, tagged["untagged"])
    assert not reads(client, child, tagged[HEALTH])
    assert not reads(client, child, tagged["police+health"])
    assert client.get(reverse("cases:case_note_detail", args=[tagged[HEALTH].pk])).status_code == 404


def test_health_reads_a_health_note_and_the_police_a_police_note_in_the_childs_macpt(
    child, tagged, health_fhlp, police_officer
):
    involve(child, health_fhlp)
    involve(child, police_officer, role=InvolvementRole.MACPT_MEMBER)
    health, police = client_for(health_fhlp), client_for(police_officer)
    assert reads(health, child, tagged[HEALTH])
    assert not reads(health, child, tagged["police+health"])  # every tag must admit the reader
    assert reads(police, child, tagged[POLICE])
    # The child's MACPT reads both police and health information.
    assert reads(police, child, tagged[HEALTH])
    assert reads(police, child, tagged["police+health"])


def test_the_childs_macpt_through_a_team_reads_police_and_health_notes(child, tagged, police_officer):
    involve(child, team=personas.team("macpt"), role=InvolvementRole.MACPT_MEMBER)
    client = client_for(police_officer)
    assert reads(client, child, tagged[HEALTH])
    assert reads(client, child, tagged["police+health"])


def test_an_ended_macpt_involvement_no_longer_opens_health_notes(child, tagged, police_officer):
    involvement = involve(child, police_officer, role=InvolvementRole.MACPT_MEMBER)
    involve(child, team=personas.team("police_hub"), role=InvolvementRole.LEAD_PRACTITIONER)
    client = client_for(police_officer)
    assert reads(client, child, tagged[HEALTH])
    involvement_end(involvement=involvement, actor=personas.persona("triage_officer"))
    assert not reads(client, child, tagged[HEALTH])


@pytest.mark.parametrize(
    "persona",
    ["triage_officer", "front_door_manager", "lcpp", "fh_manager", "privacy_officer", "sw_fhlp"],
)
def test_council_front_door_social_workers_lcpps_managers_and_the_privacy_officer_read_police_and_health(
    persona, child, tagged
):
    reader = personas.persona(persona)
    if persona == "sw_fhlp":
        involve(child, reader)
    client = client_for(reader)
    for key in (POLICE, HEALTH, "police+health", THIRD_PARTY, NOT_FOR_FAMILY):
        assert reads(client, child, tagged[key]), (persona, key)


def test_third_party_information_is_read_by_council_staff_and_the_authors_agency_only(
    child, lcpp, health_fhlp, vcs_fhlp, fgdm_facilitator, police_officer
):
    from_charity = note(child, vcs_fhlp, subject="What the neighbour said", tags=[THIRD_PARTY])
    from_council = note(child, lcpp, subject="What the landlord said", tags=[THIRD_PARTY])
    involve(child, health_fhlp)
    involve(child, vcs_fhlp)
    involve(child, fgdm_facilitator, role=InvolvementRole.FGDM_FACILITATOR)
    involve(child, police_officer, role=InvolvementRole.MACPT_MEMBER)
    # The council's early help FGDM coordinator is council staff.
    assert reads(client_for(fgdm_facilitator), child, from_council)
    assert reads(client_for(fgdm_facilitator), child, from_charity)
    # Another member of the charity reads its own agency's third-party note, and not the council's.
    colleague = UserFactory(agency=vcs_fhlp.agency, roles=[Role.FHLP], teams=[personas.team("family_support")])
    involve(child, colleague)
    assert reads(client_for(colleague), child, from_charity)
    assert not reads(client_for(colleague), child, from_council)
    # Health, and the police even in the child's MACPT, are neither council nor the author's agency.
    for reader in (health_fhlp, police_officer):
        assert not reads(client_for(reader), child, from_council), reader
        assert not reads(client_for(reader), child, from_charity), reader


def test_a_not_for_the_family_note_is_read_by_everyone_who_sees_the_record(
    child, tagged, health_fhlp, vcs_fhlp, fgdm_facilitator
):
    for reader in (health_fhlp, vcs_fhlp, fgdm_facilitator):
        involve(child, reader, role=InvolvementRole.LEAD_PRACTITIONER)
        assert reads(client_for(reader), child, tagged[NOT_FOR_FAMILY]), reader


def test_the_author_always_reads_their_own_tagged_note(child, vcs_fhlp):
    involve(child, vcs_fhlp)
    own = note(child, vcs_fhlp, subject="My police note", tags=[POLICE, HEALTH])
    assert reads(client_for(vcs_fhlp), child, own)


def test_a_safe_address_note_is_read_by_council_social_care_and_the_authors_agency(
    child, lcpp, vcs_fhlp, health_fhlp, fgdm_facilitator, sw_fhlp
):
    from_charity = note(child, vcs_fhlp, subject="Mum moved to the refuge", tags=[SAFE])
    for reader in (vcs_fhlp, health_fhlp, fgdm_facilitator, sw_fhlp):
        involve(child, reader)
    colleague = UserFactory(agency=vcs_fhlp.agency, roles=[Role.FHLP])
    involve(child, colleague)
    assert reads(client_for(lcpp), child, from_charity)  # council social care
    assert reads(client_for(sw_fhlp), child, from_charity)  # council social care
    assert reads(client_for(colleague), child, from_charity)  # the author's agency
    assert not reads(client_for(health_fhlp), child, from_charity)
    # Council early help is council, but not social care.
    assert not reads(client_for(fgdm_facilitator), child, from_charity)
    assert SAFE in CaseNote.objects.get(pk=from_charity.pk).visibility_tags


def test_a_correction_to_a_note_the_tags_refuse_is_404_and_writes_nothing(child, tagged, vcs_fhlp):
    involve(child, vcs_fhlp)
    client = client_for(vcs_fhlp)
    response = client.post(reverse("cases:case_note_correct", args=[tagged[POLICE].pk]), {"body": "A correction"})
    assert response.status_code == 404
    assert not tagged[POLICE].corrections.exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(PermissionDenied):
        case_note_correct(note=tagged[POLICE], actor=vcs_fhlp, body="A correction")


# --- the chronology carries its note's tags ---------------------------------------------------------------


def test_a_chronology_entry_made_from_a_note_carries_the_notes_tags(child, tagged):
    for key, item in tagged.items():
        entry = ChronologyEntry.objects.get(target_type="cases.casenote", target_id=str(item.pk))
        assert entry.tags == item.visibility_tags, key


def _migrate(targets) -> None:
    # As tests/cases/test_plan_migration.py: pending foreign-key checks would stop ALTER TABLE.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.as_owner  # runs migrations: the owner
def test_the_migration_gives_entries_written_before_tags_their_notes_tags(child, tagged):
    """Entries from before entries carried tags (their tags empty) take their note's tags from migration 0015;
    entries not made from a note keep none."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    ChronologyEntry.objects.update(tags=[])
    try:
        _migrate([("cases", "0014_chronologyentry_tags")])
    finally:
        _migrate(latest)
    for key, item in tagged.items():
        entry = ChronologyEntry.objects.get(target_type="cases.casenote", target_id=str(item.pk))
        assert entry.tags == item.visibility_tags, key
    assert not ChronologyEntry.objects.exclude(target_type="cases.casenote").exclude(tags=[]).exists()
    assert ChronologyEntry.objects.exclude(target_type="cases.casenote").exists()  # the record's own entries


def test_the_chronology_api_and_csv_count_only_what_the_tags_admit(child, tagged, vcs_fhlp):
    involve(child, vcs_fhlp)
    client = client_for(vcs_fhlp)
    body = client.get(f"/api/v1/people/{child.pk}/chronology/").json()
    subjects = " ".join(row["summary"] for row in body["results"])
    assert "Untagged visit note" in subjects and "Professional worry" in subjects
    for hidden in ("Police intelligence", "Health records", "Joint police health", "Neighbour told us"):
        assert hidden not in subjects
    # The count is the filtered one: nothing tells the reader how much was left out.
    visible = ChronologyEntry.objects.filter(person=child).exclude(tags__overlap=[POLICE, HEALTH, THIRD_PARTY]).count()
    assert body["count"] == visible
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("cases:person_chronology_csv", args=[child.pk])).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) - 1 == visible


def test_the_chronology_filter_adds_no_query_per_row(child, lcpp, vcs_fhlp, django_assert_max_num_queries):
    involve(child, vcs_fhlp)
    for i in range(30):
        note(child, lcpp, subject=f"Police note {i}", tags=[POLICE] if i % 2 else [HEALTH, POLICE])
        note(child, lcpp, subject=f"Plain note {i}")
    client = client_for(vcs_fhlp)
    client.get(reverse("cases:person_chronology", args=[child.pk]))  # warm the session
    with django_assert_max_num_queries(20) as captured:
        response = client.get(reverse("cases:person_chronology", args=[child.pk]))
    assert response.status_code == 200
    assert "Police note" not in response.content.decode()
    assert response.content.decode().count("Plain note") == 30
    # One statement reads the page's rows, the tags' rule in its WHERE clause.
    chronology = [q["sql"] for q in captured.captured_queries if "chronologyentry" in q["sql"]]
    assert any("&&" in sql or "@>" in sql for sql in chronology)


# --- safe addresses -------------------------------------------------------------------------------------


@pytest.fixture
def safe_home(child, vcs_fhlp):
    """The child's current address, a refuge, recorded as safe by the voluntary-sector lead who found it."""
    involve(child, vcs_fhlp)
    return person_add_address(
        person=child, actor=vcs_fhlp, line1="1 Hidden Lane", town="Refugeton", postcode="ZZ9 9ZZ", safe_address=True
    )


def test_a_safe_address_is_shown_only_to_council_social_care_and_the_recording_agency(
    child, safe_home, lcpp, vcs_fhlp, health_fhlp, fgdm_facilitator
):
    involve(child, health_fhlp)
    involve(child, fgdm_facilitator, role=InvolvementRole.FGDM_FACILITATOR)
    record = reverse("cases:person_detail", args=[child.pk])
    for reader in (lcpp, vcs_fhlp):
        page = client_for(reader).get(record).content.decode()
        assert "1 Hidden Lane" in page and "ZZ9 9ZZ" in page, reader
    for reader in (health_fhlp, fgdm_facilitator):
        page = client_for(reader).get(record).content.decode()
        assert "Safe address" in page, reader  # they learn one is held ...
        assert "Hidden Lane" not in page and "ZZ9" not in page and "Refugeton" not in page, reader  # ... not where


def test_the_api_withholds_a_safe_address_the_reader_may_not_see(child, safe_home, health_fhlp, lcpp):
    involve(child, health_fhlp)
    withheld = client_for(health_fhlp).get(f"/api/v1/people/{child.pk}/").json()["addresses"]
    assert [(a["safe_address"], a["withheld"], a["postcode"], a["town"]) for a in withheld] == [(True, True, "", "")]
    assert "Hidden" not in str(withheld)
    shown = client_for(lcpp).get(f"/api/v1/people/{child.pk}/").json()["addresses"]
    assert [(a["withheld"], a["postcode"]) for a in shown] == [(False, "ZZ9 9ZZ")]


def test_search_neither_finds_nor_shows_a_child_by_a_safe_address_the_reader_may_not_see(
    child, safe_home, front_door_manager
):
    # A front-door worker from the council's early help service sees every record, but is not social care.
    early_help = AgencyFactory(name="Test Council Early Help", type=AgencyType.COUNCIL_EARLY_HELP)
    worker = UserFactory(agency=early_help, roles=[Role.TRIAGE_OFFICER])
    url = reverse("cases:person_search")
    hidden = client_for(worker).get(url, {"postcode": "ZZ9 9ZZ"}).content.decode()
    assert "Tagwell" not in hidden
    by_name = client_for(worker).get(url, {"name": "Ruby Tagwell"}).content.decode()
    assert "Tagwell" in by_name and "ZZ9" not in by_name
    shown = client_for(front_door_manager).get(url, {"postcode": "ZZ9 9ZZ"}).content.decode()
    assert "Tagwell" in shown and "ZZ9 9ZZ" in shown


def test_an_address_marked_safe_on_the_create_page_is_saved_safe_with_its_recorder(client, triage_officer):
    client.force_login(triage_officer)
    data = {
        "first_name": "Sky",
        "last_name": "Hidewell",
        "date_of_birth_day": "1",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2019",
        "sex": "F",
        "gender_identity": "Girl",
        "first_language": "English",
        "line1": "2 Quiet Road",
        "postcode": "ZZ1 1ZZ",
        "safe_address": "on",
        "confirm_no_duplicate": "yes",
    }
    response = client.post(reverse("cases:person_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    address = Address.objects.get(line1="2 Quiet Road")
    assert address.safe_address and address.recorded_by == triage_officer


# --- the rule as SQL agrees with the rule as data, for every persona, tag set, MACPT and authorship -------


READERS = [
    "triage_officer",
    "front_door_manager",
    "lcpp",
    "police_officer",
    "school_dsl",
    "privacy_officer",
    "fh_manager",
    "vcs_fhlp",
    "sw_fhlp",
    "health_practitioner",
    "health_fhlp",
]
TAG_SETS = [
    [],
    [POLICE],
    [HEALTH],
    [THIRD_PARTY],
    [SAFE],
    [NOT_FOR_FAMILY],
    [POLICE, HEALTH],
    [THIRD_PARTY, NOT_FOR_FAMILY],
]


def test_the_sql_filter_matches_the_table_for_every_persona_and_tag_set(make_person, lcpp, vcs_fhlp):
    """Notes by two authors (council, charity) on two children (one whose MACPT includes the macpt team) with
    every tag set; for each persona the filter returns exactly the notes the oracle admits."""
    in_macpt, outside = make_person(first="Ada", last="Macpt"), make_person(first="Bea", last="Outside")
    involve(in_macpt, team=personas.team("macpt"), role=InvolvementRole.MACPT_MEMBER)
    notes = []
    for child_, author, tags in itertools.product((in_macpt, outside), (lcpp, vcs_fhlp), TAG_SETS):
        notes.append((note(child_, author, subject=f"{child_.first_name} {author.email} {tags}", tags=tags), child_))
    mismatches = []
    for key in READERS:
        reader = personas.persona(key)
        reader_teams = set(reader.teams.values_list("pk", flat=True))
        got = set(
            CaseNote.objects.filter(pk__in=[n.pk for n, _ in notes])
            .filter(policy.tag_filter(reader, agency="author__agency_id", author="author"))
            .values_list("pk", flat=True)
        )
        for item, child_ in notes:
            expected = policy.tags_admit(
                item.visibility_tags,
                is_author=item.author_id == reader.pk,
                roles=reader.roles,
                agency_type=reader.agency.type,
                qualification=reader.qualification,
                in_childs_macpt=child_ is in_macpt and personas.team("macpt").pk in reader_teams,
                authors_agency=item.author.agency_id == reader.agency_id,
            )
            if (item.pk in got) != expected:
                mismatches.append((key, item.subject, expected))
    assert mismatches == []


@pytest.mark.parametrize(
    ("tag", "reader", "expected"),
    [
        # The rules as the issue words them, one reader each, independent of the table's layout.
        (POLICE, {"roles": {Role.MACPT_MEMBER}, "agency_type": AgencyType.POLICE}, True),
        (POLICE, {"roles": {Role.FHLP}, "agency_type": AgencyType.HEALTH}, False),
        (POLICE, {"roles": {Role.FHLP}, "agency_type": AgencyType.VOLUNTARY_SECTOR}, False),
        (POLICE, {"roles": {Role.FGDM_FACILITATOR}, "agency_type": AgencyType.COUNCIL_EARLY_HELP}, False),
        (POLICE, {"roles": {Role.TRIAGE_OFFICER}, "agency_type": AgencyType.COUNCIL_SOCIAL_CARE}, True),
        (POLICE, {"roles": {Role.TRIAGE_OFFICER}, "agency_type": AgencyType.POLICE}, True),
        (
            POLICE,
            {"roles": {Role.FHLP}, "agency_type": AgencyType.COUNCIL_EARLY_HELP, "qualification": "social_worker"},
            True,
        ),
        (
            POLICE,
            {"roles": {Role.FHLP}, "agency_type": AgencyType.VOLUNTARY_SECTOR, "qualification": "social_worker"},
            False,
        ),
        (POLICE, {"roles": {Role.LCPP}, "agency_type": AgencyType.COUNCIL_SOCIAL_CARE}, True),
        (POLICE, {"roles": {Role.MANAGER}, "agency_type": AgencyType.COUNCIL_SOCIAL_CARE}, True),
        (POLICE, {"roles": {Role.MANAGER}, "agency_type": AgencyType.HEALTH}, False),
        (POLICE, {"roles": {Role.PRIVACY_OFFICER}, "agency_type": AgencyType.COUNCIL_SOCIAL_CARE}, True),
        (
            POLICE,
            {"roles": {Role.PARTNER_PRACTITIONER}, "agency_type": AgencyType.HEALTH, "in_childs_macpt": True},
            True,
        ),
        (HEALTH, {"roles": {Role.MACPT_MEMBER, Role.PARTNER_REFERRER}, "agency_type": AgencyType.POLICE}, False),
        (HEALTH, {"roles": {Role.MACPT_MEMBER}, "agency_type": AgencyType.POLICE, "in_childs_macpt": True}, True),
        (HEALTH, {"roles": {Role.PARTNER_PRACTITIONER}, "agency_type": AgencyType.HEALTH}, True),
        (HEALTH, {"roles": {Role.FHLP}, "agency_type": AgencyType.EDUCATION, "authors_agency": True}, False),
        (THIRD_PARTY, {"roles": {Role.FGDM_FACILITATOR}, "agency_type": AgencyType.COUNCIL_EARLY_HELP}, True),
        (THIRD_PARTY, {"roles": {Role.FHLP}, "agency_type": AgencyType.HEALTH, "authors_agency": True}, True),
        (THIRD_PARTY, {"roles": {Role.MACPT_MEMBER}, "agency_type": AgencyType.POLICE, "in_childs_macpt": True}, False),
        (SAFE, {"roles": {Role.FHLP}, "agency_type": AgencyType.COUNCIL_SOCIAL_CARE}, True),
        (SAFE, {"roles": {Role.TRIAGE_OFFICER}, "agency_type": AgencyType.COUNCIL_EARLY_HELP}, False),
        (SAFE, {"roles": {Role.FHLP}, "agency_type": AgencyType.VOLUNTARY_SECTOR, "authors_agency": True}, True),
        (NOT_FOR_FAMILY, {"roles": {Role.PARTNER_PRACTITIONER}, "agency_type": AgencyType.EDUCATION}, True),
    ],
)
def test_each_tags_rule_as_the_issue_words_it(tag, reader, expected):
    assert policy.tag_admits(tag, **reader) is expected


def test_readers_see_why_an_item_is_narrowed_its_tags_labelled_on_the_record_and_the_chronology(child, tagged, lcpp):
    client = client_for(lcpp)
    record = client.get(reverse("cases:person_detail", args=[child.pk])).content.decode()
    chronology = client.get(reverse("cases:person_chronology", args=[child.pk])).content.decode()
    pdf = pdf_text(client.get(reverse("cases:person_chronology_pdf", args=[child.pk])).content)
    for text in (record, chronology, pdf):
        assert "Police information" in text and "Health information" in text
        assert "Not to be shared with the family" in text
