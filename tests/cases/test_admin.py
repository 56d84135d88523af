"""The Django admin configures (agencies, teams, users, levels, settings) and never shows a child's data; signing
in to it, well or badly, leaves the same audit rows as signing in to the case system, with the site named
(issue 11 finding 4)."""

import datetime as dt
import html
import re

import pytest
from django.contrib import admin
from django.test import Client

from cases.models import AuditEvent, Role
from cases.services import person_add_address, person_update
from tests.factories import UserFactory
from tests.two_factor import pass_second_factor

pytestmark = pytest.mark.django_db

NAME, SURNAME, DOB, NHS, POSTCODE = "Zebedee", "Quartermaine", dt.date(2016, 7, 23), "9434765919", "ZZ9 9ZZ"
CANARIES = (NAME, SURNAME, "2016-07-23", "23 Jul 2016", "July 23, 2016", NHS, "943 476 5919", POSTCODE)

# Configuration, not child data: the only models the admin may show.
CONFIGURATION_MODELS = {
    "auth.group",
    "cases.agency",
    "cases.team",
    "cases.user",
    "cases.needlevel",
    "cases.closureday",
    "cases.workrequestsettings",
    "front_door.frontdoorsettings",
    "family_help.familyhelpsettings",
    "macpt.macptsettings",
    "macpt.preproceedingssettings",
}


@pytest.fixture
def system_admin(council):
    """admin@ as the demo makes them: the administrator role, staff and superuser (so every registered model
    is open to them: only what is registered limits what they see)."""
    return UserFactory(email="admin@example.test", agency=council, roles=[Role.ADMIN], is_staff=True, is_superuser=True)


@pytest.fixture
def child(make_person, triage_officer):
    person = make_person(first="Zeb", last="Quarter", dob=dt.date(2016, 7, 24), nhs_number=NHS)
    person = person_update(
        person=person,
        actor=triage_officer,
        data={"first_name": NAME, "last_name": SURNAME, "date_of_birth": DOB},
        expected_version=person.version,
    )
    person_add_address(person=person, actor=triage_officer, line1="1 Test Street", postcode=POSTCODE)
    return person


def _admin_pages(client: Client) -> list[str]:
    """Every changelist the admin index links to, and every object page those lists link to."""
    index = client.get("/admin/").content.decode()
    lists = sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/)"', index)))
    pages = list(lists)
    for url in lists:
        page = client.get(url).content.decode()
        pages += sorted(set(re.findall(r'href="(/admin/[a-z_]+/[a-z_]+/\d+/change/)"', page)))
    return pages


def test_the_admin_does_not_show_the_audit_and_its_values(client, system_admin, child):
    """Finding 4: admin@ read a child's names, date of birth and NHS number on the audit's change page."""
    client.force_login(system_admin)
    events = AuditEvent.objects.filter(child_ids__contains=[child.pk])
    assert events.filter(verb="person.updated").exists()
    for event in events:
        response = client.get(f"/admin/cases/auditevent/{event.pk}/change/")
        assert response.status_code == 404
        assert not any(canary in response.content.decode() for canary in CANARIES)
    assert client.get("/admin/cases/auditevent/").status_code == 404


def test_only_configuration_models_are_registered_in_the_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered <= CONFIGURATION_MODELS, registered - CONFIGURATION_MODELS


def test_no_admin_page_shows_a_childs_data(client, system_admin, child):
    client.force_login(system_admin)
    pages = _admin_pages(client)
    assert "/admin/cases/user/" in pages and len(pages) > 8  # the crawl reached the configuration
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not [canary for canary in CANARIES if canary in page], url


def test_the_admin_stays_available_for_configuration(client, system_admin, council):
    client.force_login(system_admin)
    response = client.get(f"/admin/cases/agency/{council.pk}/change/")
    assert response.status_code == 200
    assert council.name in html.unescape(response.content.decode())


# --- signing in to the admin --------------------------------------------------------------------------


def test_an_admin_sign_in_is_audited_with_the_site_named(system_admin, password):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin@example.test", "password": password}, follow=False
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    event = AuditEvent.objects.get(verb="auth.sign_in")
    assert (event.kind, event.actor_id, event.actor_email) == (
        AuditEvent.Kind.AUTH,
        system_admin.pk,
        "admin@example.test",
    )
    assert (event.target_type, event.target_id, event.path) == ("site", "admin", "/admin/login/")
    assert password not in str(AuditEvent.objects.values().get(pk=event.pk))


def test_a_failed_admin_sign_in_is_audited_without_the_password(system_admin):
    client = Client()
    response = client.post("/admin/login/", {"username": "Admin@Example.test ", "password": "guess-1234"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(verb="auth.sign_in_failed")
    assert (event.kind, event.actor_id, event.target_type, event.target_id) == (
        AuditEvent.Kind.AUTH,
        None,
        "site",
        "admin",
    )
    # The attempted account, as staff security needs it (which account is being guessed at); never the password.
    assert event.actor_email == "admin@example.test"
    assert "guess-1234" not in str(AuditEvent.objects.values().get(pk=event.pk))


def test_a_password_typed_into_the_admin_email_box_is_not_kept(system_admin):
    # People type their password into the wrong box: a value that is not an email address is not recorded.
    Client().post("/admin/login/", {"username": "hunter2-secret", "password": "x"})
    event = AuditEvent.objects.get(verb="auth.sign_in_failed")
    assert "hunter2" not in str(AuditEvent.objects.values().get(pk=event.pk))
    assert event.actor_email == ""


def test_a_non_staff_user_signing_in_to_the_admin_is_a_failed_admin_sign_in(triage_officer, password):
    response = Client().post("/admin/login/", {"username": "triage@example.test", "password": password})
    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="auth.sign_in_failed")
    assert (event.actor_email, event.target_id) == ("triage@example.test", "admin")
    assert not AuditEvent.objects.filter(verb="auth.sign_in").exists()


def test_an_admin_sign_out_is_audited(system_admin, password):
    client = Client()
    client.post("/admin/login/", {"username": "admin@example.test", "password": password})
    pass_second_factor(client, system_admin, "/admin/")  # the admin's pages, its sign-out too, need it (issue 17)
    client.post("/admin/logout/")
    event = AuditEvent.objects.get(verb="auth.sign_out")
    assert (event.actor_id, event.target_type, event.target_id) == (system_admin.pk, "site", "admin")


def test_the_case_system_sign_in_names_its_site(triage_officer, password):
    Client().post("/accounts/login/", {"username": "triage@example.test", "password": password})
    Client().post("/accounts/login/", {"username": "triage@example.test", "password": "wrong"})
    rows = AuditEvent.objects.filter(kind=AuditEvent.Kind.AUTH).values_list("verb", "target_type", "target_id")
    assert sorted(rows) == [("auth.sign_in", "site", "case"), ("auth.sign_in_failed", "site", "case")]
