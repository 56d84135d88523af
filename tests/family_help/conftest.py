"""Family Help fixtures (the personas and the family are in tests/conftest.py): the family with a lead
practitioner allocated or appointed through the services, the health visitor in its team, a started assessment,
and a started plan with two outcomes."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import LeadKind
from cases.services import episode_set_lead
from cases.services.plans import outcome_add, plan_start, taf_add
from family_help.services.allocation import allocation_create
from family_help.services.assessment import assessment_start
from tests.family_help.assessment_support import appoint_lead
from tests.family_help.plan_support import FAMILY_VIEWS, NOTES, WORKING_WELL, WORRIES


@pytest.fixture
def led_family(family, sw_fhlp, fh_manager):
    """The family with Sol (a social worker FHLP) as lead practitioner on both children's episodes, appointed by
    the team manager through the shared record's service (what allocation does)."""
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    return {**family, "lead": sw_fhlp}


@pytest.fixture
def plan(led_family):
    case, lead = led_family["case"], led_family["lead"]
    started = plan_start(
        family_case=case,
        actor=lead,
        data={
            "worries": WORRIES,
            "working_well": WORKING_WELL,
            "family_views": FAMILY_VIEWS,
            "professional_notes": NOTES,
            "next_review_on": timezone.localdate() + dt.timedelta(days=60),
        },
    )
    outcome_add(
        plan=started,
        actor=lead,
        data={
            "child": led_family["mia"],
            "what_will_be_different": "Mia goes to school every day and on time",
            "measure": "Attendance from the school register each half term",
            "scale_max": 10,
            "baseline": 3,
            "target": 9,
        },
    )
    outcome_add(
        plan=started,
        actor=lead,
        data={
            "child": led_family["leo"],
            "what_will_be_different": "Leo's bedtime routine is settled",
            "measure": "Nights a week in bed by 7.30, from Grace's diary",
            "scale_max": 10,
            "baseline": 2,
            "target": 8,
        },
    )
    started.refresh_from_db()
    return started


@pytest.fixture
def allocated(family, fh_manager, sw_fhlp):
    """Sol Social (a council social worker) allocated as the family's lead practitioner, as a manager does it."""
    allocation_create(work_request=family["request"], actor=fh_manager, lead=sw_fhlp, reason="Capacity")
    return family


@pytest.fixture
def taf_health(allocated, sw_fhlp, health_practitioner):
    """The health visitor in the team around the allocated family."""
    taf_add(family_case=allocated["case"], actor=sw_fhlp, user=health_practitioner, role="Health visitor")
    return health_practitioner


@pytest.fixture
def led(family, vcs_fhlp, fh_manager):
    """The family with Val Voluntary as lead practitioner, appointed the way allocation does it."""
    appoint_lead(family=family, lead=vcs_fhlp, manager=fh_manager)
    return family


@pytest.fixture
def assessment(led, vcs_fhlp):
    """The led family's assessment, just started by its lead practitioner."""
    return assessment_start(family_case=led["case"], actor=vcs_fhlp)


@pytest.fixture
def other_family_child(make_person):
    """A child in no family case the health practitioner joins."""
    return make_person(first="Zara", last="Other", dob=dt.date(2016, 2, 2))
