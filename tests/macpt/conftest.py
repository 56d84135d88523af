"""Child protection fixtures (the personas and the Okafor-Lewis family are in tests/conftest.py): the MACPT with
members of four agencies (the LCPP and a police officer from the personas; a health and an education member made
here), a strategy-discussion request for Mia, and a discussion for Mia and Leo with the police and health present."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import AgencyType, Role, WorkRequest
from cases.services import team_member_add, work_request_create
from macpt.services.strategy import strategy_attendee_add, strategy_discussion_start
from tests.factories import UserFactory
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
