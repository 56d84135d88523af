"""Issue 14 item 3: the s47 enquiry. The ICPC target is 15 working days after the strategy discussion at which the
enquiry was started (Working Together 2023; the census's InitialCPCtarget), on the shared working-day calendar, the
discussion's day being day 0. The expected dates below are counted by hand on the calendar (England's bank holidays:
Christmas 2026 falls on a Friday and Boxing Day's substitute is Monday 28 December; Easter 2027 is 26 to 29 March;
the clocks go back on Sunday 25 October 2026)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import AuditEvent, ChronologyEntry, Deadline
from cases.services import deadline_sweep
from cases.workdays import LONDON
from macpt.models import S47Enquiry, StrategyChild
from macpt.services.enquiries import (
    ICPC_DEADLINE,
    s47_child_seen,
    s47_information_add,
    s47_information_update,
    s47_outcome_record,
)
from macpt.services.strategy import strategy_attendee_add, strategy_decide, strategy_discussion_start

pytestmark = pytest.mark.django_db


def _enquiry_after_discussion_on(when: dt.datetime, *, family, lcpp, macpt, police_officer, health_member, child="mia"):
    with time_machine.travel(when, tick=False):
        discussion = strategy_discussion_start(actor=lcpp, team=macpt, children=[family[child]], held_at=when)
        for user in (police_officer, health_member):
            strategy_attendee_add(discussion=discussion, actor=lcpp, user=user)
        row = StrategyChild.objects.select_related("discussion", "person").get(discussion=discussion)
        return strategy_decide(child=row, actor=lcpp, decision="s47_joint", reason="Disclosure")


@pytest.mark.parametrize(
    ("held_at", "target"),
    [
        # An ordinary Monday: three weeks later, the discussion's day not counted.
        (dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON), dt.date(2026, 3, 23)),
        # Across Christmas and New Year: 25 and 28 December and 1 January are not working days.
        (dt.datetime(2026, 12, 14, 11, 0, tzinfo=LONDON), dt.date(2027, 1, 7)),
        # Across Easter 2027: Good Friday and Easter Monday are not working days (the clocks also go forward).
        (dt.datetime(2027, 3, 19, 9, 30, tzinfo=LONDON), dt.date(2027, 4, 13)),
        # Across the clocks going back on 25 October 2026.
        (dt.datetime(2026, 10, 16, 16, 0, tzinfo=LONDON), dt.date(2026, 11, 6)),
        # An emergency discussion on a Saturday: Monday is the first working day counted.
        (dt.datetime(2026, 3, 7, 20, 0, tzinfo=LONDON), dt.date(2026, 3, 27)),
    ],
    ids=["ordinary", "christmas", "easter", "clocks_back", "saturday"],
)
def test_the_icpc_target_is_15_working_days_after_the_discussion(
    held_at, target, family, lcpp, macpt, police_officer, health_member
):
    enquiry = _enquiry_after_discussion_on(
        held_at, family=family, lcpp=lcpp, macpt=macpt, police_officer=police_officer, health_member=health_member
    )
    assert enquiry.start_date == held_at.date()
    assert enquiry.icpc_target == target
    deadline = Deadline.objects.get(kind=ICPC_DEADLINE, target_id=str(enquiry.pk))
    # Due by the end of the target day, London time (GMT or BST as the date has it).
    assert deadline.due_at == dt.datetime.combine(target, dt.time(17, 0), tzinfo=LONDON)
    assert deadline.person_ids == [family["mia"].pk] and deadline.assignee == lcpp
    assert deadline.link == reverse("macpt:s47", args=[enquiry.pk])
    assert "Mia" not in deadline.label


def test_the_target_counts_from_the_discussion_at_which_the_enquiry_started(
    family, lcpp, macpt, police_officer, health_member
):
    """Several discussions may precede one enquiry: the first decided no s47; the second, a week later, started it."""
    first_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    with time_machine.travel(first_at, tick=False):
        first = strategy_discussion_start(actor=lcpp, team=macpt, children=[family["mia"]], held_at=first_at)
        for user in (police_officer, health_member):
            strategy_attendee_add(discussion=first, actor=lcpp, user=user)
        row = StrategyChild.objects.select_related("discussion", "person").get(discussion=first)
        strategy_decide(child=row, actor=lcpp, decision="no_s47", next_step="family_help", reason="Below threshold")
    enquiry = _enquiry_after_discussion_on(
        dt.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON),
        family=family,
        lcpp=lcpp,
        macpt=macpt,
        police_officer=police_officer,
        health_member=health_member,
    )
    assert enquiry.started_at_discussion != first
    assert enquiry.icpc_target == dt.date(2026, 3, 30)


def test_a_child_with_an_open_enquiry_cannot_have_a_second_one(family, lcpp, macpt, police_officer, health_member):
    kwargs = {"family": family, "lcpp": lcpp, "macpt": macpt, "police_officer": police_officer}
    _enquiry_after_discussion_on(dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON), health_member=health_member, **kwargs)
    with pytest.raises(ValidationError) as refused:
        _enquiry_after_discussion_on(
            dt.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON), health_member=health_member, **kwargs
        )
    assert "already has an s47 enquiry, started on 02 March 2026" in refused.value.messages[0]
    assert S47Enquiry.objects.filter(person=family["mia"]).count() == 1


def test_an_outcome_without_a_conference_ends_the_enquiry_and_cancels_the_icpc_deadline(
    family, lcpp, macpt, police_officer, health_member
):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    enquiry = _enquiry_after_discussion_on(
        start, family=family, lcpp=lcpp, macpt=macpt, police_officer=police_officer, health_member=health_member
    )
    with time_machine.travel(start + dt.timedelta(days=7), tick=False):
        with pytest.raises(ValidationError) as refused:
            s47_outcome_record(
                enquiry=enquiry, actor=lcpp, outcome="not_substantiated", outcome_date=dt.date(2026, 3, 1), reason="x"
            )
        assert "outcome_date" in refused.value.message_dict
        s47_child_seen(enquiry=enquiry, actor=lcpp, seen_on=dt.date(2026, 3, 3))
        s47_outcome_record(
            enquiry=enquiry,
            actor=lcpp,
            outcome="not_substantiated",
            outcome_date=dt.date(2026, 3, 6),
            reason="Bruising explained by a fall",
        )
    enquiry.refresh_from_db()
    assert (enquiry.outcome, enquiry.outcome_date, enquiry.ended_on, enquiry.child_seen_on) == (
        "not_substantiated",
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 3),
    )
    assert Deadline.objects.get(kind=ICPC_DEADLINE, target_id=str(enquiry.pk)).state == Deadline.State.CANCELLED
    deadline_sweep(now=dt.datetime(2026, 3, 24, 9, 0, tzinfo=LONDON))
    assert Deadline.objects.get(kind=ICPC_DEADLINE, target_id=str(enquiry.pk)).breached_at is None
    assert ChronologyEntry.objects.filter(person=family["mia"], kind="s47.outcome", significant=True).exists()
    assert AuditEvent.objects.filter(verb="s47.outcome_recorded", actor_id=lcpp.pk).exists()


def test_conference_needed_keeps_the_icpc_deadline_which_breaches_once_if_no_conference_is_held(
    family, lcpp, macpt, police_officer, health_member
):
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    enquiry = _enquiry_after_discussion_on(
        start, family=family, lcpp=lcpp, macpt=macpt, police_officer=police_officer, health_member=health_member
    )
    with time_machine.travel(start + dt.timedelta(days=4), tick=False):
        s47_outcome_record(
            enquiry=enquiry,
            actor=lcpp,
            outcome="conference_needed",
            outcome_date=dt.date(2026, 3, 5),
            reason="Significant harm",
        )
    deadline = Deadline.objects.get(kind=ICPC_DEADLINE, target_id=str(enquiry.pk))
    assert deadline.state == Deadline.State.OPEN
    before, after = dt.datetime(2026, 3, 23, 16, 59, tzinfo=LONDON), dt.datetime(2026, 3, 23, 17, 1, tzinfo=LONDON)
    deadline_sweep(now=before)
    assert Deadline.objects.get(pk=deadline.pk).breached_at is None
    deadline_sweep(now=after)
    deadline_sweep(now=after + dt.timedelta(hours=1))
    assert Deadline.objects.get(pk=deadline.pk).breached_at == after
    breaches = ChronologyEntry.objects.filter(person=family["mia"], kind=f"{ICPC_DEADLINE}.breached")
    assert breaches.count() == 1


def test_the_agencies_information_is_tagged_by_source_and_only_its_agency_changes_it(
    family, lcpp, macpt, police_officer, health_member
):
    enquiry = _enquiry_after_discussion_on(
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON),
        family=family,
        lcpp=lcpp,
        macpt=macpt,
        police_officer=police_officer,
        health_member=health_member,
    )
    item = s47_information_add(enquiry=enquiry, actor=health_member, text="Seen at A&E in January.")
    assert item.tags == ["health"]
    with pytest.raises(ValidationError) as refused:
        s47_information_update(item=item, actor=police_officer, text="Edited by the police")
    assert "Only Test Community Health Trust can change" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.text == "Seen at A&E in January."


def test_only_an_lcpp_records_the_outcome(family, lcpp, macpt, police_officer, health_member):
    enquiry = _enquiry_after_discussion_on(
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON),
        family=family,
        lcpp=lcpp,
        macpt=macpt,
        police_officer=police_officer,
        health_member=health_member,
    )
    with (
        time_machine.travel(dt.datetime(2026, 3, 6, 10, 0, tzinfo=LONDON), tick=False),
        pytest.raises(PermissionDenied),
    ):
        s47_outcome_record(
            enquiry=enquiry,
            actor=police_officer,
            outcome="conference_needed",
            outcome_date=dt.date(2026, 3, 5),
            reason="x",
        )
    enquiry.refresh_from_db()
    assert enquiry.outcome == ""


def test_the_outcome_form_shows_the_reason_for_a_date_before_the_start(
    client, family, lcpp, macpt, police_officer, health_member
):
    enquiry = _enquiry_after_discussion_on(
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON),
        family=family,
        lcpp=lcpp,
        macpt=macpt,
        police_officer=police_officer,
        health_member=health_member,
    )
    client.force_login(lcpp)
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, 0, tzinfo=LONDON), tick=True):
        response = client.post(
            reverse("macpt:s47_outcome", args=[enquiry.pk]),
            {
                "outcome-outcome": "conference_needed",
                "outcome-outcome_date": "2026-02-27",
                "outcome-outcome_reason": "x",
            },
        )
    assert response.status_code == 200
    assert "The outcome is on or after the enquiry started (02 March 2026)" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.outcome == ""
