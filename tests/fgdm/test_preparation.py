"""Preparation for the meeting (issue 15 item 3): dated steps by the allocated facilitator only; co-design starting
from the child's first language and interpreter; the network drawn from the child's relationships, and a new member
added here becomes a person and a relationship in the shared record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, Person, Relationship
from fgdm.models import NetworkInvitee, PreparationStep
from fgdm.selectors.preparation import co_design_initial, network_for
from fgdm.services.preparation import (
    co_design_save,
    network_invitee_set,
    network_member_add,
    preparation_step_add,
)

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def test_the_facilitator_records_dated_steps_with_the_childs_own_words(allocated, facilitator, led_family):
    step = preparation_step_add(
        referral=allocated,
        actor=facilitator,
        data={
            "kind": PreparationStep.Kind.CHILD,
            "date": YESTERDAY,
            "person": led_family["mia"],
            "child_wishes": "I want to stay with Nana when Mum is poorly.",
            "child_taking_part": "She will come for the first part and draw a picture.",
        },
    )
    assert step.recorded_by == facilitator
    assert AuditEvent.objects.filter(verb="fgdm.preparation_step.added", actor_id=facilitator.pk).exists()
    with pytest.raises(ValidationError, match="wishes"):
        preparation_step_add(
            referral=allocated, actor=facilitator, data={"kind": PreparationStep.Kind.CHILD, "date": YESTERDAY}
        )


def test_a_step_in_the_future_is_refused(allocated, facilitator):
    with pytest.raises(ValidationError, match="future"):
        preparation_step_add(
            referral=allocated,
            actor=facilitator,
            data={"kind": PreparationStep.Kind.PROFESSIONALS, "date": timezone.localdate() + dt.timedelta(days=2)},
        )


def test_only_the_allocated_facilitator_prepares(allocated, other_facilitator, sw_fhlp, fh_manager, client):
    for user in (other_facilitator, sw_fhlp, fh_manager):
        with pytest.raises(PermissionDenied):
            preparation_step_add(
                referral=allocated,
                actor=user,
                data={"kind": PreparationStep.Kind.PROFESSIONALS, "date": YESTERDAY},
            )
    client.force_login(sw_fhlp)  # sees the children's records, but is not the facilitator
    assert client.get(reverse("fgdm:preparation", args=[allocated.pk])).status_code == 404
    client.force_login(other_facilitator)
    assert client.get(reverse("fgdm:preparation", args=[allocated.pk])).status_code == 404


def test_co_design_starts_from_the_childs_language_and_interpreter(allocated, facilitator, led_family):
    Person.objects.filter(pk=led_family["mia"].pk).update(first_language="Yoruba", interpreter_needed=True)
    initial = co_design_initial(allocated)
    assert initial["language"] == "Yoruba"
    assert initial["interpreter_needed"] is True
    assert initial["interpreter_language"] == "Yoruba"
    co_design_save(
        referral=allocated,
        actor=facilitator,
        data={
            "venue": "Family centre",
            "language": "Yoruba",
            "interpreter_needed": True,
            "interpreter_language": "Yoruba",
            "family_wants_there": "Nana, Aunt Bisi",
            "family_does_not_want_there": "Leo's father",
        },
    )
    allocated.refresh_from_db()
    assert allocated.venue == "Family centre"
    assert allocated.family_does_not_want_there == "Leo's father"


def test_the_network_is_drawn_from_the_childrens_relationships(allocated, facilitator, led_family):
    rows = network_for(allocated)
    assert [row["person"] for row in rows] == [led_family["grace"]]
    assert rows[0]["relationship"] == "Mother"
    network_invitee_set(referral=allocated, actor=facilitator, person=led_family["grace"], invited=True)
    assert NetworkInvitee.objects.filter(referral=allocated, person=led_family["grace"], invited=True).exists()


def test_a_grandparent_added_in_preparation_appears_in_the_childs_relationships(
    client, allocated, facilitator, led_family
):
    invitee = network_member_add(
        referral=allocated,
        actor=facilitator,
        data={
            "first_name": "Adaeze",
            "last_name": "Okafor",
            "date_of_birth": dt.date(1962, 6, 1),
            "type": "grandparent",
            "children": [led_family["mia"], led_family["leo"]],
        },
    )
    nana = invitee.person
    for child in (led_family["mia"], led_family["leo"]):
        assert Relationship.objects.filter(from_person=nana, to_person=child, type="grandparent").exists()
    assert invitee.invited
    assert AuditEvent.objects.filter(verb="person.created", actor_id=facilitator.pk).exists()
    assert AuditEvent.objects.filter(verb="relationship.added", actor_id=facilitator.pk).exists()
    # The child's record shows her, to the facilitator too; and she is in the network to invite.
    client.force_login(facilitator)
    page = client.get(reverse("cases:person_detail", args=[led_family["mia"].pk])).content.decode()
    assert "Adaeze" in page
    assert nana in [row["person"] for row in network_for(allocated)]


def test_the_preparation_page_keeps_what_was_typed_when_a_field_is_missing(client, allocated, facilitator):
    client.force_login(facilitator)
    url = reverse("fgdm:preparation", args=[allocated.pk])
    response = client.post(
        url,
        {
            "form": "member",
            "member-first_name": "Adaeze",
            "member-last_name": "",
            "member-type": "grandparent",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter their last name" in body
    assert 'value="Adaeze"' in body
    assert not Person.objects.filter(first_name="Adaeze").exists()
    response = client.post(
        url,
        {
            "form": "step",
            "step-kind": "professionals",
            "step-date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "step-notes": "Met the social worker and the school.",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be in the future" in body
    assert "Met the social worker and the school." in body
    assert not PreparationStep.objects.exists()
