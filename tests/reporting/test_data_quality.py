"""The data-quality page, the managers' home panel counts and the monthly draft census (issue 16 items 3 and 6). The
issues here are recorded as a draft census run records them (reporting.quality.draft.record_issues); the run over a
real census file is in test_census_quality.py."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Role
from cases.services import person_restrict
from reporting.models import DataQualityIssue, ReturnRun, RunKind, RunStatus
from reporting.quality import draft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _done_run(period="2025-26") -> ReturnRun:
    return ReturnRun.objects.create(
        kind=RunKind.DRAFT_CENSUS,
        period=period,
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        summary={"validator": "csc-validator-be-cin 0.1.13"},
    )


def _row(child, rule, kind="Error", table="ChildIdentifiers", column="PersonBirthDate", value="2015-03-14"):
    return {
        "rule": rule,
        "type": kind,
        "LAchildID": child,
        "table": table,
        "column": column,
        "value": value,
        "message": f"Message of {rule}",
        "source": "csc-validator-be-cin",
    }


@pytest.fixture
def performance_officer(council):
    return UserFactory(agency=council, roles=[Role.PERFORMANCE_OFFICER])


def test_the_page_lists_each_childs_errors_and_queries_with_the_field_to_fix(
    client, fh_manager, make_person, performance_officer
):
    amelia = make_person(first="Amelia", last="Hartley")
    noah = make_person(first="Noah", last="Brook", dob=dt.date(2016, 5, 1))
    run = _done_run()
    draft.record_issues(
        run,
        [
            _row(amelia.la_child_id, "1520", value="2015-03-14"),
            _row(amelia.la_child_id, "8869Q", kind="Query", table="Section47", column="S47ActualStartDate"),
            _row(noah.la_child_id, "4180", column="Sex", value=""),
            _row(None, "8995Q", kind="Query", table=None, column=None, value=None),
        ],
    )
    client.force_login(performance_officer)
    page = client.get(reverse("reporting:data_quality"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="dq-errors">2<' in html and 'id="dq-queries">2<' in html and 'id="dq-children">2<' in html
    assert "Amelia Hartley" in html and "Noah Brook" in html
    assert reverse("cases:person_detail", args=[amelia.pk]) in html
    # The field to fix, linked to the page that holds it: the child's details for a date of birth or sex, on the
    # record for a reader who may not edit them, on the edit page for one who may.
    assert reverse("cases:person_edit", args=[noah.pk]) not in html
    assert reverse("cases:person_detail", args=[noah.pk]) in html
    assert "Date of birth" in html and "Section 47 enquiry start date" in html
    assert "Rule 8995Q: Message of 8995Q" in html  # the return as a whole
    errors_only = client.get(reverse("reporting:data_quality"), {"show": "errors"}).content.decode()
    assert 'data-rule="1520"' in errors_only and 'data-rule="8869Q"' not in errors_only
    bad = client.get(reverse("reporting:data_quality"), {"show": "<script>", "page": "x"})
    assert bad.status_code == 200
    editor = UserFactory(agency=performance_officer.agency, roles=[Role.PERFORMANCE_OFFICER, Role.TRIAGE_OFFICER])
    client.force_login(editor)
    assert (
        reverse("cases:person_edit", args=[noah.pk]) in client.get(reverse("reporting:data_quality")).content.decode()
    )


def test_a_restricted_child_the_reader_is_not_on_the_list_for_shows_without_name_or_link(
    client, fh_manager, make_person, privacy_officer, performance_officer
):
    hidden = make_person(first="Hidden", last="Child")
    person_restrict(person=hidden, actor=privacy_officer, reason="staff_family", access_users=[])
    run = _done_run()
    draft.record_issues(run, [_row(hidden.la_child_id, "1520")])
    client.force_login(performance_officer)
    html = client.get(reverse("reporting:data_quality")).content.decode()
    assert "Restricted record" in html
    assert "Hidden" not in html and hidden.la_child_id not in html
    assert reverse("cases:person_detail", args=[hidden.pk]) not in html
    assert 'id="dq-errors">1<' in html
    # Someone on the list reads the name and the links.
    client.force_login(privacy_officer)
    assert client.get(reverse("reporting:data_quality")).status_code == 404  # not a reader of data quality


def test_reading_the_page_is_audited_for_the_children_it_names_and_no_others(
    client, make_person, privacy_officer, performance_officer
):
    amelia = make_person(first="Amelia", last="Hartley")
    hidden = make_person(first="Hidden", last="Child")
    person_restrict(person=hidden, actor=privacy_officer, reason="staff_family", access_users=[])
    run = _done_run()
    draft.record_issues(run, [_row(amelia.la_child_id, "1520"), _row(hidden.la_child_id, "1520")])
    client.force_login(performance_officer)
    assert client.get(reverse("reporting:data_quality")).status_code == 200
    row = AuditEvent.objects.get(verb="reporting.data_quality_read")
    assert (row.kind, row.actor_id, row.child_ids) == (AuditEvent.Kind.READ, performance_officer.pk, [amelia.pk])
    assert (row.target_type, row.target_id) == ("reporting.returnrun", str(run.pk))


def test_only_managers_and_performance_officers_open_the_page(client, triage_officer, lcpp, fh_manager):
    for refused in (triage_officer, lcpp):
        client.force_login(refused)
        assert client.get(reverse("reporting:data_quality")).status_code == 404
    client.force_login(fh_manager)
    page = client.get(reverse("reporting:data_quality"))
    assert page.status_code == 200
    assert "No draft census has been checked yet" in page.content.decode()


def test_the_managers_home_panel_counts_the_latest_draft_census(client, fh_manager, make_person):
    child = make_person()
    older = _done_run()
    draft.record_issues(older, [_row(child.la_child_id, "1520")] * 3)
    latest = _done_run()
    draft.record_issues(latest, [_row(child.la_child_id, "1520"), _row(child.la_child_id, "8869Q", kind="Query")])
    client.force_login(fh_manager)
    html = client.get(reverse("home")).content.decode()
    assert 'id="reporting-data-quality-counts"' in html
    assert "<strong>1 error</strong> and <strong>1 query</strong> for 1 child." in html
    assert reverse("reporting:data_quality") in html
    assert DataQualityIssue.objects.filter(run=older).count() == 3


# --- the monthly draft census (item 6, the monthly half) -------------------------------------------------------------


def test_the_beat_runs_the_draft_census_monthly():
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-draft-census"]
    assert entry["task"] == "reporting.tasks.monthly_draft_census_task"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {2} and schedule.minute == {30}


def test_the_month_s_draft_is_made_once_for_the_year_being_prepared():
    first = draft.schedule_monthly_draft(dt.date(2026, 5, 1))
    assert (first.kind, first.period, first.requested_by, first.status) == (
        RunKind.DRAFT_CENSUS,
        "2025-26",
        None,
        RunStatus.QUEUED,
    )
    assert draft.schedule_monthly_draft(dt.date(2026, 5, 1)) is None  # the beat's message delivered twice
    assert draft.year_being_prepared(dt.date(2026, 8, 1)) == "2026-27"
    assert draft.year_being_prepared(dt.date(2027, 1, 1)) == "2026-27"
    assert draft.year_being_prepared(dt.date(2026, 4, 1)) == "2025-26"


def test_the_monthly_task_builds_the_draft_census_once_a_month(family):
    """The beat's task end to end (as the worker runs it): the month's scheduled draft census is written, checked by
    DfE's validator and kept with its issues; delivered again the same month, it makes no second run."""
    from reporting.tasks import monthly_draft_census_task

    monthly_draft_census_task()
    run = ReturnRun.objects.get(kind=RunKind.DRAFT_CENSUS)
    assert (run.requested_by, run.status, run.purpose) == (None, RunStatus.DONE, draft.SCHEDULED_PURPOSE), run.error
    assert run.period == draft.year_being_prepared(timezone.localdate())
    assert run.summary["validator"].startswith("csc-validator-be-cin ")
    assert run.filename.endswith("-data-quality.csv")
    assert DataQualityIssue.objects.filter(run=run).count() == run.rows
    monthly_draft_census_task()
    assert ReturnRun.objects.filter(kind=RunKind.DRAFT_CENSUS).count() == 1
