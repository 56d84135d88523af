"""Access levels by relationship to the child (issue 11, finding 1): the family's lead practitioner sees the whole
record; a team-around-the-family member sees the summary level only (the family's plan, the actions they own, the
children's identity summary and the people in the plan), never the chronology, notes, assessments or NHS number; a
system administrator is refused at the door of the team around the family and is scoped out anyway.

The users are built like the demo users (an agency, team groups, the roles they hold): Dana School, a designated
safeguarding lead who only refers (school.dsl@ in the demo), and an administrator in a council team (admin@)."""

import datetime as dt
from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, CaseNote, Involvement, InvolvementRole, Role
from cases.permissions import person_permissions_sync, person_record_scope, person_scope
from cases.services import case_note_save, involvement_add, person_add_address, person_update
from cases.services.plans import action_add, taf_add, taf_remove
from tests import personas
from tests.factories import UserFactory
from tests.support import api_as

pytestmark = pytest.mark.django_db

NHS = "9434765919"


@pytest.fixture
def admin_user(db):
    """A system administrator, in a council team as the demo's admin@ is."""
    return UserFactory(
        email="admin@example.test",
        full_name="Alex Admin",
        agency=personas.agency("council"),
        roles=[Role.ADMIN],
        teams=[personas.team("information_governance")],
    )


@pytest.fixture
def record(plan, led_family, triage_officer):
    """The led family with its plan, Mia's NHS number recorded and a final case note on her record."""
    mia = led_family["mia"]
    person_update(person=mia, actor=triage_officer, data={"nhs_number": NHS}, expected_version=mia.version)
    mia.refresh_from_db()
    person_add_address(person=mia, actor=triage_officer, line1="2 Canal Walk", town="Demoton", postcode="DM1 2AB")
    note = case_note_save(
        person=mia,
        actor=led_family["lead"],
        data={
            "kind": CaseNote.Kind.PHONE,
            "occurred_at": timezone.now(),
            "subject": "Call with Grace",
            "body": "Saw Mia at home with Grace.",
        },
        finalise=True,
    )
    return {**led_family, "plan": plan, "note": note}


def _whole_record_urls(record) -> list[str]:
    mia = record["mia"]
    return [
        f"/api/v1/people/{mia.pk}/",
        f"/api/v1/people/{mia.pk}/chronology/",
        f"/api/v1/people/{mia.pk}/relationships/",
        reverse("cases:person_detail", args=[mia.pk]),
        reverse("cases:person_chronology", args=[mia.pk]),
        reverse("cases:person_chronology_csv", args=[mia.pk]),
        reverse("cases:person_chronology_pdf", args=[mia.pk]),
        reverse("cases:case_note_detail", args=[record["note"].pk]),
        reverse("cases:person_edit", args=[mia.pk]),
        reverse("family_help:family", args=[record["case"].pk]),
    ]


def _add_to_team(record, user):
    return api_as(record["lead"]).post(
        f"/api/v1/families/{record['case'].pk}/team/", {"user_id": user.pk, "role": "School link"}, format="json"
    )


def test_a_school_dsl_added_to_the_team_around_the_family_gets_the_summary_level_only(client, record, school_dsl):
    response = _add_to_team(record, school_dsl)
    assert response.status_code == 201, response.content
    client.force_login(school_dsl)
    dsl_api = api_as(school_dsl)
    for url in _whole_record_urls(record):
        got = (dsl_api if url.startswith("/api/") else client).get(url)
        assert got.status_code == 404, url
        assert NHS.encode() not in got.content

    # The summary: the plan, with the children's identity summary and the people in the plan.
    page = client.get(reverse("cases:plan", args=[record["case"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mia Okafor-Lewis" in html and "2 May 2017" in html
    assert "Grace Okafor" in html  # the people in the plan
    assert "2 Canal Walk, Demoton, DM1 2AB" in html  # the identity summary: the current address
    assert "Test Primary School" in html  # and the school (the education agency working with her)
    assert NHS not in html and "943 476 5919" not in html
    assert "Saw Mia at home" not in html  # no case notes
    assert reverse("cases:person_detail", args=[record["mia"].pk]) not in html  # no link to a record they cannot open
    plan_api = dsl_api.get(f"/api/v1/families/{record['case'].pk}/plan/")
    assert plan_api.status_code == 200
    assert NHS.encode() not in plan_api.content


def test_a_team_around_the_family_member_updates_only_the_actions_they_own(record, school_dsl, sw_fhlp):
    taf_add(family_case=record["case"], actor=record["lead"], user=school_dsl, role="School link")
    due = timezone.localdate() + dt.timedelta(days=14)
    theirs = action_add(
        plan=record["plan"],
        actor=record["lead"],
        data={"description": "Check attendance weekly", "owner": school_dsl, "due_on": due},
    )
    others = action_add(
        plan=record["plan"],
        actor=record["lead"],
        data={"description": "Housing referral", "owner": sw_fhlp, "due_on": due},
    )
    client = api_as(school_dsl)
    base = f"/api/v1/families/{record['case'].pk}/plan/actions/"
    ok = client.patch(
        f"{base}{theirs.pk}/", {"status": "in_progress"}, format="json", HTTP_IF_MATCH=f'"{theirs.version}"'
    )
    assert ok.status_code == 200, ok.content
    refused = client.patch(
        f"{base}{others.pk}/", {"status": "in_progress"}, format="json", HTTP_IF_MATCH=f'"{others.version}"'
    )
    assert refused.status_code == 404
    # Not the plan itself either.
    plan = record["plan"]
    plan.refresh_from_db()
    text = client.patch(
        f"/api/v1/families/{record['case'].pk}/plan/",
        {"worries": "x"},
        format="json",
        HTTP_IF_MATCH=f'"{plan.version}"',
    )
    assert text.status_code == 404


def test_a_health_visitor_in_the_team_around_the_family_no_longer_reads_the_whole_record(
    client, record, health_practitioner
):
    """A partner practitioner (who could edit a record they lead) is summary level as a team member."""
    taf_add(family_case=record["case"], actor=record["lead"], user=health_practitioner, role="Health visitor")
    client.force_login(health_practitioner)
    hv_api = api_as(health_practitioner)
    for url in _whole_record_urls(record):
        assert (hv_api if url.startswith("/api/") else client).get(url).status_code == 404, url
    assert client.get(reverse("cases:plan", args=[record["case"].pk])).status_code == 200
    assert not hv_api.get("/api/v1/people/").data["results"]
    assert not hv_api.get("/api/v1/people/search/", {"name": "Mia Okafor-Lewis"}).data["results"]


def test_the_lead_practitioner_still_sees_the_whole_record(client, record):
    client.force_login(record["lead"])
    lead_api = api_as(record["lead"])
    for url in _whole_record_urls(record):
        assert (lead_api if url.startswith("/api/") else client).get(url).status_code == 200, url
    assert NHS in lead_api.get(f"/api/v1/people/{record['mia'].pk}/").content.decode()


def test_an_administrator_cannot_be_added_to_the_team_around_the_family(client, record, admin_user):
    response = _add_to_team(record, admin_user)
    assert response.status_code == 400
    assert "cannot be added" in response.json()["user_id"][0]
    assert not Involvement.objects.filter(user=admin_user).exists()

    client.force_login(record["lead"])
    # The page never offers them (the picker lists roles that can see a record), and posting their id is refused.
    url = reverse("cases:taf_add", args=[record["case"].pk])
    assert f'type="radio" value="{admin_user.pk}"' not in client.get(url).content.decode()
    page = client.post(url, {"user": admin_user.pk, "role": "School link"})
    assert page.status_code == 200 and "Choose a practitioner from the list" in page.content.decode()


def test_an_administrator_given_an_involvement_anyway_reads_nothing(client, record, admin_user, triage_officer):
    """Scoped out by role whatever the involvements say (an involvement written by hand or by an old bug)."""
    for role in (InvolvementRole.TAF_MEMBER, InvolvementRole.LEAD_PRACTITIONER):
        involvement_add(person=record["mia"], actor=triage_officer, role=role, user=admin_user)
    assert not person_scope(admin_user).exists() and not person_record_scope(admin_user).exists()
    client.force_login(admin_user)
    admin_api = api_as(admin_user)
    urls = [*_whole_record_urls(record), reverse("cases:plan", args=[record["case"].pk])]
    urls.append(f"/api/v1/families/{record['case'].pk}/plan/")
    for url in urls:
        got = (admin_api if url.startswith("/api/") else client).get(url)
        assert got.status_code == 404, url
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, actor_id=admin_user.pk).exists()


def test_leaving_the_team_around_the_family_ends_the_summary_at_once(client, record, school_dsl):
    member = taf_add(family_case=record["case"], actor=record["lead"], user=school_dsl, role="School link")
    client.force_login(school_dsl)
    assert client.get(reverse("cases:plan", args=[record["case"].pk])).status_code == 200
    taf_remove(member=member, actor=record["lead"], reason="Moved school")
    assert client.get(reverse("cases:plan", args=[record["case"].pk])).status_code == 404


def test_the_sync_turns_a_team_members_old_record_permissions_into_the_summary(record, health_practitioner):
    """Before access levels, a team-around-the-family involvement granted view/change_person; the next sync (and
    the data migration) leaves the summary permission only."""
    from guardian.shortcuts import assign_perm

    mia = record["mia"]
    taf_add(family_case=record["case"], actor=record["lead"], user=health_practitioner, role="Health visitor")
    for codename in ("view_person", "change_person"):
        assign_perm(codename, health_practitioner, mia)
    assert person_record_scope(health_practitioner).filter(pk=mia.pk).exists()
    person_permissions_sync(mia)
    assert not person_record_scope(health_practitioner).filter(pk=mia.pk).exists()
    assert person_scope(health_practitioner).filter(pk=mia.pk).exists()


def test_the_data_migration_moves_existing_team_members_to_the_summary(record, health_practitioner):
    """Migration 0020 over rows as the old sync wrote them (view/change_person for a team-around-the-family
    involvement, no summary permission): the team member keeps the summary only, the lead keeps the whole record;
    run back, the old grants return."""
    from django.apps import apps
    from guardian.shortcuts import assign_perm, remove_perm

    migration = import_module("cases.migrations.0020_team_around_the_family_summary_level")
    mia, lead = record["mia"], record["lead"]
    taf_add(family_case=record["case"], actor=lead, user=health_practitioner, role="Health visitor")
    for child in (mia, record["leo"]):  # as the old sync left them
        remove_perm("view_person_summary", health_practitioner, child)
        for codename in ("view_person", "change_person"):
            assign_perm(codename, health_practitioner, child)
    assert person_record_scope(health_practitioner).filter(pk=mia.pk).exists()

    migration.forwards(apps, None)
    assert not person_record_scope(health_practitioner).filter(pk=mia.pk).exists()
    assert set(person_scope(health_practitioner).values_list("pk", flat=True)) == {mia.pk, record["leo"].pk}
    assert person_record_scope(lead).filter(pk=mia.pk).exists()

    migration.backwards(apps, None)
    assert person_record_scope(health_practitioner).filter(pk=mia.pk).exists()
    assert person_record_scope(lead).filter(pk=mia.pk).exists()
