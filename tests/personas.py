"""The people every app's tests use, built once here: one persona per kind of user, each with one email.

They look like the demo users seed_demo makes (cases/management/commands/seed_demo.py): an agency, a job title,
the teams they work in (joined through `team_member_add`, so each team has the group that holds what is
granted to it) and the roles they hold, several where a real person holds several (a front door manager
triages too, a detective constable sits in the MACPT and refers). conftest.py exposes each persona as a fixture
of the same name; a test that needs a stranger builds one with `UserFactory`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Agency, AgencyType, Qualification, Role, Team, User
from cases.services import team_member_add
from tests.factories import AgencyFactory, UserFactory

AGENCIES: dict[str, tuple[str, str]] = {
    # key: (name, type)
    "council": ("Test Council Children's Social Care", AgencyType.COUNCIL_SOCIAL_CARE),
    "police": ("Test Police", AgencyType.POLICE),
    "health": ("Test Community Health Trust", AgencyType.HEALTH),
    "school": ("Test Primary School", AgencyType.EDUCATION),
    "other_school": ("Test Academy", AgencyType.EDUCATION),
    "charity": ("Test Family Charity", AgencyType.VOLUNTARY_SECTOR),
}

TEAMS: dict[str, tuple[str, str, bool]] = {
    # key: (name, agency key, multi-agency)
    "front_door": ("Test Front Door", "council", True),
    "fh_team": ("Family Help North", "council", True),
    "macpt": ("Multi-Agency Child Protection Team", "council", True),
    "information_governance": ("Information Governance", "council", False),
    "performance": ("Performance and Intelligence", "council", False),
    "police_hub": ("Police Safeguarding Hub", "police", False),
    "health_visiting": ("Health Visiting", "health", False),
    "school_safeguarding": ("Primary Safeguarding", "school", False),
    "other_school_safeguarding": ("Academy Safeguarding", "other_school", False),
    "family_support": ("Family Support Workers", "charity", False),
}

# Each partner agency's liaison team (Agency.liaison_team): it receives the front door's information requests.
LIAISON_TEAMS: dict[str, str] = {
    "police": "police_hub",
    "health": "health_visiting",
    "school": "school_safeguarding",
    "other_school": "other_school_safeguarding",
    "charity": "family_support",
}

SW, AQ = Qualification.SOCIAL_WORKER, Qualification.ALTERNATIVELY_QUALIFIED


@dataclass(frozen=True)
class Persona:
    email: str
    full_name: str
    job_title: str
    agency: str
    teams: tuple[str, ...]
    roles: tuple[str, ...]
    qualification: str = ""


PERSONAS: dict[str, Persona] = {
    "triage_officer": Persona(
        "triage@example.test",
        "Tess Triage",
        "Front door social worker",
        "council",
        ("front_door",),
        (Role.TRIAGE_OFFICER,),
        SW,
    ),
    "front_door_manager": Persona(
        "fdm@example.test",
        "Fran Manager",
        "Front door team manager",
        "council",
        ("front_door",),
        (Role.FRONT_DOOR_MANAGER, Role.TRIAGE_OFFICER),
        SW,
    ),
    "lcpp": Persona(
        "lcpp@example.test",
        "Lou Lead",
        "Lead child protection practitioner",
        "council",
        ("macpt",),
        (Role.LCPP, Role.MACPT_MEMBER),
        SW,
    ),
    "police_officer": Persona(
        "pc@example.test",
        "Pat Police",
        "Detective constable, safeguarding",
        "police",
        ("macpt", "police_hub"),
        (Role.MACPT_MEMBER, Role.PARTNER_REFERRER),
    ),
    "school_dsl": Persona(
        "dsl@example.test",
        "Dana School",
        "Designated safeguarding lead",
        "school",
        ("school_safeguarding",),
        (Role.PARTNER_REFERRER,),
    ),
    "other_dsl": Persona(
        "other.dsl@example.test",
        "Dan Other",
        "Designated safeguarding lead",
        "other_school",
        ("other_school_safeguarding",),
        (Role.PARTNER_REFERRER,),
    ),
    "privacy_officer": Persona(
        "privacy@example.test",
        "Pat Privacy",
        "Information governance officer",
        "council",
        ("information_governance",),
        (Role.PRIVACY_OFFICER,),
    ),
    # An independent family group conference coordinator (issue 15): sees only the families allocated to them.
    "fgdm_facilitator": Persona(
        "fgdm.facilitator@example.test",
        "Fay Facilitator",
        "Family group conference coordinator",
        "council",
        (),
        (Role.FGDM_FACILITATOR,),
        AQ,
    ),
    "fh_manager": Persona(
        "fh.manager@example.test",
        "Mo Manager",
        "Family Help team manager",
        "council",
        ("fh_team",),
        (Role.MANAGER,),
        SW,
    ),
    "vcs_fhlp": Persona(
        "vcs.fhlp@example.test",
        "Val Voluntary",
        "Family support worker",
        "charity",
        ("fh_team", "family_support"),
        (Role.FHLP,),
        AQ,
    ),
    "sw_fhlp": Persona(
        "sw.fhlp@example.test", "Sol Social", "Social worker", "council", ("fh_team",), (Role.FHLP,), SW
    ),
    # A health visitor who joins teams around families and refers to the front door.
    "health_practitioner": Persona(
        "hv@example.test",
        "Hal Health",
        "Health visitor",
        "health",
        ("health_visiting",),
        (Role.PARTNER_PRACTITIONER, Role.PARTNER_REFERRER),
    ),
    # A Family Help Lead Practitioner from a partner agency: sees only the children they work with.
    "health_fhlp": Persona(
        "health.fhlp@example.test",
        "Hana Visitor",
        "Specialist health visitor",
        "health",
        ("health_visiting",),
        (Role.FHLP,),
        AQ,
    ),
    # Prepares the council's returns and exports child-level data for them (issue 16 item 9): reads council-wide,
    # edits no record.
    "performance_officer": Persona(
        "performance@example.test",
        "Perry Performance",
        "Performance and data officer",
        "council",
        ("performance",),
        (Role.PERFORMANCE_OFFICER,),
    ),
}


def agency(key: str) -> Agency:
    name, kind = AGENCIES[key]
    return AgencyFactory(name=name, type=kind)  # get_or_create by name


def team(key: str) -> Team:
    """The team (and its agency); an agency's liaison team is set as the agency's when the team is made."""
    name, agency_key, multi = TEAMS[key]
    owner = agency(agency_key)
    made = Team.objects.get_or_create(agency=owner, name=name, defaults={"multi_agency": multi})[0]
    if LIAISON_TEAMS.get(agency_key) == key and owner.liaison_team_id is None:
        owner.liaison_team = made
        owner.save(update_fields=["liaison_team"])
    return made


def persona(key: str) -> User:
    """The persona, built on first use in a test (with its agency and teams) and the same user after that."""
    spec = PERSONAS[key]
    user = User.objects.filter(email=spec.email).first()
    if user is not None:
        return user
    user = UserFactory(
        email=spec.email,
        full_name=spec.full_name,
        job_title=spec.job_title,
        agency=agency(spec.agency),
        qualification=spec.qualification,
        roles=list(spec.roles),
    )
    for key in spec.teams:
        team_member_add(team=team(key), user=user, actor=None)
    return user
