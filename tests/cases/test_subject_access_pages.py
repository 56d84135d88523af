"""The privacy officer's subject access pages (issue 17 item 3, B27): record a request (bad input: the messages and
what was typed), read its clock and bundle, stop the clock, a second officer releases a withheld item (the handler
cannot), and the bundle's download is the disclosure decision; everyone else: 404."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import AuditEvent, DisclosureDecision, Role, SubjectAccessRequest
from cases.services.disclosure import sar_bundle, sar_open
from cases.services.notes import case_note_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(privacy_officer):
    second = UserFactory(
        email="second.po@council.test",
        full_name="Sol Second",
        agency=privacy_officer.agency,
        roles=[Role.PRIVACY_OFFICER],
    )
    return privacy_officer, second


@pytest.fixture
def child(make_person, sw_fhlp):
    person = make_person(first="Wenna", last="Trevaskis")
    now = timezone.now()
    case_note_save(
        person=person,
        actor=sw_fhlp,
        data={
            "kind": "phone",
            "occurred_at": now,
            "subject": "Police visit",
            "body": "Police said pgcanaryq",
            "visibility_tags": ["police"],
        },
        finalise=True,
    )
    case_note_save(
        person=person,
        actor=sw_fhlp,
        data={"kind": "phone", "occurred_at": now, "subject": "Home visit", "body": "Played with Lego."},
        finalise=True,
    )
    return person


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_recording_a_request_keeps_what_was_typed_on_error(client, officers, child):
    handler, _ = officers
    client.force_login(handler)
    url = reverse("cases:subject_access_list")
    bad = client.post(
        url,
        {
            "la_child_id": "NOPE1",
            "requester_name": "Typed Name Kept",
            "requester_relationship": "Mother",
            "received_on_day": "3",
            "received_on_month": "9",
            "received_on_year": "2026",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "No record you can open has that LA child ID" in body
    assert "Typed Name Kept" in body and not SubjectAccessRequest.objects.exists()
    good = client.post(
        url,
        {
            "la_child_id": child.la_child_id,
            "requester_name": "Wenna Trevaskis",
            "requester_relationship": "Themself",
            "received_on_day": "3",
            "received_on_month": "9",
            "received_on_year": "2026",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert good.status_code == 302 and good.url == reverse("cases:subject_access", args=[sar.pk])
    page = client.get(good.url).content.decode()
    assert "Monday 5 October 2026" in page  # 3 October 2026 is a Saturday
    withheld = sum(1 for item in sar_bundle(sar=sar) if item.withheld)
    assert withheld >= 1 and f"{withheld} withheld" in page


def test_a_second_officer_releases_and_the_bundle_download_is_the_decision(client, officers, child):
    handler, second = officers
    sar = sar_open(
        person=child,
        actor=handler,
        requester_name="Wenna Trevaskis",
        requester_relationship="Themself",
        received_on=dt.date(2026, 9, 3),
    )
    url = reverse("cases:subject_access", args=[sar.pk])
    key = next(item.key for item in sar_bundle(sar=sar) if item.withheld and item.key.startswith("case_note:"))
    client.force_login(handler)
    assert "Release into the bundle" not in client.get(url).content.decode()
    assert client.post(url, {"action": "release", "item_key": key, "reason": "x"}).status_code == 404
    pdf = client.get(reverse("cases:subject_access_bundle", args=[sar.pk]))
    assert pdf.status_code == 200 and "pgcanaryq" not in _text(pdf.content)
    assert "Played with Lego." in _text(pdf.content)

    client.force_login(second)
    refused = client.post(url, {"action": "release", "item_key": key, "reason": ""})
    assert refused.status_code == 400 and "Give the reason for releasing it" in refused.content.decode()
    assert client.post(url, {"action": "release", "item_key": key, "reason": "Police agreed"}).status_code == 302
    assert AuditEvent.objects.filter(verb="sar.item_released", actor_id=second.pk).count() == 1
    pdf = client.get(reverse("cases:subject_access_bundle", args=[sar.pk]))
    assert "pgcanaryq" in _text(pdf.content)
    decisions = DisclosureDecision.objects.filter(what_type="sar_bundle", what_id=str(sar.pk))
    assert decisions.count() == 2 and pdf["X-Disclosure-Decision"] == str(decisions.first().pk)
    assert {d.recipient_name for d in decisions} == {"Wenna Trevaskis"}


def test_stopping_the_clock_on_the_page(client, officers, child):
    handler, _ = officers
    sar = sar_open(
        person=child,
        actor=handler,
        requester_name="W",
        requester_relationship="Themself",
        received_on=dt.date(2026, 9, 3),
    )
    client.force_login(handler)
    url = reverse("cases:subject_access", args=[sar.pk])
    bad = client.post(url, {"action": "pause", "pause-on_day": "4", "pause-on_month": "9", "pause-on_year": "2026"})
    assert bad.status_code == 400 and "Say what you are waiting for" in bad.content.decode()
    client.post(
        url,
        {
            "action": "pause",
            "pause-on_day": "4",
            "pause-on_month": "9",
            "pause-on_year": "2026",
            "pause-reason": "Proof of ID",
        },
    )
    assert "Clock stopped since 4 September 2026" in client.get(url).content.decode()
    client.post(url, {"action": "resume", "pause-on_day": "14", "pause-on_month": "9", "pause-on_year": "2026"})
    assert "Tuesday 13 October 2026" in client.get(url).content.decode()  # 3 Oct + 10 days


@pytest.mark.parametrize("persona", ["sw_fhlp", "triage_officer", "police_officer"])
def test_the_pages_are_not_there_for_anyone_else(client, officers, child, persona, request):
    handler, _ = officers
    sar = sar_open(
        person=child,
        actor=handler,
        requester_name="W",
        requester_relationship="Themself",
        received_on=dt.date(2026, 9, 3),
    )
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("cases:subject_access_list"),
        reverse("cases:subject_access", args=[sar.pk]),
        reverse("cases:subject_access_bundle", args=[sar.pk]),
        reverse("cases:disclosures"),
    ):
        assert client.get(url).status_code == 404, url
    assert not DisclosureDecision.objects.exists()
