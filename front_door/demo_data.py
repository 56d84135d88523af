"""Demo contacts in every state, made through the front-door services by the demo users (seed_demo calls
`seed_front_door_demo` through the step FrontDoorConfig.ready() registers, after the demo families exist).

What a demo shows: contacts just received and not yet assigned (one about a child nobody can name yet);
contacts in triage with information requests to the police and to health, open and answered; a decision of
no further action awaiting the manager's sign-off; decisions of several outcomes (child in need and early
help open episodes and Family Help allocation requests; a strategy discussion goes to the LCPPs); partner
referrals made through the partner route, so the school DSLs see their outcomes; contacts due within a
few working hours (amber) and contacts two and three working days old (overdue, red).

Children are demo records picked by their stable names (cases.demo draws names from a fixed seed)
where they exist; partners describe children by name only, and triage then matches them to the records.

Idempotent: each contact carries the idempotency key "demo-<n>" of its recorder, so a second run finds every
contact already made and writes nothing (not even an audit row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.demo import FD_MANAGER as MANAGER
from cases.demo import HEALTH, POLICE, TRIAGE
from cases.demo import OTHER_SCHOOL_DSL as OTHER_SCHOOL
from cases.demo import SCHOOL_DSL as SCHOOL
from cases.models import NeedLevel, Person, User
from cases.workdays import LONDON, Calendar

from . import services
from .models import Contact, ContactStatus, Outcome

KEY_PREFIX = "demo-"
LEVEL_FOR = {
    Outcome.CHILD_IN_NEED: "child_in_need",
    Outcome.EARLY_HELP: "targeted_early_help",
    Outcome.STRATEGY_DISCUSSION: "child_protection",
    Outcome.NO_FURTHER_ACTION: "universal",
}


@dataclass
class DemoContact:
    key: str
    recorder: str  # a demo user's email: a partner referrer's contacts go through the partner route
    child: tuple[str, str]  # (first, last): a demo record if one has that name, else details only
    worry: str
    categories: list[str]
    received: str  # "now-<minutes>", "due-soon", or "<n>-working-days"
    source_code: str = "2A"
    referrer: str = ""  # who called, for contacts the front door records
    urgent: bool = False
    description: str = ""  # for a child nobody can name
    assign: bool = False
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (agency user, question, answer or "")
    outcome: int | None = None
    rationale: str = ""
    advice: str = ""
    signed_off: bool = False


CONTACTS = [
    DemoContact(
        "1",
        SCHOOL,
        ("Maisie", "Tranter"),
        received="now-40",
        worry="Maisie told her teacher that her dad hits her mum when he has been drinking, and that she "
        "hides in her room.",
        categories=["domestic_abuse", "substance_misuse"],
    ),
    DemoContact(
        "2",
        TRIAGE,
        ("", ""),
        received="now-75",
        source_code="1D",
        referrer="Bus driver (by phone)",
        description="A girl of about 10, seen alone at the bus station after 10pm twice this week.",
        worry="A girl of about 10 was alone at the bus station late at night twice this week; she got into "
        "a car with an older man.",
        categories=["exploitation"],
        urgent=True,
    ),
    DemoContact(
        "3",
        TRIAGE,
        ("Kacper", "Nowak"),
        received="due-soon",
        source_code="3B",
        assign=True,
        referrer="Health visitor (by phone)",
        categories=["neglect"],
        worry="Home very cold and little food in the house at the new birth visit for Kacper's sister.",
        requests=[(POLICE, "Any incidents at the family's address in the last year?", "")],
    ),
    DemoContact(
        "4",
        TRIAGE,
        ("Bilal", "Abdi"),
        received="now-180",
        source_code="6",
        assign=True,
        referrer="PC on the domestic abuse desk (by email)",
        categories=["domestic_abuse"],
        worry="Police called to a row between Bilal's carers at 2am; Bilal was in the house.",
        requests=[
            (
                POLICE,
                "Previous call-outs to this address?",
                "Two call-outs this year, both verbal arguments; no arrests. Bilal was present at one.",
            ),
            (HEALTH, "Is Bilal up to date with health checks, and any concerns from the GP?", ""),
        ],
    ),
    DemoContact(
        "5",
        OTHER_SCHOOL,
        ("Ava", "Holloway"),
        received="now-150",
        assign=True,
        worry="Ava has missed 12 days this half term and looks exhausted; she says she is looking after her mum.",
        categories=["school_attendance", "parental_mental_health"],
        requests=[
            (
                HEALTH,
                "Is Ava's mum known to mental health services?",
                "Known to the community mental health team; last seen six weeks ago, missed her last two appointments.",
            )
        ],
    ),
    DemoContact(
        "6",
        TRIAGE,
        ("Malachi", "Clarke"),
        received="now-120",
        source_code="1D",
        referrer="Anonymous neighbour (by phone)",
        categories=["other"],
        worry="Children playing in the street until late most evenings.",
        outcome=Outcome.NO_FURTHER_ACTION,
        rationale="Older children, playing near home; grandmother supervising from the window. No indication of harm.",
        advice="Caller given the number of the local youth service and told how to call again.",
    ),
    DemoContact(
        "7",
        SCHOOL,
        ("Freddie", "Haworth"),
        received="now-300",
        worry="Freddie has said his stepdad locks him in his room when he misbehaves.",
        categories=["emotional_abuse"],
        outcome=Outcome.CHILD_IN_NEED,
        rationale="Allegation needs assessing with the family already known; no immediate risk of "
        "significant harm. Section 17 assessment.",
    ),
    DemoContact(
        "8",
        SCHOOL,
        ("Nusrat", "Miah"),
        received="now-260",
        worry="Nusrat's mum asked the school for help with routines and her brother's behaviour.",
        categories=["other"],
        outcome=Outcome.EARLY_HELP,
        rationale="Family asking for help; needs met by targeted Family Help.",
    ),
    DemoContact(
        "9",
        OTHER_SCHOOL,
        ("Mason", "Fletcher"),
        received="now-220",
        worry="Mason is a young carer and is falling behind; he asked for someone to talk to.",
        categories=["school_attendance"],
        outcome=Outcome.EARLY_HELP,
        rationale="Young carer's needs: Family Help with the young carers' service.",
    ),
    DemoContact(
        "10",
        SCHOOL,
        ("Leo", "Hadley"),
        received="now-330",
        worry="Leo came to school without a coat in the rain twice this week.",
        categories=["neglect"],
        outcome=Outcome.NO_FURTHER_ACTION,
        signed_off=True,
        rationale="Family already working with Family Help; coats provided by the school's hardship fund.",
        advice="School told to raise it with Leo's Family Help worker, and to call again if it continues.",
    ),
    DemoContact(
        "11",
        TRIAGE,
        ("Nana", "Owusu"),
        received="now-200",
        source_code="6",
        urgent=True,
        referrer="Police (by email)",
        categories=["physical_abuse"],
        worry="Nana's mother's partner was arrested after an assault; Nana has a mark on her cheek.",
        outcome=Outcome.STRATEGY_DISCUSSION,
        signed_off=True,
        rationale="Reasonable cause to suspect significant harm: strategy discussion today.",
    ),
    DemoContact(
        "12",
        TRIAGE,
        ("Riya", "Parmar"),
        received="2-working-days",
        source_code="6",
        assign=True,
        referrer="Police (by email)",
        categories=["domestic_abuse"],
        worry="Police attended a domestic incident at Riya's home; the children were present.",
    ),
    DemoContact(
        "13",
        SCHOOL,
        ("Jayden", "Marsh"),
        received="3-working-days",
        urgent=True,
        worry="Jayden has a burn on his hand he will not explain; his mum did not collect him yesterday.",
        categories=["physical_abuse", "neglect"],
    ),
    DemoContact(
        "14",
        OTHER_SCHOOL,
        ("Ellie", "Carter"),
        received="due-soon",
        worry="Ellie's older brother has been seen giving her cigarettes and collecting her in a car.",
        categories=["exploitation"],
    ),
]


def _person(first: str, last: str) -> Person | None:
    if not first and not last:
        return None
    return (
        Person.objects.filter(first_name=first, last_name=last, restricted=False, merged_into__isnull=True)
        .order_by("pk")
        .first()
    )


def _received_at(spec: str, *, calendar: Calendar, now: dt.datetime) -> dt.datetime:
    if spec.startswith("now-"):
        return now - dt.timedelta(minutes=int(spec[4:]))
    if spec == "due-soon":
        # Received on the working day before the due time, so the decision falls due in about 2.5 working hours.
        due = calendar.add_working_hours(now, 2.5).astimezone(LONDON)
        day = due.date() - dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return dt.datetime.combine(day, due.time().replace(microsecond=0), tzinfo=LONDON)
    days = int(spec.split("-")[0])
    day = now.astimezone(LONDON).date()
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(11, 15), tzinfo=LONDON)


def seed_front_door_demo(stdout=None) -> dict:
    """Add the demo contacts that are not there yet. Returns counts for seed_demo's summary."""
    users = {u.email: u for u in User.objects.filter(email__in=[TRIAGE, MANAGER, SCHOOL, OTHER_SCHOOL, POLICE, HEALTH])}
    missing = {TRIAGE, MANAGER, SCHOOL, OTHER_SCHOOL, POLICE, HEALTH} - set(users)
    if missing:
        raise LookupError(f"Run seed_demo first: demo users missing ({', '.join(sorted(missing))})")
    calendar, now = Calendar.from_database(), timezone.now()
    levels = {lv.code: lv for lv in NeedLevel.objects.filter(code__in=LEVEL_FOR.values())}
    made = 0
    with transaction.atomic():
        for spec in CONTACTS:
            contact = _make(spec, users=users, levels=levels, calendar=calendar, now=now)
            if contact is not None:
                made += 1
                if stdout is not None:
                    stdout.write(f"front door: {contact.reference} ({contact.get_status_display()})\n")
    demo = Contact.objects.filter(idempotency_key__startswith=KEY_PREFIX)
    return {"contacts": made, "open_contacts": demo.exclude(status=ContactStatus.DECIDED).count()}


def _make(
    spec: DemoContact, *, users: dict[str, User], levels: dict, calendar: Calendar, now: dt.datetime
) -> Contact | None:
    """One demo contact and what happened to it; None when it was already there."""
    recorder, triage = users[spec.recorder], users[TRIAGE]
    partner = spec.recorder in (SCHOOL, OTHER_SCHOOL)
    first, last = spec.child
    person = _person(first, last)
    if partner or person is None:
        # Partners never see records: they describe the child, and triage matches the description.
        child = {
            "given_first_name": first,
            "given_last_name": last,
            "description": spec.description,
            "given_date_of_birth": person.date_of_birth if person else None,
        }
    else:
        child = {"person": person}
    data = {
        "referrer_name": spec.referrer or recorder.full_name,
        "referrer_role": "" if spec.referrer else recorder.job_title,
        "referrer_email": "" if spec.referrer else recorder.email,
        "source_code": spec.source_code,
        "worry": spec.worry,
        "categories": spec.categories,
        "urgent": spec.urgent,
        "consent": "knows_and_agrees" if partner else "does_not_know",
        "received_at": _received_at(spec.received, calendar=calendar, now=now),
        "channel": "partner_form" if partner else ("email" if "email" in spec.referrer else "phone"),
    }
    contact, created = services.contact_create(
        actor=recorder, data=data, children=[child], idempotency_key=f"{KEY_PREFIX}{spec.key}"
    )
    if not created:
        return None
    if person is not None and partner:
        services.contact_child_link(contact_child=contact.children.get(), person=person, actor=triage)
    if spec.assign:
        services.contact_assign(contact=contact, actor=triage, assignee=triage)
    for email, question, answer in spec.requests:
        agency_user = users[email]
        request = services.information_request_send(
            contact=contact, actor=triage, agency=agency_user.agency, question=question
        )
        if answer:
            services.information_request_respond(request=request, actor=agency_user, response=answer)
    # A decision that opens work needs every child matched to a record (without the demo families, it waits).
    if spec.outcome is not None and (person is not None or spec.outcome == Outcome.NO_FURTHER_ACTION):
        decision = services.decision_record(
            contact=contact,
            actor=triage,
            outcome=spec.outcome,
            level=levels[LEVEL_FOR[spec.outcome]],
            rationale=spec.rationale,
            advice=spec.advice,
        )
        if spec.signed_off and decision.signoff_required:
            services.decision_signoff(decision=decision, actor=users[MANAGER], agreed=True, comment="Agreed.")
    contact.refresh_from_db()
    return contact
