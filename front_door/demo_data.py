"""Demo contacts in every state, made through the front-door services by the demo users.

Idempotent: each contact carries an idempotency key "demo-N" for its recorder, so a second run finds
it and does nothing more. Called by `seed_demo` after the families exist.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.models import NeedLevel, Person, User
from cases.workdays import LONDON, Calendar

from . import services
from .models import Outcome


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _working_days_ago(calendar: Calendar, days: int, at: dt.time) -> dt.datetime:
    day = timezone.localdate()
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, at, tzinfo=LONDON)


def seed_front_door_demo() -> dict:
    triage, manager = _user("triage@demo.test"), _user("frontdoor.manager@demo.test")
    school, other_school = _user("school.dsl@demo.test"), _user("other.school.dsl@demo.test")
    police, health = _user("police@demo.test"), _user("health@demo.test")
    calendar = Calendar.from_database()
    now = timezone.now()
    # Children without a restriction, in a stable order, to name in staff-recorded contacts.
    kids = [p for p in Person.objects.filter(restricted=False, merged_into__isnull=True,
                                             date_of_birth__gt=timezone.localdate() - dt.timedelta(days=17 * 365))
            .order_by("la_child_id")[:12]]
    level = {lv.code: lv for lv in NeedLevel.objects.all()}

    def contact(key: str, actor: User, *, children, **data):
        base = {"referrer_name": actor.full_name, "referrer_role": actor.job_title, "source_code": "2A",
                "worry": "Demo worry.", "categories": ["neglect"], "consent": "knows_and_agrees"}
        base.update(data)
        return services.contact_create(actor=actor, data=base, children=children, idempotency_key=f"demo-{key}")

    made = 0
    with transaction.atomic():
        # 1. A school's referral, just received, nobody on it yet; the child still to be matched.
        c, new = contact("1", school, children=[{"given_first_name": "Maisie", "given_last_name": "Tranter",
                                                  "given_date_of_birth": dt.date(2018, 2, 11)}],
                         worry="Maisie said her dad hits her mum when he has been drinking.",
                         categories=["domestic_abuse", "substance_misuse"])
        made += new
        # 2. In triage with the police asked what they know.
        if kids:
            c, new = contact("2", triage, children=[{"person": kids[0]}], source_code="3B", urgent=True,
                             referrer_name="Health visitor (by phone)", categories=["neglect"],
                             worry="Baby underweight; home very cold; parent not answering the door.")
            if new:
                services.contact_assign(contact=c, actor=triage, assignee=triage)
                services.information_request_send(contact=c, actor=triage, agency=police.agency,
                                                  question="Any incidents at the family's address this year?")
                made += 1
        # 3. In triage with health's answer in.
        if len(kids) > 1:
            c, new = contact("3", triage, children=[{"person": kids[1]}], source_code="1A",
                             referrer_name="Grandmother (by phone)", categories=["parental_mental_health"],
                             worry="Mum has stopped taking her medication and the children are missing school.")
            if new:
                services.contact_assign(contact=c, actor=triage, assignee=triage)
                request = services.information_request_send(contact=c, actor=triage, agency=health.agency,
                                                            question="Is mum known to mental health services?")
                services.information_request_respond(request=request, actor=health,
                                                     response="Known to the community mental health team; "
                                                              "last seen six weeks ago.")
                made += 1
        # 4. Awaiting sign-off: no further action.
        if len(kids) > 2:
            c, new = contact("4", triage, children=[{"person": kids[2]}], source_code="1D",
                             referrer_name="Anonymous neighbour", categories=["other"],
                             worry="Children playing outside late in the evening.")
            if new:
                services.decision_record(contact=c, actor=triage, outcome=Outcome.NO_FURTHER_ACTION,
                                         level=level["universal"], rationale="Older children, parents supervising.",
                                         advice="Advice on local youth provision given to the caller.")
                made += 1
        # 5. A partner's referral decided as child in need: the school sees the outcome.
        if len(kids) > 3:
            c, new = contact("5", other_school, children=[{"given_first_name": kids[3].first_name,
                                                           "given_last_name": kids[3].last_name}],
                             worry="Persistent absence and a disclosure of going without food.")
            if new:
                services.contact_child_link(contact_child=c.children.get(), person=kids[3], actor=triage)
                services.decision_record(contact=c, actor=triage, outcome=Outcome.CHILD_IN_NEED,
                                         level=level["child_in_need"], rationale="Needs a s17 assessment.")
                made += 1
        # 6. Early help.
        if len(kids) > 4:
            c, new = contact("6", school, children=[{"given_first_name": kids[4].first_name,
                                                     "given_last_name": kids[4].last_name}],
                             worry="Parent asked the school for help with routines and behaviour.",
                             categories=["other"])
            if new:
                services.contact_child_link(contact_child=c.children.get(), person=kids[4], actor=triage)
                services.decision_record(contact=c, actor=triage, outcome=Outcome.EARLY_HELP,
                                         level=level["targeted_early_help"], rationale="Family want support.")
                made += 1
        # 7-8. Overdue: received two and three working days ago, not decided.
        if len(kids) > 6:
            for key, days, kid, urgent in (("7", 2, kids[5], False), ("8", 3, kids[6], True)):
                c, new = contact(key, triage, children=[{"person": kid}], source_code="6",
                                 referrer_name="Police (by email)", categories=["domestic_abuse"], urgent=urgent,
                                 received_at=_working_days_ago(calendar, days, dt.time(11, 15)),
                                 worry="Police attended a domestic incident; children present.")
                made += new
        # 9. A child nobody can name yet.
        c, new = contact("9", triage, children=[{"description": "A girl of about 10 seen alone at the bus station "
                                                                "late at night, twice this week."}],
                         source_code="1D", referrer_name="Bus driver (by phone)", categories=["exploitation"])
        made += new
        # 10. Due soon: received just under a working day ago.
        if len(kids) > 7:
            c, new = contact("10", school, children=[{"given_first_name": kids[7].first_name,
                                                      "given_last_name": kids[7].last_name}],
                             received_at=max(now - dt.timedelta(hours=22), _working_days_ago(calendar, 1,
                                                                                              dt.time(9, 0))),
                             worry="Unexplained bruise on the child's face.", categories=["physical_abuse"])
            made += new
    del manager
    return {"contacts_new": made}
