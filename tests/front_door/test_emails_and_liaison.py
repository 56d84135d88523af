"""Messages leaving the system carry a reference and a link, never a child's name or the worry; information requests
go to the agency's liaison team, not every user of the agency (issue 11 finding 7). Emails are Django's locmem
outbox (the test settings' backend): what would be handed to the mail server."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Notification, Role
from cases.services import notification_emails_send
from front_door.models import InformationRequest
from front_door.services import (
    decision_record,
    decision_signoff,
    information_request_respond,
    information_request_send,
)
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

WORRY = "Child arrived hungry and with bruising on both arms."  # tests/front_door/support.py's CONTACT


def assert_safe(message, *texts) -> None:
    whole = f"{message.subject}\n{message.body}"
    for text in texts:
        assert text not in whole, text
    assert "reference N" in message.subject
    assert "http://" in message.body or "https://" in message.body


def test_the_strategy_discussion_email_carries_a_reference_and_a_link_not_the_childs_name(
    triage_officer, front_door_manager, lcpp, new_contact, make_person, levels
):
    child = make_person(first="Amelia", last="Hartley")
    contact = new_contact(triage_officer, children=[{"person": child}])
    decision = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=2,
        level=levels["child_protection"],
        rationale="Disclosure of physical abuse",
    )
    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    mail.outbox.clear()
    assert notification_emails_send() >= 1
    to_lcpp = [m for m in mail.outbox if m.to == [lcpp.email]]
    assert to_lcpp
    for message in mail.outbox:
        assert_safe(message, "Amelia", "Hartley", WORRY, "bruising", "Disclosure")
    # In the app the LCPP is told which contact, and still not the child's name.
    note = Notification.objects.get(user=lcpp, kind="work_request.strategy_discussion")
    assert contact.reference in note.title and "Amelia" not in note.title
    assert f"reference N{note.pk:06d}" in to_lcpp[0].subject


def test_an_information_request_reaches_the_liaison_team_only(client, triage_officer, police_officer, new_contact):
    # A police user outside the force's safeguarding hub (its liaison team).
    response_officer = UserFactory(
        email="response@example.test", agency=police_officer.agency, roles=[Role.PARTNER_REFERRER]
    )
    contact = new_contact(triage_officer)
    mail.outbox.clear()
    request = information_request_send(
        contact=contact, actor=triage_officer, agency=police_officer.agency, question="Any call-outs?"
    )
    notification_emails_send()
    assert [m.to for m in mail.outbox] == [[police_officer.email]]
    assert_safe(mail.outbox[0], "Amelia", "Hartley", WORRY, "call-outs")
    assert not Notification.objects.filter(user=response_officer).exists()
    # Nor do they see or answer it: the inbox is the liaison team's.
    client.force_login(response_officer)
    inbox = client.get(reverse("front_door:inbox")).content.decode()
    assert (
        contact.reference not in inbox
        and "its liaison team, Police Safeguarding Hub. You are not in that team" in inbox
    )
    assert client.get(reverse("front_door:information_request_respond", args=[request.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        information_request_respond(request=request, actor=response_officer, response="Nothing known")
    information_request_respond(request=request, actor=police_officer, response="Two call-outs in March.")
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED


def test_an_agency_with_no_liaison_team_cannot_be_sent_a_request_and_nobody_is_emailed(
    client, triage_officer, new_contact
):
    housing = AgencyFactory(name="Test Housing Association", type="housing")
    UserFactory(email="housing@example.test", agency=housing, roles=[Role.PARTNER_REFERRER])
    contact = new_contact(triage_officer)
    mail.outbox.clear()
    with pytest.raises(ValidationError) as refused:
        information_request_send(contact=contact, actor=triage_officer, agency=housing, question="Known to you?")
    assert "no liaison team" in str(refused.value)
    notification_emails_send()
    assert mail.outbox == [] and not InformationRequest.objects.exists()
    # The front door sees why on the page, with what to do instead.
    client.force_login(triage_officer)
    page = client.post(
        reverse("front_door:information_request_create", args=[contact.pk]),
        {"agencies": [housing.pk], "question": "Known to you?"},
    ).content.decode()
    assert "has no liaison team to receive information requests" in page and "Phone the agency" in page
    assert not InformationRequest.objects.exists()


def test_every_email_is_only_a_kind_a_reference_and_a_link(triage_officer, police_officer):
    from cases.services import notify

    notify(
        user=police_officer,
        kind="family_help.step_up",
        unique_key="t:step-up",
        title="Strategy discussion requested for Amelia Hartley",
        body=WORRY,
        send_email=True,
    )
    note = Notification.objects.get(unique_key="t:step-up")
    mail.outbox.clear()
    notification_emails_send()
    [message] = mail.outbox
    assert_safe(message, "Amelia", "Hartley", WORRY)
    assert message.subject == f"FFP Case: A strategy discussion has been requested (reference N{note.pk:06d})"


def test_every_demo_partner_agency_has_a_liaison_team_with_someone_in_it(monkeypatch):
    import io

    from django.core.management import call_command

    from cases.models import Agency
    from cases.selectors.organisation import agency_liaison_users

    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    partners = [a for a in Agency.objects.select_related("liaison_team") if not a.is_council]
    assert len(partners) == 5
    for agency in partners:
        assert agency.liaison_team is not None and agency.liaison_team.agency_id == agency.pk, agency
        assert agency_liaison_users(agency_id=agency.pk).exists(), agency
