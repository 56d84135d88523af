"""Child protection's share of a generated data set (a step registered in MacptConfig.ready(), after Family Help's).

At the national rates, scaled to the council: England starts about 230,000 s47 enquiries and holds about 72,000
initial child protection conferences a year (DfE, Characteristics of children in need, 2023-24 and 2024-25) for about
3,000,000 contacts (cases.datagen's `national` scale), so a council with `contacts_per_year` contacts gets
230,000 x contacts_per_year / 3,000,000 s47 enquiries a year (about 7,700 at `large-la`, 230 at `small`) and
72,000 x the same ICPCs.

Where they come from: the front door's generated decisions at the child protection level (a strategy discussion or
immediate protection) opened each child's episode at that level; every such decision (the children of one contact
together: one discussion may cover brothers and sisters) gets a strategy discussion chaired by an LCPP, with police,
health, social care and education attending (sometimes with apologies and the recorded reason), information shared
by each agency under its tag, and a decision per child: an s47 enquiry for as many children as the national rate
gives, the others no s47 with a next step. Each enquiry is led by an LCPP, dated (S47ActualStartDate), with its ICPC
target 15 working days after the discussion (InitialCPCtarget, the discussion's day being day 0) and an outcome in
the national proportions (a conference needed for 72,000 in 230,000). Enquiries started in the last few weeks are
still open, and some that need a conference are waiting for it: their deadlines (macpt.icpc) are open, so the LCPP's
oversight dashboard has today's work to show; the older ones' deadlines are met.

The MACPT works with each child from the discussion (an active cases.Involvement of the MACPT team with its group's
object permissions, as cases.permissions.person_permissions_sync grants them) until the work ends; the LCPP leads
(an LCPP episode lead with the lead's involvement and permissions, as cases.services.episode_set_lead writes them).
The demo LCPP (lcpp@demo.test) and the demo MACPT hold a typical share, so the benchmark's pages are a real
caseload. Rows go in by COPY with explicit ids (cases.datagen); each row is built from the model's own fields, so a
field another area adds takes its default.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import connection, models
from django.utils import timezone

from cases.datagen import SCALES, Context, copy_rows, move_sequence, next_id
from cases.models import Agency, AgencyType, Qualification, Role, Team, User
from cases.workdays import LONDON, Calendar

NATIONAL_S47_PER_YEAR = 230_000
NATIONAL_ICPC_PER_YEAR = 72_000
NATIONAL_CONTACTS_PER_YEAR = SCALES["national"].contacts_per_year
# Of the enquiries that need no conference, about half found the concerns not substantiated.
NOT_SUBSTANTIATED_SHARE = 0.55
# ICPCs within 15 working days of the strategy discussion (England: about 78%).
ICPC_ON_TIME = 0.78
# Children in open child protection work per LCPP, and per MACPT team.
LCPP_CASELOAD = 40
MACPT_CHILDREN = 300
STRATEGY_TEXT = {
    "reason": "Concerns shared at the front door about significant harm.",
    "police": "Police: two call-outs to the address in the last year; one for domestic abuse.",
    "health": "Health: missed developmental checks; the health visitor has not seen the child since spring.",
    "school": "School: attendance 81%; the child came in hungry twice this month.",
    "social_care": "Social care: known to Family Help two years ago (neglect).",
}
S47_TEXT = [
    ("police", "Police checks complete: no new incidents.", ["police"]),
    ("health", "GP and health visitor seen: weight on the 9th centile.", ["health"]),
    ("education", "School: the child told the teacher about shouting at home.", []),
]
NEXT_STEPS = [("family_help", 0.6), ("fgdm_offer", 0.15), ("nfa", 0.25)]


@dataclass
class Workforce:
    lcpps: list[User]
    teams: list[Team]
    members: dict[int, dict[str, list[User]]]  # team id -> agency key -> members


def _agencies() -> dict[str, Agency]:
    def get(kind: str, name: str) -> Agency:
        return (
            Agency.objects.filter(type=kind).order_by("id").first()
            or Agency.objects.get_or_create(name=name, defaults={"type": kind})[0]
        )

    return {
        "social_care": get(AgencyType.COUNCIL_SOCIAL_CARE, "Generated Children's Social Care"),
        "police": get(AgencyType.POLICE, "Generated Police"),
        "health": get(AgencyType.HEALTH, "Generated Community Health Trust"),
        "education": get(AgencyType.EDUCATION, "Generated Schools Partnership"),
    }


def _team_group(team: Team) -> Group:
    if team.group_id:
        return team.group
    group, _ = Group.objects.get_or_create(name=f"team:{team.pk}")
    Team.objects.filter(pk=team.pk).update(group=group)
    team.group = group
    return group


def _workforce(children: int, agencies: dict[str, Agency]) -> Workforce:
    """LCPPs and MACPT teams (social care, police, health and education members each) for this many children in
    child protection work at once; the demo LCPP and the demo MACPT first."""
    lcpp_group = Group.objects.get_or_create(name=Role.LCPP)[0]
    member_group = Group.objects.get_or_create(name=Role.MACPT_MEMBER)[0]
    start = User.objects.filter(email__startswith="lcpp.", email__endswith="@generated.test").count()
    new_lcpps = []
    for n in range(start, start + max(1, math.ceil(children / LCPP_CASELOAD))):
        user = User(
            email=f"lcpp.{n:05d}@generated.test",
            full_name=f"Protection Lead G{n:05d}",
            job_title="Lead Child Protection Practitioner",
            agency=agencies["social_care"],
            qualification=Qualification.SOCIAL_WORKER,
        )
        user.set_unusable_password()
        new_lcpps.append(user)
    User.objects.bulk_create(new_lcpps, batch_size=2000)
    lcpps = list(User.objects.filter(email__in=[u.email for u in new_lcpps]).order_by("id"))
    lcpp_group.user_set.add(*lcpps)
    demo_lcpp = User.objects.filter(email="lcpp@demo.test").first()
    teams = list(Team.objects.filter(multi_agency=True).order_by("id")[:1])
    for n in range(len(teams), max(1, math.ceil(children / MACPT_CHILDREN))):
        team, _ = Team.objects.get_or_create(
            agency=agencies["social_care"], name=f"Generated MACPT {n:03d}", defaults={"multi_agency": True}
        )
        teams.append(team)
    members: dict[int, dict[str, list[User]]] = {}
    for index, team in enumerate(teams):
        group = _team_group(team)
        existing = list(team.members.select_related("agency"))
        by_agency: dict[str, list[User]] = defaultdict(list)
        for user in existing:
            key = next((k for k, a in agencies.items() if a.type == user.agency.type), None)
            if key:
                by_agency[key].append(user)
        created = []
        for key in ("police", "health", "education", "social_care"):
            if by_agency[key]:
                continue
            user = User(
                email=f"macpt.{team.pk:04d}.{key}@generated.test",
                full_name=f"MACPT {key.replace('_', ' ').title()} G{team.pk:04d}",
                job_title="MACPT member",
                agency=agencies[key],
            )
            user.set_unusable_password()
            created.append((key, user))
        if created:
            User.objects.bulk_create([u for _, u in created], ignore_conflicts=True)
            for key, user in created:
                saved = User.objects.get(email=user.email)
                by_agency[key].append(saved)
                saved.teams.add(team)
                saved.groups.add(group, member_group)
        team_lcpps = lcpps[index :: len(teams)]
        for user in team_lcpps:
            user.teams.add(team)
            user.groups.add(group, member_group)
        members[team.pk] = by_agency
    return Workforce(lcpps=([demo_lcpp] if demo_lcpp else []) + lcpps, teams=teams, members=members)


def _protection_decisions() -> list[tuple[int, dt.datetime, int, int | None, dt.date | None]]:
    """(decision, decided at, child, the child's episode then, its closing day) for each of the front door's
    generated decisions at the child protection level (a strategy discussion or immediate protection: one that
    opened the child's episode, or one about a child whose episode was open already), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT d.id, d.decided_at, cc.person_id, e.id, e.closed_on
            FROM front_door_decision d
            JOIN cases_needlevel nl ON nl.id = d.level_id AND nl.code = 'child_protection'
            JOIN front_door_contactchild cc ON cc.contact_id = d.contact_id AND cc.person_id IS NOT NULL
            LEFT JOIN LATERAL (
                SELECT e.id, e.closed_on FROM cases_episode e
                WHERE e.person_id = cc.person_id AND e.opened_on <= (d.decided_at AT TIME ZONE 'Europe/London')::date
                  AND (e.closed_on IS NULL OR e.closed_on >= (d.decided_at AT TIME ZONE 'Europe/London')::date)
                ORDER BY e.opened_on DESC LIMIT 1
            ) e ON true
            WHERE d.supersedes_id IS NULL
            ORDER BY d.decided_at, d.id, cc.person_id
        """)
        return cursor.fetchall()


def _mixed(value):
    if isinstance(value, list):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value)
    return value


class Rows:
    """Rows for one model, built as {field name: value}: ids handed out above the table's current maximum, any field
    not given takes its default (or NULL), so the generator keeps up with fields added to the models. A row can be
    changed until it is written (`set`), as when a plan's end is known only after its review conferences."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.next = next_id(self.table)
        self.rows: dict[int, dict] = {}

    def add(self, **values) -> int:
        pk = self.next
        self.next += 1
        values["id"] = pk
        self.rows[pk] = values
        return pk

    def set(self, pk: int, **values) -> None:
        self.rows[pk].update(values)

    def _tuple(self, values: dict) -> tuple:
        row = []
        for f in self.fields:
            if f.attname in values:
                value = values[f.attname]
            elif f.name in values:
                value = values[f.name]
                value = value.pk if isinstance(value, models.Model) else value
            elif f.has_default():
                value = f.get_default()
            elif getattr(f, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
                value = f.db_default.value if hasattr(f.db_default, "value") else f.db_default
            elif f.null:
                value = None
            elif f.attname in ("created_at", "updated_at"):
                value = values.get("created_at") or timezone.now()
            elif f.empty_strings_allowed and not f.null:
                value = ""  # a text field left blank, as a form would
            else:
                raise ValueError(f"{self.table}.{f.attname}: no value and no default")
            row.append(_mixed(value))
        return tuple(row)

    def write(self, ctx: Context, label: str) -> None:
        written = copy_rows(self.table, [f.column for f in self.fields], (self._tuple(v) for v in self.rows.values()))
        ctx.counts[label] = ctx.counts.get(label, 0) + written
        move_sequence(self.table)


def _working_days_before(calendar: Calendar, day: dt.date, n: int, floor: dt.date) -> dt.date:
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return max(day, floor)


def _until(period: list) -> dt.date:
    return dt.date.max if period[2] is None else period[2]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def national_targets(ctx: Context) -> tuple[int, int]:
    """(s47 enquiries, ICPCs) over the data set's years, at England's rates scaled to the council's contacts."""
    share = ctx.scale.contacts_per_year / NATIONAL_CONTACTS_PER_YEAR
    years = ctx.scale.years
    return round(NATIONAL_S47_PER_YEAR * share * years), round(NATIONAL_ICPC_PER_YEAR * share * years)


def generate_macpt(ctx: Context) -> None:  # one pass, many tables
    from cases.models import Deadline, EpisodeLead, Involvement, PersonGroupObjectPermission, PersonUserObjectPermission

    from .models import (
        S47Enquiry,
        S47Information,
        StrategyAttendee,
        StrategyChild,
        StrategyDiscussion,
        StrategyInformation,
    )

    rng = ctx.rng
    now = timezone.now()
    calendar = Calendar.from_database()
    decisions = _protection_decisions()
    if not decisions:
        return
    s47_target, icpc_target = national_targets(ctx)
    # Each decision's children together, in one discussion.
    by_decision: dict[int, list[tuple]] = defaultdict(list)
    for row in decisions:
        by_decision[row[0]].append(row)
    groups = list(by_decision.values())
    # A child already in an s47 enquiry is not in a second (about one in ten discussions): aim a little higher.
    s47_share = min(1.0, 1.03 * s47_target / len(decisions))
    conference_share = min(1.0, icpc_target / max(1, s47_target))
    # Open at once: enquiries of the last ~4 weeks and (later) the children on plans.
    open_estimate = max(1, round(s47_target / (ctx.scale.years * 52) * 4) + round(icpc_target / ctx.scale.years))
    agencies = _agencies()
    workforce = _workforce(open_estimate, agencies)
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_person", "change_person"]
        ).values_list("codename", "pk")
    )
    discussions = Rows(StrategyDiscussion)
    strategy_children = Rows(StrategyChild)
    attendees = Rows(StrategyAttendee)
    information = Rows(StrategyInformation)
    enquiries = Rows(S47Enquiry)
    enquiry_information = Rows(S47Information)
    leads = Rows(EpisodeLead)
    involvements = Rows(Involvement)
    user_perms = Rows(PersonUserObjectPermission)
    group_perms = Rows(PersonGroupObjectPermission)
    deadlines = Rows(Deadline)
    icpc_days: dict[int, dt.date] = {}  # discussion -> its children's ICPC
    icpcs: dict[int, list[tuple]] = defaultdict(list)  # discussion -> the children at its ICPC
    open_children = 0
    in_s47_until: dict[int, dt.date] = {}  # child -> the day their enquiry (or its conference) ended; max: open
    led: set[int] = set()  # episodes with their LCPP
    # child -> [MACPT, from, until (None: still)]: the MACPT's latest period of work with the child, extended while
    # further work follows; the earlier periods, ended.
    working: dict[int, list] = {}
    worked: list[tuple[int, Team, dt.date, dt.date | None]] = []
    for index, group in enumerate(groups):
        _decision, level_at, _child, _episode, _closed_on = group[0]
        level_day = level_at.astimezone(LONDON).date()
        # A MACPT already working with one of the children carries on; otherwise the teams take turns.
        team = next(
            (working[row[2]][0] for row in group if row[2] in working and _until(working[row[2]]) >= level_day),
            workforce.teams[index % len(workforce.teams)],
        )
        by_agency = workforce.members[team.pk]
        # The demo LCPP chairs and leads the first caseload of open work; the generated LCPPs the rest.
        still_open = any(row[3] is not None and row[4] is None for row in group)
        if still_open and open_children < LCPP_CASELOAD and workforce.lcpps[0].email == "lcpp@demo.test":
            lcpp = workforce.lcpps[0]
            open_children += len(group)
        else:
            lcpp = (
                workforce.lcpps[1 + index % (len(workforce.lcpps) - 1)]
                if len(workforce.lcpps) > 1
                else (workforce.lcpps[0])
            )
        level_at = level_at.astimezone(LONDON)
        day = level_at.date()
        held_day = day if calendar.is_working_day(day) and level_at.hour < 15 else calendar.add_working_days(day, 1)
        if held_day > ctx.today:
            held_day = ctx.today
        held_at = min(_at(held_day, rng.choice([11, 12, 14, 15, 16]), rng.choice([0, 15, 30])), now)
        record_due = calendar.add_working_days(held_day, 1)
        shared = (record_due < ctx.today) or rng.random() < 0.5
        shared_at = _at(held_day, 17, 30) + dt.timedelta(days=rng.choice([0, 0, 0, 1])) if shared else None
        if shared_at and shared_at > now:
            shared_at = None
        police_there = rng.random() < 0.93
        health_there = rng.random() < 0.85
        discussion = discussions.add(
            created_at=held_at,
            updated_at=shared_at or held_at,
            team_id=team.pk,
            held_at=held_at,
            form="meeting" if rng.random() < 0.15 else "discussion",
            chair_id=lcpp.pk,
            work_request_id=None,
            reason=STRATEGY_TEXT["reason"],
            police_absence_reason="" if police_there else "Officer called to an emergency; police checks sent in.",
            health_absence_reason="" if health_there else "Named nurse on leave; the health visitor's notes sent in.",
            record_shared_at=shared_at,
            created_by_id=lcpp.pk,
        )
        person_ids = [row[2] for row in group]
        deadlines.add(
            created_at=held_at,
            updated_at=shared_at or held_at,
            kind="macpt.strategy_record",
            label=f"Share the strategy discussion record SD{discussion:06d}",
            target_type="macpt.strategydiscussion",
            target_id=str(discussion),
            person_ids=person_ids,
            link=f"/child-protection/strategy/{discussion}/",
            due_at=dt.datetime.combine(record_due, held_at.astimezone(LONDON).time(), tzinfo=LONDON),
            warn_at=_at(record_due, 9),
            state="met" if shared_at else "open",
            assignee_id=lcpp.pk,
            escalate_role=Role.MANAGER,
            met_at=shared_at,
        )
        for key, there in (
            ("police", police_there),
            ("health", health_there),
            ("social_care", True),
            ("education", True),
        ):
            member = by_agency[key][0]
            attendees.add(
                created_at=held_at,
                updated_at=held_at,
                discussion_id=discussion,
                agency_id=member.agency_id,
                user_id=member.pk,
                name="",
                attendance="attended" if there else "apologies",
            )
            tags = [key] if key in ("police", "health") else []
            information.add(
                created_at=held_at,
                updated_at=held_at,
                discussion_id=discussion,
                agency_id=member.agency_id,
                person_id=None,
                text=STRATEGY_TEXT[key if key != "education" else "school"],
                tags=tags,
                author_id=member.pk,
            )
        for _decision, _decided_at, child, episode_id, closed_on in group:
            closed_on = max(closed_on, held_day) if closed_on else None  # at least the day it ends
            s47 = rng.random() < s47_share and in_s47_until.get(child, dt.date.min) < held_day
            joint = rng.random() < 0.55
            if s47:
                decision, next_step = ("s47_joint" if joint else "s47_single"), ""
            else:
                decision = "no_s47"
                next_step = rng.choices([s for s, _ in NEXT_STEPS], [w for _, w in NEXT_STEPS])[0]
            strategy_children.add(
                created_at=held_at,
                updated_at=held_at,
                discussion_id=discussion,
                person_id=child,
                decision=decision,
                next_step=next_step,
                reason="Reasonable cause to suspect significant harm." if s47 else "Threshold for s47 not met.",
                decided_at=held_at,
            )
            # From the discussion, the MACPT works with the child; the LCPP leads.
            work_ends = closed_on
            if episode_id is not None and episode_id not in led:
                led.add(episode_id)
                leads.add(
                    created_at=held_at,
                    updated_at=held_at,
                    episode_id=episode_id,
                    kind="lcpp",
                    user_id=lcpp.pk,
                    started_at=held_at,
                    ended_at=max(_at(closed_on, 12), held_at) if closed_on else None,
                    assigned_by_id=lcpp.pk,
                )
                involvements.add(
                    created_at=held_at,
                    updated_at=held_at,
                    person_id=child,
                    user_id=lcpp.pk,
                    team_id=None,
                    agency_id=lcpp.agency_id,
                    role="lead_practitioner",
                    start_date=held_day,
                    end_date=max(closed_on, held_day) if closed_on else None,
                    created_by_id=lcpp.pk,
                )
                if closed_on is None:
                    for codename in ("view_person", "change_person"):
                        user_perms.add(content_object_id=child, user_id=lcpp.pk, permission_id=perms[codename])
            if not s47:
                work_ends = closed_on if closed_on and closed_on <= held_day + dt.timedelta(days=3) else held_day
            enquiry = None
            if s47:
                start_date = held_day
                icpc_due = calendar.add_working_days(held_day, 15)
                needs_conference = rng.random() < conference_share
                if needs_conference:
                    outcome = "conference_needed"
                    # The outcome a few days before the conference; the conference mostly on time, one for the
                    # discussion's children together.
                    if discussion not in icpc_days:
                        icpc_days[discussion] = (
                            calendar.add_working_days(held_day, rng.randint(8, 15))
                            if rng.random() < ICPC_ON_TIME
                            else calendar.add_working_days(held_day, rng.randint(16, 30))
                        )
                    icpc_day = icpc_days[discussion]
                    outcome_day = min(calendar.add_working_days(held_day, rng.randint(3, 7)), icpc_day)
                    if closed_on and closed_on < icpc_day:
                        # The case closes before the conference could sit: the enquiry ends without one (census
                        # 8868: a closed case's enquiry has its conference or is marked as needing none).
                        outcome, icpc_day = "substantiated_no_conference", None
                else:
                    outcome = (
                        "not_substantiated"
                        if rng.random() < NOT_SUBSTANTIATED_SHARE
                        else ("substantiated_no_conference")
                    )
                    icpc_day = None
                    outcome_day = calendar.add_working_days(held_day, rng.randint(5, 25))
                if closed_on and outcome_day > closed_on:
                    outcome_day = max(start_date, closed_on)
                decided = outcome_day <= ctx.today
                # The enquiry ends with its outcome (S47Enquiry); the conference follows.
                ended_on = outcome_day if decided else None
                in_s47_until[child] = ended_on or dt.date.max
                seen_on = min(calendar.add_working_days(held_day, rng.choice([0, 1, 1, 2, 3])), ctx.today)
                enquiry = enquiries.add(
                    created_at=held_at,
                    updated_at=held_at,
                    person_id=child,
                    team_id=team.pk,
                    started_at_discussion_id=discussion,
                    start_date=start_date,
                    lead_id=lcpp.pk,
                    joint_with_police=joint,
                    child_seen_on=seen_on,
                    outcome=outcome if decided else "",
                    outcome_date=outcome_day if decided else None,
                    outcome_reason="Generated outcome." if decided else "",
                    icpc_target=icpc_due,
                    ended_on=ended_on,
                    created_by_id=lcpp.pk,
                )
                for key, text, tags in S47_TEXT:
                    member = by_agency[key][0]
                    enquiry_information.add(
                        created_at=held_at,
                        updated_at=held_at,
                        enquiry_id=enquiry,
                        agency_id=member.agency_id,
                        text=text,
                        tags=tags,
                        author_id=member.pk,
                    )
                # The ICPC clock starts with the enquiry (as s47_start sets it): met by the conference, cancelled by
                # any other outcome (ICPCnotRequired) or the episode closing first, open until then.
                held = (
                    decided
                    and outcome == "conference_needed"
                    and icpc_day <= ctx.today
                    and not (closed_on and closed_on < icpc_day)
                )
                if held:
                    state, changed_at = "met", _at(icpc_day, 12)
                elif decided and (outcome != "conference_needed" or closed_on):
                    state, changed_at = (
                        "cancelled",
                        _at(outcome_day if outcome != "conference_needed" else closed_on, 12),
                    )
                else:
                    state, changed_at = "open", held_at
                due_at = _at(icpc_due, 17)
                late = (held and icpc_day > icpc_due) or (state == "open" and due_at < now)
                deadlines.add(
                    created_at=held_at,
                    updated_at=max(held_at, changed_at),
                    kind="macpt.icpc",
                    label=f"Initial child protection conference for S47-{enquiry:06d}",
                    target_type="macpt.s47enquiry",
                    target_id=str(enquiry),
                    person_ids=[child],
                    link=f"/child-protection/s47/{enquiry}/",
                    due_at=due_at,
                    warn_at=_at(_working_days_before(calendar, icpc_due, 3, start_date), 9),
                    state=state,
                    assignee_id=lcpp.pk,
                    escalate_role=Role.MANAGER,
                    breached_at=due_at if late else None,
                    met_at=changed_at if held else None,
                )
                if decided and outcome == "conference_needed":
                    # The MACPT works with the child until the plan ends (or the conference decides no plan).
                    work_ends = closed_on
                    if held:
                        plan = None
                        if rng.random() < PLAN_SHARE:
                            plan_end = icpc_day + dt.timedelta(days=_plan_days(rng))
                            plan_end = min(plan_end, closed_on) if closed_on else plan_end
                            plan_end = max(plan_end, icpc_day)
                            plan = (_category(rng), plan_end if plan_end <= ctx.today else None)
                            work_ends = plan[1]
                            # On a plan, a child is not in another enquiry (nor a second plan) until it ends.
                            in_s47_until[child] = max(in_s47_until[child], plan[1] or dt.date.max)
                        else:
                            work_ends = icpc_day
                        icpcs[discussion].append((child, enquiry, episode_id, icpc_day, plan, lcpp, team))
                elif not decided:
                    work_ends = closed_on
                else:
                    work_ends = ended_on
            macpt_end = work_ends if (work_ends and work_ends <= ctx.today) else None
            current = working.get(child)
            if current and _until(current) >= held_day:
                # Already working with the child: that period carries on until this work ends too.
                current[2] = None if (current[2] is None or macpt_end is None) else max(current[2], macpt_end)
                continue
            if current:
                worked.append((child, *current))
            working[child] = [team, held_day, macpt_end, lcpp]
    for child, team, start, end, lcpp in [*worked, *((c, *w) for c, w in working.items())]:
        involvements.add(
            created_at=_at(start, 12),
            updated_at=_at(start, 12),
            person_id=child,
            user_id=None,
            team_id=team.pk,
            agency_id=team.agency_id,
            role="macpt_member",
            start_date=start,
            end_date=end,
            created_by_id=lcpp.pk,
        )
        if end is None:
            for codename in ("view_person", "change_person"):
                group_perms.add(content_object_id=child, group_id=team.group_id, permission_id=perms[codename])
    _conferences(ctx, icpcs, workforce, deadlines, calendar)
    for rows, label in (
        (discussions, "strategy_discussions"),
        (strategy_children, "strategy_children"),
        (attendees, "strategy_attendees"),
        (information, "strategy_information"),
        (enquiries, "s47_enquiries"),
        (enquiry_information, "s47_information"),
        (leads, "lcpp_lead_periods"),
        (involvements, "macpt_involvements"),
        (user_perms, "macpt_user_permissions"),
        (group_perms, "macpt_team_permissions"),
        (deadlines, "macpt_deadlines"),
    ):
        rows.write(ctx, label)
    with connection.cursor() as cursor:
        _end_cin_plans_at_protection(cursor)
        _referrals_hold_their_work(cursor)
        _cin_plans_end_with_their_referral(cursor)
        cursor.execute("ANALYZE")


def _referrals_hold_their_work(cursor) -> None:
    """The census referrals (the front door's, generated first) as the work since makes them: one in which an s47
    enquiry or a child protection plan started is not closed 'after assessment' (RC8, RC9: census 2990) but when the
    services ended (RC7), nor closed before its Family Help assessment is authorised (census 8565) unless the child's
    next referral comes first."""
    # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
    cursor.execute("""
        WITH worked AS (
            SELECT r.id, r.episode_id FROM cases_cinreferral r
            WHERE r.closure_reason IN ('RC8', 'RC9') AND (
                EXISTS (SELECT 1 FROM macpt_s47enquiry s WHERE s.person_id = r.person_id
                        AND s.start_date BETWEEN r.referral_date AND r.closed_on)
                OR EXISTS (SELECT 1 FROM macpt_childprotectionplan cp WHERE cp.person_id = r.person_id
                           AND cp.start_date BETWEEN r.referral_date AND r.closed_on))
        ), referrals AS (
            UPDATE cases_cinreferral r SET closure_reason = 'RC7' FROM worked WHERE worked.id = r.id
        )
        UPDATE cases_episode e SET closure_reason = 'RC7' FROM worked
        WHERE worked.episode_id = e.id AND e.closure_reason IN ('RC8', 'RC9')
    """)
    # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
    cursor.execute("""
        UPDATE cases_cinreferral r SET closed_on = sub.authorised
        FROM (
            SELECT r2.id, max(a.authorised_on) AS authorised
            FROM cases_cinreferral r2
            JOIN family_help_assessmentchild ac ON ac.person_id = r2.person_id
            JOIN family_help_assessment a ON a.id = ac.assessment_id
            WHERE r2.closed_on IS NOT NULL AND a.started_on BETWEEN r2.referral_date AND r2.closed_on
              AND a.authorised_on > r2.closed_on
            GROUP BY r2.id
        ) sub
        WHERE sub.id = r.id AND NOT EXISTS (
            SELECT 1 FROM cases_cinreferral later WHERE later.person_id = r.person_id AND later.id <> r.id
              AND later.referral_date > r.referral_date AND later.referral_date <= sub.authorised
        )
    """)


def _cin_plans_end_with_their_referral(cursor) -> None:
    """A child in need plan period still open (or ending later) when the census referral it started in closes ends
    with it: no activity after a case closes (census 8565)."""
    # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
    cursor.execute("""
        UPDATE cases_cinplanperiod p SET end_date = r.closed_on
        FROM cases_episode e, cases_cinreferral r
        WHERE e.id = p.episode_id AND r.person_id = e.person_id AND r.closed_on IS NOT NULL
          AND p.start_date BETWEEN r.referral_date AND r.closed_on
          AND (p.end_date IS NULL OR p.end_date > r.closed_on)
    """)


def _end_cin_plans_at_protection(cursor) -> None:
    """As the strand's service does when a plan starts (cin_plan_period_end_for_child; census 4001, 4017): a child's
    child in need plan period (Family Help's, generated before) open when a child protection plan starts ends that
    day; one that would start while a plan is open starts when that plan ends, or is not there if it has not."""
    # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
    cursor.execute("""
        UPDATE cases_cinplanperiod p SET end_date = sub.first_plan
        FROM (
            SELECT p2.id, min(cp.start_date) AS first_plan
            FROM cases_cinplanperiod p2
            JOIN cases_episode e ON e.id = p2.episode_id
            JOIN macpt_childprotectionplan cp ON cp.person_id = e.person_id
             AND cp.start_date >= p2.start_date AND (p2.end_date IS NULL OR cp.start_date < p2.end_date)
            GROUP BY p2.id
        ) sub
        WHERE sub.id = p.id
    """)
    # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
    cursor.execute("""
        DELETE FROM cases_cinplanperiod p USING cases_episode e, macpt_childprotectionplan cp
        WHERE e.id = p.episode_id AND cp.person_id = e.person_id
          AND cp.start_date < p.start_date AND cp.end_date IS NULL
    """)
    # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
    cursor.execute("""
        UPDATE cases_cinplanperiod p SET start_date = sub.last_end
        FROM (
            SELECT p2.id, max(cp.end_date) AS last_end
            FROM cases_cinplanperiod p2
            JOIN cases_episode e ON e.id = p2.episode_id
            JOIN macpt_childprotectionplan cp ON cp.person_id = e.person_id
             AND cp.start_date < p2.start_date AND cp.end_date > p2.start_date
            GROUP BY p2.id
        ) sub
        WHERE sub.id = p.id AND (p.end_date IS NULL OR sub.last_end <= p.end_date)
    """)


# --- conferences and plans ------------------------------------------------------------------------------------------
# Of the children at an ICPC, about nine in ten become the subject of a plan (England: about 66,000 plans started for
# 72,000 ICPCs); their initial categories and the plans' lengths in England's proportions (DfE 2023-24).
PLAN_SHARE = 0.9
CATEGORIES = [("NEG", 51), ("EMO", 36), ("PHY", 7), ("SAB", 4), ("MUL", 2)]
PLAN_LENGTHS = [((30, 90), 14), ((91, 182), 23), ((183, 365), 41), ((366, 730), 19), ((731, 1000), 3)]
CORE_GROUP_EVERY_DAYS = 42


def _category(rng) -> str:
    return rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]


def _plan_days(rng) -> int:
    (low, high) = rng.choices([r for r, _ in PLAN_LENGTHS], [w for _, w in PLAN_LENGTHS])[0]
    return rng.randint(low, high)


def _working_day_on_or_before(calendar: Calendar, day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _family_of(child_ids: list[int]) -> tuple[dict[int, int], dict[int, list[tuple[int, str]]], dict[int, tuple]]:
    """(child -> their open-or-latest episode's family case, child -> [(parent, role)], person -> (first, last))."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (person_id) person_id, family_case_id FROM cases_episode "
            "WHERE person_id = ANY(%s) AND family_case_id IS NOT NULL ORDER BY person_id, opened_on DESC",
            [child_ids],
        )
        families = dict(cursor.fetchall())
        cursor.execute(
            "SELECT to_person_id, from_person_id, type FROM cases_relationship "
            "WHERE to_person_id = ANY(%s) AND type IN ('mother', 'father') ORDER BY id",
            [child_ids],
        )
        parents: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for child, parent, kind in cursor.fetchall():
            parents[child].append((parent, kind))
        everyone = child_ids + [p for ps in parents.values() for p, _ in ps]
        cursor.execute("SELECT id, first_name, last_name FROM cases_person WHERE id = ANY(%s)", [everyone])
        names = {pk: (first, last) for pk, first, last in cursor.fetchall()}
    return families, parents, names


def _conferences(ctx: Context, icpcs: dict[int, list[tuple]], workforce: Workforce, deadlines: Rows, calendar) -> None:
    """Each held ICPC (the children of one discussion together) with its invitees, agencies' reports and decisions;
    a child protection plan per child decided, on the family's one plan (a family case and plan made for a family
    that has none); core groups (the first within 10 working days), statutory visits, review conferences (the first
    within 3 months, then at most every 6; the plan ends at one), and the open plans' next deadlines."""
    try:
        from .models import (
            ChildProtectionConference,
            ChildProtectionPlan,
            ConferenceChild,
            ConferenceInvitee,
            ConferenceReport,
            CoreGroup,
            StatutoryVisit,
        )
    except ImportError:  # the conference strand's models (issue 14 items 4 and 5) are not there yet
        return
    from cases.models import FamilyCase, FamilyCaseMember, Plan

    if not icpcs:
        return
    rng = ctx.rng
    now = timezone.now()
    child_ids = sorted({row[0] for rows in icpcs.values() for row in rows})
    episode_families, parents, names = _family_of(child_ids)
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_case_id, id FROM cases_plan")
        family_plans = dict(cursor.fetchall())
    families, members, plans = Rows(FamilyCase), Rows(FamilyCaseMember), Rows(Plan)
    conferences, invitees, reports = Rows(ChildProtectionConference), Rows(ConferenceInvitee), Rows(ConferenceReport)
    conference_children, cp_plans = Rows(ConferenceChild), Rows(ChildProtectionPlan)
    core_groups, core_group_plans, visits = Rows(CoreGroup), Rows(CoreGroup.plans.through), Rows(StatutoryVisit)
    plan_fk = next(f.attname for f in CoreGroup.plans.through._meta.concrete_fields if f.attname.endswith("plan_id"))
    group_fk = next(f.attname for f in CoreGroup.plans.through._meta.concrete_fields if f.attname.endswith("group_id"))
    child_family: dict[int, int] = {}
    plan_leads: dict[int, User] = {}
    new_episode_families: list[tuple[int, int]] = []
    lcpps = workforce.lcpps
    for rows in icpcs.values():
        kids = [row[0] for row in rows]
        icpc_day, lead, team = rows[0][3], rows[0][5], rows[0][6]
        icpc_at = _at(icpc_day, 10)
        family = next((child_family[k] for k in kids if k in child_family), None)
        family = family or next((episode_families[k] for k in kids if k in episode_families), None)
        if family is None:
            surname = names[kids[0]][1]
            family = families.add(
                created_at=icpc_at, updated_at=icpc_at, name=f"{surname} family", opened_on=icpc_day, closed_on=None
            )
            adults = sorted({p for k in kids for p, _ in parents.get(k, [])})
            for person, role in [(k, "child") for k in kids] + [(p, "parent") for p in adults]:
                members.add(
                    created_at=icpc_at,
                    updated_at=icpc_at,
                    family_case_id=family,
                    person_id=person,
                    role=role,
                    start_date=icpc_day,
                    end_date=None,
                )
            new_episode_families += [(row[2], family) for row in rows if row[2] is not None]
        for k in kids:
            child_family[k] = family
        any_plan = [row for row in rows if row[4] is not None]
        if family not in family_plans and any_plan:
            still = any(row[4][1] is None for row in any_plan)
            last_end = None if still else max(row[4][1] for row in any_plan)
            family_plans[family] = plans.add(
                created_at=icpc_at,
                updated_at=icpc_at,
                family_case_id=family,
                status="active" if still else "closed",
                led_by_strand="macpt",
                worries="Generated: the worries the conference named.",
                working_well="Generated: what is working well.",
                family_views="Generated: what the family say.",
                professional_notes="",
                next_review_on=None,
                created_by_id=lead.pk,
                closed_on=last_end,
                version=1,
            )
        chair = next((u for u in lcpps[1:] + lcpps[:1] if u.pk != lead.pk), None)
        conference = conferences.add(
            created_at=icpc_at,
            updated_at=icpc_at,
            kind="initial",
            status="decided",
            family_case_id=family,
            date=icpc_day,
            chair_id=chair.pk if chair else None,
            independent_chair_name="" if chair else "Independent chair (generated)",
            team_id=team.pk,
            enquiry_id=rows[0][1],
            family_views="Mum says she wants the children to stay at home and will work with everyone.",
            minutes="Generated minutes: the concerns, the agencies' reports and the decision.",
            minutes_not_for_family="Generated: police intelligence discussed in the closed part.",
            decided_at=icpc_at + dt.timedelta(hours=2),
            decided_by_id=chair.pk if chair else lead.pk,
            created_by_id=lead.pk,
        )
        by_agency = workforce.members[team.pk]
        adults = sorted({(p, kind) for k in kids for p, kind in parents.get(k, [])})
        for person, kind in adults:
            invitees.add(
                created_at=icpc_at,
                updated_at=icpc_at,
                conference_id=conference,
                person_id=person,
                name=" ".join(names.get(person, ("Parent", ""))).strip(),
                role=kind.title(),
                attendance=rng.choice(["attended", "attended", "attended", "apologies"]),
            )
        for key, text, tags in (
            ("police", "Police report: call-outs and checks.", ["police"]),
            ("health", "Health report: development and missed appointments.", ["health"]),
            ("education", "School report: attendance and presentation.", []),
        ):
            member = by_agency[key][0]
            invitees.add(
                created_at=icpc_at,
                updated_at=icpc_at,
                conference_id=conference,
                agency_id=member.agency_id,
                user_id=member.pk,
                name=member.full_name,
                role=member.job_title,
                attendance="attended" if rng.random() < 0.85 else "apologies",
            )
            reports.add(
                created_at=icpc_at,
                updated_at=icpc_at,
                conference_id=conference,
                agency_id=member.agency_id,
                author_id=member.pk,
                text=text,
                tags=tags,
            )
        family_plan = family_plans.get(family)
        started: list[tuple[int, int, str, dt.date | None]] = []  # (cp plan, child, category, end)
        for child, _enquiry, _episode, _day, plan, _lead, _team in rows:
            cp_plan = None
            if plan is not None:
                category, end = plan
                cp_plan = cp_plans.add(
                    created_at=icpc_at,
                    updated_at=icpc_at,
                    person_id=child,
                    family_plan_id=family_plan,
                    conference_id=conference,
                    start_date=icpc_day,
                    initial_category=category,
                    latest_category=category,
                    end_date=None,  # set below, with the conference that ended it
                    end_reason="",
                )
                started.append((cp_plan, child, category, end))
                plan_leads[cp_plan] = lead
            conference_children.add(
                created_at=icpc_at,
                updated_at=icpc_at,
                conference_id=conference,
                person_id=child,
                plan_id=cp_plan,
                plan_decided=plan is not None,
                category=plan[0] if plan else "",
                reason="Generated: the conference's reasons.",
            )
        # The plans of the children whose plans end together (or are open) go on together: core groups, reviews.
        by_end: dict[dt.date | None, list[tuple]] = defaultdict(list)
        for row in started:
            by_end[row[3]].append(row)
        for together in by_end.values():
            _plan_life(
                ctx,
                rng,
                now,
                calendar,
                conference_rows=(conferences, conference_children),
                started=together,
                icpc_day=icpc_day,
                family=family,
                lead=lead,
                chair=chair,
                team=team,
                cp_plans=cp_plans,
                core_groups=core_groups,
                core_group_plans=core_group_plans,
                visits=visits,
                deadlines=deadlines,
                fks=(group_fk, plan_fk),
            )
    _pre_proceedings_and_emergency(ctx, rng, calendar, cp_plans, plan_leads)
    for rows, label in (
        (families, "cp_family_cases"),
        (members, "cp_family_members"),
        (plans, "cp_family_plans"),
        (conferences, "cp_conferences"),
        (invitees, "cp_conference_invitees"),
        (reports, "cp_conference_reports"),
        (cp_plans, "cp_plans"),
        (conference_children, "cp_conference_children"),
        (core_groups, "cp_core_groups"),
        (core_group_plans, "cp_core_group_plans"),
        (visits, "cp_statutory_visits"),
    ):
        rows.write(ctx, label)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE cp_episode_family (episode_id bigint, family_case_id bigint) ON COMMIT DROP")
        # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
        with cursor.cursor.copy("COPY cp_episode_family (episode_id, family_case_id) FROM STDIN") as copy:
            for row in new_episode_families:
                copy.write_row(row)
        # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
        cursor.execute(
            "UPDATE cases_episode e SET family_case_id = f.family_case_id FROM cp_episode_family f "
            "WHERE e.id = f.episode_id AND e.family_case_id IS NULL"
        )


def _plan_life(
    ctx,
    rng,
    now,
    calendar,
    *,
    conference_rows,
    started,
    icpc_day,
    family,
    lead,
    chair,
    team,
    cp_plans,
    core_groups,
    core_group_plans,
    visits,
    deadlines,
    fks,
) -> None:
    """What follows an ICPC's plans (one family's children, stepped down together): core groups, visits, review
    conferences (the last one ends the plans), and for plans still open their next deadlines."""
    conferences, conference_children = conference_rows
    group_fk, plan_fk = fks
    end = started[0][3]  # None: still open
    review_due = _working_day_on_or_before(calendar, _add_months(icpc_day, 3))
    reviews: list[dt.date] = []
    day = _working_day_on_or_before(calendar, review_due - dt.timedelta(days=rng.randint(0, 12)))
    while day <= (end or ctx.today) and day <= ctx.today:
        reviews.append(day)
        review_due = _working_day_on_or_before(calendar, _add_months(day, 6))
        day = _working_day_on_or_before(calendar, review_due - dt.timedelta(days=rng.randint(0, 20)))
    ending_review = None
    if end is not None:
        end = max(icpc_day, _working_day_on_or_before(calendar, end))
        reviews = [r for r in reviews if r < end]
        if end > icpc_day and rng.random() < 0.85:
            # Mostly a review conference ends the plans (brought forward if need be), on the plan's last day.
            reviews.append(end)
            ending_review = end
    for number, review_day in enumerate(reviews):
        at = _at(review_day, 10)
        conference = conferences.add(
            created_at=at,
            updated_at=at,
            kind="review",
            status="decided",
            family_case_id=family,
            date=review_day,
            chair_id=chair.pk if chair else None,
            independent_chair_name="" if chair else "Independent chair (generated)",
            team_id=team.pk,
            enquiry_id=None,
            family_views="Generated: the family's views at the review.",
            minutes="Generated review minutes.",
            decided_at=at + dt.timedelta(hours=2),
            decided_by_id=chair.pk if chair else lead.pk,
            created_by_id=lead.pk,
        )
        ends = review_day == ending_review and number == len(reviews) - 1
        for cp_plan, child, category, _end in started:
            conference_children.add(
                created_at=at,
                updated_at=at,
                conference_id=conference,
                person_id=child,
                plan_id=cp_plan,
                plan_decided=not ends,
                category="" if ends else category,
                reason="Generated: progress against the plan.",
            )
            if ends:
                cp_plans.set(
                    cp_plan,
                    end_date=review_day,
                    end_reason="no_longer_at_risk",
                    ended_by_conference_id=conference,
                    updated_at=at,
                )
    if end is not None and ending_review is None:
        # Ended before a review conference could (the family moved away, the child came into care).
        reason = rng.choice(["transferred_out", "care", "other"])
        for cp_plan, *_ in started:
            cp_plans.set(
                cp_plan,
                end_date=end,
                end_reason=reason,
                end_reason_text="Generated: the episode closed." if reason == "other" else "",
            )
    limit = min(end or ctx.today, ctx.today)
    # Core groups: the first within 10 working days of the ICPC, then about every six weeks.
    day = calendar.add_working_days(icpc_day, rng.randint(4, 10))
    last_core_group = None
    while day <= limit and (end is None or day < end):
        group = core_groups.add(
            created_at=_at(day, 14),
            updated_at=_at(day, 14),
            date=day,
            attendees="Mum; lead practitioner; health visitor; school DSL; police (generated)",
            apologies="",
            summary="Generated: the plan's actions reviewed.",
            recorded_by_id=lead.pk,
        )
        for cp_plan, *_ in started:
            core_group_plans.add(**{group_fk: group, plan_fk: cp_plan})
        last_core_group = day
        day = calendar.add_working_days(day + dt.timedelta(days=CORE_GROUP_EVERY_DAYS - 5), rng.randint(0, 5))
    # Statutory visits about every 10 working days, the child seen (mostly alone).
    visited: dict[int, dt.date] = {}
    for cp_plan, *_ in started:
        day = calendar.add_working_days(icpc_day, rng.randint(2, 8))
        # Long plans: the last year's visits (what anyone reads), enough for the timescales.
        earliest = limit - dt.timedelta(days=365)
        while day <= limit and (end is None or day < end):
            if day >= earliest:
                seen = rng.random() < 0.95
                visits.add(
                    created_at=_at(day, 15),
                    updated_at=_at(day, 15),
                    plan_id=cp_plan,
                    date=day,
                    seen=seen,
                    seen_alone=seen and rng.random() < 0.6,
                    by_id=lead.pk,
                    notes="",
                )
            visited[cp_plan] = day
            day = calendar.add_working_days(day, rng.choice([7, 8, 9, 10, 10, 10, 11]))
    if end is not None:
        return
    # The open plans' clocks, as the strand sets them (17:00 on the limit's day, reminded 09:00 the working day before).
    next_review = _working_day_on_or_before(
        calendar, _add_months(reviews[-1], 6) if reviews else _add_months(icpc_day, 3)
    )
    next_core_group = (
        calendar.add_working_days(icpc_day, 10)
        if last_core_group is None
        else last_core_group + dt.timedelta(days=CORE_GROUP_EVERY_DAYS)
    )
    next_core_group = (
        next_core_group if calendar.is_working_day(next_core_group) else calendar.next_working_day(next_core_group)
    )
    for cp_plan, child, _category, _end in started:
        next_visit = calendar.add_working_days(visited.get(cp_plan, icpc_day), 10)
        for kind, label, due in (
            ("macpt.core_group", "Core group", next_core_group),
            ("macpt.visit", "Statutory visit", next_visit),
            ("macpt.review_conference", "Review child protection conference", next_review),
        ):
            due_at = _at(due, 17)
            deadlines.add(
                created_at=_at(icpc_day, 12),
                updated_at=_at(icpc_day, 12),
                kind=kind,
                label=f"{label} for CPP-{cp_plan:06d}",
                target_type="macpt.childprotectionplan",
                target_id=str(cp_plan),
                person_ids=[child],
                link=f"/child-protection/plans/{cp_plan}/",
                due_at=due_at,
                warn_at=_at(_working_days_before(calendar, due, 1, icpc_day), 9),
                state="open",
                assignee_id=lead.pk,
                escalate_role=Role.LCPP,
                breached_at=due_at if due_at < now else None,
            )


# Of the children on plans, about one in eight enters pre-proceedings (the Public Law Outline), and about one in twelve
# was taken into police protection or under an Emergency Protection Order on the way (synthetic proportions: the
# census collects pre-proceedings from 2026-27).
PRE_PROCEEDINGS_SHARE = 0.12
EMERGENCY_SHARE = 0.08


def _pre_proceedings_and_emergency(ctx, rng, calendar, cp_plans: Rows, plan_leads: dict[int, User]) -> None:
    """Pre-proceedings (module 5: PPStartDate, LBPSentDate, the initial and review meetings,
    StepDecisionDate with PPOutcome, CourtAppDate and LetterInitCPDate where care proceedings were issued) for some
    children on plans (the FGDM offers in the letters and their meetings are the FGDM strand's generated data), each
    set checked by the strand's own module 5 rules (macpt.services.pre_proceedings) before it is written; and
    emergency action before some ICPCs."""
    try:
        from .models import EmergencyAction, PreProceedings, PreProceedingsMeeting
        from .services.pre_proceedings import pre_proceedings_errors
    except ImportError:  # the emergency strand's models (issue 14 items 7 and 8) are not there yet
        return
    pre_proceedings, meetings, emergency = Rows(PreProceedings), Rows(PreProceedingsMeeting), Rows(EmergencyAction)
    refused = 0
    open_for: set[int] = set()  # children with pre-proceedings not yet decided (one at a time)
    for plan in cp_plans.rows.values():
        lead = plan_leads[plan["id"]]
        start_plan, end_plan = plan["start_date"], plan.get("end_date")
        if rng.random() < EMERGENCY_SHARE:
            kind = "epo" if rng.random() < 0.2 else "police_protection"
            started_at = _at(start_plan - dt.timedelta(days=rng.randint(12, 25)), 22)
            emergency.add(
                created_at=started_at,
                updated_at=started_at,
                person_id=plan["person_id"],
                kind=kind,
                started_at=started_at,
                by="PC G. Officer, Generated Police" if kind == "police_protection" else "Family Court (the council)",
                reason="Generated: the child found alone at home at night.",
                ended_at=started_at + dt.timedelta(hours=rng.randint(20, 70)),
                outcome=rng.choice(["returned_home", "with_family", "accommodated"]),
                recorded_by_id=lead.pk,
            )
        if rng.random() >= PRE_PROCEEDINGS_SHARE:
            continue
        start = calendar.add_working_days(start_plan + dt.timedelta(days=rng.randint(60, 240)), 0)
        if start > ctx.today or (end_plan and start >= end_plan):
            continue
        lbp = calendar.add_working_days(start, rng.randint(2, 10))
        initial = calendar.add_working_days(lbp, rng.randint(5, 15))
        reviews = [calendar.add_working_days(initial, 30 * n) for n in range(1, rng.randint(1, 3))]
        decision = calendar.add_working_days(start, rng.randint(60, 90))
        values = {
            "start_date": start,
            "lbp_sent_date": lbp if lbp <= ctx.today else None,
            "step_decision_date": decision if decision <= ctx.today else None,
            "outcome": "",
            "court_application_date": None,
            "letter_initiating_date": None,
        }
        held = [("initial", initial)] + [("review", r) for r in reviews]
        held = [
            (kind, day)
            for kind, day in held
            if day <= ctx.today and (not values["step_decision_date"] or day <= decision)
        ]
        if values["lbp_sent_date"] is None:
            held = []
        if values["step_decision_date"]:
            values["outcome"] = rng.choices(["A", "B", "C"], [35, 55, 10])[0]
            if values["outcome"] == "A":
                court = calendar.add_working_days(decision, rng.randint(1, 15))
                values["court_application_date"] = court if court <= ctx.today else None
                if values["court_application_date"]:
                    letter = calendar.add_working_days(court, rng.randint(0, 5))
                    values["letter_initiating_date"] = letter if letter <= ctx.today else None
        if pre_proceedings_errors(values, meetings=held, today=ctx.today) or plan["person_id"] in open_for:
            refused += 1
            continue
        if values["step_decision_date"] is None:
            open_for.add(plan["person_id"])
        at = _at(start, 12)
        pp = pre_proceedings.add(
            created_at=at, updated_at=at, person_id=plan["person_id"], started_by_id=lead.pk, **values
        )
        for kind, day in held:
            meetings.add(
                created_at=_at(day, 14),
                updated_at=_at(day, 14),
                pre_proceedings_id=pp,
                kind=kind,
                held_on=day,
                notes="",
                recorded_by_id=lead.pk,
            )
    for rows, label in (
        (pre_proceedings, "pre_proceedings"),
        (meetings, "pre_proceedings_meetings"),
        (emergency, "emergency_actions"),
    ):
        rows.write(ctx, label)
    ctx.counts["pre_proceedings_refused_by_module5_rules"] = refused
