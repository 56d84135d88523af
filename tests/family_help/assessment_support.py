"""Helpers for the assessment tests: a family's lead practitioner appointed the way allocation does it (an
Allocation row and the lead on each child's episode, which grants access), another family, a date whose
45-working-day timescale is in its warning window today, and a complete draft."""

import datetime as dt

from django.utils import timezone

from cases.models import FamilyCaseMember, LeadKind, WorkRequest
from cases.services import (
    episode_open,
    episode_set_lead,
    family_case_create,
    person_create,
    work_request_handle,
)
from cases.workdays import Calendar
from family_help.models import Allocation, Assessment
from family_help.services.assessment import TIMESCALE_WORKING_DAYS, assessment_save_draft


def appoint_lead(*, family: dict, lead, manager) -> Allocation:
    allocation = Allocation.objects.create(
        family_case=family["case"], lead=lead, allocated_by=manager, reason="Test allocation"
    )
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=manager, user=lead, kind=LeadKind.FHLP)
    # ... and the family's open allocation requests are accepted (their clock stops), as allocation_create does.
    for request in WorkRequest.objects.filter(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
        status=WorkRequest.Status.OPEN,
        person__in=[e.person_id for e in family["episodes"].values()],
    ):
        work_request_handle(
            request=request, actor=manager, status=WorkRequest.Status.ACCEPTED, reason=f"Allocated to {lead.full_name}"
        )
    return allocation


def another_family(*, actor, level, surname: str = "Brennan") -> dict:
    child = person_create(
        actor=actor, data={"first_name": "Ava", "last_name": surname, "date_of_birth": dt.date(2016, 2, 3), "sex": "F"}
    )
    case = family_case_create(actor=actor, name=f"{surname} family", members=[(child, FamilyCaseMember.Role.CHILD)])
    episode = episode_open(
        person=child,
        actor=actor,
        level=level,
        family_case=case,
        reason="Front door: early help",
        opened_on=dt.date(2026, 6, 1),
    )
    return {"case": case, "ava": child, "episodes": {"Ava": episode}}


def referral_date_in_warning_window(calendar: Calendar | None = None) -> dt.date:
    """A referral date whose assessment falls due on the next working day: the reminder (5 working days
    before) is already due, the breach is not."""
    calendar = calendar or Calendar()
    target = calendar.next_working_day(timezone.localdate())
    day = timezone.localdate()
    while calendar.add_working_days(day, TIMESCALE_WORKING_DAYS) > target:
        day -= dt.timedelta(days=1)
    return day


def complete(assessment: Assessment, actor) -> Assessment:
    sections = {
        s.pk: {
            "child_voice": f"{s.person.first_name} says: I like it when mum is not sad.",
            "factors": ["4B"],
            "primary_need": "N4",
        }
        for s in assessment.children.select_related("person")
    }
    return assessment_save_draft(
        assessment=assessment,
        actor=actor,
        expected_version=assessment.version,
        data={"analysis": "Mum's low mood and the housing worry are the main needs.", "outcome": "targeted"},
        sections=sections,
    )
