"""Issue 16 item 1: the CIN census of the generated `small` data set (the CI seed, 7) is schema-valid for the
2025-26 collection (the vendored DfE schema) and 2026-27 (with module 5, our extension), written by the command and
by the reports page's builder alike. The second seed: test_census_seed2.py; the demo: test_census_demo.py."""

import gzip
import io

import pytest
from django.core.management import CommandError, call_command

from macpt.selectors.pre_proceedings import ELEMENTS, module5_errors
from reporting.census import validate_xsd
from reporting.models import ReturnRun, RunKind, RunStatus
from reporting.tasks import build_return

from .census_checks import assert_valid_census, census_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["2025-26", "2026-27"])
def test_the_census_of_the_small_data_set_is_schema_valid(small_dataset, year):
    root, result = assert_valid_census(year)
    assert result.assessments and result.section47 and result.cp_plans and result.cin_plans
    start, end = (f"{year[:4]}-04-01", f"{int(year[:4]) + 1}-03-31")
    for details in root.iterfind("Children/Child/CINdetails"):
        own = details.findtext("DateOfInitialCPC")
        in_s47 = {s.findtext("DateOfInitialCPC") for s in details.iterfind("Section47")} - {None}
        assert own is None or own not in in_s47  # 2884: an ICPC at one level only
        for plan in details.iterfind("ChildProtectionPlans"):
            started = plan.findtext("CPPstartDate")
            if start <= started <= end:  # 2885: a plan starting in the year has its initial conference
                assert started in in_s47 | {own}, details.getparent().findtext("ChildIdentifiers/LAchildID")
    blocks = root.findall(".//PreProceedingsandFGDM")
    if year == "2025-26":
        assert blocks == [] and result.module5 == 0
    else:
        # Module 5 where the record has pre-proceedings in the year, in the sample's element order, each block
        # passing DfE's module 5 rules (module5_rules.md) as macpt checks them.
        assert blocks and len(blocks) == result.module5
        for block in blocks:
            names = [e.tag for e in block]
            assert names == [n for n in ELEMENTS if n in names]
            values = {e.tag: e.text for e in block}
            typed = {n: _typed(n, values.get(n)) for n in ELEMENTS}
            assert [e for e in module5_errors(typed, year_start=2026) if not e.endswith("Q")] == []


def _typed(name, text):
    import datetime as dt

    if text is None:
        return None
    if name.endswith("Date"):
        return dt.date.fromisoformat(text)
    if name in {"FGDMMeetingOffer", "FGDMMeetingFac", "ReviewMeetingsCount"}:
        return int(text)
    return text


def test_the_command_writes_the_census_file_and_checks_it(small_dataset, tmp_path):
    target = tmp_path / "census.xml"
    out = io.StringIO()
    call_command("cin_census", "--year", "2025-26", "--output", str(target), stdout=out)
    assert "Valid against the schema." in out.getvalue()
    assert validate_xsd(target, "2025-26") == []
    assert target.read_bytes().startswith(b"<?xml")
    with pytest.raises(CommandError, match="not a collection year"):
        call_command("cin_census", "--year", "2025", "--output", str(target), stdout=io.StringIO())


def test_the_reports_page_builder_writes_the_same_census_with_its_progress(small_dataset, fh_manager):
    run = ReturnRun.objects.create(kind=RunKind.CIN_CENSUS, period="2025-26", purpose="Test", requested_by=fh_manager)
    run = build_return(run.pk)
    assert run.status == RunStatus.DONE, run.error
    content = gzip.decompress(bytes(run.content))
    assert validate_xsd(content, "2025-26") == []
    expected, result = census_bytes("2025-26")
    # A manager reads council-wide: the same children as the council-wide file (the header's timestamp aside).
    assert content.count(b"<Child>") == expected.count(b"<Child>") == result.children == run.rows
    assert run.progress_done == run.progress_total == result.children
    assert run.summary["schema_valid"] is True and run.summary["children"] == result.children
    assert run.filename == "CIN_census_2025-26_999.xml" and run.content_type == "application/xml"
