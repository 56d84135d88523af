"""The Family Help assessment's services: start, draft saves, submit, authorise or return, and the
45-working-day timescale swept by the shared deadline sweeper."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import AuditEvent, ChronologyEntry, Deadline, Notification, Strand
from cases.services import StaleEdit, deadline_sweep
from cases.workdays import LONDON, Calendar
from family_help.models import Assessment, AssessmentStatus
from family_help.services.assessment import (
    DEADLINE_KIND,
    assessment_authorise,
    assessment_default_referral_date,
    assessment_due_on,
    assessment_return,
    assessment_save_draft,
    assessment_start,
    assessment_submit,
)
from tests.family_help.assessment_support import complete, referral_date_in_warning_window

pytestmark = pytest.mark.django_db


def _deadline(assessment: Assessment) -> Deadline:
    return Deadline.objects.get(kind=DEADLINE_KIND, target_type="family_help.assessment", target_id=str(assessment.pk))


# --- the timescale -------------------------------------------------------------------------------------------


def test_due_date_is_45_working_days_after_the_referral_across_christmas_bank_holidays():
    # Counted on the calendar by hand: from Wednesday 2 December 2026, skipping weekends, Christmas Day
    # (Friday 25th), the Boxing Day substitute (Monday 28th) and New Year's Day (Friday 1 January 2027).
    holidays = {dt.date(2026, 12, 25), dt.date(2026, 12, 28), dt.date(2027, 1, 1)}
    day, counted = dt.date(2026, 12, 1), 0
    while counted < 45:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    assert day == dt.date(2027, 2, 5)
    assert assessment_due_on(referral_date=dt.date(2026, 12, 1)) == dt.date(2027, 2, 5)
    # Without the three holidays it would be three working days sooner: they are really skipped.
    assert Calendar().working_days_between(dt.date(2026, 12, 2), dt.date(2027, 2, 5)) == 45


def test_starting_gives_the_due_date_and_a_deadline_for_the_lead_with_a_reminder(
    time_machine, led, vcs_fhlp, fh_manager
):
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON))  # the day after the referral
    assessment = assessment_start(family_case=led["case"], actor=fh_manager, referral_date=dt.date(2026, 12, 1))
    assert assessment.due_on == dt.date(2027, 2, 5)
    deadline = _deadline(assessment)
    assert deadline.assignee == vcs_fhlp  # the family's lead, not the manager who started it
    assert deadline.escalate_role == "manager"
    assert sorted(deadline.person_ids) == sorted([led["mia"].pk, led["leo"].pk])
    assert deadline.due_at == dt.datetime(2027, 2, 5, 17, 0, tzinfo=LONDON)
    # Reminder 5 working days before: Friday 29 January 2027.
    assert deadline.warn_at == dt.datetime(2027, 1, 29, 9, 0, tzinfo=LONDON)
    assert deadline.link == f"/family-help/assessments/{assessment.pk}/"


def test_without_a_lead_the_author_holds_the_deadline(family, sw_fhlp, fh_manager):
    from cases.models import LeadKind
    from cases.services import episode_set_lead

    for episode in family["episodes"].values():  # involved, but no Allocation row yet
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    assessment = assessment_start(family_case=family["case"], actor=sw_fhlp)
    assert _deadline(assessment).assignee == sw_fhlp


def test_the_sweep_reminds_once_and_records_the_breach_once_in_each_childs_chronology(
    time_machine, led, vcs_fhlp, fh_manager
):
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON))  # the day after the referral
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp, referral_date=dt.date(2026, 12, 1))
    deadline = _deadline(assessment)
    before_due = deadline.warn_at + dt.timedelta(hours=1)
    assert deadline_sweep(now=before_due) == {"warned": 1, "breached": 0}
    assert deadline_sweep(now=before_due + dt.timedelta(minutes=1)) == {"warned": 0, "breached": 0}
    reminders = Notification.objects.filter(kind=f"{DEADLINE_KIND}.due_soon")
    assert [n.user for n in reminders] == [vcs_fhlp]

    after_due = deadline.due_at + dt.timedelta(minutes=1)
    assert deadline_sweep(now=after_due) == {"warned": 0, "breached": 1}
    assert deadline_sweep(now=after_due + dt.timedelta(minutes=1)) == {"warned": 0, "breached": 0}
    overdue = Notification.objects.filter(kind=f"{DEADLINE_KIND}.overdue")
    assert sorted(n.user.email for n in overdue) == sorted([vcs_fhlp.email, fh_manager.email])
    for child in (led["mia"], led["leo"]):
        entries = ChronologyEntry.objects.filter(person=child, kind=f"{DEADLINE_KIND}.breached")
        assert entries.count() == 1
        assert entries.get().strand == Strand.FAMILY_HELP
        assert entries.get().significant
    assert AuditEvent.objects.filter(verb="deadline.breached", target_id=str(deadline.pk)).count() == 1


def test_authorising_meets_the_deadline_so_the_sweep_never_breaches_it(led, vcs_fhlp, fh_manager):
    assessment = complete(
        assessment_start(family_case=led["case"], actor=vcs_fhlp, referral_date=referral_date_in_warning_window()),
        vcs_fhlp,
    )
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    assessment_authorise(assessment=assessment, actor=fh_manager, authorised_on=timezone.localdate())
    assert _deadline(assessment).state == Deadline.State.MET
    assert deadline_sweep(now=timezone.now() + dt.timedelta(days=30)) == {"warned": 0, "breached": 0}


# --- start ----------------------------------------------------------------------------------------------------


def test_start_makes_one_section_per_current_child_from_their_episodes(led, vcs_fhlp):
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    sections = {s.person_id: s for s in assessment.children.all()}
    assert set(sections) == {led["mia"].pk, led["leo"].pk}
    assert sections[led["mia"].pk].episode == led["episodes"]["Mia"]
    # The front door opened the episodes today (no decision reachable here): that is the referral date.
    assert assessment.referral_date == led["episodes"]["Mia"].opened_on
    assert assessment.status == AssessmentStatus.DRAFT
    assert AuditEvent.objects.filter(verb="family_help.assessment.started", actor_id=vcs_fhlp.pk).exists()
    started = ChronologyEntry.objects.filter(kind="assessment_started", strand=Strand.FAMILY_HELP)
    assert sorted(started.values_list("person_id", flat=True)) == sorted([led["mia"].pk, led["leo"].pk])


def test_the_default_referral_date_is_the_front_door_decision_date(led, triage_officer, levels):
    """An episode opened by a front-door decision: the accepted contact's decision date is the referral date."""
    from front_door.models import Contact, Decision, Outcome

    received = timezone.now() - dt.timedelta(days=20)
    contact = Contact.objects.create(
        reference="TEST-ASSESS-1",
        received_at=received,
        decision_due_at=received,
        channel="phone",
        recorded_by=triage_officer,
        referrer_name="A teacher",
        worry="Hungry at school",
        consent="knows_and_agrees",
        source_code="2A",
    )
    decision = Decision.objects.create(
        contact=contact,
        outcome=Outcome.EARLY_HELP,
        level=levels["targeted_early_help"],
        rationale="Early help",
        decided_by=triage_officer,
        decided_at=received + dt.timedelta(days=1),
    )
    for episode in led["episodes"].values():
        type(episode).objects.filter(pk=episode.pk).update(
            source_type="front_door.decision", source_id=str(decision.pk)
        )
    assert assessment_default_referral_date(family_case=led["case"]) == timezone.localdate(decision.decided_at)


def test_a_second_assessment_is_refused_while_one_is_open(led, vcs_fhlp):
    assessment_start(family_case=led["case"], actor=vcs_fhlp)
    with pytest.raises(ValidationError, match="already has an assessment in progress"):
        assessment_start(family_case=led["case"], actor=vcs_fhlp)
    assert Assessment.objects.count() == 1


def test_a_referral_date_in_the_future_is_refused(led, vcs_fhlp):
    with pytest.raises(ValidationError) as exc:
        assessment_start(
            family_case=led["case"], actor=vcs_fhlp, referral_date=timezone.localdate() + dt.timedelta(days=1)
        )
    assert "referral_date" in exc.value.message_dict
    assert not Assessment.objects.exists()


def test_someone_not_working_with_the_family_cannot_start_one(family, vcs_fhlp):
    with pytest.raises(PermissionDenied):
        assessment_start(family_case=family["case"], actor=vcs_fhlp)  # not allocated: no involvement
    assert not Assessment.objects.exists()


# --- drafts ----------------------------------------------------------------------------------------------------


def test_a_draft_save_stores_the_text_and_moves_the_version(led, vcs_fhlp):
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    mia = assessment.children.get(person=led["mia"])
    saved = assessment_save_draft(
        assessment=assessment,
        actor=vcs_fhlp,
        expected_version=1,
        autosave=True,
        data={"housing": "Damp two-bedroom flat"},
        sections={mia.pk: {"child_voice": "I share a bed with Leo", "factors": ["4B"]}},
    )
    assert saved.version == 2 and saved.autosaved and saved.housing == "Damp two-bedroom flat"
    mia.refresh_from_db()
    assert mia.child_voice == "I share a bed with Leo" and mia.factors == ["4B"]
    assert AuditEvent.objects.filter(verb="family_help.assessment.autosaved", target_id=str(assessment.pk)).exists()


def test_a_stale_save_is_refused_and_the_other_persons_text_is_kept(led, vcs_fhlp, fh_manager):
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    assessment_save_draft(assessment=assessment, actor=fh_manager, expected_version=1, data={"risks": "Theirs"})
    with pytest.raises(StaleEdit) as exc:
        assessment_save_draft(assessment=assessment, actor=vcs_fhlp, expected_version=1, data={"risks": "Mine"})
    assert exc.value.current_version == 2
    assessment.refresh_from_db()
    assert assessment.risks == "Theirs" and assessment.version == 2


def test_an_unknown_factor_code_is_a_field_error_and_nothing_is_saved(led, vcs_fhlp):
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    leo = assessment.children.get(person=led["leo"])
    with pytest.raises(ValidationError) as exc:
        assessment_save_draft(
            assessment=assessment,
            actor=vcs_fhlp,
            expected_version=1,
            data={"risks": "Kept?"},
            sections={leo.pk: {"factors": ["4B", "99Z"], "primary_need": "N99"}},
        )
    errors = exc.value.message_dict
    assert "99Z" in errors[f"child-{leo.pk}-factors"][0]
    assert f"child-{leo.pk}-primary_need" in errors
    assessment.refresh_from_db()
    assert assessment.version == 1 and assessment.risks == ""


# --- submit, authorise, return --------------------------------------------------------------------------------------


def test_submitting_checks_analysis_outcome_each_childs_voice_and_factors(led, vcs_fhlp):
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    leo = assessment.children.get(person=led["leo"])
    mia = assessment.children.get(person=led["mia"])
    # Leo is four: his views could not be gathered in words, and that is recorded instead.
    assessment = assessment_save_draft(
        assessment=assessment,
        actor=vcs_fhlp,
        expected_version=1,
        data={},
        sections={
            leo.pk: {
                "voice_not_gathered_reason": "Leo is 4 and pre-verbal about this; observed at play.",
                "factors": ["21"],
            }
        },
    )
    with pytest.raises(ValidationError) as exc:
        assessment_submit(assessment=assessment, actor=vcs_fhlp)
    errors = exc.value.message_dict
    assert set(errors) == {"analysis", "outcome", f"child-{mia.pk}-child_voice", f"child-{mia.pk}-factors"}
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_submit_then_authorise_records_the_census_date_chronology_and_audit(led, vcs_fhlp, fh_manager):
    assessment = complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp)
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    assessment_authorise(assessment=assessment, actor=fh_manager, authorised_on=timezone.localdate())
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED
    assert assessment.authorised_on == timezone.localdate() and assessment.authorised_by == fh_manager
    for kind in ("assessment_started", "assessment_submitted", "assessment_authorised"):
        assert ChronologyEntry.objects.filter(kind=kind, person=led["mia"]).count() == 1, kind
        assert ChronologyEntry.objects.filter(kind=kind, person=led["leo"]).count() == 1, kind
    assert AuditEvent.objects.filter(verb="family_help.assessment.authorised", actor_id=fh_manager.pk).exists()
    # The team's manager was asked to authorise it.
    asked = Notification.objects.get(kind="family_help.assessment.submitted")
    assert asked.user == fh_manager and asked.link == f"/family-help/assessments/{assessment.pk}/authorise/"


def test_a_non_manager_cannot_authorise(led, vcs_fhlp):
    assessment = complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp)
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    with pytest.raises(PermissionDenied):
        assessment_authorise(assessment=assessment, actor=vcs_fhlp, authorised_on=timezone.localdate())
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


@pytest.mark.parametrize(("offset", "message"), [(1, "today or in the past"), (-1, "on or after the date")])
def test_the_authorisation_date_is_not_in_the_future_nor_before_the_start(led, vcs_fhlp, fh_manager, offset, message):
    assessment = complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp)
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    with pytest.raises(ValidationError) as exc:
        assessment_authorise(
            assessment=assessment, actor=fh_manager, authorised_on=timezone.localdate() + dt.timedelta(days=offset)
        )
    assert message in exc.value.message_dict["authorised_on"][0]


def test_a_manager_can_return_it_with_a_reason_and_it_can_be_edited_again(led, vcs_fhlp, fh_manager):
    assessment = complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp)
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    with pytest.raises(ValidationError, match="Say what needs to change"):
        assessment_return(assessment=assessment, actor=fh_manager, reason=" ")
    assessment_return(assessment=assessment, actor=fh_manager, reason="Say more about Leo's nursery")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.returned_reason == "Say more about Leo's nursery"
    assert Notification.objects.get(kind="family_help.assessment.returned").user == vcs_fhlp
    assessment_save_draft(
        assessment=assessment, actor=vcs_fhlp, expected_version=assessment.version, data={"analysis": "More about Leo"}
    )
    assert _deadline(assessment).state == Deadline.State.OPEN  # still running: not authorised yet
