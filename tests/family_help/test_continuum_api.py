"""The continuum API (/api/v1/family-help/families/<pk>/...): change level, step up, step down, close, scoped
like the pages (out of scope 404, and 404 too for a team-around-the-family member, who sees the plan only),
field-keyed 400s, one read-audit row."""

import pytest

from cases.models import AuditEvent, CinPlanPeriod, Episode, EpisodeLevel, Notification, WorkRequest
from family_help.selectors.continuum import continuum_state
from tests.support import api_as, unchanged

pytestmark = pytest.mark.django_db


def url(family, action: str) -> str:
    return f"/api/v1/family-help/families/{family['case'].pk}/{action}/"


def fresh(family) -> dict:
    """If-Match naming the family's levels as they are now (what the client's last GET gave as the ETag)."""
    return {"HTTP_IF_MATCH": f'"{continuum_state(family_case=family["case"])}"'}


def test_change_level_then_read_the_history(allocated, sw_fhlp):
    from cases.services.plans import plan_start

    plan_start(family_case=allocated["case"], actor=sw_fhlp, data={"worries": "Attendance"})  # the CIN plan's
    client = api_as(sw_fhlp)
    response = client.post(
        url(allocated, "level"),
        {"children": [allocated["mia"].pk], "to": "child_in_need", "reason": "Complex needs", "referral_source": "2A"},
        format="json",
        **fresh(allocated),
    )
    assert response.status_code == 200, response.data
    mia = next(c for c in response.data["children"] if c["person_id"] == allocated["mia"].pk)
    assert [h["level"] for h in mia["history"]] == ["targeted_early_help", "child_in_need"]
    assert mia["cin_plan_periods"][0]["end_date"] is None
    got = client.get(url(allocated, "continuum"))
    assert got.status_code == 200 and got.data["state"] == response.data["state"]
    assert (
        AuditEvent.objects.filter(
            verb="family_help.continuum_viewed",
            kind="read",
            child_ids=sorted([allocated["mia"].pk, allocated["leo"].pk]),
        ).count()
        == 1
    )


def test_step_up_creates_the_strategy_discussion_request_and_tells_the_lcpp(allocated, sw_fhlp, lcpp):
    response = api_as(sw_fhlp).post(
        url(allocated, "step-up"),
        {
            "children": [allocated["mia"].pk],
            "worry": "Bruise on cheek",
            "referral_source": "2A",
            "reason": "Likely significant harm",
            "urgent": True,
        },
        format="json",
        **fresh(allocated),
    )
    assert response.status_code == 201, response.data
    [request] = response.data["work_requests"]
    assert request["kind"] == "strategy_discussion" and request["urgent"] and "Bruise on cheek" in request["summary"]
    assert WorkRequest.objects.filter(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).count() == 1
    assert Notification.objects.filter(user=lcpp, kind="family_help.step_up").count() == 1


def test_step_down_to_universal_without_a_reason_code_is_a_field_error(allocated, sw_fhlp):
    with unchanged(Episode, EpisodeLevel):
        response = api_as(sw_fhlp).post(
            url(allocated, "step-down"),
            {"children": [allocated["leo"].pk], "to": "universal", "reason": "Doing well"},
            format="json",
            **fresh(allocated),
        )
    assert response.status_code == 400
    assert set(response.data) == {"code", "reason_code", "summary"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason_code": "RC0", "summary": "Done"}, "reason_code"),
        ({"reason_code": "RC7", "summary": ""}, "summary"),
        ({"reason_code": "RC7", "summary": "Done", "closed_on": "2099-01-01"}, "closed_on"),
        ({"reason_code": "RC7", "summary": "Done", "children": [999999]}, "children"),
    ],
)
def test_close_with_bad_input_is_400_with_the_field(allocated, sw_fhlp, body, field):
    response = api_as(sw_fhlp).post(url(allocated, "close"), body, format="json", **fresh(allocated))
    assert response.status_code == 400 and field in response.data, response.data
    assert not Episode.objects.filter(family_case=allocated["case"], closed_on__isnull=False).exists()


def test_close_for_every_child_by_default(allocated, fh_manager):
    # A manager closes here: the lead practitioner would no longer see the children in the answer (their access
    # ends with the episodes).
    response = api_as(fh_manager).post(
        url(allocated, "close"), {"reason_code": "RC7", "summary": "Goals met"}, format="json", **fresh(allocated)
    )
    assert response.status_code == 200, response.data
    assert {c["closure_reason"] for c in response.data["children"]} == {"RC7"}


def test_a_change_based_on_levels_changed_since_is_412_and_saves_nothing(allocated, sw_fhlp):
    client = api_as(sw_fhlp)
    etag = client.get(url(allocated, "continuum"))["ETag"]
    first = client.post(
        url(allocated, "level"),
        {"children": [allocated["mia"].pk], "to": "child_in_need", "reason": "x", "referral_source": "8"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert first.status_code == 200 and first["ETag"] != etag
    response = client.post(
        url(allocated, "level"),
        {"children": [allocated["leo"].pk], "to": "child_in_need", "reason": "y"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412 and response["ETag"] == first["ETag"]
    assert not CinPlanPeriod.objects.filter(episode=allocated["episodes"]["Leo"]).exists()


def test_a_change_without_if_match_is_428_and_saves_nothing(allocated, sw_fhlp):
    response = api_as(sw_fhlp).post(
        url(allocated, "level"),
        {"children": [allocated["leo"].pk], "to": "child_in_need", "reason": "y"},
        format="json",
    )
    assert response.status_code == 428 and "If-Match" in response.data["detail"]
    assert not CinPlanPeriod.objects.filter(episode=allocated["episodes"]["Leo"]).exists()


@pytest.mark.parametrize("action", ["level", "step-up", "step-down", "close"])
def test_a_taf_member_may_neither_read_nor_move_the_familys_levels(allocated, taf_health, action):
    """The team around the family sees the summary level (the plan), not the children's levels of need."""
    client = api_as(taf_health)
    assert client.get(url(allocated, "continuum")).status_code == 404
    body = {
        "children": [allocated["mia"].pk],
        "to": "child_in_need",
        "reason": "x",
        "worry": "w",
        "reason_code": "RC7",
        "summary": "s",
    }
    with unchanged(Episode, EpisodeLevel, WorkRequest, CinPlanPeriod):
        refused = client.post(url(allocated, action), body, format="json")
    assert refused.status_code == 404 and refused.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.parametrize("action", ["continuum", "level", "step-up", "step-down", "close"])
def test_out_of_scope_is_404(allocated, vcs_fhlp, action):
    client = api_as(vcs_fhlp)
    body = {
        "children": [allocated["mia"].pk],
        "to": "child_in_need",
        "reason": "x",
        "worry": "w",
        "reason_code": "RC7",
        "summary": "s",
    }
    response = (
        client.get(url(allocated, action))
        if action == "continuum"
        else client.post(url(allocated, action), body, format="json")
    )
    assert response.status_code == 404
    assert not WorkRequest.objects.filter(kind=WorkRequest.Kind.STRATEGY_DISCUSSION).exists()
