"""The retention pages (issue 17 item 4) and the restricted records' access reviews (item 2): what the privacy officer
sees and does, bad input kept and explained on the page, and everyone else refused (404: the policy table's probes,
tests/cases/test_policy_table.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AuditEvent,
    Deadline,
    LegalHold,
    Notification,
    Person,
    RestrictedAccess,
    RestrictionReason,
    RetentionRule,
)
from cases.services import deadline_sweep, episode_close, episode_open, person_restrict
from cases.services.restriction import REVIEW_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_child(make_person, triage_officer, levels):
    """A child in need long ago, now past 75: due for disposal under the default rule."""
    child = make_person(first="Agnes", last="Due", dob=dt.date(1945, 4, 1))
    episode = episode_open(
        person=child, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(1955, 1, 1)
    )
    episode_close(episode=episode, actor=triage_officer, reason_code="RC8", summary="x", closed_on=dt.date(1956, 1, 1))
    return child


def test_the_privacy_officer_sees_the_rules_and_the_dry_run_and_the_read_is_audited(client, privacy_officer, due_child):
    client.force_login(privacy_officer)
    page = client.get(reverse("cases:retention"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Now: 75 years after the child's date of birth (the default)" in html
    assert due_child.la_child_id in html and "Agnes" not in html  # the ID, never the name
    assert "1 record would be disposed of now; 0 kept by a legal hold." in html
    assert AuditEvent.objects.filter(verb="retention.dry_run_viewed", child_ids__contains=[due_child.pk]).exists()


def test_a_rule_with_bad_years_is_explained_on_the_page_and_keeps_what_was_typed(client, privacy_officer):
    client.force_login(privacy_officer)
    url = reverse("cases:retention_rule", args=["early_help"])
    page = client.post(url, {"early_help-basis": "closure", "early_help-years": "six", "early_help-source": "Mine"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Years must be a whole number, like 75" in html and "There is a problem" in html
    assert 'value="six"' in html and 'value="Mine"' in html
    assert not RetentionRule.objects.exists()

    page = client.post(url, {"early_help-basis": "closure", "early_help-years": "7", "early_help-source": "Council"})
    assert page.status_code == 302
    assert RetentionRule.objects.get(record_type="early_help").years == 7
    assert AuditEvent.objects.filter(verb="retention.rule_set").exists()


def test_the_disposal_button_needs_the_box_ticked_then_disposes(client, privacy_officer, due_child):
    client.force_login(privacy_officer)
    client.post(reverse("cases:retention_dispose"), {})
    assert Person.objects.filter(pk=due_child.pk).exists()
    client.post(reverse("cases:retention_dispose"), {"confirm": "yes"})
    assert not Person.objects.filter(pk=due_child.pk).exists()
    assert AuditEvent.objects.get(verb="retention.disposed").actor_id == privacy_officer.pk


def test_a_legal_hold_naming_an_unknown_child_is_explained_and_keeps_what_was_typed(client, privacy_officer, due_child):
    client.force_login(privacy_officer)
    data = {"name": "Inquiry notice 3", "reference": "", "children": f"{due_child.la_child_id}, NOPE1"}
    page = client.post(reverse("cases:legal_holds"), data)
    html = page.content.decode()
    assert page.status_code == 400
    assert "No record has the LA child ID NOPE1: check the IDs" in html and "Inquiry notice 3" in html
    assert not LegalHold.objects.exists()

    data["children"] = due_child.la_child_id
    assert client.post(reverse("cases:legal_holds"), data).status_code == 302
    assert list(LegalHold.objects.get().people.all()) == [due_child]
    assert "Held" in client.get(reverse("cases:retention")).content.decode()


# --- restricted records' access reviews --------------------------------------------------------------------------


@pytest.fixture
def restricted(make_person, front_door_manager, triage_officer):
    person = make_person(first="Rosa", last="Restricted")
    return person_restrict(
        person=person, actor=front_door_manager, reason=RestrictionReason.HIGH_PROFILE, access_users=[triage_officer]
    )


def test_restricting_a_record_schedules_its_review_in_90_days_reminding_the_privacy_officer(
    restricted, front_door_manager, privacy_officer
):
    deadline = Deadline.objects.get(kind=REVIEW_KIND, target_id=str(restricted.pk), state="open")
    assert deadline.assignee == front_door_manager and deadline.remind_role == "privacy_officer"
    assert dt.timedelta(days=89) < deadline.due_at - timezone.now() <= dt.timedelta(days=90)
    assert "Rosa" not in deadline.label

    deadline_sweep(now=deadline.warn_at + dt.timedelta(minutes=1))
    assert Notification.objects.filter(user=privacy_officer).exists()
    assert Notification.objects.filter(user=front_door_manager).exists()


def test_the_review_removes_a_name_sets_an_expiry_and_starts_the_clock_again(
    client, restricted, privacy_officer, triage_officer, front_door_manager
):
    first = Deadline.objects.get(kind=REVIEW_KIND, target_id=str(restricted.pk), state="open")
    client.force_login(privacy_officer)
    url = reverse("cases:restriction_review", args=[restricted.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Rosa" not in page.content.decode()  # the privacy officer is not on the list: the ID only
    until = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        url,
        {
            f"keep_{triage_officer.pk}": "remove",
            f"keep_{front_door_manager.pk}": "keep",
            f"expires_{front_door_manager.pk}_day": str(until.day),
            f"expires_{front_door_manager.pk}_month": str(until.month),
            f"expires_{front_door_manager.pk}_year": str(until.year),
        },
    )
    assert response.status_code == 302
    assert list(RestrictedAccess.objects.filter(person=restricted).values_list("user_id", flat=True)) == [
        front_door_manager.pk
    ]
    entry = RestrictedAccess.objects.get(person=restricted)
    assert timezone.localtime(entry.expires_at).date() == until + dt.timedelta(days=1)
    first.refresh_from_db()
    assert first.state == "met"
    again = Deadline.objects.get(kind=REVIEW_KIND, target_id=str(restricted.pk), state="open")
    assert again.due_at > first.due_at - dt.timedelta(seconds=5)
    assert AuditEvent.objects.filter(verb="person.restriction_reviewed", child_ids__contains=[restricted.pk]).exists()


def test_a_review_with_a_past_expiry_is_explained_and_keeps_what_was_typed(
    client, restricted, privacy_officer, triage_officer, front_door_manager
):
    client.force_login(privacy_officer)
    url = reverse("cases:restriction_review", args=[restricted.pk])
    response = client.post(
        url,
        {
            f"keep_{triage_officer.pk}": "keep",
            f"expires_{triage_officer.pk}_day": "1",
            f"expires_{triage_officer.pk}_month": "1",
            f"expires_{triage_officer.pk}_year": "2020",
            f"keep_{front_door_manager.pk}": "keep",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The date must be in the future" in html and 'value="2020"' in html
    assert RestrictedAccess.objects.filter(person=restricted).count() == 2


def test_removing_every_name_is_refused_with_the_reason(
    client, restricted, privacy_officer, triage_officer, front_door_manager
):
    client.force_login(privacy_officer)
    url = reverse("cases:restriction_review", args=[restricted.pk])
    response = client.post(url, {f"keep_{triage_officer.pk}": "remove", f"keep_{front_door_manager.pk}": "remove"})
    assert response.status_code == 400
    assert "Keep at least one name on the list, or lift the restriction instead" in response.content.decode()


def test_the_review_pages_are_not_there_for_a_practitioner(client, sw_fhlp, restricted):
    client.force_login(sw_fhlp)
    assert client.get(reverse("cases:restriction_reviews")).status_code == 404
    assert client.get(reverse("cases:restriction_review", args=[restricted.pk])).status_code == 404


def test_a_review_with_an_expiry_years_away_is_refused_with_the_reason(
    client, restricted, privacy_officer, triage_officer, front_door_manager
):
    client.force_login(privacy_officer)
    url = reverse("cases:restriction_review", args=[restricted.pk])
    response = client.post(
        url,
        {
            f"keep_{triage_officer.pk}": "keep",
            f"expires_{triage_officer.pk}_day": "31",
            f"expires_{triage_officer.pk}_month": "12",
            f"expires_{triage_officer.pk}_year": "9999",
            f"keep_{front_door_manager.pk}": "keep",
        },
    )
    assert response.status_code == 400
    assert "The date must be within a year: the list is reviewed every 90 days" in response.content.decode()


def test_the_pages_answer_bad_addresses_with_not_found(client, privacy_officer, make_person):
    client.force_login(privacy_officer)
    assert client.post(reverse("cases:retention_rule", args=["nonsense"]), {}).status_code == 404
    assert client.post(reverse("cases:legal_hold_lift", args=[999999])).status_code == 404
    unrestricted = make_person(first="Open", last="Record")
    assert client.get(reverse("cases:restriction_review", args=[unrestricted.pk])).status_code == 404
