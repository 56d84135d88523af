"""Break-glass (issue 17 item 2, battery B6): a council practitioner searches the whole council only with a reason,
sees children outside their work by name and date of birth, opens one by confirming the reason, and then sees the
record for at most 60 minutes, every view audited as break-glass; the privacy officer is alerted at once and reviews
it in a queue."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, BreakGlass, InvolvementRole, Notification, PrivacyAlert
from cases.services import involvement_add, person_restrict
from cases.services.breakglass import break_glass_start
from cases.services.people import person_add_address
from tests.two_factor import code_for, device_for

pytestmark = pytest.mark.django_db

REASON = "Emergency duty team asked at 02:10 whether the child is known: police called to the home."


@pytest.fixture
def zara(make_person, triage_officer):
    """A child outside the social worker's work: no involvement of theirs or their team's."""
    child = make_person(first="Zara", last="Quillfeather", dob=dt.date(2016, 4, 9))
    person_add_address(person=child, actor=triage_officer, line1="1 Hidden Row", postcode="SW1A 1AA")
    return child


@pytest.fixture
def own_child(make_person, sw_fhlp, triage_officer):
    child = make_person(first="Olwen", last="Quillfeather", dob=dt.date(2015, 2, 2))
    involvement_add(person=child, actor=triage_officer, role=InvolvementRole.LEAD_PRACTITIONER, user=sw_fhlp)
    return child


def _search(client, **extra):
    return client.get(reverse("cases:person_search"), {"name": "Quillfeather", **extra})


def _reads(user, person):
    return AuditEvent.objects.filter(actor_id=user.pk, kind="read", child_ids__contains=[person.pk])


def test_the_whole_council_search_without_a_reason_is_refused(client, sw_fhlp, zara, own_child):
    client.force_login(sw_fhlp)
    for reason in ("", "   "):
        response = _search(client, whole_council="on", reason=reason)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Give the reason you need to search the whole council" in text
        assert "Zara" not in text
        assert 'name="name" value="Quillfeather"' in text  # what was typed is kept
    assert not AuditEvent.objects.filter(verb="person_search.whole_council").exists()


def test_an_ordinary_search_finds_only_the_users_own_work(client, sw_fhlp, zara, own_child):
    client.force_login(sw_fhlp)
    text = _search(client).content.decode()
    assert "Olwen" in text
    assert "Zara" not in text


def test_the_whole_council_search_with_a_reason_shows_outside_children_by_name_and_date_of_birth_only(
    client, sw_fhlp, zara, own_child
):
    client.force_login(sw_fhlp)
    response = _search(client, whole_council="on", reason=REASON)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Zara Quillfeather" in text
    assert "Outside your work" in text
    assert "9 Apr 2016" in text
    assert zara.la_child_id not in text  # no identifier
    assert "SW1A 1AA" not in text  # no address
    assert reverse("cases:break_glass_start", args=[zara.pk]) in text
    assert f'href="{reverse("cases:person_detail", args=[zara.pk])}"' not in text
    # Their own child is an ordinary hit.
    assert f'href="{reverse("cases:person_detail", args=[own_child.pk])}"' in text
    event = AuditEvent.objects.get(verb="person_search.whole_council")
    assert event.reason == REASON
    assert set(event.child_ids) == {zara.pk, own_child.pk}


def test_a_restricted_record_is_never_found_nor_opened_by_break_glass(
    client, sw_fhlp, zara, privacy_officer, front_door_manager
):
    person_restrict(person=zara, actor=front_door_manager, reason="high_risk", access_users=[front_door_manager])
    client.force_login(sw_fhlp)
    text = _search(client, whole_council="on", reason=REASON).content.decode()
    assert "Zara" not in text
    assert client.get(reverse("cases:break_glass_start", args=[zara.pk])).status_code == 404
    assert client.post(reverse("cases:break_glass_start", args=[zara.pk]), {"reason": REASON}).status_code == 404
    with pytest.raises(PermissionDenied):
        break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize("persona", ["vcs_fhlp", "health_fhlp", "health_practitioner", "school_dsl", "police_officer"])
def test_only_a_council_practitioner_may_break_glass(client, request, persona, zara):
    """The DHIS2 rule: break-glass reaches only the user's own organisation's records: a partner agency's
    practitioner is never offered it, and asking for it anyway finds nothing and opens nothing (404)."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = _search(client, whole_council="on", reason=REASON)
    assert "Zara" not in response.content.decode()
    assert "Search the whole council" not in response.content.decode()
    assert client.get(reverse("cases:break_glass_start", args=[zara.pk])).status_code == 404
    assert client.post(reverse("cases:break_glass_start", args=[zara.pk]), {"reason": REASON}).status_code == 404
    assert client.get(reverse("cases:person_detail", args=[zara.pk])).status_code == 404
    assert not BreakGlass.objects.exists()


def test_opening_an_outside_record_without_a_reason_is_refused(client, sw_fhlp, zara):
    client.force_login(sw_fhlp)
    url = reverse("cases:break_glass_start", args=[zara.pk])
    for reason in ("", "  \n "):
        response = client.post(url, {"reason": reason})
        assert response.status_code == 200
        assert "Give the reason you need to see this child" in response.content.decode()
    with pytest.raises(ValidationError):
        break_glass_start(user=sw_fhlp, person=zara, reason=" ")
    assert not BreakGlass.objects.exists()
    assert client.get(reverse("cases:person_detail", args=[zara.pk])).status_code == 404


def test_the_confirm_page_carries_the_search_reason(client, sw_fhlp, zara):
    client.force_login(sw_fhlp)
    _search(client, whole_council="on", reason=REASON)
    response = client.get(reverse("cases:break_glass_start", args=[zara.pk]))
    assert response.status_code == 200
    assert "Emergency duty team asked at 02:10" in response.content.decode()
    assert not BreakGlass.objects.exists()  # viewing the page starts nothing


def test_break_glass_opens_the_record_and_every_view_writes_one_break_glass_audit_row(
    client, sw_fhlp, zara, privacy_officer
):
    client.force_login(sw_fhlp)
    assert client.get(reverse("cases:person_detail", args=[zara.pk])).status_code == 404
    started = time.monotonic()
    code = code_for(device_for(sw_fhlp))  # the second factor again (step-up: tests/cases/test_step_up.py)
    response = client.post(reverse("cases:break_glass_start", args=[zara.pk]), {"reason": REASON, "code": code})
    assert response.status_code == 302
    assert response.url == reverse("cases:person_detail", args=[zara.pk])
    grant = BreakGlass.objects.get()
    assert (grant.user, grant.person, grant.reason) == (sw_fhlp, zara, REASON)
    assert grant.expires_at - grant.started_at == dt.timedelta(minutes=60)
    # The privacy officer's alert and notification exist as the access does (the same transaction).
    assert PrivacyAlert.objects.get(break_glass=grant).status == "open"
    note = Notification.objects.get(user=privacy_officer, kind="privacy_alert.break_glass")
    alert_seconds = time.monotonic() - started
    assert alert_seconds < 60
    assert (note.created_at - grant.started_at).total_seconds() < 60
    assert "Zara" not in note.title + note.body  # a notification names no child
    before = _reads(sw_fhlp, zara).count()
    views = [
        reverse("cases:person_detail", args=[zara.pk]),
        reverse("cases:person_chronology", args=[zara.pk]),
        reverse("cases:person_detail", args=[zara.pk]),
        reverse("cases:person_chronology_pdf", args=[zara.pk]),
    ]
    for url in views:
        assert client.get(url).status_code == 200, url
    assert "Break-glass access: this child is outside your work" in client.get(views[0]).content.decode()
    views.append(views[0])
    rows = list(_reads(sw_fhlp, zara).order_by("pk"))[before:]
    assert len(rows) == len(views)  # 1 per view
    assert all(row.related.get("break_glass") == [grant.pk] for row in rows)
    # Break-glass reads, never edits.
    assert client.get(reverse("cases:person_edit", args=[zara.pk])).status_code == 404


def test_a_read_of_the_users_own_work_during_break_glass_is_not_marked(client, sw_fhlp, zara, own_child):
    client.force_login(sw_fhlp)
    code = code_for(device_for(sw_fhlp))
    response = client.post(reverse("cases:break_glass_start", args=[zara.pk]), {"reason": REASON, "code": code})
    assert response.status_code == 302
    client.get(reverse("cases:person_detail", args=[own_child.pk]))
    row = _reads(sw_fhlp, own_child).latest("pk")
    assert "break_glass" not in row.related


def test_break_glass_lasts_at_most_60_minutes(client, sw_fhlp, zara):
    """The grant is read with the database's clock; starting it 61 minutes ago (time-machine moves the app's clock)
    leaves it expired now, 59 minutes ago leaves it open."""
    client.force_login(sw_fhlp)
    detail = reverse("cases:person_detail", args=[zara.pk])
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=61), tick=False):
        grant = break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("cases:person_chronology", args=[zara.pk])).status_code == 404
    assert not BreakGlass.objects.active().filter(pk=grant.pk).exists()
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=59), tick=False):
        grant = break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    assert client.get(detail).status_code == 200
    assert _reads(sw_fhlp, zara).latest("pk").related["break_glass"] == [grant.pk]


def test_the_database_refuses_a_grant_longer_than_60_minutes(sw_fhlp, zara):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        BreakGlass.objects.create(
            user=sw_fhlp, person=zara, reason=REASON, started_at=now, expires_at=now + dt.timedelta(minutes=61)
        )


def test_starting_again_while_open_returns_the_same_grant_and_one_alert(sw_fhlp, zara, privacy_officer):
    first = break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    second = break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    assert first == second
    assert PrivacyAlert.objects.count() == 1
    assert Notification.objects.filter(user=privacy_officer).count() == 1


def test_the_privacy_officer_reviews_the_alert(client, sw_fhlp, zara, privacy_officer):
    grant = break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    alert = PrivacyAlert.objects.get(break_glass=grant)
    client.force_login(privacy_officer)
    queue = client.get(reverse("cases:privacy_alerts"))
    assert queue.status_code == 200
    assert alert.reference in queue.content.decode()
    page = client.get(reverse("cases:privacy_alert", args=[alert.pk]))
    assert REASON in page.content.decode()
    # Without an outcome: refused on the page, the choice kept.
    response = client.post(reverse("cases:privacy_alert", args=[alert.pk]), {"status": "challenged", "outcome": ""})
    assert response.status_code == 200
    assert "Say what you found or did" in response.content.decode()
    assert re.search(r'<input[^>]*value="challenged"[^>]*checked', response.content.decode())
    response = client.post(
        reverse("cases:privacy_alert", args=[alert.pk]),
        {"status": "challenged", "outcome": "Spoke to her manager: the EDT request was real."},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.reviewed_by) == ("challenged", privacy_officer)
    assert AuditEvent.objects.filter(verb="privacy_alert.challenged", actor_id=privacy_officer.pk).exists()
    queue = client.get(reverse("cases:privacy_alerts")).content.decode()
    assert "recorded as challenged" in queue
    assert reverse("cases:privacy_alert", args=[alert.pk]) not in queue  # off the open queue


@pytest.mark.parametrize("persona", ["sw_fhlp", "triage_officer", "front_door_manager", "lcpp", "school_dsl"])
def test_the_review_queue_is_the_privacy_officers_only(client, request, persona, sw_fhlp, zara):
    grant = break_glass_start(user=sw_fhlp, person=zara, reason=REASON)
    alert = PrivacyAlert.objects.get(break_glass=grant)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cases:privacy_alerts")).status_code == 404
    assert client.get(reverse("cases:privacy_alert", args=[alert.pk])).status_code == 404
    assert (
        client.post(reverse("cases:privacy_alert", args=[alert.pk]), {"status": "reviewed", "outcome": "x"}).status_code
        == 404
    )
    alert.refresh_from_db()
    assert alert.status == "open"
