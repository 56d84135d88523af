"""The plan moved from /family-help/ to the shared record (issue 10): its old addresses redirect, and what was
written before the move (audit rows, chronology links, merge records naming family_help.* models) still resolves,
read through cases.moved, without any old row being changed."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import AuditEvent, ChronologyEntry, FamilyCase, FamilyCaseMember, Outcome, PersonMerge, Plan, Strand
from cases.moved import current_label, current_link, labels_for
from cases.services import audit_record, chronology_add, family_case_create, person_merge, person_unmerge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/family-help/families/7/plan/", "/cases/families/7/plan/"),
        ("/family-help/families/7/plan/versions/2/?x=1", "/cases/families/7/plan/versions/2/?x=1"),
        ("/family-help/families/7/team/3/remove/", "/cases/families/7/team/3/remove/"),
        ("/api/v1/family-help/families/7/plan/actions/4/", "/api/v1/families/7/plan/actions/4/"),
        ("/api/v1/family-help/families/7/team/", "/api/v1/families/7/team/"),
    ],
)
def test_old_addresses_redirect_permanently_to_the_new_ones_for_anyone(client, old, new):
    # Signed out, and for a family that does not exist: the redirect looks nothing up, so it tells nothing.
    response = client.get(old)
    assert response.status_code == 308
    assert response["Location"] == new
    assert current_link(old) == new


def test_old_api_address_keeps_the_method_and_the_target_refuses_as_usual(client, triage_officer, make_person):
    child = make_person(first="Ava", last="Stone", dob=dt.date(2018, 3, 4))
    case = family_case_create(actor=triage_officer, name="Stone family", members=[(child, FamilyCaseMember.Role.CHILD)])
    client.force_login(triage_officer)
    response = client.patch(
        f"/api/v1/family-help/families/{case.pk}/plan/", data={"version": 1}, content_type="application/json"
    )
    assert response.status_code == 308
    assert response["Location"] == f"/api/v1/families/{case.pk}/plan/"
    followed = client.patch(response["Location"], data={"version": 1}, content_type="application/json")
    assert followed.status_code == 404  # no plan yet: the new address answers as it would have


def test_family_pages_other_than_the_plan_stay_where_they_are():
    assert current_link("/family-help/families/7/") == "/family-help/families/7/"
    assert current_link("/family-help/families/7/assessments/") == "/family-help/families/7/assessments/"
    assert current_link("/cases/people/3/") == "/cases/people/3/"


def test_old_model_labels_map_to_the_new_and_back():
    assert current_label("family_help.plan") == "cases.plan"
    assert current_label("family_help.cinplanperiod") == "cases.cinplanperiod"
    assert current_label("family_help.allocation") == "family_help.allocation"
    assert labels_for("cases.outcome") == ["cases.outcome", "family_help.outcome"]


def test_an_old_chronology_link_is_shown_at_its_new_address(client, triage_officer, make_person):
    child = make_person(first="Ava", last="Stone", dob=dt.date(2018, 3, 4))
    entry = chronology_add(
        person=child,
        actor=triage_officer,
        strand=Strand.FAMILY_HELP,
        kind="plan_reviewed",
        summary="Family Help plan reviewed (version 2)",
        link="/family-help/families/9/plan/versions/2/",
    )
    client.force_login(triage_officer)
    html = client.get(reverse("cases:person_chronology", args=[child.pk])).content.decode()
    assert 'href="/cases/families/9/plan/versions/2/"' in html
    assert "/family-help/families/9/plan/" not in html
    assert ChronologyEntry.objects.get(pk=entry.pk).link == "/family-help/families/9/plan/versions/2/"  # unchanged


def test_an_old_audit_row_names_the_plan_under_its_new_label(client, privacy_officer, triage_officer):
    audit_record(
        actor=triage_officer,
        verb="family_help.plan_started",
        target_type="family_help.plan",
        target_id=12,
        child_ids=[3],
    )
    client.force_login(privacy_officer)
    html = client.get(reverse("cases:audit")).content.decode()
    assert "cases.plan 12" in html
    row = AuditEvent.objects.get(verb="family_help.plan_started")
    assert row.target_type == "family_help.plan"  # the row itself is never rewritten


def test_undoing_a_merge_recorded_under_the_old_label_moves_the_rows_back(triage_officer, make_person):
    kept = make_person(first="Ava", last="Stone", dob=dt.date(2018, 3, 4))
    dup = make_person(first="Eva", last="Stone", dob=dt.date(2018, 3, 4))
    case = FamilyCase.objects.create(name="Stone family", opened_on=dt.date(2026, 1, 5))
    plan = Plan.objects.create(family_case=case, created_by=triage_officer)
    outcome = Outcome.objects.create(
        plan=plan,
        child=dup,
        what_will_be_different="Goes to school",
        measure="Attendance",
        baseline=2,
        target=8,
        current=2,
    )
    merge = person_merge(kept=kept, merged=dup, actor=triage_officer, reason="Same child")
    outcome.refresh_from_db()
    assert outcome.child_id == kept.pk
    # A merge recorded before the move named the model family_help.outcome.
    moved = [{**m, "model": "family_help.outcome"} if m["model"] == "cases.outcome" else m for m in merge.moved]
    PersonMerge.objects.filter(pk=merge.pk).update(moved=moved)
    merge.refresh_from_db()
    person_unmerge(merge=merge, actor=triage_officer, reason="Twins")
    outcome.refresh_from_db()
    assert outcome.child_id == dup.pk
