"""The permission matrix: every role x relationship to the child x action, against the policy table.

The expected answer comes from cases.policy.allowed (the table), never from the code under test.
Denied is always 404 (or absent from a search or list), never 403.
"""

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from cases import policy
from cases.models import AgencyType, Involvement, Role
from cases.services import involvement_add, person_create, person_restrict, team_member_add
from tests.factories import AgencyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

AGENCY_FOR_ROLE = {
    Role.TRIAGE_OFFICER: AgencyType.COUNCIL_SOCIAL_CARE,
    Role.FRONT_DOOR_MANAGER: AgencyType.COUNCIL_SOCIAL_CARE,
    Role.FHLP: AgencyType.VOLUNTARY_SECTOR,
    Role.LCPP: AgencyType.COUNCIL_SOCIAL_CARE,
    Role.MACPT_MEMBER: AgencyType.POLICE,
    Role.FGDM_FACILITATOR: AgencyType.COUNCIL_EARLY_HELP,
    Role.PARTNER_REFERRER: AgencyType.EDUCATION,
    Role.PARTNER_PRACTITIONER: AgencyType.HEALTH,
    Role.MANAGER: AgencyType.COUNCIL_SOCIAL_CARE,
    Role.PRIVACY_OFFICER: AgencyType.COUNCIL_SOCIAL_CARE,
    Role.ADMIN: AgencyType.COUNCIL_SOCIAL_CARE,
}
CASES = list(itertools.product(sorted(Role.values), policy.RELATIONSHIPS, policy.ALL_ACTIONS))


def _setup(role: str, relationship: str):
    setup_agency = AgencyFactory(name="Matrix Council", type=AgencyType.COUNCIL_SOCIAL_CARE)
    setup = UserFactory(email="matrix.setup@example.test", agency=setup_agency, roles=[Role.TRIAGE_OFFICER])
    agency = AgencyFactory(name=f"Matrix {AGENCY_FOR_ROLE[role]}", type=AGENCY_FOR_ROLE[role])
    persona = UserFactory(email="persona@example.test", agency=agency, roles=[role])
    child = person_create(
        actor=setup, data={"first_name": "Quilla", "last_name": "Matrixson", "date_of_birth": dt.date(2017, 6, 1)}
    )
    practitioner_agency = agency
    if relationship == policy.OTHER_AGENCY:
        practitioner_agency = AgencyFactory(name="Matrix Elsewhere", type=AgencyType.HEALTH)
    colleague = UserFactory(email="colleague@example.test", agency=practitioner_agency, roles=[Role.FHLP])
    if relationship == policy.INVOLVED:
        involvement_add(person=child, actor=setup, role=Involvement.Role.LEAD_PRACTITIONER, user=persona)
    elif relationship == policy.TAF_MEMBER:
        involvement_add(person=child, actor=setup, role=Involvement.Role.TAF_MEMBER, user=persona)
    elif relationship == policy.SAME_TEAM:
        team = TeamFactory(name="Matrix Team", agency=agency)
        team_member_add(team=team, user=persona, actor=setup)
        team_member_add(team=team, user=colleague, actor=setup)
        involvement_add(person=child, actor=setup, role=Involvement.Role.LEAD_PRACTITIONER, user=colleague)
    elif relationship == policy.OTHER_AGENCY:
        involvement_add(person=child, actor=setup, role=Involvement.Role.LEAD_PRACTITIONER, user=colleague)
    elif relationship == policy.REFERRER_ONLY:
        involvement_add(person=child, actor=setup, role=Involvement.Role.REFERRER, user=persona)
    elif relationship == policy.RESTRICTED:
        involvement_add(person=child, actor=setup, role=Involvement.Role.LEAD_PRACTITIONER, user=persona)
        person_restrict(person=child, actor=setup, reason="high_profile", access_users=[colleague])
    return persona, child


def _outcome(client, action: str, child) -> bool:
    """True when the action succeeded; False when it was refused as not found. Anything else fails."""
    if action == policy.SEARCH:
        response = client.get(reverse("cases:person_search"), {"name": "Quilla Matrixson"})
        assert response.status_code in (200, 404)
        return (
            response.status_code == 200 and reverse("cases:person_detail", args=[child.pk]).encode() in response.content
        )
    if action == policy.LIST:
        response = client.get("/api/v1/people/", HTTP_ACCEPT="application/json")
        assert response.status_code in (200, 404)
        return response.status_code == 200 and child.pk in [p["id"] for p in response.json()["results"]]
    url = {
        policy.VIEW: reverse("cases:person_detail", args=[child.pk]),
        policy.EDIT: reverse("cases:person_edit", args=[child.pk]),
        policy.EXPORT: reverse("cases:person_chronology_csv", args=[child.pk]),
        policy.PDF: reverse("cases:person_chronology_pdf", args=[child.pk]),
    }[action]
    response = client.get(url)
    assert response.status_code in (200, 404), f"{action}: {response.status_code}"
    return response.status_code == 200


@pytest.mark.parametrize(("role", "relationship", "action"), CASES)
def test_permission_matrix(client, role, relationship, action):
    persona, child = _setup(role, relationship)
    client.force_login(persona)
    expected = policy.allowed({role}, relationship, action)
    assert _outcome(client, action, child) is expected, (
        f"{role} / {relationship} / {action}: expected {'allowed' if expected else '404'}"
    )


def test_matrix_covers_every_role_relationship_and_action():
    assert len(CASES) == len(Role.values) * 7 * 6 == 462
