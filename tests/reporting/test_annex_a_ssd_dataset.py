"""Annex A (issue 16 item 5) and the SSD extract (item 8) from the generated `small` data set: the lists and tables
have Ofsted's and the SSD's headings, and their rows are the record's, counted again here from the models."""

import csv
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.db.models import Q
from django.utils import timezone

from cases.models import CaseNote, CinReferral, Person, User
from front_door.models import ContactChild
from macpt.models import ChildProtectionPlan, S47Enquiry
from reporting.annex_a.lists import LISTS, Window
from reporting.annex_a.workbook import write_annex_a
from reporting.ssd.extract import NOTE, write_ssd
from reporting.ssd.fields import TABLES
from reporting.ssd.tables import EMPTY

pytestmark = pytest.mark.django_db

# Fields the record holds but the small data set may not (nobody died, no gender identity given, ...): filled when the
# record has them, so not declared empty.
DATA_DEPENDENT = {
    "pers_death_date",
    "pers_expected_dob",  # an unborn child (seed_demo has one)
    "pers_gender",  # gender identity, as the person describes it
    "addr_address_end_date",  # a previous address
    "cinp_cin_plan_end_date",  # a child-in-need plan that ended
}


def test_annex_a_lists_have_ofsteds_headings_and_the_records_rows(small_dataset):
    manager = User.objects.get(email="manager@demo.test")
    today = timezone.localdate()
    window = Window(today - dt.timedelta(days=364), today)
    out = io.BytesIO()
    counts = write_annex_a(out, window=window, user=manager)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    ids = set(Person.objects.values_list("la_child_id", flat=True))
    for annex in LISTS:
        rows = list(book[annex.sheet].iter_rows(values_only=True))
        assert rows[0] == annex.headings
        assert len(rows) - 1 == counts[annex.sheet]
        assert {r[0] for r in rows[1:]} <= ids
    start, end = window.start, window.end
    assert counts["List 3"] == CinReferral.objects.filter(referral_date__range=(start, end)).count()
    assert counts["List 5"] == S47Enquiry.objects.filter(start_date__range=(start, end)).count()
    assert (
        counts["List 7"]
        == ChildProtectionPlan.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .count()
    )
    assert (
        counts["List 1"]
        == ContactChild.objects.filter(person__isnull=False, contact__received_at__date__range=(start, end)).count()
    )
    recorded = {annex.sheet for annex in LISTS if annex.recorded}
    assert recorded == {f"List {n}" for n in range(1, 8)}
    assert all(counts[sheet] for sheet in recorded), counts
    assert not any(counts[annex.sheet] for annex in LISTS if not annex.recorded)
    # Every list row has its allocated team and worker (the tools' check that they are never blank).
    for annex in LISTS:
        if "Allocated Worker" in annex.headings:
            rows = list(book[annex.sheet].iter_rows(min_row=2, values_only=True))
            team, worker = annex.headings.index("Allocated Team"), annex.headings.index("Allocated Worker")
            assert not [r for r in rows if not r[team] or not r[worker]], annex.sheet


def test_the_ssd_extract_has_a_csv_per_table_with_the_ssds_fields(small_dataset):
    manager = User.objects.get(email="manager@demo.test")
    out = io.BytesIO()
    counts = write_ssd(out, user=manager)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert sorted(archive.namelist()) == sorted([f"{t}.csv" for t in TABLES] + ["FIELDS_LEFT_EMPTY.md"])
        never_filled = {}
        for table, fields in TABLES.items():
            reader = csv.reader(io.TextIOWrapper(archive.open(f"{table}.csv"), encoding="utf-8"))
            header = next(reader)
            assert header == [name for name, _ in fields]
            rows = list(reader)
            assert len(rows) == counts[table]
            filled = {name for row in rows for name, value in zip(header, row, strict=True) if value}
            assert not filled & set(EMPTY.get(table, {})), table
            never_filled[table] = sorted(set(header) - filled - set(EMPTY.get(table, {})))
    # The generated data set writes no case notes, so no visit to a child in need (tests/reporting/test_exports.py
    # has one); every other table has rows.
    assert not CaseNote.objects.exists() and counts["ssd_cin_visits"] == 0
    assert all(n for t, n in counts.items() if t != "ssd_cin_visits"), counts
    never_filled.pop("ssd_cin_visits")
    assert {t: f for t, f in never_filled.items() if set(f) - DATA_DEPENDENT} == {}


def test_the_note_of_empty_ssd_fields_is_the_extracts_own_list():
    text = NOTE.read_text()
    listed: dict[str, set[str]] = {}
    table = None
    for line in text.splitlines():
        if line.startswith("## "):
            table = line[3:].strip()
        elif found := re.match(r"- `(\w+)`: (.+)", line):
            listed.setdefault(table, set()).add(found.group(1))
    assert listed == {t: set(f) for t, f in EMPTY.items()}
    for table, empty in EMPTY.items():
        assert set(empty) <= {name for name, _ in TABLES[table]}
        assert all(reason.strip() for reason in empty.values())
