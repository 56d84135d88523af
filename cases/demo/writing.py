"""Writing the demo plan through cases.services, as the demo users, so that the audit trail, chronology
and access are the real thing.

`seed_council()` makes the agencies, teams and users (matched by name or email, so it is safe to run
again). `seed_families()` writes the plan, skipping any family whose FamilyCase (by name) already exists.
Timestamps the services take from the clock (level changes, lead appointments, family case opening) are
"now"; dates the services accept (episode opening and closure, chronology, notes, addresses,
relationships, involvement starts) are spread over each family's history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import (
    Agency,
    CaseNote,
    FamilyCase,
    InvolvementRole,
    LeadKind,
    NeedLevel,
    Person,
    Role,
    Strand,
    Team,
    User,
    VisibilityTag,
)

from .names import TOWN
from .planning import (
    ADMIN,
    AGENCIES,
    CIN,
    CP,
    EH,
    FD_MANAGER,
    FHLP_SW,
    LCPP,
    LEVEL_NAMES,
    LIAISON_TEAMS,
    OTHER_SCHOOL_DSL,
    PP,
    PRIVACY,
    SCHOOL_DSL,
    SEED,
    TEAMS,
    TRIAGE,
    USERS,
    DuplicatePlan,
    EarlierEpisodePlan,
    EpisodePlan,
    FamilyPlan,
    PersonPlan,
    build_plan,
)

CHILD_VOICE = [
    "I like it when Mum reads to me at bedtime.",
    "I don't like it when they shout, I go upstairs and put my headphones on.",
    "I want to stay at Nan's because it's calm there.",
    "School is okay but I'm tired because I look after my little brother.",
    "I'm worried about Mum when she's sad.",
    "I like football club, it's the best day.",
    "I wish Dad came to see us more.",
    "I don't want to move school again.",
    "It's better now, there's food in the cupboards.",
    "I feel safe at home now he doesn't live here.",
]


@dataclass(frozen=True)
class _Event:
    """A chronology entry that a level of work brings, at a fraction of the time spent at that level."""

    actor: str  # "lead": the family's lead practitioner (else the social worker); "lcpp"
    strand: str
    kind: str
    summary: str  # "{category}": the child protection category
    fraction: float
    hour: int
    minute: int | None = 0  # None: drawn from the family's generator
    significant: bool = False
    from_agency: bool = False  # the actor's agency is the source
    unborn_summary: str = ""  # instead of summary while the child is not yet born
    seen_after_opening: bool = False  # a visit that sees the child: not at opening, not before birth


def _family_help_events(code: str) -> list[_Event]:
    assessment = "Family Help assessment (s17)" if code == CIN else "Family Help assessment"
    return [
        _Event(
            "lead",
            Strand.FAMILY_HELP,
            "home_visit",
            "Home visit: introductions, family's view of what help they need.",
            0.1,
            11,
            None,
        ),
        _Event(
            "lead",
            Strand.FAMILY_HELP,
            "assessment",
            f"{assessment} completed; family plan agreed with the family.",
            0.45,
            14,
            significant=code == CIN,
        ),
        _Event(
            "lead",
            Strand.FAMILY_HELP,
            "plan_review",
            "Team around the family review: progress on the family plan.",
            0.8,
            13,
            30,
        ),
    ]


LEVEL_EVENTS = {
    EH: _family_help_events(EH),
    CIN: _family_help_events(CIN),
    CP: [
        _Event(
            "lcpp",
            Strand.MACPT,
            "strategy_discussion",
            "Strategy discussion (social care, police, health, education): s47 enquiry to start.",
            0.02,
            12,
            significant=True,
            from_agency=True,
        ),
        _Event(
            "lcpp",
            Strand.MACPT,
            "s47_outcome",
            "s47 enquiry: concerns substantiated, ICPC needed.",
            0.1,
            16,
            significant=True,
        ),
        _Event(
            "lcpp",
            Strand.MACPT,
            "icpc",
            "Initial child protection conference: child protection plan, category {category}.",
            0.25,
            10,
            significant=True,
            unborn_summary="Initial child protection conference (pre-birth): plan from birth",
        ),
        _Event("lead", Strand.MACPT, "core_group", "Core group meeting: plan actions reviewed.", 0.35, 14),
        _Event(
            "lead", Strand.FAMILY_HELP, "home_visit", "Statutory visit: child seen.", 0.6, 16, seen_after_opening=True
        ),
    ],
    PP: [
        _Event(
            "lcpp",
            Strand.MACPT,
            "legal_planning",
            "Legal planning meeting: threshold met, pre-proceedings to start.",
            0.05,
            11,
            significant=True,
        ),
        _Event(
            "lcpp",
            Strand.MACPT,
            "letter_before_proceedings",
            "Letter before proceedings sent.",
            0.15,
            15,
            significant=True,
        ),
        _Event(
            "lcpp",
            Strand.MACPT,
            "pp_meeting",
            "Initial pre-proceedings meeting with parents and their solicitors.",
            0.3,
            10,
            significant=True,
        ),
    ],
}
# FGDM (offers, the facilitator's allocation and involvement, meetings): the fgdm strand's demo step writes it, through
# its services, for the families planned with it (fgdm.demo_data); nothing here.

# --- the council -------------------------------------------------------------------------------------


@dataclass
class Council:
    """What seed_council made or found, by the plan's keys and emails."""

    agencies: dict[str, Agency]
    teams: dict[str, Team]
    users: dict[str, User]
    new_users: int


def seed_council(*, password: str, reset_passwords: bool = False) -> Council:
    """The demo council's agencies, teams and users; a user who is new gets `password` (and so does every
    demo user with reset_passwords). Team membership is put right: a database seeded before teams had
    groups gets its groups and memberships."""
    agencies = {}
    for key, name, kind, code in AGENCIES:
        agencies[key], _ = Agency.objects.get_or_create(name=name, defaults={"type": kind, "code": code})
    teams = {}
    for key, name, agency_key, multi in TEAMS:
        teams[key], _ = Team.objects.get_or_create(
            agency=agencies[agency_key], name=name, defaults={"multi_agency": multi}
        )
    for agency_key, team_key in LIAISON_TEAMS.items():
        # Set once: an administrator's later choice in the admin is kept on a second run.
        Agency.objects.filter(pk=agencies[agency_key].pk, liaison_team__isnull=True).update(
            liaison_team=teams[team_key]
        )
    # Migration 0003 creates these; get_or_create keeps the command whole on an emptied database.
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    if not NeedLevel.objects.exists():  # likewise migration 0005's default continuum of need
        import_module("cases.migrations.0005_default_need_levels").create_levels(apps, None)
    created = 0
    users = {}
    for email, name, title, agency_key, _team_keys, roles, qualification in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=name,
                job_title=title,
                agency=agencies[agency_key],
                qualification=qualification,
                is_staff=Role.ADMIN in roles,
                is_superuser=Role.ADMIN in roles,
            )
            user.groups.set([groups[r] for r in roles])
            services.audit_record(actor=None, verb="user.created", target=user, reason="seed_demo")
            created += 1
        elif reset_passwords:
            user.set_password(password)
            user.save(update_fields=["password"])
        users[email] = user
    _team_memberships(users, teams, actor=users[ADMIN])
    from .workforce import seed_workforce_history

    seed_workforce_history(users)
    return Council(agencies=agencies, teams=teams, users=users, new_users=created)


def _team_memberships(users: dict[str, User], teams: dict[str, Team], actor: User) -> None:
    """Each demo user in their teams through the service, so every team has the group that holds the
    permissions granted to it. Only what is missing is added (and audited): a database seeded before
    teams had groups is put right, and a second run adds nothing."""
    for email, _name, _title, _agency, team_keys, _roles, _qualification in USERS:
        user = users[email]
        in_teams = set(user.teams.values_list("pk", flat=True))
        in_groups = set(user.groups.values_list("pk", flat=True))
        for key in team_keys:
            team = teams[key]
            if team.pk not in in_teams or team.group_id is None or team.group_id not in in_groups:
                services.team_member_add(team=team, user=user, actor=actor)


# --- the families ------------------------------------------------------------------------------------


@dataclass
class SeedSummary:
    families: int
    new_families: int
    people: int
    restricted: int
    duplicate_pairs: int

    def __str__(self) -> str:
        return (
            f"{self.families} families ({self.new_families} new), {self.people} people, "
            f"{self.restricted} restricted, {self.duplicate_pairs} likely duplicate pairs"
        )


class _Writer:
    def __init__(self, today: dt.date, teams: dict[str, Team]) -> None:
        self.today = today
        self.teams = teams
        self.tz = timezone.get_current_timezone()
        self.users = {u.email: u for u in User.objects.select_related("agency").filter(email__endswith="@demo.test")}
        self.levels = {lvl.code: lvl for lvl in NeedLevel.objects.all()}
        self.rng = random.Random(SEED)  # noqa: S311  (synthetic demo data, not security)

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def u(self, email: str) -> User:
        return self.users[email]

    def write(self, plan: FamilyPlan) -> None:
        triage, manager = self.u(TRIAGE), self.u(FD_MANAGER)
        # Each family draws its own story details, so skipping one that exists changes nothing in the next.
        self.rng.seed(f"{SEED}:{plan.name}")
        people: dict[str, Person] = {}
        for spec in plan.people:
            data = spec.person_data()
            if data["nhs_number"] and Person.objects.filter(nhs_number=data["nhs_number"]).exists():
                data["nhs_number"] = ""  # someone has since used this test number for another record
            people[spec.key] = services.person_create(actor=triage, data=data, reason="Demo data: synthetic family")
            for first, last in spec.previous_names:
                services.person_add_previous_name(
                    person=people[spec.key], actor=triage, first_name=first, last_name=last
                )
        for key, line1, postcode, start, end in plan.previous_addresses:
            services.person_add_address(
                person=people[key],
                actor=triage,
                line1=line1,
                postcode=postcode,
                town=TOWN,
                start_date=start,
                end_date=end,
            )
        for household in plan.households:
            members = [people[k] for k in household.keys]
            services.household_create(
                actor=triage, name=household.name, members=members, start_date=household.start_date
            )
            for person in members:
                services.person_add_address(
                    person=person,
                    actor=triage,
                    line1=household.line1,
                    line2=household.line2,
                    town=TOWN,
                    postcode=household.postcode,
                    start_date=household.start_date,
                )
        for rel in plan.relationships:
            services.relationship_add(
                actor=triage,
                from_person=people[rel.from_key],
                to_person=people[rel.to_key],
                type=rel.type,
                parental_responsibility=rel.parental_responsibility,
                start_date=rel.start_date,
                end_date=rel.end_date,
            )
        family = services.family_case_create(
            actor=manager, name=plan.name, members=[(people[p.key], p.role) for p in plan.people]
        )
        for spec in plan.children:
            self._child_story(plan, spec, people[spec.key], family)
        if plan.restriction:
            reason, names = plan.restriction
            for person in people.values():
                services.person_restrict(
                    person=person, actor=self.u(PRIVACY), reason=reason, access_users=[self.u(e) for e in names]
                )
        for dup in plan.duplicates:
            self._duplicate(dup)

    def _child_story(self, plan: FamilyPlan, spec: PersonPlan, person: Person, family: FamilyCase) -> None:
        e = plan.episode
        triage, manager = self.u(TRIAGE), self.u(FD_MANAGER)
        rng = self.rng
        if e.earlier:
            self._earlier_episode(e.earlier, person)
        contact_day = e.opened_on - dt.timedelta(days=rng.randint(1, 3))
        contact_agency = self.u(e.contact_user).agency if e.contact_user else None
        services.chronology_add(
            person=person,
            actor=triage,
            strand=Strand.FRONT_DOOR,
            kind="contact",
            summary=f"Contact from {e.contact_from}: {e.concern}.",
            source_agency=contact_agency,
            occurred_at=self.at(contact_day, 9, rng.randint(0, 59)),
            significant=e.levels[0][0] in (CP, PP),
        )
        if e.referrer:
            services.involvement_add(
                person=person,
                actor=triage,
                role=InvolvementRole.REFERRER,
                user=self.u(e.referrer),
                start_date=contact_day,
            )
        first_level, first_reason = e.levels[0]
        services.chronology_add(
            person=person,
            actor=manager,
            strand=Strand.FRONT_DOOR,
            kind="decision",
            summary=f"Front door decision: {LEVEL_NAMES[first_level]}. {first_reason}.",
            occurred_at=self.at(e.opened_on, 15, rng.randint(0, 59)),
            significant=True,
        )
        episode = services.episode_open(
            person=person,
            actor=manager,
            level=self.levels[first_level],
            opened_on=e.opened_on,
            reason=first_reason,
            family_case=family,
        )
        closing = e.closed
        ended_leads = []
        for fhlp in e.fhlps:
            if closing:
                # The services cannot yet back-date a lead appointment, so the lead of work that has ended is
                # recorded as a dated involvement, ended at closure (their access ends with it).
                ended_leads.append(
                    services.involvement_add(
                        person=person,
                        actor=manager,
                        role=InvolvementRole.LEAD_PRACTITIONER,
                        user=self.u(fhlp),
                        start_date=e.opened_on + dt.timedelta(days=2),
                    )
                )
            else:
                services.episode_set_lead(episode=episode, actor=manager, user=self.u(fhlp), kind=LeadKind.FHLP)
        if e.lcpp:
            services.episode_set_lead(episode=episode, actor=manager, user=self.u(e.lcpp), kind=LeadKind.LCPP)
        end = closing[2] if closing else self.today - dt.timedelta(days=2)
        steps = len(e.levels)
        starts = [e.opened_on + (end - e.opened_on) * i // steps for i in range(steps)] + [end]
        protection_from = next((starts[i] for i, code in enumerate(e.level_codes) if code in (CP, PP)), e.opened_on)
        for email in e.macpt:  # from the strategy discussion on
            services.involvement_add(
                person=person,
                actor=self.u(LCPP),
                role=InvolvementRole.MACPT_MEMBER,
                user=self.u(email),
                start_date=protection_from,
            )
        if e.team_taf:
            team = self.teams[e.team_taf]
            services.involvement_add(
                person=person,
                actor=self.u(e.fhlps[0]),
                role=InvolvementRole.TAF_MEMBER,
                team=team,
                start_date=self._between(e.opened_on, 0.1, 0.3),
            )
        # Level changes, with the events that led to them in the strands' words.
        for i, (code, reason) in enumerate(e.levels):
            if i:
                actor = self.u(LCPP) if code in (CP, PP) else self.u(e.fhlps[-1] if e.fhlps else FD_MANAGER)
                services.episode_change_level(episode=episode, actor=actor, level=self.levels[code], reason=reason)
            self._level_events(e, code, person, starts[i], starts[i + 1], i)
        self._notes(plan, spec, person, episode, end)
        if closing:
            code, summary, closed_on = closing
            services.chronology_add(
                person=person,
                actor=manager,
                strand=Strand.FAMILY_HELP,
                kind="closure_summary",
                summary=f"Closure summary: {summary}.",
                occurred_at=self.at(closed_on, 16),
            )
            services.episode_close(
                episode=episode, actor=manager, reason_code=code, summary=summary, closed_on=closed_on
            )
            for involvement in ended_leads:
                services.involvement_end(
                    involvement=involvement, actor=manager, end_date=closed_on, reason="Episode closed"
                )

    def _between(self, start: dt.date, low: float, high: float) -> dt.date:
        span = max((self.today - start).days - 2, 0)
        return start + dt.timedelta(days=int(span * self.rng.uniform(low, high)))

    def _level_events(
        self, e: EpisodePlan, code: str, person: Person, start: dt.date, end: dt.date, index: int
    ) -> None:
        actors = {"lead": self.u(e.fhlps[-1]) if e.fhlps else self.u(FHLP_SW), "lcpp": self.u(LCPP)}
        unborn = person.date_of_birth is None

        def day(fraction: float) -> dt.date:
            return start + dt.timedelta(days=int((end - start).days * fraction))

        for event in LEVEL_EVENTS[code]:
            if event.seen_after_opening and (not index or unborn):
                continue
            actor = actors[event.actor]
            summary = event.unborn_summary if unborn and event.unborn_summary else event.summary
            minute = self.rng.randint(0, 59) if event.minute is None else event.minute
            services.chronology_add(
                person=person,
                actor=actor,
                strand=event.strand,
                kind=event.kind,
                summary=summary.format(category=e.cp_category or "NEG"),
                occurred_at=self.at(day(event.fraction), event.hour, minute),
                significant=event.significant,
                source_agency=actor.agency if event.from_agency else None,
            )

    def _notes(self, plan: FamilyPlan, spec: PersonPlan, person: Person, episode, end: dt.date) -> None:
        e = plan.episode
        rng = self.rng
        author = self.u(e.fhlps[-1]) if e.fhlps else self.u(FHLP_SW)
        visit_day = end - dt.timedelta(days=rng.randint(3, 20))
        if visit_day <= e.opened_on:
            visit_day = e.opened_on + dt.timedelta(days=1)
        age = spec.age_on(visit_day)
        strand = Strand.MACPT if e.level_codes[-1] in (CP, PP) else Strand.FAMILY_HELP
        if spec.date_of_birth is None:
            first = {
                "kind": CaseNote.Kind.MEETING,
                "subject": "Antenatal visit with mother",
                "body": "Met mother at home with the midwife. Talked about the birth plan and the safety plan.",
            }
        else:
            alone = age is not None and age >= 5
            voice = f" Seen alone; in their words: \u201c{rng.choice(CHILD_VOICE)}\u201d" if alone else ""
            first = {
                "kind": CaseNote.Kind.VISIT,
                "subject": "Home visit",
                "child_seen": True,
                "child_seen_alone": alone,
                "body": f"Visited at home. {spec.first_name} showed me their room.{voice}",
            }
        notes = [(author, {**first, "occurred_at": self.at(visit_day, 16, rng.randint(0, 59)), "strand": strand})]
        if e.lcpp and plan.is_open:
            notes.append(
                (
                    self.u(e.lcpp),
                    {
                        "kind": CaseNote.Kind.MEETING,
                        "subject": "Core group meeting",
                        "strand": Strand.MACPT,
                        "occurred_at": self.at(end - dt.timedelta(days=rng.randint(21, 35)), 10),
                        "body": "Core group: police and health updates shared; plan actions reviewed, two overdue.",
                        "significant": True,
                        "visibility_tags": [VisibilityTag.POLICE],
                    },
                )
            )
        else:
            notes.append(
                (
                    author,
                    {
                        "kind": CaseNote.Kind.PHONE,
                        "subject": "Call with school",
                        "strand": Strand.FAMILY_HELP,
                        "occurred_at": self.at(end - dt.timedelta(days=rng.randint(21, 35)), 12, 15),
                        "body": "School report attendance and mood; agreed to share at the next plan review.",
                    },
                )
            )
        for note_author, data in notes:
            if data["occurred_at"].date() <= e.opened_on:
                data["occurred_at"] = self.at(e.opened_on + dt.timedelta(days=1), 12)
            note = services.case_note_save_draft(person=person, actor=note_author, data={**data, "episode": episode})
            services.case_note_finalise(note=note, actor=note_author)

    def _earlier_episode(self, earlier: EarlierEpisodePlan, person: Person) -> None:
        manager = self.u(FD_MANAGER)
        lead = self.u(earlier.lead)
        services.chronology_add(
            person=person,
            actor=self.u(TRIAGE),
            strand=Strand.FRONT_DOOR,
            kind="contact",
            summary="Contact: earlier referral.",
            occurred_at=self.at(earlier.opened_on, 9),
        )
        # Not part of today's family case: that work was with the family as it was then.
        episode = services.episode_open(
            person=person,
            actor=manager,
            level=self.levels[earlier.level],
            opened_on=earlier.opened_on,
            reason="Earlier referral",
        )
        # As for a closed family: the lead is a dated involvement, ended at closure.
        involvement = services.involvement_add(
            person=person,
            actor=manager,
            role=InvolvementRole.LEAD_PRACTITIONER,
            user=lead,
            start_date=earlier.opened_on,
        )
        services.chronology_add(
            person=person,
            actor=lead,
            strand=Strand.FAMILY_HELP,
            kind="assessment",
            summary="Assessment completed.",
            occurred_at=self.at(earlier.opened_on + dt.timedelta(days=30), 14),
            significant=True,
        )
        services.episode_close(
            episode=episode,
            actor=manager,
            reason_code=earlier.closure_reason,
            summary=earlier.summary,
            closed_on=earlier.closed_on,
        )
        services.involvement_end(
            involvement=involvement, actor=manager, end_date=earlier.closed_on, reason="Episode closed"
        )

    def _duplicate(self, dup: DuplicatePlan) -> None:
        triage = self.u(TRIAGE)
        person = services.person_create(
            actor=triage,
            reason="Demo data: a likely duplicate made at the front door",
            data={
                "first_name": dup.first_name,
                "last_name": dup.last_name,
                "sex": dup.sex,
                "date_of_birth": dup.date_of_birth,
            },
        )
        services.person_add_address(person=person, actor=triage, line1=dup.line1, postcode=dup.postcode, town=TOWN)
        agency = self.u(dup.contact_user).agency if dup.contact_user else None
        services.chronology_add(
            person=person,
            actor=triage,
            strand=Strand.FRONT_DOOR,
            kind="contact",
            summary=f"Contact from {dup.contact_from}: concern about {dup.first_name}.",
            source_agency=agency,
            occurred_at=self.at(self.today - dt.timedelta(days=4), 10),
        )
        if dup.contact_user in (SCHOOL_DSL, OTHER_SCHOOL_DSL):
            services.involvement_add(
                person=person,
                actor=triage,
                role=InvolvementRole.REFERRER,
                user=self.u(dup.contact_user),
                start_date=self.today - dt.timedelta(days=4),
            )


def seed_families(*, teams: dict[str, Team], today: dt.date | None = None) -> SeedSummary:
    """Write every family of the plan that is not there yet (by FamilyCase name); one transaction each.

    `teams` maps seed_demo's team keys to teams (a family's team around the family names one)."""
    today = today or timezone.localdate()
    plan = build_plan(today)
    existing = set(FamilyCase.objects.filter(name__in=[f.name for f in plan]).values_list("name", flat=True))
    writer = _Writer(today, teams)
    created = 0
    for family in plan:
        if family.name in existing:
            continue
        with transaction.atomic():
            writer.write(family)
        created += 1
    names = [f.name for f in plan]
    present = set(FamilyCase.objects.filter(name__in=names).values_list("name", flat=True))
    return SeedSummary(
        families=len(present),
        new_families=created,
        people=Person.objects.filter(merged_into__isnull=True).count(),
        restricted=Person.objects.filter(restricted=True, merged_into__isnull=True).count(),
        duplicate_pairs=sum(len(f.duplicates) for f in plan if f.name in present),
    )
