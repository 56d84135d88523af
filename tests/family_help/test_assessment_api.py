"""The assessment API under /api/v1/family-help/: scoped like the pages (404 out of scope), every change
names the version it read with If-Match (428 without, 412 when stale, 409 when no longer a draft),
field-keyed 400s, and authorisation by managers only."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AuditEvent
from cases.workdays import LONDON
from family_help.models import Assessment, AssessmentChild, AssessmentStatus
from family_help.services.assessment import assessment_start
from tests.family_help.assessment_support import complete
from tests.support import unchanged

pytestmark = pytest.mark.django_db
BASE = "/api/v1/family-help"


def if_match(assessment: Assessment) -> dict:
    """The If-Match header for the assessment as it is stored now (what a client's GET would have given)."""
    assessment.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{assessment.version}"'}


def test_create_then_read_an_assessment(time_machine, api_client, led, vcs_fhlp):
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON))  # the day after the referral
    api_client.force_authenticate(vcs_fhlp)
    response = api_client.post(
        f"{BASE}/families/{led['case'].pk}/assessments/", {"referral_date": "2026-12-01"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_on"] == "2027-02-05" and body["status"] == "draft" and body["version"] == 1
    assert {c["person_id"] for c in body["children"]} == {led["mia"].pk, led["leo"].pk}
    assert body["timescale"]["rag"] in {"green", "amber", "red"}
    assert response["ETag"] == '"1"'
    detail = api_client.get(f"{BASE}/assessments/{body['id']}/")
    assert detail.status_code == 200 and detail.json()["id"] == body["id"] and detail["ETag"] == '"1"'
    listing = api_client.get(f"{BASE}/families/{led['case'].pk}/assessments/")
    assert [a["id"] for a in listing.json()] == [body["id"]]
    assert AuditEvent.objects.filter(verb="family_help.assessment.listed", actor_id=vcs_fhlp.pk).exists()


def test_patch_saves_the_draft_and_a_stale_version_is_412(api_client, assessment, led, vcs_fhlp, fh_manager):
    mia = assessment.children.get(person=led["mia"])
    api_client.force_authenticate(vcs_fhlp)
    etag = api_client.get(f"{BASE}/assessments/{assessment.pk}/")["ETag"]
    response = api_client.patch(
        f"{BASE}/assessments/{assessment.pk}/",
        {"mental_health": "Low mood", "children": [{"id": mia.pk, "child_voice": "Mum cries a lot"}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response["ETag"] == '"2"'
    assert next(c for c in response.json()["children"] if c["id"] == mia.pk)["child_voice"] == "Mum cries a lot"

    api_client.force_authenticate(fh_manager)
    stale = api_client.patch(
        f"{BASE}/assessments/{assessment.pk}/", {"mental_health": "Overwrite"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412 and stale["ETag"] == '"2"'
    assert stale.json()["current_version"] == 2 and "Someone else changed" in stale.json()["detail"]
    assessment.refresh_from_db()
    assert (assessment.mental_health, assessment.version) == ("Low mood", 2)


def test_a_change_without_if_match_is_428_and_changes_nothing(api_client, assessment, vcs_fhlp):
    api_client.force_authenticate(vcs_fhlp)
    for headers in ({}, {"HTTP_IF_MATCH": "*"}):
        response = api_client.patch(f"{BASE}/assessments/{assessment.pk}/", {"risks": "x"}, format="json", **headers)
        assert response.status_code == 428 and "If-Match" in response.json()["detail"]
        assert (
            api_client.post(f"{BASE}/assessments/{assessment.pk}/submit/", {}, format="json", **headers).status_code
            == 428
        )
    # The version once sent in the body is not a precondition any more: If-Match is the one way.
    assert (
        api_client.patch(
            f"{BASE}/assessments/{assessment.pk}/", {"version": 1, "risks": "x"}, format="json"
        ).status_code
        == 428
    )
    assessment.refresh_from_db()
    assert (assessment.risks, assessment.version, assessment.status) == ("", 1, AssessmentStatus.DRAFT)


def test_an_unknown_factor_code_is_a_400_keyed_by_section_and_field(api_client, assessment, led, vcs_fhlp):
    leo = assessment.children.get(person=led["leo"])
    api_client.force_authenticate(vcs_fhlp)
    with unchanged(Assessment, AssessmentChild):
        response = api_client.patch(
            f"{BASE}/assessments/{assessment.pk}/",
            {"children": [{"id": leo.pk, "factors": ["1A", "NOPE"]}]},
            format="json",
            **if_match(assessment),
        )
        unknown = api_client.patch(
            f"{BASE}/assessments/{assessment.pk}/", {"outcome": "not-an-outcome"}, format="json", **if_match(assessment)
        )
    assert response.status_code == 400
    assert "NOPE" in response.json()["children"][str(leo.pk)]["factors"][0]
    assert unknown.status_code == 400


def test_submit_lists_what_is_missing_then_goes_through(api_client, assessment, vcs_fhlp):
    api_client.force_authenticate(vcs_fhlp)
    with unchanged(Assessment):
        missing = api_client.post(
            f"{BASE}/assessments/{assessment.pk}/submit/", {}, format="json", **if_match(assessment)
        )
    assert missing.status_code == 400
    assert set(missing.json()) >= {"analysis", "outcome", "children"}
    complete(assessment, vcs_fhlp)
    done = api_client.post(f"{BASE}/assessments/{assessment.pk}/submit/", {}, format="json", **if_match(assessment))
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    # No longer a draft: a PATCH naming the current version is refused as a conflict, with the reason.
    with unchanged(Assessment):
        late = api_client.patch(
            f"{BASE}/assessments/{assessment.pk}/", {"risks": "x"}, format="json", HTTP_IF_MATCH=done["ETag"]
        )
    assert late.status_code == 409 and "submitted" in late.json()["detail"]
    assert late.json()["current"]["status"] == "submitted"


def test_only_a_manager_authorises(api_client, assessment, vcs_fhlp, fh_manager):
    complete(assessment, vcs_fhlp)
    api_client.force_authenticate(vcs_fhlp)
    api_client.post(f"{BASE}/assessments/{assessment.pk}/submit/", {}, format="json", **if_match(assessment))
    today = timezone.localdate().isoformat()
    refused = api_client.post(
        f"{BASE}/assessments/{assessment.pk}/authorise/",
        {"authorised_on": today},
        format="json",
        **if_match(assessment),
    )
    assert refused.status_code == 404  # a refusal is one answer (issue 11, finding 5)
    api_client.force_authenticate(fh_manager)
    assert (
        api_client.post(
            f"{BASE}/assessments/{assessment.pk}/authorise/",
            {"authorised_on": today},
            format="json",
            HTTP_IF_MATCH='"1"',
        ).status_code
        == 412
    )
    done = api_client.post(
        f"{BASE}/assessments/{assessment.pk}/authorise/",
        {"authorised_on": today},
        format="json",
        **if_match(assessment),
    )
    assert done.status_code == 200 and done.json()["authorised_on"] == today
    assert Assessment.objects.get().status == AssessmentStatus.AUTHORISED


def test_a_manager_returns_it_with_a_reason(api_client, assessment, vcs_fhlp, fh_manager):
    complete(assessment, vcs_fhlp)
    api_client.force_authenticate(vcs_fhlp)
    api_client.post(f"{BASE}/assessments/{assessment.pk}/submit/", {}, format="json", **if_match(assessment))
    api_client.force_authenticate(fh_manager)
    with unchanged(Assessment):
        assert (
            api_client.post(
                f"{BASE}/assessments/{assessment.pk}/return/", {}, format="json", **if_match(assessment)
            ).status_code
            == 400
        )
    done = api_client.post(
        f"{BASE}/assessments/{assessment.pk}/return/", {"reason": "More on Leo"}, format="json", **if_match(assessment)
    )
    assert done.status_code == 200 and done.json()["status"] == "draft"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/assessments/{a}/", None),
        ("patch", "/assessments/{a}/", {"risks": "x"}),
        ("post", "/assessments/{a}/submit/", {}),
        ("post", "/assessments/{a}/authorise/", {"authorised_on": "2026-12-01"}),
        ("post", "/assessments/{a}/return/", {"reason": "x"}),
        ("get", "/families/{f}/assessments/", None),
        ("post", "/families/{f}/assessments/", {}),
    ],
)
def test_out_of_scope_is_404_everywhere(api_client, assessment, led, health_fhlp, method, path, body):
    api_client.force_authenticate(health_fhlp)
    url = BASE + path.format(a=assessment.pk, f=led["case"].pk)
    response = (
        getattr(api_client, method)(url, body, format="json", HTTP_IF_MATCH='"1"')
        if body is not None
        else getattr(api_client, method)(url)
    )
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert assessment.version == 1 and Assessment.objects.count() == 1


def test_the_family_list_takes_the_same_number_of_queries_however_many_assessments(
    api_client, led, vcs_fhlp, fh_manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from family_help.services.assessment import assessment_authorise, assessment_submit

    def authorised_one():
        started = complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp)
        assessment_submit(assessment=started, actor=vcs_fhlp)
        assessment_authorise(assessment=started, actor=fh_manager, authorised_on=timezone.localdate())

    api_client.force_authenticate(vcs_fhlp)
    url = f"{BASE}/families/{led['case'].pk}/assessments/"
    authorised_one()
    with CaptureQueriesContext(connection) as one:
        assert len(api_client.get(url).json()) == 1
    for _ in range(3):
        authorised_one()
    assessment_start(family_case=led["case"], actor=vcs_fhlp)
    with CaptureQueriesContext(connection) as five:
        assert len(api_client.get(url).json()) == 5
    assert len(five) == len(one)
