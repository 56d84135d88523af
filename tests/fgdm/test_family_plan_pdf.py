"""The family's plan as a PDF for the family (issue 15 item 6): plain words; nothing not for the family (a plan item
marked so, and every item of shared information carrying an information tag: police, health, third-party, safe
address, not for the family); the language of the meeting and its interpreter recorded; an audit row for the export.
Checked on the PDF's text."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import AuditEvent, VisibilityTag
from fgdm.services.meetings import (
    meeting_attendee_add,
    meeting_information_add,
    meeting_plan_agree,
    meeting_plan_item_add,
    meeting_record,
)
from tests.fgdm.meeting_support import client_for, meeting_times

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def full_meeting(fgdm_family, facilitator, sw_fhlp, police_officer, health_practitioner):
    meeting = meeting_record(
        referral=fgdm_family["referral"],
        actor=facilitator,
        held_on=timezone.localdate() - dt.timedelta(days=3),
        **meeting_times(),
        family=[fgdm_family["grace"], fgdm_family["rose"]],
        professionals=[sw_fhlp],
    )
    police = meeting_attendee_add(meeting=meeting, actor=facilitator, user=police_officer)
    health = meeting_attendee_add(meeting=meeting, actor=facilitator, user=health_practitioner)
    lead = meeting.attendees.get(user=sw_fhlp)
    meeting_information_add(meeting=meeting, actor=facilitator, shared_by=police, text="POLICEITEM call-outs")
    meeting_information_add(meeting=meeting, actor=facilitator, shared_by=health, text="HEALTHITEM missed checks")
    for tag, word in (
        (VisibilityTag.THIRD_PARTY, "THIRDPARTYITEM"),
        (VisibilityTag.SAFE_ADDRESS, "SAFEADDRESSITEM"),
        (VisibilityTag.NOT_FOR_FAMILY, "NOTFORFAMILYINFO"),
    ):
        meeting_information_add(meeting=meeting, actor=facilitator, shared_by=lead, text=f"{word} detail", tags=[tag])
    meeting_information_add(meeting=meeting, actor=facilitator, shared_by=lead, text="SHAREDOPENLY attendance is 80%")
    meeting_plan_item_add(
        meeting=meeting,
        actor=facilitator,
        what="FAMILYWORDS Rose walks Mia and Leo to school",
        who="Grandma Rose",
        when="Every school day",
        contingency="Auntie Bisi if Rose is ill",
    )
    meeting_plan_item_add(
        meeting=meeting,
        actor=facilitator,
        what="SECRETPLANITEM check on Grace",
        who="Lead",
        when="Weekly",
        not_for_family=True,
    )
    return meeting_plan_agree(
        meeting=meeting,
        actor=facilitator,
        plan_agreed=True,
        keeps_child_safe=True,
        review_date=timezone.localdate() + dt.timedelta(days=40),
    )


def test_the_family_plan_pdf_leaves_out_what_is_not_for_the_family_and_every_tagged_item(full_meeting, facilitator):
    response = client_for(facilitator).get(reverse("fgdm:family_plan_pdf", args=[full_meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    assert "FAMILYWORDS" in text and "Auntie Bisi" in text and "SHAREDOPENLY" in text
    for withheld in (
        "SECRETPLANITEM",
        "POLICEITEM",
        "HEALTHITEM",
        "THIRDPARTYITEM",
        "SAFEADDRESSITEM",
        "NOTFORFAMILYINFO",
    ):
        assert withheld not in text, withheld
    assert "Yoruba" in text and "interpreter" in text.lower()
    assert AuditEvent.objects.filter(verb="fgdm.family_plan_pdf", actor_id=facilitator.pk).exists()


def test_the_family_plan_pdf_is_not_there_for_someone_without_the_children_in_scope(full_meeting, school_dsl):
    assert client_for(school_dsl).get(reverse("fgdm:family_plan_pdf", args=[full_meeting.pk])).status_code == 404
