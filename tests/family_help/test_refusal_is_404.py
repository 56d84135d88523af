"""Refusal is one answer, 404, from one place (issue 11, finding 5): for a signed-in user every refusal (a
service's PermissionDenied, DRF's PermissionDenied, a role check) is 404 in the API (ffp.exceptions) and on pages
(ffp.urls.handler403), so nobody learns that a record exists from the way they are refused. Not signed in stays
401/403 for the API and the sign-in redirect for pages: needing to sign in says nothing about a record.

Users are built like the demo users: health@ and police@ sit in the MACPT and refer (two roles, two teams);
school.dsl@ only refers."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import include, path, reverse

from cases.models import InvolvementRole, Role
from cases.services import involvement_add
from family_help.selectors.continuum import continuum_state
from tests import personas
from tests.factories import UserFactory
from tests.support import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_macpt(db):
    """Like the demo's health@: a health safeguarding lead in the MACPT, who also refers."""
    return UserFactory(
        email="health.macpt@example.test",
        full_name="Hana Safeguarding",
        agency=personas.agency("health"),
        roles=[Role.MACPT_MEMBER, Role.PARTNER_REFERRER],
        teams=[personas.team("macpt"), personas.team("health_visiting")],
    )


@pytest.mark.parametrize("action", ["level", "step-up", "step-down", "close"])
def test_a_macpt_member_who_may_not_move_a_family_gets_404(allocated, health_macpt, triage_officer, action):
    """health@ on POST /api/v1/family-help/families/<id>/{level,step-up,step-down,close}/ was 403."""
    for child in (allocated["mia"], allocated["leo"]):
        involvement_add(person=child, actor=triage_officer, role=InvolvementRole.MACPT_MEMBER, user=health_macpt)
    client = api_as(health_macpt)
    assert client.get(f"/api/v1/family-help/families/{allocated['case'].pk}/continuum/").status_code == 200
    state = continuum_state(family_case=allocated["case"])
    response = client.post(
        f"/api/v1/family-help/families/{allocated['case'].pk}/{action}/",
        {"children": [allocated["mia"].pk], "to": "child_in_need", "reason": "x"},
        format="json",
        HTTP_IF_MATCH=f'"{state}"',
    )
    assert response.status_code == 404, response.content
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.parametrize("action", ["level", "step-up", "step-down", "close"])
def test_a_continuum_change_on_a_family_out_of_sight_is_404_too(allocated, health_macpt, action):
    response = api_as(health_macpt).post(
        f"/api/v1/family-help/families/{allocated['case'].pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["police_officer", "school_dsl", "health_practitioner"])
def test_creating_a_person_without_the_role_is_404(persona, request):
    """police@ and school.dsl@ on POST /api/v1/people/ were 403."""
    response = api_as(request.getfixturevalue(persona)).post(
        "/api/v1/people/", {"first_name": "Zebedee", "last_name": "Quill"}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.parametrize("persona", ["school_dsl", "other_dsl"])
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/people/", None),
        ("get", "/api/v1/people/search/?name=Mia", None),
        ("post", "/api/v1/people/duplicates/", {"first_name": "Mia", "last_name": "Okafor-Lewis"}),
    ],
)
def test_partner_referrers_get_404_not_an_empty_list(persona, method, url, body, family, request):
    """Partner referrers got 200 and an empty list on the people list, search and duplicates."""
    user = request.getfixturevalue(persona)
    response = getattr(api_as(user), method)(url, body, format="json")
    assert response.status_code == 404
    assert b"Okafor" not in response.content


def test_a_partner_referrer_in_a_team_around_the_family_still_gets_404_on_the_people_api(led_family, school_dsl):
    from cases.services.plans import taf_add

    taf_add(family_case=led_family["case"], actor=led_family["lead"], user=school_dsl, role="School link")
    client = api_as(school_dsl)
    assert client.get("/api/v1/people/").status_code == 404
    assert client.get("/api/v1/people/search/", {"name": "Mia"}).status_code == 404


def test_an_assessment_change_refused_by_role_is_404(assessment, health_macpt, led, triage_officer):
    """The assessment API's refusal by role was DRF's PermissionDenied (403)."""
    for child in (led["mia"], led["leo"]):
        involvement_add(person=child, actor=triage_officer, role=InvolvementRole.MACPT_MEMBER, user=health_macpt)
    response = api_as(health_macpt).post(
        f"/api/v1/family-help/assessments/{assessment.pk}/authorise/", {}, format="json"
    )
    assert response.status_code == 404


def test_not_signed_in_is_still_not_a_refusal(allocated, client):
    assert api_as().post("/api/v1/people/", {}, format="json").status_code in (401, 403)
    page = client.get(reverse("cases:person_detail", args=[allocated["mia"].pk]))
    assert page.status_code == 302 and reverse("login") in page["Location"]


# --- pages: one page helper (handler403) --------------------------------------------------------------------


def _refusing_page(request):
    raise PermissionDenied("Only the lead practitioner may do this")


# This module is the URLconf of the page test below: the project's pages and one more that refuses.
urlpatterns = [path("refuse/", _refusing_page), path("", include("ffp.urls"))]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_page_that_refuses_answers_the_404_page(client, school_dsl):
    """Any page's PermissionDenied (a role check, a service's refusal) is the 404 page, with status 404."""
    from ffp import urls

    globals()["handler403"] = urls.handler403  # the project's page helper, as ffp.urls sets it
    client.force_login(school_dsl)
    response = client.get("/refuse/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Only the lead practitioner" not in html and "You cannot do that" not in html
