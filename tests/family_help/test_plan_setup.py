"""Fixtures shared by the plan's test modules (imported by them; no tests here): the family from conftest with
a lead practitioner appointed through the shared record's services, and a started plan with two outcomes."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AgencyType, LeadKind, Role
from cases.services import episode_set_lead
from family_help.services.plan import outcome_add, plan_start
from tests.factories import AgencyFactory, UserFactory

WORRIES = "Grace is worried about losing the flat and Mia has missed school."
WORKING_WELL = "Grace walks Leo to nursery every day."
FAMILY_VIEWS = "Grace says: 'we just need a bit of help to get back on track'."
NOTES = "Confidential: police log of an incident at the address in March."


@pytest.fixture(name="led_family")
def _led_family(family, sw_fhlp, fh_manager):
    """The family with Sol (a social worker FHLP) as lead practitioner on both children's episodes, appointed by
    the team manager through the shared record's service (what allocation does)."""
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    return {**family, "lead": sw_fhlp}


@pytest.fixture(name="plan")
def _plan(led_family):
    case, lead = led_family["case"], led_family["lead"]
    started = plan_start(family_case=case, actor=lead, data={
        "worries": WORRIES, "working_well": WORKING_WELL, "family_views": FAMILY_VIEWS, "professional_notes": NOTES,
        "next_review_on": timezone.localdate() + dt.timedelta(days=60)})
    outcome_add(plan=started, actor=lead, data={
        "child": led_family["mia"], "what_will_be_different": "Mia goes to school every day and on time",
        "measure": "Attendance from the school register each half term", "scale_max": 10, "baseline": 3,
        "target": 9})
    outcome_add(plan=started, actor=lead, data={
        "child": led_family["leo"], "what_will_be_different": "Leo's bedtime routine is settled",
        "measure": "Nights a week in bed by 7.30, from Grace's diary", "scale_max": 10, "baseline": 2, "target": 8})
    started.refresh_from_db()
    return started


@pytest.fixture(name="other_family_child")
def _other_family_child(make_person):
    """A child in no family case the health practitioner joins."""
    return make_person(first="Zara", last="Other", dob=dt.date(2016, 2, 2))


@pytest.fixture(name="referrer_only")
def _referrer_only(db):
    school = AgencyFactory(name="Plan Test School", type=AgencyType.EDUCATION)
    return UserFactory(email="dsl@plan.test", full_name="Dee Referrer", agency=school, roles=[Role.PARTNER_REFERRER])
