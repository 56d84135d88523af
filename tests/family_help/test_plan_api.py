"""The plan API under /api/v1/families/<id>/plan/ (the shared record's since issue 10): scoped like the pages
(404 out of scope, and for a change the user may not make), field-keyed 400s, changes through If-Match (428
without it, 412 for a stale version), reviews that freeze a new version, the team around the family, and read
audits."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Action, AuditEvent, Plan, PlanVersion, Role, TafMember
from cases.services.plans import action_add, taf_add
from tests.factories import UserFactory
from tests.support import unchanged

pytestmark = pytest.mark.django_db


def _url(case, rest=""):
    return f"/api/v1/families/{case.pk}/{rest}"


def test_plan_start_get_and_patch(api_client, led_family):
    case, lead = led_family["case"], led_family["lead"]
    api_client.force_authenticate(lead)
    assert api_client.get(_url(case, "plan/")).status_code == 404  # no plan yet
    response = api_client.post(
        _url(case, "plan/"), {"worries": "Rent arrears", "professional_notes": "Police log"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["version"] == 1 and response.data["versions"][0]["number"] == 1
    got = api_client.get(_url(case, "plan/"))
    assert got.status_code == 200 and got.data["worries"] == "Rent arrears" and got["ETag"] == '"1"'
    assert AuditEvent.objects.filter(verb="family_help.plan_viewed", actor_id=lead.pk).exists()
    assert api_client.patch(_url(case, "plan/"), {"worries": "Attendance"}, format="json").status_code == 428
    patched = api_client.patch(_url(case, "plan/"), {"worries": "Attendance"}, format="json", HTTP_IF_MATCH=got["ETag"])
    assert patched.status_code == 200 and patched.data["worries"] == "Attendance" and patched.data["version"] == 2
    assert patched["ETag"] == '"2"'
    # A second start is refused.
    again = api_client.post(_url(case, "plan/"), {"worries": "x"}, format="json")
    assert again.status_code == 400


def test_stale_plan_patch_is_412_with_the_current_version(api_client, plan, led_family, fh_manager):
    case = led_family["case"]
    api_client.force_authenticate(fh_manager)
    opened = f'"{plan.version}"'
    assert (
        api_client.patch(
            _url(case, "plan/"), {"worries": "Manager's words"}, format="json", HTTP_IF_MATCH=opened
        ).status_code
        == 200
    )
    api_client.force_authenticate(led_family["lead"])
    response = api_client.patch(_url(case, "plan/"), {"worries": "Lead's words"}, format="json", HTTP_IF_MATCH=opened)
    assert response.status_code == 412
    assert "Someone else changed this" in response.data["detail"]
    assert response.data["current_version"] == plan.version + 1 and response["ETag"] == f'"{plan.version + 1}"'
    assert Plan.objects.get(pk=plan.pk).worries == "Manager's words"


def test_next_review_in_the_past_is_a_400_keyed_by_field(api_client, led_family):
    api_client.force_authenticate(led_family["lead"])
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    with unchanged(Plan, PlanVersion):
        response = api_client.post(_url(led_family["case"], "plan/"), {"next_review_on": past}, format="json")
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid",
        "next_review_on": ["The next review date must be today or in the future"],
    }


def test_outcome_without_measure_and_action_without_owner_are_400s(api_client, plan, led_family):
    case = led_family["case"]
    api_client.force_authenticate(led_family["lead"])
    with unchanged(plan.outcomes.all(), Action, PlanVersion):
        response = api_client.post(
            _url(case, "plan/outcomes/"),
            {"child_id": led_family["mia"].pk, "what_will_be_different": "Mia sleeps", "baseline": 1, "target": 5},
            format="json",
        )
        assert response.status_code == 400 and "measure" in response.data
        response = api_client.post(
            _url(case, "plan/actions/"),
            {"description": "Book the meeting", "due_on": timezone.localdate().isoformat()},
            format="json",
        )
    assert response.status_code == 400
    assert response.data == {"code": "invalid", "owner_id": ["Choose who will do this: every action needs an owner"]}
    created = api_client.post(
        _url(case, "plan/outcomes/"),
        {
            "child_id": led_family["mia"].pk,
            "what_will_be_different": "Mia sleeps",
            "measure": "Diary",
            "baseline": 1,
            "target": 5,
        },
        format="json",
    )
    assert created.status_code == 201 and created.data["ratings"][0]["rating"] == 1


def test_owner_patches_status_and_progress_of_their_own_action_only(api_client, plan, led_family, health_practitioner):
    case, lead = led_family["case"], led_family["lead"]
    taf_add(family_case=case, actor=lead, user=health_practitioner, role="Health visitor")
    due = timezone.localdate() + dt.timedelta(days=7)
    own = action_add(plan=plan, actor=lead, data={"description": "Check", "owner": health_practitioner, "due_on": due})
    other = action_add(plan=plan, actor=lead, data={"description": "Housing", "owner": lead, "due_on": due})
    api_client.force_authenticate(health_practitioner)
    opened = f'"{own.version}"'
    response = api_client.patch(
        _url(case, f"plan/actions/{own.pk}/"),
        {"status": "done", "progress": "Seen"},
        format="json",
        HTTP_IF_MATCH=opened,
    )
    assert response.status_code == 200 and response.data["status"] == "done" and response.data["completed_on"]
    assert response["ETag"] == f'"{response.data["version"]}"'
    refused = api_client.patch(
        _url(case, f"plan/actions/{own.pk}/"),
        {"description": "Rewritten"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert refused.status_code == 400 and "description" in refused.data
    assert (
        api_client.patch(
            _url(case, f"plan/actions/{other.pk}/"),
            {"status": "done"},
            format="json",
            HTTP_IF_MATCH=f'"{other.version}"',
        ).status_code
        == 404
    )
    assert Action.objects.get(pk=other.pk).status == "not_started"
    assert (
        api_client.patch(_url(case, "plan/"), {"worries": "x"}, format="json", HTTP_IF_MATCH='"1"').status_code == 404
    )
    stale = api_client.patch(
        _url(case, f"plan/actions/{own.pk}/"), {"progress": "Late"}, format="json", HTTP_IF_MATCH=opened
    )
    assert stale.status_code == 412 and stale["ETag"] == response["ETag"]
    assert Action.objects.get(pk=own.pk).progress == "Seen"


def test_review_creates_a_version_and_versions_stay_readable(api_client, plan, led_family):
    case = led_family["case"]
    api_client.force_authenticate(led_family["lead"])
    outcomes = list(plan.outcomes.order_by("id"))
    today = timezone.localdate()
    missing = api_client.post(
        _url(case, "plan/reviews/"),
        {
            "held_on": today.isoformat(),
            "summary": "Progress",
            "next_review_on": (today + dt.timedelta(days=30)).isoformat(),
            "ratings": {str(outcomes[0].pk): 6},
        },
        format="json",
    )
    assert missing.status_code == 400 and f"rating_{outcomes[1].pk}" in missing.data
    response = api_client.post(
        _url(case, "plan/reviews/"),
        {
            "held_on": today.isoformat(),
            "summary": "Progress",
            "next_review_on": (today + dt.timedelta(days=30)).isoformat(),
            "ratings": {str(o.pk): 6 for o in outcomes},
        },
        format="json",
    )
    assert response.status_code == 201 and response.data["version"] == 2
    listed = api_client.get(_url(case, "plan/versions/"))
    assert [v["number"] for v in listed.data] == [1, 2]
    first = api_client.get(_url(case, "plan/versions/1/"))
    assert [o["current"] for o in first.data["snapshot"]["outcomes"]] == [3, 2]
    assert api_client.get(_url(case, "plan/versions/9/")).status_code == 404
    assert PlanVersion.objects.filter(plan=plan).count() == 2


def test_an_administrator_cannot_join_the_team_around_the_family(api_client, plan, led_family, council):
    case = led_family["case"]
    admin = UserFactory(agency=council, roles=[Role.ADMIN])
    api_client.force_authenticate(led_family["lead"])
    with unchanged(TafMember):
        refused = api_client.post(_url(case, "team/"), {"user_id": admin.pk, "role": "School"}, format="json")
    assert refused.status_code == 400 and "cannot be added" in refused.data["user_id"][0]


def test_a_partner_referrer_joins_the_team_around_the_family_at_the_summary_level(
    api_client, plan, led_family, school_dsl
):
    case = led_family["case"]
    api_client.force_authenticate(led_family["lead"])
    added = api_client.post(_url(case, "team/"), {"user_id": school_dsl.pk, "role": "School"}, format="json")
    assert added.status_code == 201
    api_client.force_authenticate(school_dsl)
    assert api_client.get(_url(case, "plan/")).status_code == 200
    assert api_client.get(f"/api/v1/people/{led_family['mia'].pk}/").status_code == 404


def test_team_add_and_remove_through_the_api(api_client, plan, led_family, health_practitioner):
    case = led_family["case"]
    api_client.force_authenticate(led_family["lead"])
    added = api_client.post(
        _url(case, "team/"), {"user_id": health_practitioner.pk, "role": "Health visitor"}, format="json"
    )
    assert added.status_code == 201 and added.data["agency"] == "Test Community Health Trust"
    api_client.force_authenticate(health_practitioner)
    assert api_client.get(_url(case, "plan/")).status_code == 200
    assert api_client.delete(_url(case, f"team/{added.data['id']}/")).status_code == 404  # not theirs to remove
    api_client.force_authenticate(led_family["lead"])
    assert api_client.delete(_url(case, f"team/{added.data['id']}/")).status_code == 204
    api_client.force_authenticate(health_practitioner)
    assert api_client.get(_url(case, "plan/")).status_code == 404
    assert TafMember.objects.get(pk=added.data["id"]).removed_at is not None


@pytest.mark.parametrize(
    "path", ["plan/", "plan/outcomes/", "plan/actions/", "plan/reviews/", "plan/versions/", "plan/versions/1/", "team/"]
)
def test_everything_is_404_out_of_scope(api_client, plan, led_family, health_fhlp, path):
    api_client.force_authenticate(health_fhlp)  # a lead practitioner, but not this family's
    assert api_client.get(_url(led_family["case"], path)).status_code == 404


def test_outcome_patch_and_removal(api_client, plan, led_family, health_practitioner):
    case = led_family["case"]
    outcome = plan.outcomes.get(child=led_family["leo"])
    api_client.force_authenticate(led_family["lead"])
    etag = api_client.get(_url(case, "plan/"))["ETag"]
    with unchanged(plan.outcomes.all()):
        off_scale = api_client.patch(
            _url(case, f"plan/outcomes/{outcome.pk}/"), {"target": 11}, format="json", HTTP_IF_MATCH=etag
        )
    assert off_scale.status_code == 400 and off_scale.data == {
        "code": "invalid",
        "target": ["The target must be between 0 and 10"],
    }
    assert api_client.patch(_url(case, f"plan/outcomes/{outcome.pk}/"), {"target": 7}, format="json").status_code == 428
    changed = api_client.patch(
        _url(case, f"plan/outcomes/{outcome.pk}/"),
        {"target": 7, "not_for_family": True},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200 and changed.data["target"] == 7 and changed.data["not_for_family"] is True
    # Changing an outcome moves the plan's version: a second change from the same read is refused.
    assert changed["ETag"] != etag
    stale = api_client.patch(
        _url(case, f"plan/outcomes/{outcome.pk}/"), {"target": 8}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412 and plan.outcomes.get(pk=outcome.pk).target == 7
    etag = changed["ETag"]
    taf_add(family_case=case, actor=led_family["lead"], user=health_practitioner, role="HV")
    etag = api_client.get(_url(case, "plan/"))["ETag"]  # the team around the family is part of the plan's version
    api_client.force_authenticate(health_practitioner)
    with unchanged(plan.outcomes.all()):
        assert api_client.delete(_url(case, f"plan/outcomes/{outcome.pk}/"), HTTP_IF_MATCH=etag).status_code == 404
    api_client.force_authenticate(led_family["lead"])
    assert api_client.get(_url(case, "plan/"))["ETag"] == etag  # the refused removal moved nothing
    assert api_client.delete(_url(case, f"plan/outcomes/{outcome.pk}/"), HTTP_IF_MATCH=etag).status_code == 204
    listed = api_client.get(_url(case, "plan/outcomes/"))
    assert outcome.pk not in [o["id"] for o in listed.data]
