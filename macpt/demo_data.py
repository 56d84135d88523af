"""Child protection in the demo council, written through the strand's services by the demo users (Lee Protect, the
LCPP; the police and health members of the MACPT), so that the audit trail, chronology, deadlines, notifications and
access are the real thing.

The shared record's demo families at the child protection level (cases/demo/: the LCPP leads them, the MACPT's police
and health members are involved) are taken to a stage each, so every page has something to show:

- in s47: a strategy discussion yesterday with the police and health, what each agency shared (under its tag), an s47
  enquiry for every child (joint with the police), the child seen, the record shared;
- awaiting ICPC: the same two weeks ago, the enquiry's outcome "conference needed" recorded, the ICPC target ahead
  and its deadline open (the oversight dashboard's "ICPC due");
- on a plan with core groups: the same six weeks ago, the ICPC (an independent chair: the demo LCPP leads the family)
  with the police's report and the minutes, a plan for each child on the family's plan (category neglect), the first
  core group within 10 working days and a statutory visit since;
- in pre-proceedings: the first family at the pre-proceedings level (cases/demo/ stepped it up): the legal planning
  meeting's decision five weeks ago, the letter before proceedings, the initial pre-proceedings meeting and a kinship
  viability assessment of the grandmother started, for each child (the FGDM meeting offered in the letter is the FGDM
  strand's demo data, made after this step through its own services);

Safe to run again: a family whose children already have a strategy discussion is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.demo import HEALTH, LCPP, POLICE, SCHOOL_DSL
from cases.models import Agency, AgencyType, Episode, FamilyCase, Person, Plan, Team, User
from cases.workdays import LONDON, Calendar

from .models import S47Enquiry, StrategyChild

# The stages, in the order the demo's child protection families take them (by family name).
STAGES = ("in_s47", "awaiting_icpc", "on_plan")
SHARED = {
    "police": "Two call-outs to the address this year, one for domestic abuse with the children present.",
    "health": "The health visitor has not seen the children since spring; two developmental checks missed.",
    "education": "Attendance 84% this term; the eldest told the class teacher about shouting at night.",
}


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).select_related("agency").first()


def _protection_families() -> list[tuple[str, list[Person]]]:
    """The demo families whose children are open at the child protection level, by family name: (name, children)."""
    episodes = (
        Episode.objects.filter(
            closed_on__isnull=True,
            family_case__isnull=False,
            levels__ended_at__isnull=True,
            levels__level__code="child_protection",
        )
        .select_related("person", "family_case")
        .order_by("family_case__name", "person__date_of_birth", "person_id")
    )
    families: dict[str, list[Person]] = {}
    for episode in episodes:
        families.setdefault(episode.family_case.name, []).append(episode.person)
    # Children born only: the unborn child's conference is its own kind (a pre-birth ICPC).
    return [(name, kids) for name, kids in families.items() if all(k.date_of_birth for k in kids)]


def _pre_proceedings_families() -> list[list[Person]]:
    """The demo families whose children are open at the pre-proceedings level, by family name."""
    episodes = (
        Episode.objects.filter(
            closed_on__isnull=True,
            family_case__isnull=False,
            levels__ended_at__isnull=True,
            levels__level__code="pre_proceedings",
        )
        .select_related("person", "family_case")
        .order_by("family_case__name", "person__date_of_birth", "person_id")
    )
    families: dict[str, list[Person]] = {}
    for episode in episodes:
        families.setdefault(episode.family_case.name, []).append(episode.person)
    return list(families.values())


def _in_pre_proceedings(*, children: list[Person], lcpp: User, calendar: Calendar) -> int:
    """Pre-proceedings for each child through the strand's services, up to the initial meeting."""
    from .models import PreProceedings
    from .services.pre_proceedings import (
        kinship_assessment_add,
        pre_proceedings_meeting_add,
        pre_proceedings_start,
        pre_proceedings_update,
    )

    if PreProceedings.objects.filter(person__in=children).exists():
        return 0
    start = _working_days_ago(calendar, 25)
    for child in children:
        pp = pre_proceedings_start(person=child, actor=lcpp, start_date=start)
        pp = pre_proceedings_update(
            pre_proceedings=pp,
            actor=lcpp,
            data={"lbp_sent_date": calendar.add_working_days(start, 3)},
        )
        pre_proceedings_meeting_add(
            pre_proceedings=pp,
            actor=lcpp,
            kind="initial",
            held_on=calendar.add_working_days(start, 10),
            notes="Parents and their solicitors attended; the plan for the next twelve weeks agreed.",
        )
        kinship_assessment_add(
            pre_proceedings=pp,
            actor=lcpp,
            data={
                "kind": "viability",
                "carer_name": "The children's maternal grandmother",
                "relationship": "Maternal grandmother",
                "started_on": calendar.add_working_days(start, 12),
            },
        )
    return len(children)


def _working_days_ago(calendar: Calendar, n: int) -> dt.date:
    day = timezone.localdate()
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return day


def _discussion(*, children: list[Person], lcpp: User, team: Team, police: User, health: User, held_on: dt.date):
    """A discussion about these children with the police and health there, each agency's information, an s47 for
    every child, the record shared: through the strategy services, as the chair and the members would."""
    from .services.strategy import (
        strategy_attendee_add,
        strategy_decide,
        strategy_discussion_start,
        strategy_information_add,
        strategy_record_share,
    )

    held_at = min(dt.datetime.combine(held_on, dt.time(11, 0), tzinfo=LONDON), timezone.now())
    discussion = strategy_discussion_start(
        actor=lcpp,
        team=team,
        children=children,
        held_at=held_at,
        reason="Concerns of significant harm shared at the front door.",
    )
    strategy_attendee_add(discussion=discussion, actor=lcpp, user=police)
    strategy_attendee_add(discussion=discussion, actor=lcpp, user=health)
    school = _user(SCHOOL_DSL)
    education = (school.agency if school else None) or Agency.objects.filter(type=AgencyType.EDUCATION).first()
    if education is not None:
        strategy_attendee_add(discussion=discussion, actor=lcpp, agency=education, name="Designated safeguarding lead")
    strategy_information_add(discussion=discussion, actor=police, text=SHARED["police"])
    strategy_information_add(discussion=discussion, actor=health, text=SHARED["health"], person=children[0])
    for child in StrategyChild.objects.filter(discussion=discussion).select_related("person", "discussion"):
        strategy_decide(
            child=child,
            actor=lcpp,
            decision=StrategyChild.Decision.S47_JOINT,
            reason="Reasonable cause to suspect significant harm; joint with the police.",
            lead=lcpp,
        )
    strategy_record_share(discussion=discussion, actor=lcpp)
    return discussion


def seed_macpt_demo() -> dict:
    from .services.enquiries import s47_child_seen, s47_outcome_record

    lcpp, police, health = _user(LCPP), _user(POLICE), _user(HEALTH)
    team = Team.objects.filter(multi_agency=True, members=lcpp).order_by("id").first() if lcpp else None
    if None in (lcpp, police, health, team):
        return {}
    calendar = Calendar.from_database()
    counts = {"strategy discussions": 0, "s47 enquiries": 0, "child protection plans": 0}
    for (_name, children), stage in zip(_protection_families(), STAGES, strict=False):
        if StrategyChild.objects.filter(person__in=children).exists():
            continue
        held_on = _working_days_ago(calendar, {"in_s47": 1, "awaiting_icpc": 10, "on_plan": 25}[stage])
        discussion = _discussion(children=children, lcpp=lcpp, team=team, police=police, health=health, held_on=held_on)
        counts["strategy discussions"] += 1
        for enquiry in S47Enquiry.objects.filter(started_at_discussion=discussion).select_related("person"):
            counts["s47 enquiries"] += 1
            enquiry = s47_child_seen(enquiry=enquiry, actor=lcpp, seen_on=held_on)
            if stage in ("awaiting_icpc", "on_plan"):
                s47_outcome_record(
                    enquiry=enquiry,
                    actor=lcpp,
                    outcome=S47Enquiry.Outcome.CONFERENCE_NEEDED,
                    outcome_date=_working_days_ago(calendar, 2 if stage == "awaiting_icpc" else 22),
                    reason="Injuries consistent with the account given by the child; an ICPC is needed.",
                )
        if stage == "on_plan":
            enquiries = list(S47Enquiry.objects.filter(started_at_discussion=discussion).order_by("id"))
            counts["child protection plans"] += _on_plan(
                enquiries=enquiries, children=children, lcpp=lcpp, police=police, calendar=calendar
            )
    pp_families = _pre_proceedings_families()
    counts["in pre-proceedings"] = (
        _in_pre_proceedings(children=pp_families[0], lcpp=lcpp, calendar=calendar) if pp_families else 0
    )
    return counts


def _on_plan(*, enquiries: list[S47Enquiry], children: list[Person], lcpp: User, police: User, calendar) -> int:
    """The ICPC of a family's enquiries, its plans, a core group and a visit: through the conference services."""
    from cases.services.plans import plan_start

    from .models import ChildProtectionPlan
    from .services.conference import conference_arrange, conference_decide, conference_record, conference_report_save
    from .services.cp_plans import core_group_record, visit_record

    family = Episode.objects.filter(person=children[0], closed_on__isnull=True).values_list("family_case", flat=True)
    family_case = FamilyCase.objects.filter(pk__in=family).first()
    if family_case is None:
        return 0
    if not Plan.objects.filter(family_case=family_case).exists():
        plan_start(
            family_case=family_case,
            actor=lcpp,
            data={
                "worries": "Bruising to the eldest's arm; the explanation did not fit. Neglect of the baby's care.",
                "working_well": "Mum takes the children to school every day; their grandmother helps.",
                "next_review_on": timezone.localdate() + dt.timedelta(days=60),
            },
        )
    icpc_day = _working_days_ago(calendar, 18)
    conference = conference_arrange(
        actor=lcpp,
        family_case=family_case,
        kind="initial",
        date=icpc_day,
        children=children,
        independent_chair_name="Pat Independent",
        team=enquiries[0].team,
        enquiry=enquiries[0],
    )
    conference_report_save(conference=conference, actor=police, text="Police report: two call-outs this year.")
    conference_record(
        conference=conference,
        actor=lcpp,
        family_views="Mum wants the children to stay at home and will work with the plan.",
        minutes="The conference heard each agency; the children are at continuing risk of significant harm.",
        minutes_not_for_family="Police intelligence about the stepfather's associates was discussed.",
    )
    conference_decide(
        conference=conference,
        actor=lcpp,
        decisions={
            c.pk: {"plan": True, "category": "NEG", "reason": "Neglect of the children's care."} for c in children
        },
    )
    plans = list(ChildProtectionPlan.objects.filter(conference=conference))
    core_group_record(
        plans=plans,
        actor=lcpp,
        date=calendar.add_working_days(icpc_day, 7),
        attendees="Mum; Lee Protect (LCPP); Sam Casework (lead practitioner); health visitor; school DSL",
        summary="The plan's actions agreed: weekly visits, the health visitor's checks, school attendance support.",
    )
    for plan in plans:
        visit_record(plan=plan, actor=lcpp, date=_working_days_ago(calendar, 3), seen=True, seen_alone=True)
    return len(plans)
