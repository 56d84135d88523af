"""Issue 13 item 9, the assessment: authorising a child-in-need assessment needs each child's primary need code
(N0-N9); assessment factor 21 ("no factors identified") is never combined with another; a manager does not
authorise an assessment they wrote; a re-assessment, and an assessment after a step-up, runs its own
45-working-day clock from its own start."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import EpisodeLevel, Role
from cases.workdays import Calendar
from family_help.models import AssessmentStatus
from family_help.services.assessment import (
    TIMESCALE_WORKING_DAYS,
    assessment_authorise,
    assessment_save_draft,
    assessment_start,
    assessment_submit,
)
from family_help.services.continuum import continuum_change_level
from tests.factories import UserFactory
from tests.family_help.assessment_support import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_manager(council):
    return UserFactory(
        email="second.manager@example.test", full_name="Sam Second", agency=council, roles=[Role.MANAGER]
    )


def _as_child_in_need(assessment, actor, primary_need: str = ""):
    sections = {s.pk: {"primary_need": primary_need} for s in assessment.children.all()}
    return assessment_save_draft(
        assessment=assessment,
        actor=actor,
        expected_version=assessment.version,
        data={"outcome": "cin"},
        sections=sections,
    )


def _opened_weeks_ago(family, weeks: int = 9) -> dt.date:
    day = timezone.localdate() - dt.timedelta(weeks=weeks)
    for episode in family["episodes"].values():
        type(episode).objects.filter(pk=episode.pk).update(opened_on=day)
        EpisodeLevel.objects.filter(episode=episode).update(started_at=timezone.now() - dt.timedelta(weeks=weeks))
    return day


def test_a_child_in_need_assessment_is_not_authorised_without_each_childs_primary_need(led, vcs_fhlp, fh_manager):
    assessment = _as_child_in_need(
        complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp), vcs_fhlp
    )
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    with pytest.raises(ValidationError) as info:
        assessment_authorise(assessment=assessment, actor=fh_manager)
    sections = {s.person.first_name: s.pk for s in assessment.children.select_related("person")}
    assert set(info.value.message_dict) == {f"child-{pk}-primary_need" for pk in sections.values()}
    assert "primary need" in info.value.message_dict[f"child-{sections['Mia']}-primary_need"][0]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_a_child_in_need_assessment_with_primary_needs_is_authorised(led, vcs_fhlp, fh_manager):
    assessment = _as_child_in_need(
        complete(assessment_start(family_case=led["case"], actor=vcs_fhlp), vcs_fhlp), vcs_fhlp, "N1"
    )
    assessment_submit(assessment=assessment, actor=vcs_fhlp)
    assessment_authorise(assessment=assessment, actor=fh_manager)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED


def test_factor_21_cannot_be_combined_with_another_factor(led, vcs_fhlp):
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    section = assessment.children.first()
    with pytest.raises(ValidationError) as info:
        assessment_save_draft(
            assessment=assessment,
            actor=vcs_fhlp,
            expected_version=assessment.version,
            data={},
            sections={section.pk: {"factors": ["21", "4B"]}},
        )
    assert "21" in info.value.message_dict[f"child-{section.pk}-factors"][0]
    section.refresh_from_db()
    assert section.factors == []


def test_a_manager_does_not_authorise_an_assessment_they_wrote(led, fh_manager, other_manager):
    assessment = complete(assessment_start(family_case=led["case"], actor=fh_manager), fh_manager)
    assessment_submit(assessment=assessment, actor=fh_manager)
    with pytest.raises(ValidationError) as info:
        assessment_authorise(assessment=assessment, actor=fh_manager)
    assert "another manager" in " ".join(info.value.messages)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assessment_authorise(assessment=assessment, actor=other_manager)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AUTHORISED


def test_a_reassessment_runs_its_own_clock_from_its_own_start(led, vcs_fhlp, fh_manager):
    opened = _opened_weeks_ago(led)
    first = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    assert first.referral_date == opened
    assessment_submit(assessment=complete(first, vcs_fhlp), actor=vcs_fhlp)
    assessment_authorise(assessment=first, actor=fh_manager)
    again = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    today = timezone.localdate()
    assert again.referral_date == today
    assert again.due_on == Calendar.from_database().add_working_days(today, TIMESCALE_WORKING_DAYS)


def test_an_assessment_after_a_step_up_runs_its_clock_from_the_step_up(led, vcs_fhlp):
    _opened_weeks_ago(led)
    continuum_change_level(
        family_case=led["case"],
        actor=vcs_fhlp,
        children=[led["mia"]],
        to="child_in_need",
        reason="Needs grew",
        referral_source="8",
    )
    assessment = assessment_start(family_case=led["case"], actor=vcs_fhlp)
    assert assessment.referral_date == timezone.localdate()
