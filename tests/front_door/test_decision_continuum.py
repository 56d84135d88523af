"""Issue 13 items 2, 3, 5 and 8, through the services: sign-off does not hold up protection, timeliness counts only
a decision that stands, a decision never lowers a child's level, and a referral is what the census says it is."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, CinReferral, Deadline, Episode, Notification, WorkRequest
from cases.services import deadline_sweep, episode_current_level, episode_open, episode_set_lead
from cases.workdays import LONDON, Calendar
from front_door.models import Contact, ContactStatus, FrontDoorSettings
from front_door.selectors import Clock, contacts_referred, dashboard_figures
from front_door.services import DECISION_DEADLINE, SIGNOFF_DEADLINE, decision_record, decision_signoff

pytestmark = pytest.mark.django_db


def _requests(child, **filters):
    return WorkRequest.objects.filter(person=child, **filters)


def _strategy(contact, triage_officer, levels, outcome=2):
    return decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=outcome,
        level=levels["child_protection"],
        rationale="Disclosure of physical abuse",
    )


# --- item 2: manager sign-off does not hold up protection ------------------------------------------------


def test_signoff_does_not_hold_up_the_strategy_discussion_or_the_lcpps_alert(
    school_dsl, triage_officer, front_door_manager, lcpp, new_contact, make_person, levels
):
    child = make_person()
    contact = new_contact(school_dsl, children=[{"person": child}])
    decision = _strategy(contact, triage_officer, levels)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SIGNOFF
    # The safety actions went at once ...
    strategy = _requests(child, kind="strategy_discussion").get()
    assert strategy.status == WorkRequest.Status.OPEN and strategy.source_id == str(decision.pk)
    assert Notification.objects.filter(user=lcpp, kind="work_request.strategy_discussion").count() == 1
    assert episode_current_level(Episode.objects.get(person=child)).code == "child_protection"
    # ... the rest waits for the manager.
    assert not _requests(child, kind="fgdm_offer").exists()
    assert not Notification.objects.filter(user=school_dsl, kind="referral.outcome").exists()
    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    assert _requests(child, kind="strategy_discussion").count() == 1  # not made twice
    # No FGDM offer at a strategy-discussion outcome (issue 15): the discussion is the decision point that offers it.
    assert not _requests(child, kind="fgdm_offer").exists()
    assert Notification.objects.filter(user=lcpp, kind="work_request.strategy_discussion").count() == 1
    assert Notification.objects.filter(user=school_dsl, kind="referral.outcome").count() == 1


def test_immediate_protection_under_signoff_creates_the_emergency_action_at_once(
    triage_officer, lcpp, new_contact, make_person, levels
):
    settings = FrontDoorSettings.current()
    settings.signoff_outcomes = [1, 2, 8]
    settings.save()
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    _strategy(contact, triage_officer, levels, outcome=1)
    assert set(_requests(child).values_list("kind", flat=True)) == {"emergency_action", "strategy_discussion"}
    assert Notification.objects.filter(user=lcpp, kind="work_request.emergency_action").count() == 1


def test_signoff_has_its_own_due_time_a_reminder_and_a_breach_for_the_managers(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = _strategy(contact, triage_officer, levels)
    deadline = Deadline.objects.get(kind=SIGNOFF_DEADLINE, target_id=str(decision.pk), state="open")
    calendar = Calendar.from_database()
    assert deadline.due_at == calendar.add_working_hours(decision.decided_at, 4)
    assert decision.decided_at < deadline.warn_at < deadline.due_at
    deadline_sweep(now=deadline.warn_at + dt.timedelta(seconds=1))
    assert Notification.objects.filter(user=front_door_manager, kind=f"{SIGNOFF_DEADLINE}.due_soon").count() == 1
    deadline_sweep(now=deadline.due_at + dt.timedelta(seconds=1))
    assert Notification.objects.filter(user=front_door_manager, kind=f"{SIGNOFF_DEADLINE}.overdue").count() == 1
    assert not Notification.objects.filter(user=triage_officer, kind__startswith=SIGNOFF_DEADLINE).exists()


def test_signoff_meets_its_deadline(triage_officer, front_door_manager, new_contact, make_person, levels):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = _strategy(contact, triage_officer, levels)
    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    assert Deadline.objects.get(kind=SIGNOFF_DEADLINE, target_id=str(decision.pk)).state == "met"


def test_a_returned_decision_leaves_the_requests_open_and_tells_the_lcpps(
    triage_officer, front_door_manager, lcpp, new_contact, make_person, levels
):
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    decision = _strategy(contact, triage_officer, levels)
    decision_signoff(decision=decision, actor=front_door_manager, agreed=False, comment="Not s47: a CIN assessment")
    assert list(_requests(child).values_list("kind", "status")) == [("strategy_discussion", "open")]
    told = Notification.objects.get(user=lcpp, kind="decision.returned")
    # The link opens the request that stays open, where the LCPP closes it with a reason (issue 13 item 1).
    request = _requests(child).get()
    assert contact.reference in told.title and told.link == f"/cases/work-requests/{request.pk}/"
    assert AuditEvent.objects.filter(verb="decision.returned").exists()


# --- item 3: timeliness tells the truth -----------------------------------------------------------------


def test_a_returned_decision_reopens_the_clock(triage_officer, front_door_manager, new_contact, make_person, levels):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=8,
        level=levels["universal"],
        rationale="Nothing for us",
        advice="Signposted",
    )
    contact.refresh_from_db()
    # Awaiting sign-off: not decided yet, the clock runs.
    assert contact.decided_at is None
    assert Deadline.objects.get(kind=DECISION_DEADLINE, target_id=str(contact.pk)).state == "open"
    decision_signoff(decision=decision, actor=front_door_manager, agreed=False, comment="Ask the school nurse first")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_TRIAGE and contact.decided_at is None
    assert Deadline.objects.get(kind=DECISION_DEADLINE, target_id=str(contact.pk)).state == "open"
    assert Clock().contact_rag(contact) is not None
    later = contact.decision_due_at + dt.timedelta(hours=1)
    assert dashboard_figures(now=later)["timeliness"]["week"]["on_time"] == 0
    assert [c.pk for c in dashboard_figures(now=later)["overdue"]] == [contact.pk]
    deadline_sweep(now=later)
    contact.refresh_from_db()
    assert contact.breached


def test_an_agreed_decision_is_decided_when_it_was_agreed(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = _strategy(contact, triage_officer, levels)
    before = timezone.now()
    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED and contact.decided_at >= before
    assert Deadline.objects.get(kind=DECISION_DEADLINE, target_id=str(contact.pk)).state == "met"


def test_the_reminder_counts_working_hours(triage_officer, new_contact):
    # Received on Friday 20 November 2026 at 00:30: due Monday 00:30. Two working hours before that is Friday 22:30
    # (the weekend does not count), not Sunday 22:30.
    contact = new_contact(triage_officer, received_at=dt.datetime(2026, 11, 20, 0, 30, tzinfo=LONDON))
    deadline = Deadline.objects.get(kind=DECISION_DEADLINE, target_id=str(contact.pk))
    assert deadline.due_at == dt.datetime(2026, 11, 23, 0, 30, tzinfo=LONDON)
    assert deadline.warn_at == dt.datetime(2026, 11, 20, 22, 30, tzinfo=LONDON)


# --- item 5: a front-door decision never lowers a child's level -------------------------------------------


def test_a_lower_decision_leaves_the_level_and_tells_the_lead(triage_officer, lcpp, new_contact, make_person, levels):
    child = make_person()
    episode = episode_open(person=child, actor=triage_officer, level=levels["child_protection"], reason="s47")
    episode_set_lead(episode=episode, actor=triage_officer, user=lcpp, kind="lcpp")
    contact = new_contact(triage_officer, children=[{"person": child}])
    decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=7,
        level=levels["targeted_early_help"],
        rationale="School asks for parenting support",
    )
    assert episode_current_level(episode).code == "child_protection"
    assert not episode.levels.filter(level__code="targeted_early_help").exists()
    assert not _requests(child, kind="family_help_allocation").exists()  # the lead decides, not the front door
    entry = ChronologyEntry.objects.get(person=child, kind="decision_for_lead")
    assert contact.reference in entry.summary and entry.link == f"/front-door/contacts/{contact.pk}/"
    told = Notification.objects.get(user=lcpp, kind="decision.for_lead")
    assert told.link == f"/front-door/contacts/{contact.pk}/"


# --- item 8: census meaning -------------------------------------------------------------------------------


def test_early_help_and_no_further_action_are_contacts_not_referrals(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    early = new_contact(triage_officer, children=[{"person": make_person()}])
    decision_record(contact=early, actor=triage_officer, outcome=7, level=levels["targeted_early_help"], rationale="x")
    nfa = new_contact(triage_officer, children=[{"person": make_person(first="Bo")}])
    signed = decision_record(
        contact=nfa, actor=triage_officer, outcome=8, level=levels["universal"], rationale="x", advice="Advice"
    )
    decision_signoff(decision=signed, actor=front_door_manager, agreed=True)
    for contact in (early, nfa):
        contact = Contact.objects.get(pk=contact.pk)
        assert contact.status == ContactStatus.DECIDED and not contact.is_referral
    assert not contacts_referred().exists()
    assert not CinReferral.objects.exists()


def test_a_referral_opens_the_census_referral_dated_when_the_contact_was_received(
    triage_officer, new_contact, make_person, levels
):
    child = make_person()
    received = timezone.now() - dt.timedelta(days=3)
    contact = new_contact(triage_officer, children=[{"person": child}], received_at=received, source_code="3A")
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="CIN"
    )
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.is_referral and list(contacts_referred()) == [contact]
    referral = CinReferral.objects.get(person=child)
    assert referral.referral_date == received.astimezone(LONDON).date()
    assert (referral.source_code, referral.source_type, referral.source_id) == (
        "3A",
        "front_door.decision",
        str(decision.pk),
    )
    assert referral.episode == Episode.objects.get(person=child) and referral.is_open


def test_a_referral_changed_to_no_further_action_is_closed_nfa(
    triage_officer, front_door_manager, new_contact, make_person, levels
):
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    decision_record(contact=contact, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="CIN")
    change = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=8,
        level=levels["universal"],
        rationale="Police information: unfounded",
        advice="Advice given",
        change_reason="Unfounded",
    )
    # Until the manager agrees, the referral stands.
    assert Contact.objects.get(pk=contact.pk).is_referral and CinReferral.objects.get(person=child).is_open
    decision_signoff(decision=change, actor=front_door_manager, agreed=True)
    assert not Contact.objects.get(pk=contact.pk).is_referral
    referral = CinReferral.objects.get(person=child)
    assert (referral.closed_on, referral.nfa, referral.closure_reason) == (timezone.localdate(), True, "RC7")


def test_a_decision_changed_before_signoff_leaves_its_requests_open_and_tells_the_lcpps(
    triage_officer, front_door_manager, lcpp, new_contact, make_person, levels
):
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    first = _strategy(contact, triage_officer, levels)
    decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=3,
        level=levels["child_in_need"],
        rationale="Police: the injury was accidental",
        change_reason="New information",
    )
    assert list(_requests(child, kind="strategy_discussion").values_list("status", flat=True)) == ["open"]
    told = Notification.objects.get(user=lcpp, kind="decision.returned")
    assert "changed before the manager signed it off" in told.title
    assert Deadline.objects.get(kind=SIGNOFF_DEADLINE, target_id=str(first.pk)).state == "cancelled"


def test_a_change_waiting_for_signoff_does_not_put_a_decided_contact_back_on_the_clock(
    triage_officer, new_contact, make_person, levels
):
    from front_door.selectors import contact_queue, queue_counts, queue_rows

    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision_record(contact=contact, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="CIN")
    decided_at = Contact.objects.get(pk=contact.pk).decided_at
    decision_record(  # a change to outcome 2: sign-off needed
        contact=contact,
        actor=triage_officer,
        outcome=2,
        level=levels["child_protection"],
        rationale="Police disclosure",
        change_reason="New information",
    )
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.status == ContactStatus.AWAITING_SIGNOFF and contact.decided_at == decided_at
    later = contact.decision_due_at + dt.timedelta(hours=1)
    assert Clock(later).contact_rag(contact) is None
    [row] = queue_rows(contact_queue(user=triage_officer), now=later)
    assert row.rag == ""
    assert queue_counts(user=triage_officer)["awaiting_signoff"] == 1
    assert dashboard_figures(now=later)["overdue"] == []


def test_no_further_action_about_a_child_in_need_leaves_the_level_and_tells_the_lead(
    triage_officer, front_door_manager, sw_fhlp, new_contact, make_person, levels
):
    child = make_person()
    episode = episode_open(person=child, actor=triage_officer, level=levels["child_in_need"], reason="Assessment")
    episode_set_lead(episode=episode, actor=triage_officer, user=sw_fhlp, kind="fhlp")
    contact = new_contact(triage_officer, children=[{"person": child}])
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=8, level=levels["universal"], rationale="x", advice="Advice"
    )
    assert not Notification.objects.filter(user=sw_fhlp, kind="decision.for_lead").exists()  # not standing yet
    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    assert episode_current_level(episode).code == "child_in_need"
    assert Notification.objects.filter(user=sw_fhlp, kind="decision.for_lead").count() == 1
    assert AuditEvent.objects.filter(verb="episode.level_kept", target_id=str(episode.pk)).exists()
