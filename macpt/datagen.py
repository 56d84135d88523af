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
    not given takes its default (or NULL), so the generator keeps up with fields added to the models."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.next = next_id(self.table)
        self.rows: list[tuple] = []

    def add(self, **values) -> int:
        pk = self.next
        self.next += 1
        values["id"] = pk
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
            else:
                raise ValueError(f"{self.table}.{f.attname}: no value and no default")
            row.append(_mixed(value))
        self.rows.append(tuple(row))
        return pk

    def write(self, ctx: Context, label: str) -> None:
        written = copy_rows(self.table, [f.column for f in self.fields], self.rows)
        ctx.counts[label] = ctx.counts.get(label, 0) + written
        move_sequence(self.table)


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
    s47_share = min(1.0, 1.1 * s47_target / len(decisions))
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
            label="Strategy discussion record shared with the attendees",
            target_type="macpt.strategydiscussion",
            target_id=str(discussion),
            person_ids=person_ids,
            link=f"/child-protection/strategy/{discussion}/",
            due_at=_at(record_due, 17),
            warn_at=_at(record_due, 9),
            state="met" if shared_at else "open",
            assignee_id=lcpp.pk,
            escalate_role=Role.LCPP,
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
                    # The outcome a few days before the conference; the conference mostly on time.
                    icpc_day = (
                        calendar.add_working_days(held_day, rng.randint(8, 15))
                        if rng.random() < ICPC_ON_TIME
                        else calendar.add_working_days(held_day, rng.randint(16, 30))
                    )
                    outcome_day = min(calendar.add_working_days(held_day, rng.randint(3, 7)), icpc_day)
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
                if decided and outcome == "conference_needed":
                    held = icpc_day is not None and icpc_day <= ctx.today and not (closed_on and closed_on < icpc_day)
                    deadlines.add(
                        created_at=held_at,
                        updated_at=held_at,
                        kind="macpt.icpc",
                        label="Initial child protection conference",
                        target_type="macpt.s47enquiry",
                        target_id=str(enquiry),
                        person_ids=[child],
                        link=f"/child-protection/enquiries/{enquiry}/",
                        due_at=_at(icpc_due, 17),
                        warn_at=_at(icpc_due - dt.timedelta(days=3), 9),
                        state="met" if held else ("cancelled" if closed_on else "open"),
                        assignee_id=lcpp.pk,
                        escalate_role=Role.LCPP,
                        breached_at=_at(icpc_due, 17) if (icpc_day and icpc_day > icpc_due and held) else None,
                        met_at=_at(icpc_day, 12) if held else None,
                    )
                    # Until the plan (conference strand): the MACPT works with the child until the episode closes.
                    work_ends = closed_on
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
        cursor.execute("ANALYZE")
