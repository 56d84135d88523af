"""Child protection fixtures (the personas and the Okafor-Lewis family are in tests/conftest.py): the MACPT with
members of four agencies (the LCPP and a police officer from the personas; a health and an education member made
here), a strategy-discussion request for Mia, and a discussion for Mia and Leo with the police and health present."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import AgencyType, InvolvementRole, LeadKind, Role, WorkRequest
from cases.services import (
    episode_change_level,
    episode_set_lead,
    involvement_add,
    team_member_add,
    work_request_create,
)
from cases.services.plans import plan_start
from macpt.services.strategy import strategy_attendee_add, strategy_discussion_start
from tests import personas
from tests.factories import UserFactory
from tests.macpt.support import START
from tests.personas import agency, team


@pytest.fixture
def macpt(db):
    return team("macpt")


@pytest.fixture
def health_member(macpt):
    """A named nurse for safeguarding in the MACPT."""
    user = UserFactory(
        email="nurse@example.test",
        full_name="Nia Nurse",
        agency=agency("health"),
        roles=[Role.MACPT_MEMBER],
    )
    team_member_add(team=macpt, user=user, actor=None)
    return user


@pytest.fixture
def education_member(macpt):
    """A school's designated safeguarding lead sitting in the MACPT."""
    user = UserFactory(
        email="edu@example.test", full_name="Ed Education", agency=agency("school"), roles=[Role.MACPT_MEMBER]
    )
    team_member_add(team=macpt, user=user, actor=None)
    return user


@pytest.fixture
def strategy_request(family, triage_officer):
    return work_request_create(
        kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
        person=family["mia"],
        actor=triage_officer,
        episode=family["episodes"]["Mia"],
        summary="Mia disclosed at school that mum's partner hit her with a belt.",
    )


@pytest.fixture
def discussion(family, lcpp, police_officer, health_member, macpt, strategy_request):
    """A discussion about Mia and Leo, started from the request, with the police officer and the nurse attending."""
    started = strategy_discussion_start(
        actor=lcpp,
        team=macpt,
        children=[family["mia"], family["leo"]],
        held_at=timezone.now() - dt.timedelta(hours=1),
        reason="Disclosure of physical abuse.",
        work_request=strategy_request,
    )
    for user in (police_officer, health_member):
        strategy_attendee_add(discussion=started, actor=lcpp, user=user)
    return started


def agency_type(user) -> str:
    return user.agency.type if user.agency_id else ""


__all__ = ["AgencyType", "agency_type"]


# --- conferences and plans (issue 14 items 4, 5, 11) ----------------------------------------------------------------
# The Okafor-Lewis family led by Sol Social, at child in need under the family's one plan from Monday 1 December 2025,
# then Mia at child protection with Lou Lead (the LCPP persona) leading her case, the MACPT involved, and an s47
# enquiry that needs a conference. The clock stands at that Monday 09:00 London (fixture `clock`, asked for first by
# cp_family) unless a test moves it.


@pytest.fixture
def clock():
    """The clock at Monday 1 December 2025, 09:00 London (the conference and plan tests: cp_family asks for it first,
    so the family's records are made on that day); a test moves it with `clock.move_to`."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def chair(council):
    """An LCPP who does not lead the family's case: chairs its conferences."""
    return UserFactory(agency=council, roles=[Role.LCPP], full_name="Cher Chair", email="chair@example.test")


@pytest.fixture
def macpt_team(db):
    return personas.team("macpt")


@pytest.fixture
def cp_family(clock, family, levels, sw_fhlp, fh_manager, lcpp, macpt_team):
    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
        episode_change_level(episode=episode, actor=sw_fhlp, level=levels["child_in_need"], reason="Assessed")
    plan = plan_start(family_case=family["case"], actor=sw_fhlp, data={"worries": "Mia's bruises"})
    mia_episode = family["episodes"]["Mia"]
    episode_change_level(episode=mia_episode, actor=sw_fhlp, level=levels["child_protection"], reason="Bruise")
    episode_set_lead(episode=mia_episode, actor=lcpp, user=lcpp, kind=LeadKind.LCPP)
    involvement_add(person=family["mia"], actor=lcpp, role=InvolvementRole.MACPT_MEMBER, team=macpt_team)
    return {**family, "plan": plan, "lead": sw_fhlp}


@pytest.fixture
def enquiry(cp_family, lcpp, macpt_team):
    """Mia's s47 enquiry, started at a strategy discussion on 2 December, whose outcome is that a conference is
    needed (written as the strategy area's records are: tests/macpt/oversight_support.py)."""
    from macpt.models import S47Enquiry
    from tests.macpt.oversight_support import s47

    made = s47(
        person=cp_family["mia"], team=macpt_team, lead=lcpp, start=dt.date(2025, 12, 2), icpc_on=dt.date(2025, 12, 23)
    )
    S47Enquiry.objects.filter(pk=made.pk).update(
        outcome=S47Enquiry.Outcome.CONFERENCE_NEEDED, outcome_date=dt.date(2025, 12, 10)
    )
    made.refresh_from_db()
    return made
