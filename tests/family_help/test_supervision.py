"""Supervision of Family Help Lead Practitioners: recorded by a manager (pages and API), read only by managers
and the supervised practitioner (404 for a team-around-the-family member and everyone else), a routine
chronology entry without the reflective detail, and the frequency list of overdue and never-supervised
practitioners with constant query counts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from cases.models import AuditEvent, ChronologyEntry, Notification, Qualification, Role, Strand
from family_help.models import FamilyHelpSettings, Supervision, SupervisionAction
from family_help.selectors.continuum import supervision_frequency
from family_help.services.supervision import supervision_record
from tests.factories import UserFactory
from tests.support import unchanged

pytestmark = pytest.mark.django_db

REFLECTION = "Sol is worried about Grace's low mood; we explored how to ask about it directly."


@pytest.fixture
def case_supervision(allocated, fh_manager, sw_fhlp):
    return supervision_record(
        actor=fh_manager,
        practitioner=sw_fhlp,
        family_case=allocated["case"],
        held_on=timezone.localdate(),
        reflection=REFLECTION,
        decisions="Refer Grace to talking therapies",
        actions=[{"description": "Ask Grace about a GP appointment", "owner": sw_fhlp, "due_on": timezone.localdate()}],
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# --- recording --------------------------------------------------------------------------------------------------


def test_case_supervision_is_recorded_with_the_next_due_date_and_a_routine_chronology_entry(
    case_supervision, allocated, sw_fhlp
):
    every = FamilyHelpSettings.load().supervision_every_days
    assert case_supervision.next_due_on == case_supervision.held_on + dt.timedelta(days=every)
    assert SupervisionAction.objects.get(supervision=case_supervision).owner == sw_fhlp
    for child in (allocated["mia"], allocated["leo"]):
        entry = ChronologyEntry.objects.get(person=child, kind="supervision")
        assert entry.strand == Strand.FAMILY_HELP and not entry.significant
        assert "Grace" not in entry.summary and "talking therapies" not in entry.summary  # no reflective detail
    assert Notification.objects.filter(user=sw_fhlp, kind="family_help.supervision_recorded").count() == 1
    assert AuditEvent.objects.filter(verb="family_help.supervision_recorded").count() == 1


def test_the_supervision_page_records_one_and_shows_it(allocated, fh_manager, sw_fhlp, client):
    client.force_login(fh_manager)
    assert client.get(reverse("family_help:supervision_add") + f"?practitioner={sw_fhlp.pk}").status_code == 200
    today = timezone.localdate()
    response = client.post(
        reverse("family_help:supervision_add"),
        {
            "practitioner": sw_fhlp.pk,
            "family_case": allocated["case"].pk,
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "reflection": REFLECTION,
            "action_1_description": "Book a joint visit",
            "action_1_owner": "supervisor",
            "action_1_due_on_day": today.day,
            "action_1_due_on_month": today.month,
            "action_1_due_on_year": today.year,
        },
    )
    assert response.status_code == 302
    record = Supervision.objects.get()
    assert record.actions.get().owner == fh_manager
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "Book a joint visit" in detail.content.decode()


def test_bad_supervision_input_shows_field_errors_and_keeps_what_was_entered(allocated, fh_manager, sw_fhlp, client):
    client.force_login(fh_manager)
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("family_help:supervision_add"),
        {
            "practitioner": sw_fhlp.pk,
            "held_on_day": future.day,
            "held_on_month": future.month,
            "held_on_year": future.year,
            "reflection": REFLECTION,
            "action_1_description": "Check school attendance",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "The date of the supervision must be today or in the past" in body
    assert "Action 1: enter when it is due" in body
    assert "Check school attendance" in body and "low mood" in body and f'value="{future.year}"' in body
    assert not Supervision.objects.exists()


def test_only_a_manager_records_supervision(allocated, sw_fhlp, vcs_fhlp, client):
    client.force_login(sw_fhlp)
    assert client.get(reverse("family_help:supervision_add")).status_code == 404
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        supervision_record(actor=sw_fhlp, practitioner=vcs_fhlp, held_on=timezone.localdate(), reflection="x")
    assert not Supervision.objects.exists()


def test_case_supervision_must_be_about_a_family_the_practitioner_leads(allocated, fh_manager, vcs_fhlp):
    with pytest.raises(ValidationError) as info:
        supervision_record(
            actor=fh_manager,
            practitioner=vcs_fhlp,
            family_case=allocated["case"],
            held_on=timezone.localdate(),
            reflection="x",
        )
    assert "family_case" in info.value.message_dict


# --- who may read it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("fh_manager", 200), ("sw_fhlp", 200), ("taf_health", 404), ("vcs_fhlp", 404), ("triage_officer", 404)],
)
def test_a_supervision_record_is_read_only_by_managers_and_the_practitioner(
    case_supervision, taf_health, persona, expected, client, request
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("family_help:supervision_detail", args=[case_supervision.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert escape(REFLECTION) in response.content.decode()
        assert AuditEvent.objects.filter(verb="family_help.supervision_viewed", actor_id=user.pk).count() == 1
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(f"/api/v1/family-help/supervisions/{case_supervision.pk}/").status_code == expected


def test_the_family_panel_shows_the_last_case_supervision_only_to_those_who_may_read_it(
    case_supervision, allocated, sw_fhlp, taf_health
):
    from django.template import Context, Template

    template = Template("{% load fh_continuum %}{% fh_continuum_panel family_case user %}")
    link = reverse("family_help:supervision_detail", args=[case_supervision.pk])
    assert link in template.render(Context({"family_case": allocated["case"], "user": sw_fhlp}))
    assert link not in template.render(Context({"family_case": allocated["case"], "user": taf_health}))


# --- frequency ------------------------------------------------------------------------------------------------


@pytest.fixture
def team_of_practitioners(fh_team, fh_manager):
    def make(name: str, held_days_ago: int | None):
        user = UserFactory(
            email=f"{name.lower()}@supervision.test",
            full_name=f"{name} Practitioner",
            roles=[Role.FHLP],
            teams=[fh_team],
            qualification=Qualification.SOCIAL_WORKER,
        )
        if held_days_ago is not None:
            supervision_record(
                actor=fh_manager, practitioner=user, held_on=days_ago(held_days_ago), reflection="Caseload review"
            )
        return user

    return make


def test_the_frequency_list_shows_overdue_and_never_supervised_practitioners(team_of_practitioners, fh_manager, client):
    never = team_of_practitioners("Nia", None)
    late = team_of_practitioners("Lou", 40)  # next due 28 days after: 12 days overdue
    on_time = team_of_practitioners("Tom", 3)
    rows = {r.practitioner.pk: r for r in supervision_frequency()}
    assert rows[never.pk].never_held and rows[never.pk].overdue
    assert rows[late.pk].overdue and rows[late.pk].overdue_days == 12
    assert not rows[on_time.pk].overdue
    client.force_login(fh_manager)
    body = client.get(reverse("family_help:supervision") + "?show=overdue").content.decode()
    assert "Nia Practitioner" in body and "Lou Practitioner" in body and "12 days overdue" in body
    assert "Tom Practitioner" not in body
    assert "Tom Practitioner" in client.get(reverse("family_help:supervision")).content.decode()


def test_the_frequency_list_takes_the_same_queries_for_more_practitioners(
    team_of_practitioners, fh_manager, client, django_assert_max_num_queries
):
    client.force_login(fh_manager)
    team_of_practitioners("A", None)
    team_of_practitioners("B", 40)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("family_help:supervision")).status_code == 200
    for n in range(6):
        team_of_practitioners(f"More{n}", n * 10 if n % 2 else None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("family_help:supervision")).status_code == 200


def test_a_practitioner_sees_their_own_supervision_and_that_it_is_overdue(team_of_practitioners, client):
    late = team_of_practitioners("Lou", 40)
    client.force_login(late)
    body = client.get(reverse("family_help:supervision")).content.decode()
    assert "My supervision" in body and "Supervision is overdue" in body and "Caseload review" not in body
    other = team_of_practitioners("Tom", 3)
    assert client.get(reverse("family_help:supervision_practitioner", args=[other.pk])).status_code == 404


def test_people_who_are_neither_managers_nor_practitioners_have_no_supervision_pages(
    taf_health, triage_officer, client
):
    for user in (taf_health, triage_officer):
        client.force_login(user)
        assert client.get(reverse("family_help:supervision")).status_code == 404
        assert client.get(reverse("family_help:supervision_add")).status_code == 404


# --- API ------------------------------------------------------------------------------------------------------


def test_api_lists_every_record_for_a_manager_and_only_their_own_for_a_practitioner(
    case_supervision, team_of_practitioners, fh_manager, sw_fhlp, taf_health
):
    team_of_practitioners("Lou", 40)
    manager, practitioner, health = APIClient(), APIClient(), APIClient()
    manager.force_authenticate(fh_manager)
    practitioner.force_authenticate(sw_fhlp)
    health.force_authenticate(taf_health)
    assert len(manager.get("/api/v1/family-help/supervisions/").data) == 2
    own = practitioner.get("/api/v1/family-help/supervisions/").data
    assert [r["id"] for r in own] == [case_supervision.pk]
    assert health.get("/api/v1/family-help/supervisions/").status_code == 404


def test_api_records_supervision_and_refuses_bad_input_with_field_reasons(allocated, fh_manager, sw_fhlp):
    client = APIClient()
    client.force_authenticate(fh_manager)
    today = timezone.localdate().isoformat()
    with unchanged(Supervision):
        bad = client.post(
            "/api/v1/family-help/supervisions/",
            {"practitioner_id": sw_fhlp.pk, "held_on": today, "reflection": " "},
            format="json",
        )
    assert bad.status_code == 400 and "reflection" in bad.data
    good = client.post(
        "/api/v1/family-help/supervisions/",
        {
            "practitioner_id": sw_fhlp.pk,
            "family_case_id": allocated["case"].pk,
            "held_on": today,
            "reflection": REFLECTION,
            "actions": [{"description": "Visit with health", "owner_id": sw_fhlp.pk, "due_on": today}],
        },
        format="json",
    )
    assert good.status_code == 201, good.data
    assert good.data["actions"][0]["description"] == "Visit with health"
    practitioner = APIClient()
    practitioner.force_authenticate(sw_fhlp)
    with unchanged(Supervision, SupervisionAction):
        assert practitioner.post("/api/v1/family-help/supervisions/", {}, format="json").status_code == 404


def test_the_practitioner_marks_a_supervision_action_done_and_others_cannot(
    case_supervision, sw_fhlp, taf_health, client
):
    action = case_supervision.actions.get()
    done_url = reverse("family_help:supervision_action_done", args=[case_supervision.pk, action.pk])
    client.force_login(taf_health)
    assert client.post(done_url).status_code == 404
    action.refresh_from_db()
    assert action.done_on is None
    client.force_login(sw_fhlp)
    assert client.post(done_url).status_code == 302
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert AuditEvent.objects.filter(verb="family_help.supervision_action_done").count() == 1
