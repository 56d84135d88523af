"""Reviewing the family's plan at the agreed time (issue 15 item 5): the facilitator, the family's lead practitioner
or the LCPP records the review (not before the meeting), its outcome and the family's views; the reminder is a shared
deadline (cases.Deadline, kind fgdm.review) that the sweep sends exactly once, moves with the review date and is met by
the review."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, Deadline, Notification, Strand
from cases.services import deadline_sweep
from fgdm.models import FamilyPlanReview
from fgdm.services.meetings import meeting_plan_agree, meeting_plan_item_add, meeting_record, meeting_review_date_set
from fgdm.services.reviews import review_record
from tests.fgdm.meeting_support import client_for, meeting_times

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(fgdm_family, facilitator):
    """A meeting held a week ago with the family's plan agreed and a review in five weeks."""
    meeting = meeting_record(
        referral=fgdm_family["referral"],
        actor=facilitator,
        held_on=timezone.localdate() - dt.timedelta(days=7),
        **meeting_times(),
        family=[fgdm_family["grace"]],
    )
    meeting_plan_item_add(
        meeting=meeting, actor=facilitator, what="Rose stays over on Fridays", who="Grandma Rose", when="Fridays"
    )
    return meeting_plan_agree(
        meeting=meeting,
        actor=facilitator,
        plan_agreed=True,
        keeps_child_safe=True,
        review_date=timezone.localdate() + dt.timedelta(days=35),
    )


def _open_review_deadlines(meeting):
    return Deadline.objects.filter(
        kind="fgdm.review", target_type="fgdm.fgdmmeeting", target_id=str(meeting.pk), state=Deadline.State.OPEN
    )


def test_recording_the_review_meets_its_deadline_and_sets_the_next(agreed, sw_fhlp, fgdm_family):
    today = timezone.localdate()
    review = review_record(
        meeting=agreed,
        actor=sw_fhlp,
        held_on=today,
        outcome=FamilyPlanReview.Outcome.WORKING,
        notes="School attendance back to 96%.",
        family_views="Rose says the Friday stays are going well.",
        next_review_date=today + dt.timedelta(days=90),
    )
    assert review.recorded_by == sw_fhlp
    assert Deadline.objects.filter(kind="fgdm.review", state=Deadline.State.MET, target_id=str(agreed.pk)).count() == 1
    (following,) = _open_review_deadlines(agreed)
    assert timezone.localtime(following.due_at).date() == today + dt.timedelta(days=90)
    assert AuditEvent.objects.filter(verb="fgdm.plan_reviewed", actor_id=sw_fhlp.pk).exists()
    assert ChronologyEntry.objects.filter(person=fgdm_family["mia"], strand=Strand.FGDM, kind="fgdm_plan_reviewed")


def test_a_review_before_the_meeting_is_refused_with_the_reason(agreed, facilitator):
    with pytest.raises(ValidationError) as refused:
        review_record(
            meeting=agreed,
            actor=facilitator,
            held_on=agreed.held_on - dt.timedelta(days=1),
            outcome=FamilyPlanReview.Outcome.WORKING,
        )
    assert "before the meeting" in str(refused.value.message_dict["held_on"])
    assert not FamilyPlanReview.objects.exists()
    assert _open_review_deadlines(agreed).count() == 1


def test_the_review_reminder_is_sent_once(agreed, facilitator):
    deadline = _open_review_deadlines(agreed).get()
    assert deadline.assignee_id == facilitator.pk
    moment = deadline.warn_at + dt.timedelta(minutes=1)
    deadline_sweep(now=moment)
    deadline_sweep(now=moment + dt.timedelta(hours=1))
    reminders = Notification.objects.filter(kind="fgdm.review.due_soon", user=facilitator)
    assert reminders.count() == 1
    assert reminders.get().link == reverse("fgdm:meeting", args=[agreed.pk])


def test_a_new_review_date_moves_the_deadline(agreed, facilitator):
    before = _open_review_deadlines(agreed).get()
    later = timezone.localdate() + dt.timedelta(days=60)
    meeting_review_date_set(meeting=agreed, actor=facilitator, review_date=later)
    (moved,) = _open_review_deadlines(agreed)
    assert moved.pk == before.pk
    assert timezone.localtime(moved.due_at).date() == later


def test_a_lead_moving_the_review_date_tells_the_facilitator(agreed, facilitator, sw_fhlp):
    """The facilitator receives the review's reminder: a date moved by the lead practitioner is never silent to them."""
    later = timezone.localdate() + dt.timedelta(days=60)
    meeting_review_date_set(meeting=agreed, actor=sw_fhlp, review_date=later)
    told = Notification.objects.filter(user=facilitator, kind__startswith="fgdm.review_date_")
    assert told.count() == 1 and later.strftime("%-d %B %Y") in told.get().body
    assert not Notification.objects.filter(user=sw_fhlp, kind__startswith="fgdm.review_date_").exists()


@pytest.mark.parametrize("who", ["police_officer", "other_facilitator"])
def test_only_the_reviewing_roles_with_the_children_in_scope_review(who, agreed, request):
    with pytest.raises((PermissionDenied, Http404)):
        review_record(
            meeting=agreed,
            actor=request.getfixturevalue(who),
            held_on=timezone.localdate(),
            outcome=FamilyPlanReview.Outcome.WORKING,
        )
    assert not FamilyPlanReview.objects.exists()


def test_the_review_page_refuses_a_review_before_the_meeting_and_keeps_what_was_typed(agreed, facilitator):
    early = agreed.held_on - dt.timedelta(days=2)
    response = client_for(facilitator).post(
        reverse("fgdm:meeting_review", args=[agreed.pk]),
        {
            "held_on_day": early.day,
            "held_on_month": early.month,
            "held_on_year": early.year,
            "outcome": "working",
            "family_views": "Grace wants more help at weekends",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "before the meeting" in html
    assert "Grace wants more help at weekends" in html
    assert f'value="{early.day}"' in html
    assert not FamilyPlanReview.objects.exists()


def test_a_meeting_with_no_agreed_plan_has_nothing_to_review(fgdm_family, facilitator):
    meeting = meeting_record(
        referral=fgdm_family["referral"],
        actor=facilitator,
        held_on=timezone.localdate() - dt.timedelta(days=7),
        **meeting_times(),
    )
    with pytest.raises(ValidationError) as refused:
        review_record(
            meeting=meeting, actor=facilitator, held_on=timezone.localdate(), outcome=FamilyPlanReview.Outcome.WORKING
        )
    assert "no plan" in str(refused.value.messages).lower()


def test_a_new_facilitator_after_the_meeting_receives_the_review_reminder(agreed, other_facilitator, fh_manager):
    """The old facilitator loses the family with the reallocation: the reminder goes to whoever facilitates now."""
    from fgdm.services.referrals import referral_allocate

    referral_allocate(referral=agreed.referral, actor=fh_manager, facilitator=other_facilitator)
    assert _open_review_deadlines(agreed).get().assignee_id == other_facilitator.pk
