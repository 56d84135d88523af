"""Front-door rules, through the services: contacts, information requests, decisions and next steps."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import ChronologyEntry, Deadline, Episode, Notification, WorkRequest
from cases.services import InvalidTransition, deadline_sweep
from front_door.models import Contact, ContactStatus, Decision
from front_door.services import (
    AlreadyDecided,
    contact_create,
    decision_record,
    decision_signoff,
    information_request_respond,
    information_request_send,
)
from tests.front_door.support import CONTACT

pytestmark = pytest.mark.django_db


def test_contact_is_due_the_next_working_day_and_has_a_deadline(triage_officer, new_contact):
    received = dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC)  # a Friday
    contact = new_contact(triage_officer, received_at=received)
    assert contact.decision_due_at == dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)
    deadline = Deadline.objects.get(kind="front_door.decision", target_id=str(contact.pk))
    assert deadline.due_at == contact.decision_due_at and deadline.state == "open"
    assert contact.reference.startswith("C")


def test_consent_not_sought_needs_a_reason(triage_officer, new_contact):
    with pytest.raises(ValidationError) as exc:
        new_contact(triage_officer, consent="not_sought_risk")
    assert "consent_override_reason" in exc.value.message_dict
    contact = new_contact(
        triage_officer,
        consent="not_sought_risk",
        consent_override_reason="Telling the parent may put the child at risk",
    )
    assert contact.consent == "not_sought_risk"


def test_unknown_child_is_allowed_only_with_a_description_and_is_flagged(triage_officer, new_contact):
    with pytest.raises(ValidationError, match="description"):
        new_contact(triage_officer, children=[{}])
    contact = new_contact(triage_officer, children=[{"description": "A boy of about 8 seen begging at the station"}])
    assert contact.no_identifiable_child is True


def test_invalid_source_code_and_future_receipt_are_field_errors(triage_officer, new_contact):
    with pytest.raises(ValidationError) as exc:
        new_contact(triage_officer, source_code="ZZ", received_at=timezone.now() + dt.timedelta(days=1))
    assert {"source_code", "received_at"} <= set(exc.value.message_dict)
    assert Contact.objects.count() == 0


def test_same_idempotency_key_creates_one_contact(triage_officer):

    children = [{"given_first_name": "Ben", "given_last_name": "Cole"}]
    first, created = contact_create(actor=triage_officer, data=CONTACT, children=children, idempotency_key="k-1")
    again, created_again = contact_create(actor=triage_officer, data=CONTACT, children=children, idempotency_key="k-1")
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert Contact.objects.count() == 1


def test_information_request_goes_to_that_agency_only_and_its_answer_reaches_the_contact(
    triage_officer, police_officer, school_dsl, new_contact
):
    contact = new_contact(triage_officer)
    request = information_request_send(
        contact=contact,
        actor=triage_officer,
        agency=police_officer.agency,
        question="Any domestic abuse call-outs at the address?",
    )
    assert Notification.objects.filter(user=police_officer, kind="information_request.received").count() == 1
    assert not Notification.objects.filter(user=school_dsl).exists()
    with pytest.raises(PermissionDenied):
        information_request_respond(request=request, actor=school_dsl, response="Nothing")
    request.refresh_from_db()
    assert (request.status, request.response, request.responded_by) == ("open", "", None)
    information_request_respond(request=request, actor=police_officer, response="Two call-outs in October.")
    request.refresh_from_db()
    assert request.status == "answered" and request.responded_by == police_officer
    assert Deadline.objects.get(kind="front_door.information_request").state == "met"
    with pytest.raises(InvalidTransition, match="already"):
        information_request_respond(request=request, actor=police_officer, response="again")


def test_decision_needs_rationale_and_a_level_the_outcome_allows(triage_officer, new_contact, make_person, levels):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    with pytest.raises(ValidationError) as exc:
        decision_record(contact=contact, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="")
    assert "rationale" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        decision_record(
            contact=contact, actor=triage_officer, outcome=2, level=levels["targeted_early_help"], rationale="Bruising"
        )
    assert "cannot be recorded" in exc.value.message_dict["level"][0]
    assert Decision.objects.count() == 0


def test_a_decision_opening_work_needs_every_child_matched(triage_officer, new_contact, levels):
    contact = new_contact(triage_officer)  # child given by name only
    with pytest.raises(ValidationError, match="Match every child"):
        decision_record(
            contact=contact,
            actor=triage_officer,
            outcome=3,
            level=levels["child_in_need"],
            rationale="Needs assessment",
        )


def test_child_in_need_opens_an_episode_and_a_family_help_request_and_tells_the_referrer(
    school_dsl, triage_officer, make_person, levels
):

    child = make_person()
    contact, _ = contact_create(
        actor=school_dsl, data=CONTACT, children=[{"given_first_name": "Amelia", "given_last_name": "Hartley"}]
    )
    assert contact.referrer_user == school_dsl and contact.channel == "partner_form"
    from front_door.services import contact_child_link

    contact_child_link(contact_child=contact.children.get(), person=child, actor=triage_officer)
    decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=3,
        level=levels["child_in_need"],
        rationale="Unexplained bruising; parents engaging",
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED and contact.is_referral
    episode = Episode.objects.get(person=child)
    assert episode.levels.get(ended_at__isnull=True).level.code == "child_in_need"
    kinds = set(WorkRequest.objects.filter(person=child).values_list("kind", flat=True))
    assert kinds == {"family_help_allocation", "fgdm_offer"}
    note = Notification.objects.get(user=school_dsl, kind="referral.outcome")
    assert "assess what help the family needs" in note.body
    assert "bruising" not in note.body.lower()
    strands = set(ChronologyEntry.objects.filter(person=child).values_list("strand", flat=True))
    assert {"front_door", "record"} <= strands


def test_strategy_discussion_tasks_the_lcpps_at_once_and_the_rest_waits_for_signoff(
    triage_officer, front_door_manager, lcpp, new_contact, make_person, levels
):
    child = make_person()
    contact = new_contact(triage_officer, children=[{"person": child}])
    decision = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=2,
        level=levels["child_protection"],
        rationale="Disclosure of physical abuse",
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SIGNOFF
    # Protection does not wait (issue 13 item 2); the FGDM offer does.
    assert list(child.work_requests.values_list("kind", flat=True)) == ["strategy_discussion"]
    assert Notification.objects.filter(user=front_door_manager, kind="decision.signoff_needed").exists()
    with pytest.raises(PermissionDenied):
        decision_signoff(decision=decision, actor=triage_officer, agreed=True)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SIGNOFF
    decision_signoff(decision=decision, actor=front_door_manager, agreed=True)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert WorkRequest.objects.filter(person=child, kind="strategy_discussion").exists()
    assert Episode.objects.get(person=child).levels.get(ended_at__isnull=True).level.code == "child_protection"
    assert Notification.objects.filter(user=lcpp, kind="work_request.strategy_discussion").count() == 1


def test_second_decision_is_refused_unless_it_is_an_explicit_change(triage_officer, new_contact, make_person, levels):
    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    first = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=7,
        level=levels["targeted_early_help"],
        rationale="Family asking for help",
    )
    with pytest.raises(AlreadyDecided):
        decision_record(
            contact=contact, actor=triage_officer, outcome=3, level=levels["child_in_need"], rationale="More worrying"
        )
    assert list(Decision.objects.filter(contact=contact)) == [first]
    second = decision_record(
        contact=contact,
        actor=triage_officer,
        outcome=3,
        level=levels["child_in_need"],
        rationale="Police information changes the picture",
        change_reason="New information",
    )
    assert second.supersedes == first
    assert Decision.objects.filter(contact=contact).count() == 2
    # The episode stepped up; it was not duplicated.
    assert Episode.objects.filter(person=contact.children.get().person).count() == 1


def test_decisions_are_append_only_in_the_database(triage_officer, new_contact, make_person, levels):
    from django.db import DatabaseError, transaction

    contact = new_contact(triage_officer, children=[{"person": make_person()}])
    decision = decision_record(
        contact=contact, actor=triage_officer, outcome=7, level=levels["targeted_early_help"], rationale="Help"
    )
    # The application role holds no UPDATE grant on the table (cases.database_roles); the trigger refuses even those
    # who do (tests/test_database_roles.py).
    with pytest.raises(DatabaseError, match="permission denied for table front_door_decision"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(rationale="rewritten")
    decision.refresh_from_db()
    assert decision.rationale == "Help"


def test_overdue_contact_alerts_the_manager_once_and_records_a_breach(
    triage_officer, front_door_manager, new_contact, make_person
):
    child = make_person()
    contact = new_contact(
        triage_officer, children=[{"person": child}], received_at=dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
    )
    after = contact.decision_due_at + dt.timedelta(minutes=1)
    assert deadline_sweep(now=after)["breached"] == 1
    assert deadline_sweep(now=after + dt.timedelta(minutes=1))["breached"] == 0
    assert Notification.objects.filter(user=front_door_manager, kind="front_door.decision.overdue").count() == 1
    assert (
        ChronologyEntry.objects.filter(person=child, kind="front_door.decision.breached", strand="front_door").count()
        == 1
    )


def test_breach_is_recorded_on_the_contact(triage_officer, front_door_manager, new_contact):
    contact = new_contact(triage_officer, received_at=dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC))
    deadline_sweep(now=contact.decision_due_at + dt.timedelta(minutes=1))
    contact.refresh_from_db()
    assert contact.breached is True


def test_dashboard_timeliness_counts_each_period_from_its_own_start_and_ignores_older_history(
    triage_officer, new_contact
):
    from front_door.selectors import dashboard_figures

    london = timezone.get_default_timezone()

    def contact(received: dt.datetime, decided_after: dt.timedelta | None = None, *, late: bool = False):
        made = new_contact(triage_officer, received_at=received)
        if late:
            Contact.objects.filter(pk=made.pk).update(
                status=ContactStatus.DECIDED, decided_at=made.decision_due_at + dt.timedelta(hours=1)
            )
        elif decided_after is not None:
            Contact.objects.filter(pk=made.pk).update(
                status=ContactStatus.DECIDED, decided_at=made.received_at + decided_after
            )
        return made

    # Wednesday 25 November 2026, 15:00: the week began on Monday 23rd, the month on 1 November, the quarter
    # on 1 October.
    now = dt.datetime(2026, 11, 25, 15, 0, tzinfo=london)
    contact(dt.datetime(2026, 9, 30, 10, 0, tzinfo=london), late=True)  # last quarter: in no figure
    contact(dt.datetime(2026, 10, 5, 10, 0, tzinfo=london), dt.timedelta(hours=1))  # quarter: on time
    contact(dt.datetime(2026, 11, 3, 10, 0, tzinfo=london), late=True)  # month and quarter: late
    contact(dt.datetime(2026, 11, 23, 10, 0, tzinfo=london))  # this week: still open, overdue since Tuesday 10:00
    contact(dt.datetime(2026, 11, 23, 11, 0, tzinfo=london), dt.timedelta(hours=1))  # this week: on time
    contact(dt.datetime(2026, 11, 25, 14, 0, tzinfo=london))  # today: not due until tomorrow

    figures = dashboard_figures(now=now)

    assert (figures["contacts_today"], figures["contacts_week"]) == (1, 3)
    assert figures["timeliness"]["week"] == {"due": 2, "on_time": 1, "percent": 50.0}
    assert figures["timeliness"]["month"] == {"due": 3, "on_time": 1, "percent": 33.3}
    assert figures["timeliness"]["quarter"] == {"due": 4, "on_time": 2, "percent": 50.0}
    assert [c.received_at.date() for c in figures["overdue"]] == [dt.date(2026, 11, 23)]
