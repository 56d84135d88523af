"""Issue 16 item 4: the FFP quarterly return. The workforce counted from the dated history at the quarter's end (not
today's values); children at each level during the quarter; FGDM through the one selector the census's module 5
reads; expenditure from the grant ledger with the transformation warning; the XLSX (openpyxl), the CSV and the
one-page PDF written from the same rows, every cell escaped, every download recorded; the definition versioned;
`manage.py ffp_return`. Item 6: the quarterly draft on the first working day after the quarter, managers told once."""

import csv
import datetime as dt
import gzip
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.models import EpisodeLevel, Notification, Qualification
from cases.services import episode_change_level
from cases.services.workforce import practitioner_record_set
from macpt.selectors.pre_proceedings import fgdm_period_totals
from macpt.services.pre_proceedings import pre_proceedings_start, pre_proceedings_update
from reporting import ledger
from reporting.ffp_return.figures import CHILDREN, EXPENDITURE, FGDM, TOTAL, VERSION, WORKFORCE, ffp_figures
from reporting.ffp_return.schedule import draft_due_on, prepare_quarterly_draft
from reporting.models import ExportRecord, ReturnRun, RunKind
from reporting.tasks import build_return
from tests.factories import UserFactory
from tests.fgdm.pp_support import accepted, meeting_held, offer_at

pytestmark = pytest.mark.django_db

D = dt.date
SW, AQ = Qualification.SOCIAL_WORKER, Qualification.ALTERNATIVELY_QUALIFIED
HEADCOUNT, FTE = "Lead practitioners (headcount)", "Lead practitioners (FTE)"
SW_LABEL, AQ_LABEL = "Registered social worker", "Alternatively qualified practitioner"


def test_the_definition_is_versioned_in_its_document_and_the_code():
    text = (Path(__file__).parents[2] / "reporting" / "ffp_return" / "DEFINITION.md").read_text()
    assert re.search(r"^Version: (\S+)$", text, re.M)[1] == VERSION
    assert f"- {VERSION} (" in text  # and its change is described


def _record(user, on, qualification, hours, lead=True, by=None):
    practitioner_record_set(
        practitioner=user,
        actor=by,
        valid_from=on,
        qualification=qualification,
        hours_per_week=hours,
        lead_practitioner=lead,
    )


def test_the_workforce_is_counted_from_the_history_at_the_end_of_each_quarter(vcs_fhlp, sw_fhlp, fh_manager):
    _record(vcs_fhlp, D(2025, 4, 1), AQ, "22.5")
    _record(vcs_fhlp, D(2026, 8, 15), SW, "37")  # qualified in Q2
    _record(sw_fhlp, D(2025, 4, 1), SW, "37")
    _record(sw_fhlp, D(2026, 11, 1), SW, "0")  # left in Q3
    _record(fh_manager, D(2025, 4, 1), SW, "37", lead=False)  # not a lead practitioner
    vcs_fhlp.refresh_from_db()
    assert vcs_fhlp.qualification == SW  # today's value: Q1 must not use it
    q1 = ffp_figures("2026-27-Q1")
    assert q1.value(WORKFORCE, HEADCOUNT) == 2 and q1.value(WORKFORCE, FTE) == "1.61"
    assert (q1.value(WORKFORCE, HEADCOUNT, SW_LABEL), q1.value(WORKFORCE, HEADCOUNT, AQ_LABEL)) == (1, 1)
    assert q1.value(WORKFORCE, FTE, AQ_LABEL) == "0.61"
    assert q1.value(WORKFORCE, HEADCOUNT, f"Voluntary and community sector: {AQ_LABEL}") == 1
    q2 = ffp_figures("2026-27-Q2")
    assert (q2.value(WORKFORCE, HEADCOUNT, SW_LABEL), q2.value(WORKFORCE, HEADCOUNT, AQ_LABEL)) == (2, 0)
    assert q2.value(WORKFORCE, FTE) == "2.00"
    q3 = ffp_figures("2026-27-Q3")
    assert q3.value(WORKFORCE, HEADCOUNT) == 1


def _at(level: EpisodeLevel, start: dt.datetime, end: dt.datetime | None = None):
    EpisodeLevel.objects.filter(pk=level.pk).update(started_at=start, ended_at=end)


def test_children_and_fgdm_are_counted_for_the_quarter(family, levels, lcpp, fgdm_facilitator):
    tz = timezone.get_current_timezone()
    may, aug = dt.datetime(2026, 5, 1, 9, tzinfo=tz), dt.datetime(2026, 8, 10, 9, tzinfo=tz)
    for episode in family["episodes"].values():
        type(episode).objects.filter(pk=episode.pk).update(opened_on=D(2026, 5, 1))
        _at(episode.levels.get(), may)
    # Leo steps up to child in need on 10 August (Q2).
    leo = family["episodes"]["Leo"]
    cin = episode_change_level(episode=leo, actor=lcpp, level=levels["child_in_need"], reason="Needs a CIN plan")
    _at(leo.levels.exclude(pk=cin.pk).get(), may, aug)
    _at(cin, aug)
    # Mia: pre-proceedings in Q2, FGDM offered in the letter and the meeting held.
    pp = pre_proceedings_start(person=family["mia"], actor=lcpp, start_date=D(2026, 7, 6))
    pre_proceedings_update(pre_proceedings=pp, actor=lcpp, data={"lbp_sent_date": D(2026, 7, 9)})
    offer = offer_at(pp, by=lcpp, on=D(2026, 7, 9), recipients=[family["grace"]])
    accepted(offer, by=lcpp, on=D(2026, 7, 13))
    meeting_held(offer, by=lcpp, facilitator=fgdm_facilitator, on=D(2026, 8, 20))

    q1, q2, q3 = (ffp_figures(f"2026-27-Q{n}") for n in (1, 2, 3))
    assert q1.value(CHILDREN, "Targeted early help during the quarter") == 2
    assert q1.value(CHILDREN, "Child in need during the quarter") == 0
    assert q2.value(CHILDREN, "Targeted early help during the quarter") == 2  # Leo until 10 August
    assert q2.value(CHILDREN, "Child in need during the quarter") == 1
    assert q2.value(CHILDREN, "Receiving Family Help during the quarter") == 2  # Leo once
    assert q2.value(CHILDREN, "In pre-proceedings during the quarter") == 1
    assert q3.value(CHILDREN, "Targeted early help during the quarter") == 1
    offered = "FGDM meetings offered prior to or at the letter before proceedings"
    facilitated = "FGDM meetings facilitated after the offer"
    assert (q2.value(FGDM, offered), q2.value(FGDM, facilitated)) == (1, 1)
    assert (q1.value(FGDM, offered), q3.value(FGDM, facilitated)) == (0, 0)
    # The one selector's figures, exactly.
    totals = fgdm_period_totals(first=D(2026, 7, 1), last=D(2026, 9, 30))
    assert (q2.value(FGDM, offered), q2.value(FGDM, facilitated)) == (totals.offered, totals.facilitated)


@pytest.fixture
def spent(fh_manager):
    grant = ledger.grant_create(actor=fh_manager, name="Families First Partnership grant")
    ledger.allocation_set(grant=grant, actor=fh_manager, year="2026-27", amount="400000")
    for quarter, category, sub, status, amount in [
        ("2026-27-Q1", "service_delivery", "Family hubs", "actual", "60000"),
        ("2026-27-Q2", "transformation", '=HYPERLINK("http://x.invalid","Practice model")', "actual", "30000"),
        ("2026-27-Q2", "transformation", "Case system", "committed", "20000"),
        ("2026-27-Q2", "service_design", "Co-design with families", "actual", "5000"),
        ("2026-27-Q2", "service_delivery", "Family hubs", "actual", "15000"),
        ("2026-27-Q3", "transformation", "Case system", "actual", "99999"),  # after the quarter: not in Q2's
    ]:
        ledger.spend_line_add(
            grant=grant,
            actor=fh_manager,
            quarter=quarter,
            category=category,
            sub_category=sub,
            status=status,
            amount=amount,
        )
    return grant


def test_expenditure_comes_from_the_ledger_with_the_transformation_warning(spent):
    q2 = ffp_figures("2026-27-Q2")
    assert q2.value(EXPENDITURE, "Allocation for the year") == "400000.00"
    assert q2.value(EXPENDITURE, "Actual spend in the quarter") == "50000.00"
    assert q2.value(EXPENDITURE, "Committed spend in the quarter") == "20000.00"
    assert q2.value(EXPENDITURE, "Actual spend in the quarter", "Transformation") == "30000.00"
    assert q2.value(EXPENDITURE, "Committed spend in the quarter", "Transformation: Case system") == "20000.00"
    assert q2.value(EXPENDITURE, "Actual spend in the quarter", "Service design: Co-design with families") == "5000.00"
    assert q2.value(EXPENDITURE, "Actual spend in the year to date") == "110000.00"
    # Year to Q2: transformation 50,000 of 130,000 = 38.5% > 30%.
    assert q2.value(EXPENDITURE, "Transformation share of the year to date (%)") == "38.5"
    assert len(q2.warnings) == 1 and "38.5%" in q2.warnings[0]
    assert ffp_figures("2026-27-Q1").warnings == []


def test_the_workbook_csv_and_pdf_agree_escape_cells_and_every_download_is_recorded(
    client, spent, fh_manager, sw_fhlp, vcs_fhlp
):
    _record(vcs_fhlp, D(2025, 4, 1), AQ, "30")
    run = ReturnRun.objects.create(
        kind=RunKind.FFP_RETURN, period="2026-27-Q2", purpose="Q2 return to DfE", requested_by=fh_manager
    )
    run = build_return(run.pk)
    assert run.status == "done", run.error
    assert run.summary["Definition version"] == VERSION and run.summary["Lead practitioners (headcount)"] == 1
    assert "38.5%" in run.summary["Transformation share warning"]
    client.force_login(fh_manager)
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert reverse("reporting:ffp_return_csv", args=[run.pk]) in page
    assert reverse("reporting:ffp_return_pdf", args=[run.pk]) in page
    xlsx = b"".join(client.get(reverse("reporting:run_download", args=[run.pk])).streaming_content)
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["Return"]
    cells = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert cells[4][:2] == ("Definition version", VERSION)
    assert cells[1][:2] == ("Quarter", "2026-27-Q2")
    assert cells[6][:2] == ("Status", "Prepared for submission")
    rows = {(r[0], r[1], r[2]): r[3] for r in cells[9:]}
    assert rows[("Expenditure", "Actual spend in the quarter", "Transformation")] == 30000
    assert not any(isinstance(v, str) and v.startswith("=") for row in cells for v in row)
    breakdowns = [r[2] for r in cells[9:]]
    assert 'Transformation: =HYPERLINK("http://x.invalid","Practice model")' in breakdowns  # not a formula: text
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "Warnings" in book.sheetnames and "Definition" in book.sheetnames

    response = client.get(reverse("reporting:ffp_return_csv", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["Quarter", "Definition version", "Section", "Measure", "Breakdown", "Value"]
    as_csv = {(r[2], r[3], r[4]): r[5] for r in table[1:]}
    assert as_csv[("Expenditure", "Actual spend in the quarter", "Transformation")] == "30000.00"
    assert as_csv[("Workforce", HEADCOUNT, TOTAL)] == "1"
    assert len(table) - 1 == run.rows + 1  # every figure and the one warning
    pdf = client.get(reverse("reporting:ffp_return_pdf", args=[run.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1  # one page
    text = reader.pages[0].extract_text()
    assert "FFP quarterly return 2026-27-Q2" in text and "38.5%" in text
    records = list(ExportRecord.objects.filter(run=run).order_by("id").values_list("format", "user", "purpose"))
    assert records == [(f, fh_manager.pk, "Q2 return to DfE") for f in ("xlsx", "csv", "pdf")]
    # Not a reader of the return: not there.
    client.force_login(sw_fhlp)
    assert client.get(reverse("reporting:ffp_return_csv", args=[run.pk])).status_code == 404
    assert client.get(reverse("reporting:ffp_return_pdf", args=[run.pk])).status_code == 404


def test_the_command_writes_the_return_for_a_quarter(tmp_path, spent):
    out = tmp_path / "ffp.xlsx"
    stdout = io.StringIO()
    call_command("ffp_return", "--quarter", "2026-27-Q2", "--output", str(out), stdout=stdout)
    sheet = load_workbook(out)["Return"]
    assert sheet["B2"].value == "2026-27-Q2" and sheet["B5"].value == VERSION
    assert "Warning: Transformation is 38.5%" in stdout.getvalue()
    call_command("ffp_return", "--quarter", "2026-27-Q2", "--output", str(tmp_path / "ffp.csv"), stdout=stdout)
    assert (tmp_path / "ffp.csv").read_bytes().startswith(b"\xef\xbb\xbfQuarter,")
    call_command("ffp_return", "--quarter", "2026-27-Q2", "--output", str(tmp_path / "ffp.pdf"), stdout=stdout)
    assert len(PdfReader(tmp_path / "ffp.pdf").pages) == 1
    with pytest.raises(CommandError, match="not a quarter like 2026-27-Q2"):
        call_command("ffp_return", "--quarter", "2026-Q2", "--output", str(out))
    with pytest.raises(CommandError, match="must end in"):
        call_command("ffp_return", "--quarter", "2026-27-Q2", "--output", str(tmp_path / "ffp.txt"))


def test_the_draft_is_prepared_on_the_first_working_day_after_the_quarter_and_managers_are_told_once(
    fh_manager, sw_fhlp, spent
):
    other_manager = UserFactory(roles=["manager"])
    # Q3 2026-27 ends on Thursday 31 December 2026; Friday 1 January is a bank holiday, then the weekend.
    assert draft_due_on("2026-27-Q3") == D(2027, 1, 4)
    assert prepare_quarterly_draft(D(2027, 1, 1)) is None
    assert not ReturnRun.objects.exists()
    run = prepare_quarterly_draft(D(2027, 1, 4))
    assert (run.kind, run.period, run.requested_by, run.status) == (RunKind.FFP_RETURN, "2026-27-Q3", None, "done")
    book = load_workbook(io.BytesIO(gzip.decompress(bytes(run.content))))
    assert book["Return"]["B7"].value == "Draft (prepared by the schedule)"
    told = Notification.objects.filter(kind="reporting.ffp_return_draft")
    assert sorted(told.values_list("user", flat=True)) == sorted([fh_manager.pk, other_manager.pk])
    assert told.first().link == reverse("reporting:run", args=[run.pk])
    # The next mornings: the same draft, nobody told again.
    assert prepare_quarterly_draft(D(2027, 1, 5)).pk == run.pk
    assert prepare_quarterly_draft(D(2027, 2, 1)).pk == run.pk
    assert ReturnRun.objects.count() == 1 and told.count() == 2
