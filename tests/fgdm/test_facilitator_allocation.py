"""Allocating an independent facilitator to an FGDM referral (issue 15 item 2): a manager allocates on the referral
hand-off's page; never the family's own lead practitioner or LCPP (checked against the children's current leads and
their involvements); allocation gives the facilitator the FGDM-facilitator involvement with each child, which opens
those records and the family network to them and no more; reallocation and closing end it; the child's leads and the
facilitator are told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import (
    AuditEvent,
    ChronologyEntry,
    Involvement,
    InvolvementRole,
    LeadKind,
    Notification,
    Role,
    WorkRequest,
)
from cases.permissions import person_record_scope
from cases.services import episode_set_lead, involvement_add
from fgdm.models import FgdmReferral
from fgdm.services.referrals import referral_allocate, referral_close
from tests.factories import UserFactory
from tests.personas import agency

pytestmark = pytest.mark.django_db


def _facilitator_who_is_also(*roles):
    return UserFactory(agency=agency("council"), full_name="Dual Role", roles=[Role.FGDM_FACILITATOR, *roles])


def _active(user, person) -> bool:
    return Involvement.objects.active().filter(user=user, person=person, role=InvolvementRole.FGDM_FACILITATOR).exists()


def test_the_familys_lead_practitioner_is_not_their_facilitator(referral, led_family, fh_manager, triage_officer):
    lead = _facilitator_who_is_also(Role.FHLP)
    episode_set_lead(episode=led_family["episodes"]["Leo"], actor=triage_officer, user=lead, kind=LeadKind.FHLP)
    with pytest.raises(ValidationError, match="lead practitioner"):
        referral_allocate(referral=referral, actor=fh_manager, facilitator=lead)
    assert FgdmReferral.objects.get(pk=referral.pk).facilitator is None
    assert not _active(lead, led_family["mia"])


def test_the_familys_lcpp_is_not_their_facilitator(referral, led_family, fh_manager, triage_officer):
    lcpp = _facilitator_who_is_also(Role.LCPP)
    episode_set_lead(episode=led_family["episodes"]["Mia"], actor=triage_officer, user=lcpp, kind=LeadKind.LCPP)
    with pytest.raises(ValidationError, match="Lead Child Protection Practitioner"):
        referral_allocate(referral=referral, actor=fh_manager, facilitator=lcpp)


def test_a_lead_practitioners_involvement_alone_also_makes_them_not_independent(referral, led_family, fh_manager):
    """Not a current lead on the episode, but involved with Leo as a lead practitioner (a lead being changed)."""
    involved = _facilitator_who_is_also(Role.FHLP)
    involvement_add(person=led_family["leo"], actor=fh_manager, role=InvolvementRole.LEAD_PRACTITIONER, user=involved)
    with pytest.raises(ValidationError, match="lead practitioner"):
        referral_allocate(referral=referral, actor=fh_manager, facilitator=involved)


def test_someone_without_the_facilitator_role_is_not_allocated(referral, fh_manager, vcs_fhlp):
    with pytest.raises(ValidationError, match="facilitator"):
        referral_allocate(referral=referral, actor=fh_manager, facilitator=vcs_fhlp)


def test_only_a_manager_allocates(referral, sw_fhlp, facilitator):
    with pytest.raises(PermissionDenied):
        referral_allocate(referral=referral, actor=sw_fhlp, facilitator=facilitator)


def test_allocation_opens_the_family_and_network_to_the_facilitator_and_tells_everyone(
    referral, led_family, fh_manager, facilitator, sw_fhlp, other_family
):
    scope = person_record_scope(facilitator)
    assert not scope.filter(pk=led_family["mia"].pk).exists()
    referral_allocate(referral=referral, actor=fh_manager, facilitator=facilitator)
    referral.refresh_from_db()
    assert referral.facilitator == facilitator
    assert referral.status == FgdmReferral.Status.PREPARING
    assert referral.work_request.status == WorkRequest.Status.ACCEPTED
    scope = person_record_scope(facilitator)
    # The children allocated and their network (their mother), nobody else's.
    for person in (led_family["mia"], led_family["leo"], led_family["grace"]):
        assert scope.filter(pk=person.pk).exists()
    assert not scope.filter(pk__in=[other_family["ava"].pk, other_family["dad"].pk]).exists()
    for child in (led_family["mia"], led_family["leo"]):
        assert _active(facilitator, child)
        assert ChronologyEntry.objects.filter(person=child, kind="fgdm.facilitator_allocated").exists()
    assert AuditEvent.objects.filter(verb="fgdm.referral.allocated", actor_id=fh_manager.pk).exists()
    assert Notification.objects.filter(user=facilitator, kind="fgdm.allocated").exists()
    assert Notification.objects.filter(user=sw_fhlp, kind="fgdm.facilitator_allocated").exists()


def test_the_facilitator_opens_the_allocated_family_and_gets_404_for_another(
    client, allocated, led_family, facilitator, other_family
):
    client.force_login(facilitator)
    assert client.get(reverse("cases:person_detail", args=[led_family["mia"].pk])).status_code == 200
    assert client.get(reverse("cases:person_detail", args=[led_family["grace"].pk])).status_code == 200
    assert client.get(reverse("cases:person_detail", args=[other_family["ava"].pk])).status_code == 404
    assert client.get(reverse("fgdm:preparation", args=[allocated.pk])).status_code == 200
    assert client.get(reverse("fgdm:preparation", args=[other_family["referral"].pk])).status_code == 404


def test_reallocation_ends_the_old_facilitators_access(
    client, allocated, led_family, fh_manager, facilitator, other_facilitator
):
    referral_allocate(referral=allocated, actor=fh_manager, facilitator=other_facilitator)
    assert not _active(facilitator, led_family["mia"])
    assert _active(other_facilitator, led_family["mia"])
    assert not person_record_scope(facilitator).filter(pk=led_family["mia"].pk).exists()
    assert Notification.objects.filter(user=facilitator, kind="fgdm.reallocated").exists()
    client.force_login(facilitator)
    assert client.get(reverse("fgdm:preparation", args=[allocated.pk])).status_code == 404
    assert client.get(reverse("cases:person_detail", args=[led_family["mia"].pk])).status_code == 404


def test_closing_a_referral_ends_the_facilitators_involvement_with_the_reason(
    allocated, led_family, fh_manager, facilitator, sw_fhlp
):
    with pytest.raises(ValidationError):
        referral_close(referral=allocated, actor=fh_manager, reason=" ")
    referral_close(referral=allocated, actor=fh_manager, reason="The family withdrew their agreement.")
    allocated.refresh_from_db()
    assert allocated.status == FgdmReferral.Status.CLOSED
    assert allocated.closed_reason == "The family withdrew their agreement."
    assert not _active(facilitator, led_family["leo"])
    assert AuditEvent.objects.filter(verb="fgdm.referral.closed").exists()
    assert Notification.objects.filter(user=sw_fhlp, kind="fgdm.referral_closed").exists()


def test_the_allocation_page_lists_facilitators_and_refuses_a_lead_with_why(
    client, referral, led_family, fh_manager, facilitator, triage_officer
):
    lead = _facilitator_who_is_also(Role.FHLP)
    episode_set_lead(episode=led_family["episodes"]["Mia"], actor=triage_officer, user=lead, kind=LeadKind.FHLP)
    client.force_login(fh_manager)
    url = reverse("fgdm:allocate", args=[referral.work_request_id])
    page = client.get(url).content.decode()
    assert "Fay Facilitator" in page and "Dual Role" in page
    response = client.post(url, {"facilitator": lead.pk})
    assert response.status_code == 200
    assert "is the family&#x27;s own lead practitioner" in response.content.decode()
    assert FgdmReferral.objects.get(pk=referral.pk).facilitator is None
    response = client.post(url, {"facilitator": facilitator.pk})
    assert response.status_code == 302
    assert FgdmReferral.objects.get(pk=referral.pk).facilitator == facilitator


def test_the_allocation_page_is_not_there_for_a_lead_practitioner(client, referral, sw_fhlp):
    client.force_login(sw_fhlp)
    assert client.get(reverse("fgdm:allocate", args=[referral.work_request_id])).status_code == 404


def test_closing_one_referral_keeps_access_the_facilitator_needs_for_another_open_one(
    allocated, led_family, sw_fhlp, fh_manager, facilitator
):
    from fgdm.models import MeetingType
    from fgdm.services.referrals import referral_create
    from tests.fgdm.facilitation_support import accepted_offer

    offer = accepted_offer(children=[led_family["mia"]], family_case=led_family["case"], offered_by=sw_fhlp)
    second = referral_create(offer=offer, actor=sw_fhlp, meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE, reason="x")
    referral_allocate(referral=second, actor=fh_manager, facilitator=facilitator)
    referral_close(referral=allocated, actor=fh_manager, reason="The first meeting is no longer wanted.")
    assert _active(facilitator, led_family["mia"])  # still facilitating Mia's second referral
    assert not _active(facilitator, led_family["leo"])
