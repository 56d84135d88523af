"""Family Help personas and a family to help: two children and their mother, referred through the front
door (an accepted contact with a Family Help allocation request), built through the services."""

import datetime as dt

import pytest

from cases.models import AgencyType, FamilyCaseMember, Qualification, Role, WorkRequest
from cases.services import episode_open, family_case_create, person_create, relationship_add, work_request_create
from tests.conftest import need_level
from tests.factories import AgencyFactory, TeamFactory, UserFactory


@pytest.fixture
def fh_levels(db):
    """Every default need level (a transactional test elsewhere may have flushed them)."""
    return {code: need_level(code) for code in
            ("universal", "targeted_early_help", "child_in_need", "child_protection", "pre_proceedings")}


@pytest.fixture
def fh_team(council):
    return TeamFactory(name="Family Help North", agency=council)


@pytest.fixture
def fh_manager(council, fh_team):
    """A Family Help team manager: allocates, authorises assessments, supervises."""
    return UserFactory(email="fh.manager@example.test", full_name="Mo Manager", agency=council,
                       roles=[Role.MANAGER], teams=[fh_team], qualification=Qualification.SOCIAL_WORKER)


@pytest.fixture
def vcs_fhlp(fh_team):
    """An alternatively qualified lead practitioner from a voluntary-sector agency."""
    charity = AgencyFactory(name="Test Family Charity", type=AgencyType.VOLUNTARY_SECTOR)
    return UserFactory(email="vcs.fhlp@example.test", full_name="Val Voluntary", agency=charity,
                       roles=[Role.FHLP], teams=[fh_team], qualification=Qualification.ALTERNATIVELY_QUALIFIED)


@pytest.fixture
def sw_fhlp(council, fh_team):
    """A social worker lead practitioner from the council."""
    return UserFactory(email="sw.fhlp@example.test", full_name="Sol Social", agency=council,
                       roles=[Role.FHLP], teams=[fh_team], qualification=Qualification.SOCIAL_WORKER)


@pytest.fixture
def health_practitioner(db):
    """A health visitor who can join a team around the family."""
    nhs = AgencyFactory(name="Test Community Health Trust", type=AgencyType.HEALTH)
    return UserFactory(email="hv@example.test", full_name="Hal Health", agency=nhs,
                       roles=[Role.PARTNER_PRACTITIONER])


@pytest.fixture
def family(triage_officer, fh_levels):
    """The Okafor-Lewis family: Mia (9) and Leo (4) and their mother Grace, an open targeted early help
    episode for each child in one family case, and an open Family Help allocation request for Mia (the
    front door's decision hands off this way)."""
    actor = triage_officer
    mia = person_create(actor=actor, data={"first_name": "Mia", "last_name": "Okafor-Lewis",
                                           "date_of_birth": dt.date(2017, 5, 2), "sex": "F"})
    leo = person_create(actor=actor, data={"first_name": "Leo", "last_name": "Okafor-Lewis",
                                           "date_of_birth": dt.date(2022, 1, 20), "sex": "M"})
    grace = person_create(actor=actor, data={"first_name": "Grace", "last_name": "Okafor",
                                             "date_of_birth": dt.date(1991, 8, 9), "sex": "F"})
    for child in (mia, leo):
        relationship_add(actor=actor, from_person=grace, to_person=child, type="mother", parental_responsibility=True)
    case = family_case_create(actor=actor, name="Okafor-Lewis family", members=[
        (mia, FamilyCaseMember.Role.CHILD), (leo, FamilyCaseMember.Role.CHILD), (grace, FamilyCaseMember.Role.PARENT)])
    episodes = {}
    for child in (mia, leo):
        episodes[child.first_name] = episode_open(person=child, actor=actor, level=fh_levels["targeted_early_help"],
                                                  family_case=case, reason="Front door: targeted early help")
    request = work_request_create(kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, person=mia, actor=actor,
                                  episode=episodes["Mia"], summary="Mum struggling with housing and Mia's "
                                  "attendance is falling; family agree to Family Help.")
    return {"case": case, "mia": mia, "leo": leo, "grace": grace, "episodes": episodes, "request": request}
