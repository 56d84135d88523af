"""The shared record's pages: search, the child's record, create and edit, chronology and its exports,
case notes, the access log, the audit page, and merging duplicates. Real PostgreSQL, through the URLs."""

import csv
import datetime as dt
import html as html_lib
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, CaseNote, ChronologyEntry, Person, PersonMerge, Strand
from cases.services import (
    chronology_add,
    episode_open,
    episode_set_lead,
    involvement_add,
    person_add_address,
    person_restrict,
    person_update,
    relationship_add,
)
from tests.support import unchanged

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------------


def page(response) -> str:
    return response.content.decode()


def input_value(html: str, name: str) -> str | None:
    """The value of the <input name=...> on the page (None when there is no such input)."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def is_checked(html: str, name: str, value: str) -> bool:
    for tag in re.findall(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html):
        if f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no {name}={value} option on the page")


def selected_option(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else None


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


def reads(verb: str, **filters):
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, verb=verb, **filters)


def person_post_data(**overrides) -> dict:
    data = {
        "first_name": "Jon",
        "middle_names": "Peter",
        "last_name": "Smith",
        "preferred_name": "Jonny",
        "date_of_birth_day": "1",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2016",
        "expected_date_of_birth_day": "",
        "expected_date_of_birth_month": "",
        "expected_date_of_birth_year": "",
        "sex": "M",
        "gender_identity": "Boy",
        "ethnicity": "WBRI",
        "disabilities": ["AUT", "COMM"],
        "first_language": "English",
        "interpreter_needed": "on",
        "nhs_number": "",
        "upn": "",
        "line1": "1 Test Street",
        "town": "Testville",
        "postcode": "AB1 2CD",
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(client, triage_officer):
    client.force_login(triage_officer)
    return client


# --- search ------------------------------------------------------------------------------------------


def test_search_page_finds_a_one_letter_off_name_with_its_score_and_reasons(signed_in, make_person):
    john = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    make_person(first="Mary", last="Jones", dob=dt.date(2011, 2, 2))
    response = signed_in.get(
        reverse("cases:person_search"), {"name": "Jon Smith", "dob_day": "1", "dob_month": "5", "dob_year": "2016"}
    )
    html = page(response)
    assert response.status_code == 200
    assert reverse("cases:person_detail", args=[john.pk]) in html
    assert "Mary Jones" not in html
    assert re.search(r">\s*\d{2,3}%\s*<", html)
    assert "same date of birth" in html.lower()
    assert john.la_child_id in html
    assert "Create a new record" in html


def test_search_page_without_criteria_shows_only_the_form(signed_in, make_person):
    make_person()
    response = signed_in.get(reverse("cases:person_search"))
    assert response.status_code == 200
    assert "govuk-table" not in page(response)
    assert not AuditEvent.objects.filter(verb="person_search.viewed").exists()


def test_search_shows_a_restricted_match_only_as_a_bare_placeholder(signed_in, make_person, front_door_manager):
    hidden = make_person(first="Rowan", last="Secretly", dob=dt.date(2014, 4, 4), nhs_number="9434765919")
    person_restrict(person=hidden, actor=front_door_manager, reason="high_profile", access_users=[])
    response = signed_in.get(reverse("cases:person_search"), {"name": "Rowan Secretly"})
    html = page(response)
    assert "A restricted record also matches. Ask the front door manager." in html
    for detail in (
        "Rowan",
        "Secretly",
        hidden.la_child_id,
        "4 Apr 2014",
        "943",
        reverse("cases:person_detail", args=[hidden.pk]),
    ):
        assert detail not in re.search(r"<table.*?</table>", html, re.S).group(0), detail
    event = reads("person_search.viewed").get()
    assert event.child_ids == []


def test_search_page_writes_one_audit_row_holding_the_ids_shown(signed_in, make_person, triage_officer):
    a = make_person(first="Ella", last="Fitzgerald", dob=dt.date(2013, 1, 1))
    b = make_person(first="Ellie", last="Fitzgerald", dob=dt.date(2015, 1, 1))
    signed_in.get(reverse("cases:person_search"), {"name": "Ella Fitzgerald"})
    event = reads("person_search.viewed").get()
    assert sorted(event.child_ids) == sorted([a.pk, b.pk])
    assert event.actor_id == triage_officer.pk


def test_search_with_a_bad_date_or_nhs_number_shows_field_errors_not_a_500(signed_in):
    response = signed_in.get(
        reverse("cases:person_search"),
        {"name": "Ann", "dob_day": "31", "dob_month": "2", "dob_year": "2015", "nhs_number": "123", "dob_range": "x"},
    )
    html = page(response)
    assert response.status_code == 200
    summary = error_summary(html)
    assert "Date of birth must be a real date" in summary
    assert 'href="#id_dob_day"' in summary
    assert "10 digits" in summary
    assert input_value(html, "dob_day") == "31"


def test_partner_referrer_cannot_search_or_create(client, school_dsl):
    client.force_login(school_dsl)
    assert client.get(reverse("cases:person_search"), {"name": "Smith"}).status_code == 404
    assert client.get(reverse("cases:person_create")).status_code == 404


# --- the child's record ------------------------------------------------------------------------------


def test_record_page_shows_identifiers_family_network_and_episode_level(
    signed_in, make_person, triage_officer, levels, valid_upn, health_fhlp
):
    upn = valid_upn()
    child = make_person(
        first="Zara",
        last="Okafor",
        dob=dt.date(2014, 7, 20),
        nhs_number="9434765919",
        upn=upn,
        ethnicity="BAFR",
        disabilities=["HEAR"],
        preferred_name="Zee",
    )
    mother = make_person(first="Ngozi", last="Okafor", dob=dt.date(1988, 3, 3))
    relationship_add(
        actor=triage_officer, from_person=mother, to_person=child, type="mother", parental_responsibility=True
    )
    person_add_address(person=child, actor=triage_officer, line1="4 Elm Road", postcode="AB1 2CD")
    episode = episode_open(person=child, actor=triage_officer, level=levels["child_in_need"], reason="Referral")
    episode_set_lead(episode=episode, actor=triage_officer, user=health_fhlp, kind="fhlp")

    html = page(signed_in.get(reverse("cases:person_detail", args=[child.pk])))
    assert "943 476 5919" in html
    assert upn in html and child.la_child_id in html
    assert "African (BAFR)" in html and "Hearing" in html and "Zee" in html
    assert "4 Elm Road" in html and "AB1 2CD" in html
    assert "Mother" in html and reverse("cases:person_detail", args=[mother.pk]) in html
    assert "Child in need (s17)" in html
    assert "Hana Visitor" in html  # the lead practitioner
    assert "Episode opened at Child in need (s17)" in html  # the chronology's latest entries


def test_family_network_links_only_to_records_the_viewer_may_open(client, make_person, triage_officer, health_fhlp):
    child = make_person(first="Kit", last="Marlowe", dob=dt.date(2016, 1, 1))
    sister = make_person(first="Kate", last="Marlowe", dob=dt.date(2018, 1, 1))
    father = make_person(first="Ken", last="Marlowe", dob=dt.date(1980, 1, 1))
    relationship_add(actor=triage_officer, from_person=sister, to_person=child, type="sibling")
    relationship_add(actor=triage_officer, from_person=father, to_person=child, type="father")
    involvement_add(person=child, actor=triage_officer, role="lead_practitioner", user=health_fhlp)
    client.force_login(health_fhlp)
    html = page(client.get(reverse("cases:person_detail", args=[child.pk])))
    assert "Kate Marlowe" in html and "Ken Marlowe" in html
    assert reverse("cases:person_detail", args=[father.pk]) in html  # an adult in the child's network opens
    assert reverse("cases:person_detail", args=[sister.pk]) not in html  # a sibling needs her own involvement
    assert client.get(reverse("cases:person_detail", args=[sister.pk])).status_code == 404


def test_each_view_of_a_childs_record_writes_exactly_one_read_audit_row(signed_in, make_person):
    child = make_person()
    other = make_person(first="Other")
    for _ in range(3):
        assert signed_in.get(reverse("cases:person_detail", args=[child.pk])).status_code == 200
    events = reads("person.viewed", target_id=str(child.pk))
    assert events.count() == 3
    assert all(e.child_ids == [child.pk] for e in events)
    assert not reads("person.viewed", child_ids__contains=[other.pk]).exists()


def test_out_of_scope_missing_and_absurd_ids_are_all_404(client, make_person, health_fhlp):
    child = make_person()
    client.force_login(health_fhlp)
    for url in (
        reverse("cases:person_detail", args=[child.pk]),
        reverse("cases:person_detail", args=[10**12]),
        "/cases/people/99999999999999999999999/",
        reverse("cases:person_chronology", args=[child.pk]),
        reverse("cases:person_edit", args=[child.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert not reads("person.viewed").exists()


# --- create ----------------------------------------------------------------------------------------


def test_create_with_a_likely_duplicate_shows_the_panel_keeps_every_value_then_confirm_creates(signed_in, make_person):
    existing = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    url = reverse("cases:person_create")
    response = signed_in.post(url, person_post_data())
    html = page(response)
    assert response.status_code == 200
    assert "Possible existing records" in html
    assert reverse("cases:person_detail", args=[existing.pk]) in html and existing.la_child_id in html
    assert "same date of birth" in html.lower() and re.search(r">\s*\d{2,3}%\s*<", html)
    assert "None of these is the same person – create a new record" in html
    for name, value in (
        ("first_name", "Jon"),
        ("middle_names", "Peter"),
        ("last_name", "Smith"),
        ("preferred_name", "Jonny"),
        ("date_of_birth_day", "1"),
        ("date_of_birth_month", "5"),
        ("date_of_birth_year", "2016"),
        ("gender_identity", "Boy"),
        ("first_language", "English"),
        ("line1", "1 Test Street"),
        ("town", "Testville"),
        ("postcode", "AB1 2CD"),
    ):
        assert input_value(html, name) == value, name
    assert is_checked(html, "sex", "M") and is_checked(html, "disabilities", "AUT")
    assert is_checked(html, "disabilities", "COMM")
    assert " checked" in re.search(r'<input[^>]*name="interpreter_needed"[^>]*>', html).group(0)
    assert selected_option(html, "ethnicity") == "WBRI"
    assert Person.objects.count() == 1
    assert reads("person_duplicates.viewed").get().child_ids == [existing.pk]

    response = signed_in.post(url, person_post_data(confirm_no_duplicate="yes"))
    created = Person.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:person_detail", args=[created.pk])
    assert (created.first_name, created.preferred_name, created.sex, created.ethnicity) == ("Jon", "Jonny", "M", "WBRI")
    assert created.disabilities == ["AUT", "COMM"] and created.interpreter_needed
    assert created.addresses.get().postcode == "AB1 2CD"


def test_create_without_duplicates_goes_straight_to_the_new_record(signed_in):
    response = signed_in.post(reverse("cases:person_create"), person_post_data(first_name="Unique", last_name="Zed"))
    person = Person.objects.get(first_name="Unique")
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/people/{person.pk}/")


@pytest.mark.parametrize(
    ("overrides", "field", "anchor", "message"),
    [
        ({"nhs_number": "1234567890"}, "nhs_number", "id_nhs_number", "check digit"),
        ({"nhs_number": "12345"}, "nhs_number", "id_nhs_number", "10 digits"),
        ({"upn": "A12345678901"}, "upn", "id_upn", "13 characters"),
        ({"ethnicity": "XXXX"}, "ethnicity", "id_ethnicity", "ethnicity"),
        (
            {"date_of_birth_year": str(timezone.localdate().year + 1)},
            "date_of_birth",
            "id_date_of_birth_day",
            "today or in the past",
        ),
        (
            {"date_of_birth_day": "30", "date_of_birth_month": "2"},
            "date_of_birth",
            "id_date_of_birth_day",
            "must be a real date",
        ),
        ({"date_of_birth_month": ""}, "date_of_birth", "id_date_of_birth_day", "must include a month"),
        ({"date_of_birth_year": "1899"}, "date_of_birth", "id_date_of_birth_day", "1 January 1900"),
        ({"date_of_birth_year": "0001"}, "date_of_birth", "id_date_of_birth_day", "1 January 1900"),
        (
            {
                "date_of_birth_day": "",
                "date_of_birth_month": "",
                "date_of_birth_year": "",
                "expected_date_of_birth_day": "1",
                "expected_date_of_birth_month": "6",
                "expected_date_of_birth_year": "1990",
            },
            "expected_date_of_birth",
            "id_expected_date_of_birth_day",
            "10 months",
        ),
        ({"preferred_name": "Jon\x07ny"}, "preferred_name", "id_preferred_name", "control characters"),
        ({"postcode": "NOT A POSTCODE"}, "postcode", "id_postcode", "real postcode"),
    ],
)
def test_bad_input_on_create_shows_a_field_error_in_the_summary_and_keeps_every_value(
    signed_in, overrides, field, anchor, message
):
    data = person_post_data(first_name="Unique", last_name="Zed", **overrides)
    response = signed_in.post(reverse("cases:person_create"), data)
    html = page(response)
    assert response.status_code == 200
    summary = error_summary(html)
    assert f'href="#{anchor}"' in summary and message in summary
    assert field in response.context["form"].errors
    assert "<title>Error: " in html
    for name in ("first_name", "last_name", "preferred_name", "line1", "date_of_birth_day", "date_of_birth_year"):
        assert input_value(html, name) == data[name], name
    for name in ("nhs_number", "upn"):
        assert input_value(html, name) == data[name], name
    if field != "ethnicity":
        assert selected_option(html, "ethnicity") == "WBRI"
    assert is_checked(html, "sex", "M")
    assert not Person.objects.exists()


def test_a_duplicate_nhs_number_from_the_service_is_shown_on_its_field(signed_in, make_person):
    make_person(first="Held", last="Elsewhere", dob=dt.date(2010, 1, 1), nhs_number="9434765919")
    response = signed_in.post(
        reverse("cases:person_create"),
        person_post_data(first_name="Unique", last_name="Zed", nhs_number="943 476 5919", confirm_no_duplicate="yes"),
    )
    summary = error_summary(page(response))
    assert "already exists" in summary and 'href="#id_nhs_number"' in summary
    assert input_value(page(response), "nhs_number") == "943 476 5919"
    assert Person.objects.count() == 1


# --- edit ------------------------------------------------------------------------------------------


def test_edit_saves_through_the_service_with_the_version(signed_in, make_person):
    child = make_person()
    html = page(signed_in.get(reverse("cases:person_edit", args=[child.pk])))
    assert input_value(html, "first_name") == "Amelia" and input_value(html, "version") == "1"
    assert input_value(html, "date_of_birth_year") == "2015"
    data = person_post_data(first_name="Amelia", last_name="Hartley", version="1")
    response = signed_in.post(reverse("cases:person_edit", args=[child.pk]), data)
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.preferred_name, child.version) == ("Jonny", 2)
    assert AuditEvent.objects.filter(verb="person.updated", target_id=str(child.pk)).exists()


def test_a_stale_edit_shows_the_conflict_and_keeps_what_the_user_typed(signed_in, make_person, front_door_manager):
    child = make_person()
    person_update(person=child, actor=front_door_manager, data={"preferred_name": "Millie"}, expected_version=1)
    data = person_post_data(first_name="Amelia", last_name="Hartley", preferred_name="Amy", version="1")
    response = signed_in.post(reverse("cases:person_edit", args=[child.pk]), data)
    html = page(response)
    assert response.status_code == 200
    assert "Someone else changed this record while you were editing it" in error_summary(html)
    assert "What changed while you were editing" in html
    conflict = html.split('id="conflict"', 1)[1].split("</section>", 1)[0]
    assert "Millie" in conflict and "Amy" in conflict
    assert input_value(html, "preferred_name") == "Amy" and input_value(html, "gender_identity") == "Boy"
    assert input_value(html, "version") == "2"  # saving again, knowingly, is based on the current version
    child.refresh_from_db()
    assert (child.preferred_name, child.version) == ("Millie", 2)
    # Saving again now succeeds with what the user typed.
    data["version"] = "2"
    assert signed_in.post(reverse("cases:person_edit", args=[child.pk]), data).status_code == 302
    child.refresh_from_db()
    assert child.preferred_name == "Amy"


def test_a_user_who_may_view_but_not_edit_gets_404_on_the_edit_page(client, make_person, privacy_officer):
    child = make_person()
    client.force_login(privacy_officer)
    assert client.get(reverse("cases:person_detail", args=[child.pk])).status_code == 200
    assert client.get(reverse("cases:person_edit", args=[child.pk])).status_code == 404
    with unchanged(Person):
        refused = client.post(reverse("cases:person_edit", args=[child.pk]), person_post_data(version="1"))
    assert refused.status_code == 404


# --- chronology ------------------------------------------------------------------------------------


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def chronology_child(make_person, triage_officer):
    child = make_person(first="Chron", last="Ology")
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.FRONT_DOOR,
        kind="contact",
        summary="School raised a concern",
        occurred_at=_at(3),
    )
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.MACPT,
        kind="strategy_discussion",
        summary="Strategy discussion held",
        occurred_at=_at(10),
        significant=True,
    )
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.FAMILY_HELP,
        kind="visit",
        summary='=HYPERLINK("http://evil.example","click")',
        occurred_at=_at(20),
        link="/cases/notes/1/",
    )
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.FAMILY_HELP,
        kind="visit",
        summary="-2+3 and @home",
        occurred_at=_at(21),
        link="javascript:alert(1)",
    )
    return child


def test_chronology_page_lists_every_strand_newest_first_with_links(signed_in, chronology_child):
    response = signed_in.get(reverse("cases:person_chronology", args=[chronology_child.pk]))
    html = page(response)
    assert response.status_code == 200
    positions = [html.index(text) for text in ("-2+3 and @home", "Strategy discussion held", "School raised a concern")]
    assert positions == sorted(positions)
    assert "Child protection" in html and "Front door" in html and "Significant" in html
    assert 'href="/cases/notes/1/"' in html
    assert "javascript:" not in html
    assert "Tess Triage" in html and "Test Council Children&#x27;s Social Care" in html
    assert reads("chronology.viewed").get().child_ids == [chronology_child.pk]


def test_chronology_rows_escape_what_was_typed_and_keep_line_breaks(signed_in, make_person, triage_officer):
    child = make_person(first="Esc", last="Aping")
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.RECORD,
        kind="note",
        summary='<script>alert("x")</script> & "quotes"\nsecond line',
        occurred_at=_at(4),
    )
    chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.RECORD,
        kind="note",
        summary="<b>linked</b>",
        occurred_at=_at(5),
        link='/cases/"onmouseover="alert(1)',
    )
    html = page(signed_in.get(reverse("cases:person_chronology", args=[child.pk])))
    assert "<script>alert" not in html and "<b>linked</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;<br>second line" in html
    assert 'href="/cases/&quot;onmouseover=&quot;alert(1)"' in html
    assert "&lt;b&gt;linked&lt;/b&gt;</a>" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"strand": "macpt"}, ["Strategy discussion held"], ["School raised a concern", "@home"]),
        ({"significant": "on"}, ["Strategy discussion held"], ["School raised a concern", "@home"]),
        (
            {"from": "2026-01-05", "to": "2026-01-15"},
            ["Strategy discussion held"],
            ["School raised a concern", "@home"],
        ),
        ({"from_day": "15", "from_month": "1", "from_year": "2026"}, ["@home"], ["Strategy discussion held"]),
    ],
)
def test_chronology_filters(signed_in, chronology_child, query, shown, hidden):
    html = page(signed_in.get(reverse("cases:person_chronology", args=[chronology_child.pk]), query))
    for text in shown:
        assert text in html, text
    for text in hidden:
        assert text not in html, text


def test_bad_chronology_filters_are_shown_as_errors_and_ignored(signed_in, chronology_child):
    response = signed_in.get(
        reverse("cases:person_chronology", args=[chronology_child.pk]),
        {"strand": "nonsense", "from": "2026-13-45", "page": "many", "significant": "on"},
    )
    html = page(response)
    assert response.status_code == 200
    summary = error_summary(html)
    assert "Choose a strand from the list" in summary and "From must be a real date" in summary
    assert "Strategy discussion held" in html and "School raised a concern" not in html  # the valid filter applies
    for url_name in ("cases:person_chronology_csv", "cases:person_chronology_pdf"):
        assert signed_in.get(reverse(url_name, args=[chronology_child.pk]), {"from": "yesterday"}).status_code == 200


def test_chronology_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(signed_in, chronology_child):
    response = signed_in.get(reverse("cases:person_chronology_csv", args=[chronology_child.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert chronology_child.la_child_id in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Date", "Time", "Strand", "Kind", "Summary"]
    summaries = [row[4] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","click")' in summaries
    assert "'-2+3 and @home" in summaries
    assert "School raised a concern" in summaries  # ordinary text is left alone
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert reads("person.chronology_exported").get().child_ids == [chronology_child.pk]


def test_chronology_csv_uses_the_same_filters(signed_in, chronology_child):
    response = signed_in.get(reverse("cases:person_chronology_csv", args=[chronology_child.pk]), {"strand": "macpt"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[4] for row in rows[1:]] == ["Strategy discussion held"]


def test_chronology_pdf_is_an_a4_attachment_naming_the_child(signed_in, chronology_child, triage_officer):
    from pypdf import PdfReader

    response = signed_in.get(reverse("cases:person_chronology_pdf", args=[chronology_child.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Chron Ology" in text and chronology_child.la_child_id in text
    assert "OFFICIAL-SENSITIVE" in text and "Tess Triage" in text and "Strategy discussion held" in text
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert reads("person.chronology_printed").get().child_ids == [chronology_child.pk]


def test_the_pdf_renderer_fetches_nothing_but_our_static_files():
    from cases.documents import BASE_URL, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    assert fetcher.fetch(BASE_URL + "static/build/app.css").read()[:1]
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        BASE_URL + "admin/",
        BASE_URL + "static/../../etc/passwd",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError, match="Refused to fetch|No static file"):
            fetcher.fetch(url)


# --- case notes --------------------------------------------------------------------------------------


def _note_data(**overrides) -> dict:
    data = {
        "kind": "visit",
        "occurred_on_day": "5",
        "occurred_on_month": "1",
        "occurred_on_year": "2026",
        "occurred_time": "14:30",
        "subject": "Home visit",
        "body": "Saw Amelia at home with her mother.",
        "child_seen": "yes",
        "child_seen_alone": "no",
        "visibility_tags": ["health"],
        "action": "draft",
    }
    data.update(overrides)
    return data


def test_case_note_goes_from_draft_to_final_and_is_then_only_corrected(
    signed_in, make_person, client, front_door_manager, triage_officer
):
    child = make_person()
    response = signed_in.post(reverse("cases:case_note_create", args=[child.pk]), _note_data())
    note = CaseNote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:case_note_detail", args=[note.pk])
    assert note.status == CaseNote.Status.DRAFT
    local = timezone.localtime(note.occurred_at)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 1, 5), 14, 30)

    # A draft is its author's alone: a colleague who can see the child gets 404 and does not see it listed.
    other = front_door_manager
    from django.test import Client

    colleague = Client()
    colleague.force_login(other)
    assert colleague.get(reverse("cases:case_note_detail", args=[note.pk])).status_code == 404
    assert "Home visit" not in page(colleague.get(reverse("cases:person_detail", args=[child.pk])))

    # The author changes the draft and makes it final.
    edit_url = reverse("cases:case_note_edit", args=[note.pk])
    assert input_value(page(signed_in.get(edit_url)), "subject") == "Home visit"
    response = signed_in.post(
        edit_url,
        _note_data(subject="Home visit after school", action="final", version=str(note.version), significant="on"),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.status, note.subject, note.significant) == (CaseNote.Status.FINAL, "Home visit after school", True)
    assert ChronologyEntry.objects.filter(person=child, kind="case_note_visit", significant=True).exists()
    assert "Home visit after school" in page(colleague.get(reverse("cases:person_detail", args=[child.pk])))

    # A final note cannot be edited, by anyone; corrections are appended.
    assert signed_in.get(edit_url).status_code == 404
    assert signed_in.post(edit_url, _note_data(subject="Rewritten")).status_code == 404
    response = signed_in.post(reverse("cases:case_note_correct", args=[note.pk]), {"body": "It was 15:30."})
    assert response.status_code == 302
    html = page(signed_in.get(reverse("cases:case_note_detail", args=[note.pk])))
    assert "It was 15:30." in html and "Home visit after school" in html
    note.refresh_from_db()
    assert note.subject == "Home visit after school" and note.corrections.count() == 1
    assert reads("case_note.viewed", target_id=str(note.pk)).exists()


def test_a_visit_without_child_seen_is_refused_with_a_field_error(signed_in, make_person):
    child = make_person()
    response = signed_in.post(reverse("cases:case_note_create", args=[child.pk]), _note_data(child_seen=""))
    summary = error_summary(page(response))
    assert "Say whether the child was seen" in summary and 'href="#id_child_seen_0"' in summary
    assert input_value(page(response), "subject") == "Home visit"
    assert not CaseNote.objects.exists()


def test_an_empty_correction_is_an_error_and_a_non_editor_cannot_correct(
    signed_in, make_person, client, privacy_officer
):
    child = make_person()
    signed_in.post(reverse("cases:case_note_create", args=[child.pk]), _note_data(action="final"))
    note = CaseNote.objects.get(status=CaseNote.Status.FINAL)
    response = signed_in.post(reverse("cases:case_note_correct", args=[note.pk]), {"body": "  "})
    assert "Enter the correction" in error_summary(page(response))
    client.force_login(privacy_officer)
    assert client.get(reverse("cases:case_note_detail", args=[note.pk])).status_code == 200
    assert client.post(reverse("cases:case_note_correct", args=[note.pk]), {"body": "x"}).status_code == 404
    assert client.get(reverse("cases:case_note_create", args=[child.pk])).status_code == 404


# --- who has looked at this record --------------------------------------------------------------------


def test_access_log_is_for_the_privacy_officer_only_and_is_itself_audited(
    signed_in, make_person, client, privacy_officer
):
    child = make_person()
    signed_in.get(reverse("cases:person_detail", args=[child.pk]))
    assert signed_in.get(reverse("cases:person_access_log", args=[child.pk])).status_code == 404

    client.force_login(privacy_officer)
    response = client.get(reverse("cases:person_access_log", args=[child.pk]))
    html = page(response)
    assert response.status_code == 200
    assert "triage@example.test" in html and "person.viewed" in html and "person.created" in html
    assert "privacy@example.test" in html and "access_log.viewed" in html
    assert reads("access_log.viewed", actor_id=privacy_officer.pk).get().child_ids == [child.pk]


def test_audit_page_filters_events_and_is_404_to_others(signed_in, client, privacy_officer, make_person):
    make_person()
    assert signed_in.get(reverse("cases:audit")).status_code == 404
    client.force_login(privacy_officer)
    html = page(client.get(reverse("cases:audit"), {"email": "triage@", "verb": "person.created"}))
    assert "person.created" in html
    response = client.get(reverse("cases:audit"), {"verb": "no.such.verb", "page": "-3"})
    assert response.status_code == 200 and "Nothing recorded." in page(response)


# --- merging duplicates ---------------------------------------------------------------------------------


def test_merge_and_unmerge_through_the_pages(signed_in, make_person, triage_officer):
    kept = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    dup = make_person(first="Jon", last="Smith", dob=dt.date(2016, 5, 1), nhs_number="9434765919")
    chronology_add(
        person=dup,
        actor=triage_officer,
        strand=Strand.FRONT_DOOR,
        kind="contact",
        summary="Contact about Jon",
        occurred_at=_at(2),
    )
    merge_url = reverse("cases:person_merge", args=[kept.pk])

    html = page(signed_in.get(merge_url))
    assert dup.la_child_id in html and "Likely duplicates" in html  # found by name and date of birth
    html = page(signed_in.get(merge_url, {"duplicate": dup.la_child_id.lower()}))
    assert "Check these are the same person" in html and "943 476 5919" in html
    assert input_value(html, "merged") == str(dup.pk)

    response = signed_in.post(merge_url, {"merged": dup.pk, "reason": ""})
    assert "Say why these are the same person" in error_summary(page(response))
    assert not PersonMerge.objects.exists()

    response = signed_in.post(merge_url, {"merged": dup.pk, "reason": "Same NHS number on the GP record"})
    assert response.status_code == 302
    merge = PersonMerge.objects.get()
    assert signed_in.get(reverse("cases:person_detail", args=[dup.pk])).status_code == 404
    html = page(signed_in.get(reverse("cases:person_detail", args=[kept.pk])))
    assert "943 476 5919" in html and "Contact about Jon" in html

    undo_url = reverse("cases:person_unmerge", args=[merge.pk])
    assert "Say why the merge is being undone" in error_summary(page(signed_in.post(undo_url, {"reason": ""})))
    response = signed_in.post(undo_url, {"reason": "Twins, not duplicates"})
    assert response.status_code == 302
    assert signed_in.get(reverse("cases:person_detail", args=[dup.pk])).status_code == 200
    dup.refresh_from_db()
    assert dup.nhs_number == "9434765919" and ChronologyEntry.objects.filter(person=dup, kind="contact").exists()
    response = signed_in.post(undo_url, {"reason": "again"})
    assert "already been undone" in page(response)


def test_a_refused_merge_shows_its_reason_and_changes_nothing(signed_in, make_person):
    kept = make_person(nhs_number="9434765919")
    other = make_person(first="Amelie", nhs_number="9876543210")
    response = signed_in.post(reverse("cases:person_merge", args=[kept.pk]), {"merged": other.pk, "reason": "dup"})
    html = page(response)
    assert response.status_code == 200
    assert "different NHS numbers" in error_summary(html)
    assert input_value(html, "merged") == str(other.pk) and "dup" in html
    assert not PersonMerge.objects.exists()


def test_merge_pages_are_404_to_a_user_who_may_not_merge(signed_in, make_person, privacy_officer, health_fhlp):
    from django.test import Client

    a, b = make_person(), make_person(first="Amelie")
    for user in (privacy_officer, health_fhlp):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("cases:person_merge", args=[a.pk])).status_code == 404
        with unchanged(Person, PersonMerge):
            refused = client.post(reverse("cases:person_merge", args=[a.pk]), {"merged": b.pk, "reason": "x"})
        assert refused.status_code == 404
    response = signed_in.get(reverse("cases:person_merge", args=[a.pk]), {"duplicate": "NOPE"})
    assert "There is no record with that LA child ID" in error_summary(page(response))


# --- lists keep a constant number of queries ----------------------------------------------------------------


def _count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_search_page_queries_do_not_grow_with_the_number_of_results(
    signed_in, make_person, django_assert_max_num_queries
):
    for i in range(5):
        person = make_person(first="Sam", last="Taylor", dob=dt.date(2010 + i % 5, 1, 1 + i))
    person_add_address(person=person, actor=person.created_by, line1="1 Road", postcode="AB1 2CD")
    url = reverse("cases:person_search")
    few = _count_queries(lambda: signed_in.get(url, {"name": "Sam Taylor"}))
    for i in range(45):
        make_person(first="Sam", last="Taylor", dob=dt.date(2000 + i % 10, 2, 1 + i % 27))
    with django_assert_max_num_queries(few):
        response = signed_in.get(url, {"name": "Sam Taylor"})
    assert page(response).count("/cases/people/") >= 25


def test_chronology_page_queries_do_not_grow_with_the_number_of_entries(
    signed_in, make_person, triage_officer, django_assert_max_num_queries
):
    child = make_person()
    for i in range(4):
        chronology_add(
            person=child,
            actor=triage_officer,
            strand=Strand.FAMILY_HELP,
            kind="visit",
            summary=f"Visit {i}",
            occurred_at=_at(1 + i),
        )
    url = reverse("cases:person_chronology", args=[child.pk])
    few = _count_queries(lambda: signed_in.get(url))
    for i in range(45):
        chronology_add(
            person=child,
            actor=triage_officer,
            strand=Strand.MACPT,
            kind="note",
            summary=f"Later {i}",
            occurred_at=_at(1 + i % 28, 12),
        )
    with django_assert_max_num_queries(few):
        response = signed_in.get(url)
    assert "Later 44" in page(response)


def test_record_page_queries_do_not_grow_with_notes_and_family(
    signed_in, make_person, triage_officer, django_assert_max_num_queries
):
    child = make_person()
    url = reverse("cases:person_detail", args=[child.pk])

    def add(n: int) -> None:
        for i in range(n):
            relative = make_person(first=f"Rel{i}{n}", dob=dt.date(1980, 1, 1))
            relationship_add(actor=triage_officer, from_person=relative, to_person=child, type="aunt_uncle")
            CaseNote.objects.create(
                person=child,
                author=triage_officer,
                occurred_at=_at(1 + i),
                subject=f"N{i}{n}",
                body="x",
                status=CaseNote.Status.FINAL,
                finalised_at=_at(1 + i),
            )

    add(2)
    few = _count_queries(lambda: signed_in.get(url))
    add(15)
    with django_assert_max_num_queries(few):
        signed_in.get(url)


def test_a_restricted_relative_is_shown_only_as_a_relationship(
    signed_in, make_person, triage_officer, front_door_manager
):
    child = make_person(first="Pip", last="Open")
    father = make_person(first="Hidden", last="Staffmember", dob=dt.date(1979, 9, 9))
    relationship_add(actor=triage_officer, from_person=father, to_person=child, type="father")
    person_restrict(person=father, actor=front_door_manager, reason="staff_family", access_users=[])
    html = page(signed_in.get(reverse("cases:person_detail", args=[child.pk])))
    network = html.split('id="family-network"', 1)[1].split("</table>", 1)[0]
    assert "Father" in network and "A restricted record" in network
    assert "Hidden" not in html and "Staffmember" not in html and "9 Sep 1979" not in html


def test_a_visit_where_the_child_was_seen_must_say_whether_alone(signed_in, make_person):
    child = make_person()
    response = signed_in.post(reverse("cases:case_note_create", args=[child.pk]), _note_data(child_seen_alone=""))
    summary = error_summary(page(response))
    assert "Say whether the child was seen alone" in summary and 'href="#id_child_seen_alone_0"' in summary
    assert not CaseNote.objects.exists()
