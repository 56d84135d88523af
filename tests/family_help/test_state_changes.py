"""One way to change state (cases.services.state), on the assessment's declared TRANSITIONS and on a person's
version: a move the model does not declare is refused, a move from a state someone else already left is
refused with the state now, an edit on an old version is refused with the values now; nothing is written."""

import pytest

from cases.models import Person
from cases.services import (
    Conflict,
    InvalidTransition,
    MergeRefused,
    StaleEdit,
    compare_and_set,
    transition,
    versioned_update,
)
from family_help.models import Assessment, AssessmentStatus
from family_help.services.assessment import assessment_return, assessment_submit
from family_help.services.continuum import StaleContinuum
from front_door.services import AlreadyDecided
from tests.family_help.assessment_support import complete

pytestmark = pytest.mark.django_db


def test_every_refusal_of_a_state_change_is_a_conflict():
    for refusal in (StaleEdit, InvalidTransition, AlreadyDecided, MergeRefused, StaleContinuum):
        assert issubclass(refusal, Conflict)


def test_a_move_the_model_does_not_declare_is_refused_and_nothing_is_written(assessment):
    # Assessment.TRANSITIONS: a draft goes for authorisation; it is never authorised straight from draft.
    with pytest.raises(InvalidTransition, match="draft: it cannot be moved to authorised") as refused:
        transition(assessment, to=AssessmentStatus.AUTHORISED)
    assert refused.value.current == {"status": "draft"}
    assessment.refresh_from_db()
    assert (assessment.status, assessment.version) == (AssessmentStatus.DRAFT, 1)


def test_a_declared_move_from_the_state_read_happens_once_and_bumps_the_version(assessment):
    seen_by_a, seen_by_b = Assessment.objects.get(pk=assessment.pk), Assessment.objects.get(pk=assessment.pk)
    assert transition(seen_by_a, to=AssessmentStatus.SUBMITTED) == AssessmentStatus.DRAFT
    assert (seen_by_a.status, seen_by_a.version) == (AssessmentStatus.SUBMITTED, 2)
    # B read the draft too: the same move from the state B read is refused, with the state now.
    with pytest.raises(InvalidTransition, match="it is now submitted") as refused:
        transition(seen_by_b, to=AssessmentStatus.SUBMITTED)
    assert refused.value.current["status"] == AssessmentStatus.SUBMITTED
    assert Assessment.objects.get(pk=assessment.pk).version == 2


def test_a_transition_at_a_named_version_is_refused_once_the_version_moved(assessment):
    stale_version = assessment.version
    complete(assessment, assessment.author)  # saves the draft: the version moves on
    with pytest.raises(StaleEdit) as refused:
        transition(
            Assessment.objects.get(pk=assessment.pk), to=AssessmentStatus.SUBMITTED, expected_version=stale_version
        )
    assert refused.value.current_version == Assessment.objects.get(pk=assessment.pk).version
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT


def test_returning_reads_the_declared_transitions(assessment, vcs_fhlp, fh_manager):
    # Only a submitted assessment goes back to draft: returning a draft is refused as a conflict.
    with pytest.raises(InvalidTransition, match="Only an assessment submitted"):
        assessment_return(assessment=assessment, actor=fh_manager, reason="More on Leo")
    complete(assessment, vcs_fhlp)
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    seen = Assessment.objects.get(pk=assessment.pk)
    assessment_return(assessment=assessment, actor=fh_manager, reason="More on Leo")
    # A second manager's page still showed it submitted: their return is refused, not applied twice.
    with pytest.raises(InvalidTransition, match="it is now draft"):
        assessment_return(assessment=seen, actor=fh_manager, reason="Also the analysis")
    assert Assessment.objects.get(pk=assessment.pk).returned_reason == "More on Leo"


def test_an_edit_on_an_old_version_is_refused_with_the_values_now(make_person):
    person = make_person()
    seen = Person.objects.get(pk=person.pk)
    versioned_update(person, expected_version=1, changes={"preferred_name": "Millie"})
    assert person.version == 2 and person.preferred_name == "Millie"
    with pytest.raises(StaleEdit) as refused:
        versioned_update(seen, expected_version=1, changes={"preferred_name": "Amy"})
    assert refused.value.current_version == 2
    assert refused.value.current == {"version": 2, "preferred_name": "Millie"}
    assert (refused.value.model_name, refused.value.pk) == ("person", person.pk)
    assert Person.objects.get(pk=person.pk).preferred_name == "Millie"


def test_an_edit_of_a_row_no_longer_matching_its_condition_is_a_conflict_with_the_reason(assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    with pytest.raises(Conflict, match="no longer a draft") as refused:
        versioned_update(
            assessment,
            expected_version=1,
            changes={"risks": "Late"},
            where={"status": AssessmentStatus.DRAFT},
            refused="It is no longer a draft",
        )
    assert not isinstance(refused.value, StaleEdit)
    assert Assessment.objects.get(pk=assessment.pk).risks == ""


def test_compare_and_set_refuses_when_a_field_read_has_changed(make_person):
    person = make_person()
    seen = Person.objects.get(pk=person.pk)
    Person.objects.filter(pk=person.pk).update(preferred_name="Millie")
    with pytest.raises(Conflict) as refused:
        compare_and_set(seen, expect=["preferred_name"], changes={"upn": "A123456789012"})
    assert refused.value.current["preferred_name"] == "Millie"
    assert Person.objects.get(pk=person.pk).upn == ""


def test_a_hand_off_is_handled_once_whoever_saw_it_open(family, fh_manager):
    from cases.models import WorkRequest
    from cases.services import work_request_handle

    seen = WorkRequest.objects.get(pk=family["request"].pk)
    work_request_handle(
        request=family["request"], actor=fh_manager, status=WorkRequest.Status.DECLINED, reason="Not for Family Help"
    )
    with pytest.raises(InvalidTransition, match="it is now declined"):
        work_request_handle(request=seen, actor=fh_manager, status=WorkRequest.Status.ACCEPTED)
    assert WorkRequest.objects.get(pk=seen.pk).status == WorkRequest.Status.DECLINED
