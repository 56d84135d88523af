"""Child protection in the demo council, written through the strand's services by the demo users (Lee Protect, the
LCPP; the police and health members of the MACPT), so that the audit trail, chronology, deadlines, notifications and
access are the real thing.

The shared record's demo families at the child protection level (cases/demo/: the LCPP leads them, the MACPT's police
and health members are involved) are taken to a stage each, so every page has something to show:

- in s47: a strategy discussion yesterday with the police and health, what each agency shared (under its tag), an s47
  enquiry for every child (joint with the police), the child seen, the record shared;
- awaiting ICPC: the same two weeks ago, the enquiry's outcome "conference needed" recorded, the ICPC target ahead
  and its deadline open (the oversight dashboard's "ICPC due");

Safe to run again: a family whose children already have a strategy discussion is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.demo import HEALTH, LCPP, POLICE, SCHOOL_DSL
from cases.models import Agency, AgencyType, Episode, Person, Team, User
from cases.workdays import LONDON, Calendar

from .models import S47Enquiry, StrategyChild

# The stages, in the order the demo's child protection families take them (by family name).
STAGES = ("in_s47", "awaiting_icpc")
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
    counts = {"strategy discussions": 0, "s47 enquiries": 0}
    for (_name, children), stage in zip(_protection_families(), STAGES, strict=False):
        if StrategyChild.objects.filter(person__in=children).exists():
            continue
        held_on = _working_days_ago(calendar, 1 if stage == "in_s47" else 10)
        discussion = _discussion(children=children, lcpp=lcpp, team=team, police=police, health=health, held_on=held_on)
        counts["strategy discussions"] += 1
        for enquiry in S47Enquiry.objects.filter(started_at_discussion=discussion).select_related("person"):
            counts["s47 enquiries"] += 1
            enquiry = s47_child_seen(enquiry=enquiry, actor=lcpp, seen_on=held_on)
            if stage == "awaiting_icpc":
                s47_outcome_record(
                    enquiry=enquiry,
                    actor=lcpp,
                    outcome=S47Enquiry.Outcome.CONFERENCE_NEEDED,
                    outcome_date=_working_days_ago(calendar, 2),
                    reason="Injuries consistent with the account given by the child; an ICPC is needed.",
                )
    return counts
