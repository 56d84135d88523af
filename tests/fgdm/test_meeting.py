"""The family group decision-making meeting (issue 15 item 4): the allocated facilitator records its date, who came
(the family network and professionals), what the professionals shared (tagged by its source), private family time
(required; nothing is recorded during it), the family's plan in their words, the professionals' view of whether it
keeps the children safe (a reason if not), the support asked for (a Family Network Support Package with its cost) and
the review date. The family's plan joins the family's one plan in the shared record and shows on its page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, Deadline, Notification, Plan, Strand, VisibilityTag
from cases.services import plan_start
from fgdm.models import FamilyPlanItem, FgdmMeeting, FgdmReferral, MeetingAttendee, SharedInformation, SupportRequest
from fgdm.services.meetings import (
    meeting_attendee_add,
    meeting_information_add,
    meeting_plan_agree,
    meeting_plan_item_add,
    meeting_record,
    meeting_support_add,
)
from tests.fgdm.meeting_support import client_for, meeting_times
from tests.personas import agency

pytestmark = pytest.mark.django_db


def _yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def meeting(fgdm_family, facilitator, sw_fhlp):
    return meeting_record(
        referral=fgdm_family["referral"],
        actor=facilitator,
        held_on=_yesterday(),
        **meeting_times(),
        family=[fgdm_family["grace"], fgdm_family["rose"]],
        professionals=[sw_fhlp],
    )


def _plan_item(meeting, facilitator, **extra):
    data = {
        "what": "Grandma Rose takes Mia and Leo to school every weekday",
        "who": "Grandma Rose",
        "when": "From Monday, every school day",
        "contingency": "If Rose is ill, Auntie Bisi does it",
        **extra,
    }
    return meeting_plan_item_add(meeting=meeting, actor=facilitator, **data)


def test_the_allocated_facilitator_records_the_meeting_with_private_family_time_and_who_came(
    fgdm_family, facilitator, sw_fhlp
):
    meeting = meeting_record(
        referral=fgdm_family["referral"],
        actor=facilitator,
        held_on=_yesterday(),
        **meeting_times(),
        family=[fgdm_family["grace"], fgdm_family["rose"]],
        professionals=[sw_fhlp],
    )
    meeting_attendee_add(meeting=meeting, actor=facilitator, name="Dr Ade Bello", agency=agency("health"))
    assert (meeting.private_time_start, meeting.private_time_end) == (dt.time(13, 0), dt.time(14, 30))
    attendees = {(a.kind, a.name, a.agency_id) for a in meeting.attendees.all()}
    assert (MeetingAttendee.Kind.FAMILY, "Rose Okafor", None) in attendees
    assert (MeetingAttendee.Kind.PROFESSIONAL, sw_fhlp.full_name, sw_fhlp.agency_id) in attendees
    assert (MeetingAttendee.Kind.PROFESSIONAL, "Dr Ade Bello", agency("health").pk) in attendees
    referral = FgdmReferral.objects.get(pk=fgdm_family["referral"].pk)
    assert referral.status == FgdmReferral.Status.MEETING_HELD
    assert AuditEvent.objects.filter(verb="fgdm.meeting_recorded", actor_id=facilitator.pk).exists()
    for child in (fgdm_family["mia"], fgdm_family["leo"]):
        assert ChronologyEntry.objects.filter(person=child, strand=Strand.FGDM, kind="fgdm_meeting_held").exists()


def test_a_meeting_with_no_private_family_time_is_refused_with_the_reason(fgdm_family, facilitator):
    with pytest.raises(ValidationError) as refused:
        meeting_record(
            referral=fgdm_family["referral"],
            actor=facilitator,
            held_on=_yesterday(),
            private_time_start=None,
            private_time_end=None,
        )
    assert "private family time" in str(refused.value.message_dict["private_time_start"]).lower()
    assert not FgdmMeeting.objects.exists()


def test_private_family_time_that_ends_before_it_starts_is_refused(fgdm_family, facilitator):
    with pytest.raises(ValidationError) as refused:
        meeting_record(
            referral=fgdm_family["referral"], actor=facilitator, held_on=_yesterday(), **meeting_times((14, 0), (13, 0))
        )
    assert "after it starts" in str(refused.value.message_dict["private_time_end"])
    assert not FgdmMeeting.objects.exists()


def test_a_meeting_in_the_future_is_refused(fgdm_family, facilitator):
    with pytest.raises(ValidationError) as refused:
        meeting_record(
            referral=fgdm_family["referral"],
            actor=facilitator,
            held_on=timezone.localdate() + dt.timedelta(days=1),
            **meeting_times(),
        )
    assert "future" in str(refused.value.message_dict["held_on"])


@pytest.mark.parametrize("who", ["other_facilitator", "sw_fhlp", "lcpp"])
def test_only_the_allocated_facilitator_records_the_meeting(who, fgdm_family, request):
    with pytest.raises(PermissionDenied):
        meeting_record(
            referral=fgdm_family["referral"],
            actor=request.getfixturevalue(who),
            held_on=_yesterday(),
            **meeting_times(),
        )
    assert not FgdmMeeting.objects.exists()


def test_information_shared_carries_its_agencys_tag_and_is_never_timed_inside_private_family_time(
    meeting, facilitator, police_officer
):
    police = meeting_attendee_add(meeting=meeting, actor=facilitator, user=police_officer)
    item = meeting_information_add(
        meeting=meeting,
        actor=facilitator,
        shared_by=police,
        text="Two call-outs to the address this year.",
        shared_at=dt.time(12, 15),
    )
    assert item.agency_id == police_officer.agency_id
    assert VisibilityTag.POLICE in item.tags
    with pytest.raises(ValidationError) as refused:
        meeting_information_add(
            meeting=meeting, actor=facilitator, shared_by=police, text="During family time", shared_at=dt.time(13, 30)
        )
    assert "private family time" in str(refused.value.message_dict["shared_at"])
    assert SharedInformation.objects.filter(meeting=meeting).count() == 1


def test_the_familys_plan_is_attached_to_the_familys_one_plan_started_by_fgdm_when_there_is_none(
    meeting, facilitator, fgdm_family, sw_fhlp
):
    _plan_item(meeting, facilitator)
    assert not Plan.objects.filter(family_case=fgdm_family["case"]).exists()
    agreed = meeting_plan_agree(
        meeting=meeting,
        actor=facilitator,
        plan_agreed=True,
        keeps_child_safe=True,
        review_date=timezone.localdate() + dt.timedelta(days=42),
    )
    plan = Plan.objects.get(family_case=fgdm_family["case"])
    assert agreed.plan_id == plan.pk
    assert plan.led_by_strand == Strand.FGDM
    # The leads hear of it, and the review is a shared deadline.
    assert Notification.objects.filter(user=sw_fhlp, kind="fgdm.family_plan_agreed").exists()
    deadline = Deadline.objects.get(kind="fgdm.review", state=Deadline.State.OPEN)
    assert deadline.target_id == str(meeting.pk)
    assert sorted(deadline.person_ids) == sorted([fgdm_family["mia"].pk, fgdm_family["leo"].pk])


def test_the_familys_plan_joins_an_existing_plan_and_no_second_plan_starts(meeting, facilitator, fgdm_family, sw_fhlp):
    existing = plan_start(family_case=fgdm_family["case"], actor=sw_fhlp, data={"worries": "School attendance"})
    _plan_item(meeting, facilitator)
    meeting_plan_agree(
        meeting=meeting,
        actor=facilitator,
        plan_agreed=True,
        keeps_child_safe=True,
        review_date=timezone.localdate() + dt.timedelta(days=42),
    )
    assert FgdmMeeting.objects.get(pk=meeting.pk).plan_id == existing.pk
    assert Plan.objects.filter(family_case=fgdm_family["case"]).count() == 1


def test_not_safe_without_a_reason_is_refused(meeting, facilitator):
    _plan_item(meeting, facilitator)
    with pytest.raises(ValidationError) as refused:
        meeting_plan_agree(
            meeting=meeting,
            actor=facilitator,
            plan_agreed=True,
            keeps_child_safe=False,
            not_safe_reason="  ",
            review_date=timezone.localdate() + dt.timedelta(days=42),
        )
    assert "why" in str(refused.value.message_dict["not_safe_reason"]).lower()
    assert FgdmMeeting.objects.get(pk=meeting.pk).keeps_child_safe is None


def test_the_review_date_is_after_the_meeting(meeting, facilitator):
    _plan_item(meeting, facilitator)
    with pytest.raises(ValidationError) as refused:
        meeting_plan_agree(
            meeting=meeting, actor=facilitator, plan_agreed=True, keeps_child_safe=True, review_date=meeting.held_on
        )
    assert "after the meeting" in str(refused.value.message_dict["review_date"])


def test_support_requested_records_a_family_network_support_package_and_refuses_a_negative_cost(meeting, facilitator):
    package = meeting_support_add(
        meeting=meeting,
        actor=facilitator,
        kind=SupportRequest.Kind.FINANCIAL,
        description="Rose's travel costs to do the school run",
        family_network_support_package=True,
        cost=Decimal("480.00"),
    )
    assert package.cost == Decimal("480.00")
    with pytest.raises(ValidationError) as refused:
        meeting_support_add(
            meeting=meeting,
            actor=facilitator,
            kind=SupportRequest.Kind.FINANCIAL,
            description="A refund",
            family_network_support_package=True,
            cost=Decimal("-5"),
        )
    assert "negative" in str(refused.value.message_dict["cost"])
    assert SupportRequest.objects.filter(meeting=meeting).count() == 1


def test_the_plan_items_are_in_the_familys_words_and_the_form_refuses_an_empty_one(meeting, facilitator):
    item = _plan_item(meeting, facilitator, not_for_family=True)
    assert FamilyPlanItem.objects.get(pk=item.pk).not_for_family
    with pytest.raises(ValidationError) as refused:
        meeting_plan_item_add(meeting=meeting, actor=facilitator, what=" ", who="", when="")
    assert set(refused.value.message_dict) >= {"what", "who", "when"}


# --- the pages -----------------------------------------------------------------------------------------------------


def test_the_meeting_page_refuses_no_private_family_time_and_keeps_what_was_typed(fgdm_family, facilitator):
    day = _yesterday()
    url = reverse("fgdm:meeting_record", args=[fgdm_family["referral"].pk])
    client = client_for(facilitator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "private_time_start": "",
            "private_time_end": "",
            "family": [str(fgdm_family["rose"].pk)],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "private family time" in html.lower()
    assert f'value="{day.year}"' in html
    assert f'value="{fgdm_family["rose"].pk}"' in html and "checked" in html
    assert not FgdmMeeting.objects.exists()
    response = client.post(
        url,
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "private_time_start": "14:00",
            "private_time_end": "13:00",
        },
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert 'value="14:00"' in response.content.decode()


def test_a_negative_cost_and_not_safe_without_a_reason_keep_the_forms_input(meeting, facilitator):
    client = client_for(facilitator)
    response = client.post(
        reverse("fgdm:meeting_support_add", args=[meeting.pk]),
        {"kind": "financial", "description": "Travel money", "family_network_support_package": "on", "cost": "-20"},
    )
    assert response.status_code == 200
    assert "negative" in response.content.decode()
    assert "Travel money" in response.content.decode()
    _plan_item(meeting, facilitator)
    review = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        reverse("fgdm:meeting_agree", args=[meeting.pk]),
        {
            "plan_agreed": "yes",
            "keeps_child_safe": "no",
            "not_safe_reason": "",
            "review_date_day": review.day,
            "review_date_month": review.month,
            "review_date_year": review.year,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "why" in html.lower() and f'value="{review.year}"' in html
    assert FgdmMeeting.objects.get(pk=meeting.pk).keeps_child_safe is None


def test_the_familys_plan_shows_on_the_familys_one_plan_page_linking_to_the_meeting(
    meeting, facilitator, fgdm_family, sw_fhlp
):
    _plan_item(meeting, facilitator)
    meeting_plan_agree(
        meeting=meeting,
        actor=facilitator,
        plan_agreed=True,
        keeps_child_safe=True,
        review_date=timezone.localdate() + dt.timedelta(days=42),
    )
    page = client_for(sw_fhlp).get(reverse("cases:plan", args=[fgdm_family["case"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "The family&#x27;s own plan" in html or "The family's own plan" in html
    assert reverse("fgdm:meeting", args=[meeting.pk]) in html
    assert "Grandma Rose takes Mia and Leo to school" in html


def test_the_meeting_page_shows_the_record_to_the_lead_and_nothing_to_a_stranger(meeting, sw_fhlp, school_dsl):
    url = reverse("fgdm:meeting", args=[meeting.pk])
    assert client_for(sw_fhlp).get(url).status_code == 200
    assert client_for(school_dsl).get(url).status_code == 404
    assert AuditEvent.objects.filter(verb="fgdm.meeting_viewed", actor_id=sw_fhlp.pk).exists()


@pytest.mark.parametrize("role", sorted(__import__("cases.models", fromlist=["Role"]).Role.values))
def test_a_role_may_start_a_familys_plan_at_a_family_meeting_exactly_when_the_table_says(
    role, fgdm_family, council, triage_officer
):
    """The policy table's cases.start_plan_at_family_meeting row, probed by a user of each role involved with the
    children as their facilitator (so they see them whole): the table's roles start the family's plan as FGDM-led;
    any other role not allowed to edit any plan (a manager is, by cases.edit_any_plan) is refused."""
    import contextlib

    from cases import policy
    from cases.models import InvolvementRole
    from cases.services import involvement_add
    from tests.factories import UserFactory

    user = UserFactory(agency=council, roles=[role])
    for child in (fgdm_family["mia"], fgdm_family["leo"]):
        with contextlib.suppress(ValidationError):
            involvement_add(person=child, actor=triage_officer, role=InvolvementRole.FGDM_FACILITATOR, user=user)
    table = policy.role_actions()
    if role in table[policy.START_PLAN_AT_FAMILY_MEETING]:
        plan_start(family_case=fgdm_family["case"], actor=user, data={}, led_by_strand=Strand.FGDM)
        assert Plan.objects.filter(family_case=fgdm_family["case"], led_by_strand=Strand.FGDM).exists()
    elif role not in table[policy.EDIT_ANY_PLAN]:
        with pytest.raises(PermissionDenied):
            plan_start(family_case=fgdm_family["case"], actor=user, data={}, led_by_strand=Strand.FGDM)


def test_the_meeting_page_shows_police_information_only_to_whom_the_tag_rules_admit(
    meeting, facilitator, police_officer, sw_fhlp, vcs_fhlp, fgdm_family, triage_officer
):
    """A voluntary-sector lead practitioner sees the meeting (the children are in their scope) but not the police's
    information on it; the council's social worker does (cases.policy tag rules)."""
    from cases.models import InvolvementRole
    from cases.services import involvement_add

    police = meeting_attendee_add(meeting=meeting, actor=facilitator, user=police_officer)
    meeting_information_add(meeting=meeting, actor=facilitator, shared_by=police, text="POLICECALLOUTS twice")
    for child in (fgdm_family["mia"], fgdm_family["leo"]):
        involvement_add(person=child, actor=triage_officer, role=InvolvementRole.LEAD_PRACTITIONER, user=vcs_fhlp)
    url = reverse("fgdm:meeting", args=[meeting.pk])
    hidden = client_for(vcs_fhlp).get(url)
    assert hidden.status_code == 200
    assert "POLICECALLOUTS" not in hidden.content.decode()
    assert "POLICECALLOUTS" in client_for(sw_fhlp).get(url).content.decode()
