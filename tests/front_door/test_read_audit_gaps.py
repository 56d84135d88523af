"""Every read of child data leaves an audit row (issue 11 finding 6): a contact whose children are not matched to
a record yet holds child data itself (names, dates of birth, the worry), so reading it through the API is audited
against the contact; a partner referrer reading their referrals (the list and one referral) is audited too."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AuditEvent

pytestmark = pytest.mark.django_db


def reads(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, **filters).order_by("id"))


def test_reading_a_contact_with_no_matched_child_through_the_api_is_audited_against_the_contact(
    triage_officer, new_contact
):
    contact = new_contact(triage_officer)  # Amelia Hartley as the referrer named her: not matched to a record
    api = APIClient()
    api.force_authenticate(triage_officer)
    assert api.get(f"/api/v1/contacts/{contact.pk}/").status_code == 200
    [row] = reads(verb="contact.viewed", actor_id=triage_officer.pk)
    assert row.target_id == str(contact.pk) and row.child_ids == []
    assert api.get("/api/v1/contacts/").status_code == 200
    assert len(reads(verb="contact.listed", actor_id=triage_officer.pk)) == 1


def test_a_partner_reading_their_referrals_leaves_an_audit_row(client, school_dsl, new_contact, make_person):
    contact = new_contact(school_dsl)
    client.force_login(school_dsl)
    assert client.get(reverse("front_door:my_referrals")).status_code == 200
    assert len(reads(verb="referrals.viewed", actor_id=school_dsl.pk)) == 1
    assert client.get(reverse("front_door:my_referral", args=[contact.pk])).status_code == 200
    [row] = reads(verb="referral.viewed", actor_id=school_dsl.pk)
    assert row.target_id == str(contact.pk)


def test_the_referral_read_names_the_record_the_child_was_matched_to(
    client, school_dsl, triage_officer, new_contact, make_person
):
    from front_door.services import contact_child_link

    contact = new_contact(school_dsl)
    person = make_person()
    contact_child_link(contact_child=contact.children.get(), person=person, actor=triage_officer)
    client.force_login(school_dsl)
    client.get(reverse("front_door:my_referral", args=[contact.pk]))
    client.get(reverse("front_door:my_referrals"))
    assert [r.child_ids for r in reads(actor_id=school_dsl.pk)] == [[person.pk], [person.pk]]
