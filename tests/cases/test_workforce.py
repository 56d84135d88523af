"""Issue 16 item 4: the dated workforce history (cases.PractitionerRecord). The record in force on a day is the
latest from on or before it, so the FFP return counts the workforce as it was; User.qualification follows the record
in force today; a manager keeps it on the workforce page (anyone else: 404); bad input is answered on the page,
keeping what was typed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, PractitionerRecord, Qualification
from cases.selectors.workforce import practitioner_records_at
from cases.services.workforce import practitioner_record_set

pytestmark = pytest.mark.django_db

D = dt.date
SW, AQ = Qualification.SOCIAL_WORKER, Qualification.ALTERNATIVELY_QUALIFIED


def _set(user, actor, on, qualification=AQ, hours="37", lead=True, **extra):
    return practitioner_record_set(
        practitioner=user,
        actor=actor,
        valid_from=on,
        qualification=qualification,
        hours_per_week=hours,
        lead_practitioner=lead,
        **extra,
    )


def test_the_record_in_force_on_a_day_is_the_latest_from_on_or_before_it(vcs_fhlp, sw_fhlp, fh_manager):
    _set(vcs_fhlp, fh_manager, D(2025, 4, 1), AQ, "22.5")
    _set(vcs_fhlp, fh_manager, D(2026, 7, 15), SW, "37")
    _set(sw_fhlp, fh_manager, D(2026, 8, 1), SW, "0")  # left
    before = {r.user_id: r for r in practitioner_records_at(D(2026, 6, 30))}
    assert set(before) == {vcs_fhlp.pk}
    assert (before[vcs_fhlp.pk].qualification, before[vcs_fhlp.pk].fte) == (AQ, Decimal("0.61"))
    after = {r.user_id: r for r in practitioner_records_at(D(2026, 9, 30))}
    assert (after[vcs_fhlp.pk].qualification, after[vcs_fhlp.pk].fte) == (SW, Decimal("1.00"))
    assert not after[sw_fhlp.pk].in_post
    # On the day itself the new record holds.
    assert {r.user_id: r for r in practitioner_records_at(D(2026, 7, 15))}[vcs_fhlp.pk].qualification == SW


def test_user_qualification_follows_the_record_in_force_today_not_a_future_one(vcs_fhlp, fh_manager):
    today = timezone.localdate()
    _set(vcs_fhlp, fh_manager, today - dt.timedelta(days=30), SW)
    vcs_fhlp.refresh_from_db()
    assert vcs_fhlp.qualification == SW
    _set(vcs_fhlp, fh_manager, today + dt.timedelta(days=30), AQ)  # from next month: not yet
    vcs_fhlp.refresh_from_db()
    assert vcs_fhlp.qualification == SW
    # A second record for a day corrects that day's: one row, audited as a correction.
    _set(vcs_fhlp, fh_manager, today - dt.timedelta(days=30), AQ, "30")
    assert PractitionerRecord.objects.filter(user=vcs_fhlp).count() == 2
    vcs_fhlp.refresh_from_db()
    assert vcs_fhlp.qualification == AQ
    assert AuditEvent.objects.filter(verb="cases.practitioner_record_corrected").count() == 1


def test_the_service_refuses_bad_input_and_anyone_but_a_manager(vcs_fhlp, sw_fhlp, fh_manager):
    with pytest.raises(PermissionDenied):
        _set(vcs_fhlp, sw_fhlp, D(2026, 4, 1))
    with pytest.raises(ValidationError) as error:
        _set(vcs_fhlp, fh_manager, D(2026, 4, 1), "", "61")
    assert set(error.value.message_dict) == {"hours_per_week", "qualification"}
    with pytest.raises(ValidationError) as error:
        _set(vcs_fhlp, fh_manager, D(2026, 4, 1), AQ, "lots")
    assert "hours_per_week" in error.value.message_dict
    assert not PractitionerRecord.objects.exists()


def test_a_manager_keeps_the_history_on_the_page_and_others_are_told_it_is_not_there(
    client, vcs_fhlp, sw_fhlp, fh_manager
):
    client.force_login(sw_fhlp)
    assert client.get(reverse("cases:workforce")).status_code == 404
    assert client.get(reverse("cases:workforce_practitioner", args=[vcs_fhlp.pk])).status_code == 404
    client.force_login(fh_manager)
    page = client.get(reverse("cases:workforce"))
    assert page.status_code == 200
    assert vcs_fhlp.full_name in page.content.decode()
    url = reverse("cases:workforce_practitioner", args=[vcs_fhlp.pk])
    form = {
        "valid_from_day": "1",
        "valid_from_month": "7",
        "valid_from_year": "2026",
        "agency": str(vcs_fhlp.agency_id),
        "qualification": SW,
        "hours_per_week": "forty",
        "lead_practitioner": "yes",
        "note": "Qualified in June",
    }
    bad = client.post(url, form)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter the hours a week as a number" in body
    assert 'value="forty"' in body and 'value="Qualified in June"' in body
    assert not PractitionerRecord.objects.exists()
    not_a_date = client.post(url, {**form, "valid_from_month": "13", "hours_per_week": "30"})
    assert not_a_date.status_code == 400 and "must be a real date" in not_a_date.content.decode()
    good = client.post(url, {**form, "hours_per_week": "30"})
    assert good.status_code == 302
    record = PractitionerRecord.objects.get(user=vcs_fhlp)
    assert (record.valid_from, record.qualification, record.hours_per_week, record.recorded_by) == (
        D(2026, 7, 1),
        SW,
        Decimal("30.0"),
        fh_manager,
    )
    assert "Qualified in June" in client.get(url).content.decode()
