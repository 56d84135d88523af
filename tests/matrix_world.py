"""The permission matrix's world, built once per test module through the services, as people would build it.

The personas are the demo council's users (seed_demo --no-families: its agencies, teams with their groups, and
one user per role, several holding more than one role), plus a health visitor who is a partner practitioner and
referrer (the demo has no partner practitioner). Each of the issue's seven relationships has its own child, and
every persona stands in that relationship to that child:

- lead: every persona holds a lead-practitioner involvement;
- same_team: a colleague in each of the personas' teams leads (the persona is not involved);
- other_agency: a practitioner of an agency no persona works in leads;
- taf_member: every persona is in the team around the child's family (added by the council's manager; those the
  service refuses, a referrer or an administrator, hold the team-around-the-family involvement directly, as if
  added before finding 1 was fixed);
- referrer: every persona holds a referrer involvement, and each partner referrer sent a referral about the child;
- restricted: every persona leads, and the record is restricted to a list that names none of them;
- none: no one is involved.

Each child has a family with a plan, a front-door contact with an information request to the police, and one
final case note per information tag (and one untagged), each carrying a canary word in its subject and body.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Agency,
    AgencyType,
    FamilyCaseMember,
    InvolvementRole,
    Person,
    Qualification,
    Role,
    Team,
    User,
    VisibilityTag,
    WorkRequest,
)
from cases.services import (
    episode_open,
    family_case_create,
    involvement_add,
    person_create,
    person_restrict,
    relationship_add,
    team_member_add,
    work_request_create,
)
from cases.services.notes import case_note_save
from cases.services.plans import action_add, outcome_add, plan_start, taf_add
from front_door.services import contact_create, information_request_send
from tests import oracle
from tests.factories import UserFactory
from tests.support import need_level

# Surnames and first names no other fixture uses, so finding one in a response means this child's data.
CHILD_NAMES = {
    oracle.LEAD: ("Ilsabet", "Quorvane"),
    oracle.SAME_TEAM: ("Brannoc", "Tessilunt"),
    oracle.OTHER_AGENCY: ("Corwenna", "Tamblewick"),
    oracle.TAF_MEMBER: ("Daveth", "Ostrevane"),
    oracle.REFERRER: ("Elowenna", "Pellimorrow"),
    oracle.RESTRICTED: ("Fenwicka", "Zandorrick"),
    oracle.NONE: ("Gorrowyn", "Hurlivantis"),
}
PARTNER_PRACTITIONER_EMAIL = "hv.partner@matrix.test"
# The note's tag -> its code in canary words ("" is the untagged note).
TAG_CODES = {oracle.UNTAGGED: "u", **{tag: tag[:2] for tag in oracle.TAGS}}


def nhs_number(seed: int) -> str:
    """A valid NHS number (modulus 11) from the 999 test range."""
    for n in range(seed, seed + 100):
        digits = f"999{n:06d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return digits + str(check)
    raise AssertionError("no NHS number")


@dataclass
class Child:
    relationship: str
    person: Person
    family_case_id: int
    contact_id: int
    information_request_id: int
    notes: dict[str, int] = field(default_factory=dict)  # tag -> note id
    plan_id: int | None = None
    work_request_id: int | None = None
    strategy_discussion_id: int | None = None  # a strategy discussion about the child (macpt)
    s47_id: int | None = None  # the s47 enquiry it started
    # Child protection (issue 14): an open emergency-action request, an emergency action and pre-proceedings.
    emergency_request_id: int | None = None
    emergency_action_id: int | None = None
    pre_proceedings_id: int | None = None
    harm_id: int | None = None  # harm outside the home on the s47 enquiry
    # Conferences and the plan (issue 14 items 4, 5, 11): the ICPC (decided, with a police- and a health-tagged report)
    # that put the child on a plan (a core group, a visit), and the review conference arranged for it (with an
    # untagged report).
    icpc_id: int | None = None
    review_id: int | None = None
    review_report_id: int | None = None
    cp_plan_id: int | None = None
    # Family group decision making (issue 15): an offer at the family's plan, accepted, referred and allocated to a
    # facilitator who is not a persona (so no persona's relationship to the child changes).
    fgdm_offer_id: int | None = None
    fgdm_referral_id: int | None = None
    fgdm_meeting_id: int | None = None

    @property
    def surname(self) -> str:
        return self.person.last_name

    @property
    def first_name(self) -> str:
        return self.person.first_name

    def canary(self, tag: str) -> str:
        return f"cnry{self.relationship.replace('_', '')}{TAG_CODES[tag]}x"

    def fgdm_canary(self, tag: str) -> str:
        """The word in what a professional shared at the child's FGDM meeting, carrying this tag."""
        return f"fgw{self.relationship.replace('_', '')}{TAG_CODES[tag]}q"

    def cp_canary(self, tag: str) -> str:
        """The word in the child protection items (strategy information, conference reports) carrying this tag."""
        return f"cpw{self.relationship.replace('_', '')}{TAG_CODES[tag]}q"


@dataclass
class World:
    personas: dict[str, User]  # email -> user
    readers: dict[str, oracle.Reader]
    children: dict[str, Child]  # relationship -> child
    author: User
    tags_missing: frozenset[str]
    helpers: dict[str, User]
    objects: dict[str, int] = field(default_factory=dict)


PARTNER_PRACTITIONER = (
    PARTNER_PRACTITIONER_EMAIL,
    "health",
    (Role.PARTNER_PRACTITIONER, Role.PARTNER_REFERRER),
    "",
)


def planned_readers() -> dict[str, oracle.Reader]:
    """The personas as the oracle sees them, from the demo council's plan (no database): for naming the cells
    and the known mismatches at collection. The world checks its users are these."""
    from cases.demo.planning import AGENCIES, USERS

    agencies = {key: (name, kind) for key, name, kind, _code in AGENCIES}
    rows = [(email, agency, roles, qualification) for email, _n, _t, agency, _teams, roles, qualification in USERS]
    readers = {}
    for email, agency, roles, qualification in [*rows, PARTNER_PRACTITIONER]:
        name, kind = agencies[agency]
        readers[email] = oracle.Reader(
            roles=frozenset(str(r) for r in roles), agency_type=str(kind), qualification=str(qualification), agency=name
        )
    return readers


def _reader(user: User) -> oracle.Reader:
    roles = frozenset(user.groups.exclude(name__startswith="team:").values_list("name", flat=True))
    return oracle.Reader(
        roles=roles, agency_type=user.agency.type, qualification=user.qualification or "", agency=user.agency.name
    )


@transaction.atomic
def _child_protection(person: Person, *, chair: User):
    """A strategy discussion about the child and the s47 enquiry it started, as rows only: through the services the
    discussion would make the MACPT involved with every child and change how its members stand towards them."""
    from macpt.models import S47Enquiry, StrategyChild, StrategyDiscussion

    team = Team.objects.filter(multi_agency=True).order_by("pk").first()
    held_at = timezone.now() - dt.timedelta(days=1)
    discussion = StrategyDiscussion.objects.create(team=team, held_at=held_at, chair=chair, created_by=chair)
    StrategyChild.objects.create(discussion=discussion, person=person, decision="s47_single", reason="Matrix")
    enquiry = S47Enquiry.objects.create(
        person=person,
        team=team,
        started_at_discussion=discussion,
        start_date=held_at.date(),
        lead=chair,
        icpc_target=held_at.date() + dt.timedelta(days=21),
        created_by=chair,
    )
    return discussion, enquiry


def build_world() -> World:
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    from cases.demo.planning import ADMIN, MANAGER, TRIAGE, USERS

    personas = {email: User.objects.get(email=email) for email, *_ in USERS}
    # A health visitor who is a partner practitioner and refers: built like the demo users (agency, team, roles).
    health = Agency.objects.get(type=AgencyType.HEALTH)
    hv = UserFactory(
        email=PARTNER_PRACTITIONER_EMAIL,
        full_name="Hollis Visitor",
        job_title="Health visitor",
        agency=health,
        roles=[Role.PARTNER_PRACTITIONER, Role.PARTNER_REFERRER],
    )
    team_member_add(team=Team.objects.get(agency=health, name="Health Safeguarding Team"), user=hv, actor=None)
    personas[hv.email] = hv
    personas = {email: User.objects.get(pk=user.pk) for email, user in personas.items()}  # roles read fresh

    triage, manager, admin = (personas[e] for e in (TRIAGE, MANAGER, ADMIN))
    assert admin.roles == {Role.ADMIN}
    housing = Agency.objects.create(name="Matrix Housing Association", type=AgencyType.HOUSING)
    outsider = UserFactory(email="outsider.lead@matrix.test", agency=housing, roles=[Role.FHLP])
    police = Agency.objects.get(type=AgencyType.POLICE)
    # The notes' author: a police officer who is not a persona (third-party and safe-address notes are then
    # readable by the author's agency, the police, besides the council).
    author = UserFactory(email="author@matrix.test", agency=police, roles=[Role.FHLP], full_name="Avery Author")
    keeper = UserFactory(
        email="keeper@matrix.test",
        agency=Agency.objects.get(type=AgencyType.COUNCIL_SOCIAL_CARE),
        roles=[Role.FHLP],
        qualification=Qualification.SOCIAL_WORKER,
    )
    level = need_level("targeted_early_help")
    tags_missing = frozenset(t for t in oracle.TAGS if t not in VisibilityTag.values)

    children: dict[str, Child] = {}
    for index, relationship in enumerate(oracle.RELATIONSHIPS):
        first, last = CHILD_NAMES[relationship]
        person = person_create(
            actor=triage,
            data={
                "first_name": first,
                "last_name": last,
                "date_of_birth": dt.date(2014, index + 1, index + 11),
                "nhs_number": nhs_number(100 + index * 200),
            },
        )
        # A parent with the child's surname: the record's family network, shown with the child's record.
        parent = person_create(
            actor=triage, data={"first_name": "Parent", "last_name": last, "date_of_birth": dt.date(1988, 3, 3)}
        )
        relationship_add(
            actor=triage, from_person=parent, to_person=person, type="mother", parental_responsibility=True
        )
        family = family_case_create(
            actor=triage,
            name=f"{last} family",
            members=[(person, FamilyCaseMember.Role.CHILD), (parent, FamilyCaseMember.Role.PARENT)],
        )
        episode_open(person=person, actor=triage, level=level, family_case=family, reason="Matrix")
        contact, _ = contact_create(
            actor=triage,
            data={
                "referrer_name": "Rae Caller",
                "source_code": "2A",
                "worry": f"Worry about {first}",
                "categories": ["neglect"],
                "consent": "knows_and_agrees",
            },
            children=[
                {
                    "person": person,
                    "given_first_name": first,
                    "given_last_name": last,
                    "given_date_of_birth": person.date_of_birth,
                }
            ],
        )
        info = information_request_send(
            contact=contact, actor=triage, agency=police, question=f"Known to you? ({last})"
        )
        plan = plan_start(
            family_case=family,
            actor=manager,
            data={
                "worries": f"Worries for the {last} family",
                "next_review_on": timezone.localdate() + dt.timedelta(30),
            },
        )
        # A strategy discussion asked for the child (issue 13 item 1): the LCPPs' inbox and the request's page.
        strategy = work_request_create(
            kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
            person=person,
            actor=triage,
            summary=f"Strategy discussion for {first} {last}",
        )
        discussion, enquiry = _child_protection(person, chair=triage)
        child = Child(
            relationship,
            person,
            family.pk,
            contact.pk,
            info.pk,
            plan_id=plan.pk,
            work_request_id=strategy.pk,
            strategy_discussion_id=discussion.pk,
            s47_id=enquiry.pk,
        )
        child.emergency_request_id = work_request_create(
            kind=WorkRequest.Kind.EMERGENCY_ACTION, person=person, actor=triage, summary=f"Immediate: {first}"
        ).pk
        for tag in (oracle.UNTAGGED, *oracle.TAGS):
            if tag in tags_missing:
                continue
            note = case_note_save(
                person=person,
                actor=author,
                data={
                    "kind": "phone",
                    "occurred_at": timezone.now(),
                    "subject": f"Call {child.canary(tag)}",
                    "body": f"Said {child.canary(tag)}",
                    "visibility_tags": [tag] if tag else [],
                    "strand": "record",
                },
                finalise=True,
            )
            child.notes[tag] = note.pk
        children[relationship] = child

    # Each child's emergency action and pre-proceedings, recorded by the demo council's LCPP.
    from cases.demo.planning import LCPP
    from macpt.services.emergency import emergency_action_record
    from macpt.services.pre_proceedings import pre_proceedings_start

    for child in children.values():
        child.emergency_action_id = emergency_action_record(
            person=child.person,
            actor=personas[LCPP],
            data={
                "kind": "police_protection",
                "started_at": timezone.now() - dt.timedelta(hours=2),
                "by": "PC 4321 Matrix Police",
                "reason": "Matrix",
            },
        ).pk
        child.pre_proceedings_id = pre_proceedings_start(
            person=child.person, actor=personas[LCPP], start_date=timezone.localdate() - dt.timedelta(days=20)
        ).pk
        if child.s47_id is not None:  # harm outside the home recorded on the child's s47 enquiry
            from macpt.models import S47Enquiry
            from macpt.services.harm_outside_home import harm_record

            child.harm_id = harm_record(
                person=child.person,
                actor=personas[LCPP],
                enquiry=S47Enquiry.objects.get(pk=child.s47_id),
                contexts=["gangs"],
                summary="Matrix",
            ).pk

    _fgdm(children, personas)

    def involve_all(person: Person, role: str) -> None:
        for user in personas.values():
            involvement_add(person=person, actor=triage, role=role, user=user)

    involve_all(children[oracle.LEAD].person, InvolvementRole.LEAD_PRACTITIONER)
    # Same team: a colleague in each of the personas' teams leads.
    same_team = children[oracle.SAME_TEAM].person
    teams = Team.objects.filter(members__in=personas.values()).distinct()
    for number, team in enumerate(teams):
        colleague = UserFactory(email=f"colleague{number}@matrix.test", agency=team.agency, roles=[Role.FHLP])
        team_member_add(team=team, user=colleague, actor=None)
        involvement_add(person=same_team, actor=triage, role=InvolvementRole.LEAD_PRACTITIONER, user=colleague)
    involvement_add(
        person=children[oracle.OTHER_AGENCY].person,
        actor=triage,
        role=InvolvementRole.LEAD_PRACTITIONER,
        user=outsider,
    )
    taf_family = children[oracle.TAF_MEMBER].family_case_id
    from cases.models import FamilyCase

    for user in personas.values():
        if user.roles <= {Role.PARTNER_REFERRER, Role.ADMIN}:
            involvement_add(
                person=children[oracle.TAF_MEMBER].person, actor=triage, role=InvolvementRole.TAF_MEMBER, user=user
            )
        else:
            taf_add(family_case=FamilyCase.objects.get(pk=taf_family), actor=manager, user=user, role="Team member")
    # The team around the family's plan has an outcome and an action owned by a partner (the actions they own).
    from cases.models import Plan

    taf_plan = Plan.objects.get(pk=children[oracle.TAF_MEMBER].plan_id)
    outcome = outcome_add(
        plan=taf_plan,
        actor=manager,
        data={
            "child": children[oracle.TAF_MEMBER].person,
            "what_will_be_different": "Goes to school every day",
            "measure": "Attendance",
            "scale_max": 10,
            "baseline": 3,
            "target": 9,
        },
    )
    action = action_add(
        plan=taf_plan,
        actor=manager,
        data={
            "owner": hv,
            "description": "Visit weekly",
            "outcome": outcome,
            "due_on": timezone.localdate() + dt.timedelta(14),
        },
    )
    referred = children[oracle.REFERRER].person
    involve_all(referred, InvolvementRole.REFERRER)
    for user in personas.values():
        if user.has_role(Role.PARTNER_REFERRER) and not user.has_role(Role.TRIAGE_OFFICER):
            contact_create(
                actor=user,
                data={
                    "referrer_name": user.full_name,
                    "source_code": "2A",
                    "worry": f"Referral about {referred.first_name}",
                    "categories": ["neglect"],
                    "consent": "knows_and_agrees",
                },
                children=[
                    {
                        "given_first_name": referred.first_name,
                        "given_last_name": referred.last_name,
                        "given_date_of_birth": referred.date_of_birth,
                    }
                ],
            )
    restricted = children[oracle.RESTRICTED].person
    involve_all(restricted, InvolvementRole.LEAD_PRACTITIONER)
    # Restricted by an information governance officer who is not a persona, for a list that names no persona.
    restricter = UserFactory(email="restricter@matrix.test", agency=keeper.agency, roles=[Role.PRIVACY_OFFICER])
    person_restrict(person=restricted, actor=restricter, reason="high_profile", access_users=[keeper])
    _conferences(children, personas, police_author=author)
    # Every child is in an s47 enquiry (the LCPPs' oversight dashboard names the children in child protection), unless
    # the world already started one for it.
    _in_s47(children, personas)
    for child in children.values():
        child.person = Person.objects.get(pk=child.person.pk)
    readers = {email: _reader(user) for email, user in personas.items()}
    assert readers == planned_readers(), "the world's personas are not the demo council's plan"
    reporting = _reporting(manager)
    # The world's deferred foreign-key checks, once now, when it is built in a module's transaction: left pending,
    # they ran again at every test's teardown (Django checks constraints in each test's savepoint, whose rollback
    # queues them again).
    connection.check_constraints()
    return World(
        personas=personas,
        readers=readers,
        children=children,
        author=author,
        tags_missing=tags_missing,
        objects={"outcome": outcome.pk, "action": action.pk, **reporting},
        helpers={"triage": triage, "manager": manager, "keeper": keeper, "outsider": outsider},
    )


def _reporting(manager: User) -> dict[str, int]:
    """Issue 16: a finished run of each return, built by the council's manager from the world's records (so the
    child-level ones hold every child, the restricted one by its id only), and a grant in the ledger."""
    from reporting.builders import builder
    from reporting.models import Grant, ReturnRun, RunKind, RunStatus
    from reporting.tasks import build_return

    made = {}
    today = timezone.localdate()
    for kind in (RunKind.ANNEX_A, RunKind.SSD, RunKind.CIN_CENSUS, RunKind.FFP_RETURN):
        period = builder(kind).default_period(today)
        run = ReturnRun.objects.create(kind=kind, period=period, purpose="Matrix", requested_by=manager)
        run = build_return(run.pk)
        assert run.status == RunStatus.DONE, (kind, run.error)
        made[f"run:{kind}"] = run.pk
    made["grant"] = Grant.objects.create(name="Matrix grant", created_by=manager).pk
    return made


def _in_s47(children: dict[str, Child], personas: dict[str, User]) -> None:
    """An open s47 enquiry for each child without one, started at a strategy discussion of the demo MACPT."""
    from macpt.models import S47Enquiry, StrategyDiscussion

    lcpp = next(user for user in personas.values() if user.has_role(Role.LCPP))
    macpt = Team.objects.filter(multi_agency=True, members=lcpp).order_by("pk").first()
    today = timezone.localdate()
    discussion = StrategyDiscussion.objects.create(team=macpt, held_at=timezone.now(), chair=lcpp, created_by=lcpp)
    for child in children.values():
        if not S47Enquiry.objects.filter(person=child.person, ended_on__isnull=True).exists():
            S47Enquiry.objects.create(
                person=child.person,
                team=macpt,
                started_at_discussion=discussion,
                start_date=today,
                lead=lcpp,
                icpc_target=today + dt.timedelta(days=21),
                created_by=lcpp,
            )


def _fgdm(children: dict[str, Child], personas: dict[str, User]) -> None:
    """Each child's FGDM offer at the family's plan (made by the demo LCPP, who sees every child), accepted, referred
    and allocated by the council's manager to a facilitator who is not a persona, through the strand's services."""
    from cases.demo.planning import LCPP, MANAGER
    from fgdm.services.meetings import (
        meeting_attendee_add,
        meeting_information_add,
        meeting_plan_item_add,
        meeting_record,
    )
    from fgdm.services.offers import offer_make, offer_respond, parental_responsibility_holders
    from fgdm.services.referrals import referral_allocate, referral_create

    lcpp, manager = personas[LCPP], personas[MANAGER]
    facilitator = UserFactory(
        email="facilitator@matrix.test",
        full_name="Fay Facilitator",
        agency=Agency.objects.get(type=AgencyType.COUNCIL_SOCIAL_CARE),
        roles=[Role.FGDM_FACILITATOR],
    )
    facilitator = User.objects.get(pk=facilitator.pk)  # roles read fresh
    today = timezone.localdate()
    for child in children.values():
        offer = offer_make(
            actor=lcpp,
            point=None,
            decision_point="family_plan",
            children=[child.person],
            recipients=parental_responsibility_holders(children=[child.person]),
            offered_on=today,
        )
        offer_respond(actor=lcpp, offer=offer, response="accepted", responded_on=today)
        referral = referral_create(offer=offer, actor=lcpp, meeting_type="fgc", reason="Matrix")
        referral = referral_allocate(referral=referral, actor=manager, facilitator=facilitator)
        child.fgdm_offer_id, child.fgdm_referral_id = offer.pk, referral.pk
        # The meeting, with what the police and health shared (each tagged by its source) and the family's plan.
        meeting = meeting_record(
            referral=referral,
            actor=facilitator,
            held_on=today,
            private_time_start=dt.time(0, 1),
            private_time_end=dt.time(0, 2),
            family=parental_responsibility_holders(children=[child.person]),
        )
        for tag, agency_type in ((oracle.POLICE_TAG, AgencyType.POLICE), (oracle.HEALTH_TAG, AgencyType.HEALTH)):
            attendee = meeting_attendee_add(
                meeting=meeting,
                actor=facilitator,
                name=f"Matrix {tag} officer",
                agency=Agency.objects.filter(type=agency_type).order_by("pk").first(),
            )
            meeting_information_add(
                meeting=meeting, actor=facilitator, shared_by=attendee, text=f"Shared {child.fgdm_canary(tag)}"
            )
        meeting_plan_item_add(
            meeting=meeting, actor=facilitator, what=f"{child.first_name} stays with Nan", who="Nan", when="Weekends"
        )
        child.fgdm_meeting_id = meeting.pk


def _conferences(children: dict[str, Child], personas: dict[str, User], *, police_author: User) -> None:
    """For each child, as rows only (the services would make the MACPT involved with every child, as for the strategy
    discussion): the police's and health's tagged information at its strategy discussion; the ICPC, decided, with a
    police- and a health-tagged report, that put the child on a child protection plan on the family's plan, with a core
    group and a visit; and the review conference arranged for the plan, with an untagged report. The authors are no
    persona (an author always reads their own item)."""
    from cases.models import Plan
    from macpt.models import (
        ChildProtectionConference,
        ChildProtectionPlan,
        ConferenceChild,
        ConferenceReport,
        CoreGroup,
        S47Enquiry,
        StatutoryVisit,
        StrategyInformation,
    )

    lcpp = next(user for user in personas.values() if user.has_role(Role.LCPP))
    police, health = police_author.agency, Agency.objects.get(type=AgencyType.HEALTH)
    health_author = UserFactory(email="health.author@matrix.test", agency=health, roles=[Role.FHLP])
    council = lcpp.agency
    today = timezone.localdate()
    for child in children.values():
        person = child.person
        for tag, agency, writer in (
            (oracle.POLICE_TAG, police, police_author),
            (oracle.HEALTH_TAG, health, health_author),
        ):
            StrategyInformation.objects.create(
                discussion_id=child.strategy_discussion_id,
                agency=agency,
                person=person,
                text=f"Known {child.cp_canary(tag)}",
                tags=[tag],
                author=writer,
            )
        enquiry = S47Enquiry.objects.get(pk=child.s47_id)
        icpc = ChildProtectionConference.objects.create(
            kind="initial",
            status="decided",
            family_case_id=child.family_case_id,
            date=today - dt.timedelta(days=14),
            chair=lcpp,
            team=enquiry.team,
            enquiry=enquiry,
            minutes=f"Minutes for {person.first_name}",
            decided_at=timezone.now() - dt.timedelta(days=14),
            decided_by=lcpp,
            created_by=lcpp,
        )
        for tag, agency, writer in (
            (oracle.POLICE_TAG, police, police_author),
            (oracle.HEALTH_TAG, health, health_author),
        ):
            ConferenceReport.objects.create(
                conference=icpc, agency=agency, author=writer, text=f"Report {child.cp_canary(tag)}", tags=[tag]
            )
        plan = ChildProtectionPlan.objects.create(
            person=person,
            family_plan=Plan.objects.get(pk=child.plan_id),
            conference=icpc,
            start_date=icpc.date,
            initial_category="NEG",
            latest_category="NEG",
        )
        ConferenceChild.objects.create(
            conference=icpc, person=person, plan=plan, plan_decided=True, category="NEG", reason="Matrix"
        )
        core_group = CoreGroup.objects.create(date=today - dt.timedelta(days=7), attendees="Matrix", recorded_by=lcpp)
        core_group.plans.add(plan)
        StatutoryVisit.objects.create(plan=plan, date=today - dt.timedelta(days=3), seen=True, by=lcpp)
        review = ChildProtectionConference.objects.create(
            kind="review",
            family_case_id=child.family_case_id,
            date=today + dt.timedelta(days=60),
            chair=lcpp,
            team=enquiry.team,
            created_by=lcpp,
        )
        ConferenceChild.objects.create(conference=review, person=person, plan=plan)
        report = ConferenceReport.objects.create(
            conference=review, agency=council, author=lcpp, text=f"Review {child.cp_canary(oracle.UNTAGGED)}"
        )
        child.icpc_id, child.review_id, child.review_report_id, child.cp_plan_id = (
            icpc.pk,
            review.pk,
            report.pk,
            plan.pk,
        )
