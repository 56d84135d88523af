"""Who sees what through the people API: the permission matrix, read from cases.policy (the oracle),
over role x relationship to the child x action. Anything not allowed is 404 (or absent from a list),
never 403 and never the child's data."""

import datetime as dt

import pytest

from cases import policy
from cases.models import AgencyType, AuditEvent, InvolvementRole, Person, Role
from cases.services import person_restrict
from tests.factories import AgencyFactory, TeamFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
ROLES = [r.value for r in Role]
API_ACTIONS = (policy.VIEW, policy.LIST, policy.SEARCH, policy.EDIT)


def _stand(relationship: str, role: str, child: Person, *, make_api_user, api_involve, privacy_officer):
    """A user with `role` standing towards `child` as `relationship` describes (policy.RELATIONSHIPS)."""
    team = TeamFactory()
    if relationship == policy.OTHER_AGENCY:
        police = AgencyFactory(name="Test Police", type=AgencyType.POLICE)
        return make_api_user(role, agency=police)
    user = make_api_user(role, teams=[team])
    if relationship == policy.INVOLVED:
        api_involve(child, user)
    elif relationship == policy.SAME_TEAM:
        api_involve(child, make_api_user(Role.FHLP, teams=[team]))
    elif relationship == policy.REFERRER_ONLY:
        api_involve(child, user, role=InvolvementRole.REFERRER)
    elif relationship == policy.RESTRICTED:
        api_involve(child, user)
        person_restrict(person=child, actor=privacy_officer, reason="high_profile", access_users=[])
    elif relationship == policy.TAF_MEMBER:
        api_involve(child, user, role=InvolvementRole.TAF_MEMBER)
    return user


@pytest.mark.parametrize("action", API_ACTIONS)
@pytest.mark.parametrize("relationship", policy.RELATIONSHIPS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(
    role, relationship, action, api_client, make_person, make_api_user, api_involve, privacy_officer
):
    child = make_person(first="Zebedee", last="Quill", dob=dt.date(2014, 4, 4))
    user = _stand(
        relationship, role, child, make_api_user=make_api_user, api_involve=api_involve, privacy_officer=privacy_officer
    )
    expected = policy.allowed({role}, relationship, action)
    api_client.force_authenticate(user)
    detail = f"{PEOPLE}{child.pk}/"

    if action == policy.VIEW:
        codes = {api_client.get(url).status_code for url in (detail, f"{detail}relationships/", f"{detail}chronology/")}
        assert codes == ({200} if expected else {404})
    elif action == policy.LIST:
        response = api_client.get(PEOPLE, {"page_size": 100})
        if role in policy.NO_RECORD:
            assert response.status_code == 404
        else:
            assert response.status_code == 200
            assert (child.pk in {r["id"] for r in response.data["results"]}) is expected
    elif action == policy.SEARCH:
        response = api_client.get(f"{PEOPLE}search/", {"name": "Zebedee Quill"})
        if role in policy.NO_RECORD:
            assert response.status_code == 404
        else:
            assert response.status_code == 200
            assert (child.pk in {r.get("id") for r in response.data["results"]}) is expected
            if not expected:
                assert b"Quill" not in response.content
    else:
        version = Person.objects.get(pk=child.pk).version
        response = api_client.patch(detail, {"preferred_name": "Zeb"}, format="json", HTTP_IF_MATCH=f'"{version}"')
        assert response.status_code == (200 if expected else 404)
        assert (Person.objects.get(pk=child.pk).preferred_name == "Zeb") is expected
    if not expected and action == policy.VIEW:
        assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, child_ids__contains=[child.pk]).exists()


ENDPOINTS = [
    ("get", PEOPLE, None),
    ("post", PEOPLE, {"first_name": "A", "last_name": "B"}),
    ("get", f"{PEOPLE}search/?name=Quill", None),
    ("post", f"{PEOPLE}duplicates/", {"first_name": "Zebedee", "last_name": "Quill"}),
    ("get", f"{PEOPLE}{{pk}}/", None),
    ("patch", f"{PEOPLE}{{pk}}/", {"preferred_name": "X", "version": 1}),
    ("get", f"{PEOPLE}{{pk}}/relationships/", None),
    ("post", f"{PEOPLE}{{pk}}/relationships/", {"other_person_id": 1, "type": "sibling"}),
    ("get", f"{PEOPLE}{{pk}}/chronology/", None),
]


@pytest.mark.parametrize("role", sorted(policy.NO_RECORD))
@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_partner_referrers_and_admins_get_404_on_every_people_endpoint(
    role, method, url, body, api_client, make_person, make_api_user, api_involve
):
    child = make_person(first="Zebedee", last="Quill")
    user = make_api_user(role)
    api_involve(child, user)  # even an access-granting involvement gives them nothing
    api_client.force_authenticate(user)
    response = getattr(api_client, method)(url.format(pk=child.pk), body, format="json")
    assert response.status_code == 404
    assert b"Quill" not in response.content
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.READ).exists()


def test_the_partner_referrer_persona_gets_404_for_the_record_of_a_child_they_referred(
    api_client, school_dsl, make_person, api_involve
):
    child = make_person()
    api_involve(child, school_dsl, role=InvolvementRole.REFERRER)
    api_client.force_authenticate(school_dsl)
    for url in (f"{PEOPLE}{child.pk}/", f"{PEOPLE}{child.pk}/relationships/", f"{PEOPLE}{child.pk}/chronology/"):
        assert api_client.get(url).status_code == 404


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
def test_anonymous_requests_are_refused_everywhere(method, url, body, api_client, make_person):
    child = make_person(first="Zebedee", last="Quill")
    response = getattr(api_client, method)(url.format(pk=child.pk), body, format="json")
    assert response.status_code in (401, 403)
    assert b"Quill" not in response.content


def test_a_restricted_record_opens_for_its_named_list_only(
    api_client, make_api_user, make_person, api_involve, privacy_officer
):
    child = make_person(first="Zebedee", last="Quill")
    listed, unlisted = make_api_user(Role.FHLP), make_api_user(Role.FHLP)
    api_involve(child, listed)
    api_involve(child, unlisted)
    person_restrict(person=child, actor=privacy_officer, reason="adoption", access_users=[listed])
    api_client.force_authenticate(listed)
    response = api_client.get(f"{PEOPLE}{child.pk}/")
    assert response.status_code == 200 and response.data["restricted"] is True
    api_client.force_authenticate(unlisted)
    assert api_client.get(f"{PEOPLE}{child.pk}/").status_code == 404
    assert child.pk not in {r["id"] for r in api_client.get(PEOPLE).data["results"]}
