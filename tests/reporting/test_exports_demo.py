"""Annex A and the SSD extract from the demo council (seed_demo), as its performance officer performance@demo.test
(issue 16 items 5, 8, 9): both hold the demo's children, and a restricted child's name, NHS number and address are in
neither, though the child is counted."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.utils import timezone

from cases.models import Person, Role, User
from reporting.annex_a.periods import window
from reporting.annex_a.workbook import write_annex_a
from reporting.ssd.extract import write_ssd

pytestmark = pytest.mark.django_db


def test_the_demo_performance_officer_exports_every_child_and_no_restricted_name(seeded_demo):
    officer = User.objects.get(email="performance@demo.test")
    assert officer.roles == {Role.PERFORMANCE_OFFICER}
    restricted = list(Person.objects.filter(restricted=True))
    assert restricted
    out = io.BytesIO()
    tables = write_ssd(out, user=officer)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        text = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".csv"))
        people = list(csv.DictReader(io.TextIOWrapper(archive.open("ssd_person.csv"), encoding="utf-8")))
    ids = {row["pers_person_id"]: row for row in people}
    assert tables["ssd_person"] == Person.objects.filter(merged_into__isnull=True).count()
    for person in restricted:
        row = ids[person.la_child_id]  # counted, by id and codes only
        assert (row["pers_forename"], row["pers_surname"], row["pers_common_child_id"]) == ("", "", "")
        assert f"{person.first_name},{person.last_name}" not in text
        assert not person.nhs_number or person.nhs_number not in text
        for address in person.addresses.all():
            assert address.line1 not in text
    assert tables["ssd_cin_episodes"] and tables["ssd_contacts"] and tables["ssd_cp_plans"]
    out = io.BytesIO()
    counts = write_annex_a(out, window=window(f"12m-{timezone.localdate().isoformat()}"), user=officer)
    assert counts["List 1"] and counts["List 3"] and counts["List 7"], counts
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    for person in restricted:  # Annex A names no child: a restricted child's name is in no row
        assert not [r for r in rows if person.first_name in r and person.last_name in r]
