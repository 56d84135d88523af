"""Family group decision making in the demo council (issue 15 item 8): families at each stage, written through the
strand's services by the demo users (the family's lead practitioner or the LCPP offers and refers, Morgan Oversight
allocates, Fran Convenor facilitates), so that the audit trail, chronology, hand-offs, deadlines and access are the real
thing. This is the one place the demo's FGDM is written (the shared record's demo no longer writes FGDM lines itself).

The families the plan marks for FGDM (cases.demo.planning: `fgdm=True`) are the facilitator's: the one in
pre-proceedings was offered FGDM in the letter before proceedings and its meeting facilitated since (the census's
module 5 counts come from it); the others allocated and preparing, meeting held with the family's plan, and reviewed.
Other open families show the stages before a facilitator: an offer waiting for the family's answer, one declined, one
not offered (the lead practitioner's rationale) and one accepted and waiting for allocation.

The services date a referral and its allocation today; the demo's story happened over past weeks, so once written
those two dates are moved back to when the story says (the only writes here outside the services). Safe to run again:
a family with an offer is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from cases.demo import FGDM, LCPP, MANAGER, build_plan
from cases.models import FamilyCase, Person, User
from cases.registry import registry

from .models import FgdmOffer, FgdmReferral, MeetingType, OfferResponse

# The facilitator's families (planned with FGDM), in the order they take these stages; the pre-proceedings one first.
ALLOCATED_STAGES = ("reviewed", "meeting_held", "preparing")
OPEN_STAGES = ("awaiting", "declined", "not_offered", "accepted")
PLAN = [
    ("Nan has the children every Friday and Saturday night", "Nan", "Every weekend", "Aunt steps in"),
    ("Mum goes to the drop-in at the family hub with her sister", "Mum and Aunt", "Every Tuesday", ""),
    ("Uncle takes the children to school on Mondays and Wednesdays", "Uncle", "From next week", "Mum walks them"),
    ("If Mum is unwell, she rings Nan first; Nan rings the lead practitioner", "Mum, Nan", "Whenever needed", ""),
]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).select_related("agency").first()


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _families():
    """(planned family, its FamilyCase, its children, the lead who offers) for the open, unrestricted demo families."""
    out = []
    for family in build_plan():
        e = family.episode
        if not family.is_open or family.restriction:
            continue
        case = FamilyCase.objects.filter(name=family.name).first()
        if case is None:
            continue
        children = list(
            Person.objects.filter(family_memberships__family_case=case, family_memberships__role="child")
            .exclude(date_of_birth__isnull=True)
            .order_by("date_of_birth", "pk")
            .distinct()
        )
        pp = "pre_proceedings" in e.level_codes[-1:]
        cp = e.level_codes[-1:] == ["child_protection"]
        lead_email = LCPP if (pp or cp) else (e.fhlps[-1] if e.fhlps else None)
        lead = _user(lead_email) if lead_email else None
        if children and lead is not None:
            out.append((family, case, children, lead, pp))
    return out


def _described_points(kind: str) -> list:
    """Every record the strands describe as a decision point of this kind: (record, its DecisionPoint)."""
    found = []
    for label in registry.decision_point_models():
        for record in apps.get_model(label).objects.order_by("pk"):
            point = registry.decision_point(record)
            if point is not None and point.kind == kind:
                found.append((record, point))
    return found


def _family_plan_point(case: FamilyCase):
    from cases.models import Plan

    plan = Plan.objects.filter(family_case=case).first()
    return plan if plan is not None and registry.decision_point(plan) is not None else None


def _offer(*, lead: User, children, point, kind: str, offered_on: dt.date, rationale: str | None = None) -> FgdmOffer:
    from .services.offers import offer_make, parental_responsibility_holders

    recipients = [] if rationale is not None else parental_responsibility_holders(children=children)
    return offer_make(
        actor=lead,
        point=point,
        decision_point=kind,
        children=children,
        recipients=recipients,
        offered_on=offered_on,
        not_offered_rationale=rationale,
    )


def _refer(*, offer: FgdmOffer, lead: User, manager: User, fran: User, days_ago: int, allocate: bool) -> FgdmReferral:
    from .services.referrals import referral_allocate, referral_create

    referral = referral_create(
        offer=offer,
        actor=lead,
        meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE,
        reason="The family to make their own plan for the children's care and safety, with their network.",
    )
    # audited: the demo's made-up history (seed_demo) backdates a referral its service just audited
    FgdmReferral.objects.filter(pk=referral.pk).update(referred_on=_ago(days_ago))
    if allocate:
        referral = referral_allocate(referral=FgdmReferral.objects.get(pk=referral.pk), actor=manager, facilitator=fran)
        # audited: the demo's made-up history (seed_demo) backdates a referral its service just audited
        FgdmReferral.objects.filter(pk=referral.pk).update(allocated_on=_ago(days_ago - 3))
    return FgdmReferral.objects.get(pk=referral.pk)


def _prepare(*, referral: FgdmReferral, fran: User, children, days_ago: int) -> None:
    from .services.preparation import co_design_save, preparation_step_add

    parents = list(referral.offer.recipients.order_by("pk"))
    step = max(1, days_ago // 6)
    preparation_step_add(
        referral=referral,
        actor=fran,
        data={
            "kind": "professionals",
            "date": _ago(days_ago - step),
            "notes": "Met the lead practitioner and the school: the worries, and what must be in the family's plan.",
        },
    )
    for n, parent in enumerate(parents[:2]):
        preparation_step_add(
            referral=referral,
            actor=fran,
            data={
                "kind": "parent",
                "date": _ago(days_ago - 2 * step - n),
                "person": parent,
                "notes": "Talked through what the meeting is for, who the family want there and who not.",
            },
        )
    preparation_step_add(
        referral=referral,
        actor=fran,
        data={
            "kind": "child",
            "date": _ago(days_ago - 3 * step),
            "person": children[0],
            "child_wishes": "I want to stay at home and see my Nan more. I don't want people shouting.",
            "child_taking_part": "Will come for the start with an advocate and has drawn a picture to share.",
        },
    )
    co_design_save(
        referral=referral,
        actor=fran,
        data={
            "venue": "Family hub, Station Road (the family's choice: near school)",
            "family_wants_there": "Nan, the children's aunt and uncle, the family friend who helps with school runs.",
            "family_does_not_want_there": "The children's father's new partner.",
        },
    )


def _meeting(*, referral: FgdmReferral, fran: User, lead: User, held_on: dt.date, review_on: dt.date):
    from .services.meetings import meeting_information_add, meeting_plan_agree, meeting_plan_item_add, meeting_record

    family = list(referral.offer.recipients.order_by("pk"))
    meeting = meeting_record(
        referral=referral,
        actor=fran,
        held_on=held_on,
        private_time_start=dt.time(11, 0),
        private_time_end=dt.time(12, 15),
        family=family,
        professionals=[lead],
    )
    meeting_information_add(
        meeting=meeting,
        actor=fran,
        shared_by=meeting.attendees.filter(user=lead).first(),
        text="What we are worried about: the children missing school, and the evenings when Mum is unwell. "
        "What is working well: Nan and the children's aunt help every week.",
    )
    for what, who, when, contingency in PLAN:
        meeting_plan_item_add(meeting=meeting, actor=fran, what=what, who=who, when=when, contingency=contingency)
    return meeting_plan_agree(
        meeting=meeting, actor=fran, plan_agreed=True, keeps_child_safe=True, review_date=review_on
    )


def _pre_proceedings_offer(children, lead: User, fran: User, manager: User) -> int:
    """The family in pre-proceedings: FGDM offered in the letter before proceedings (on its date, at each child's
    pre-proceedings record as the child protection strand describes it), accepted, and the family's meeting facilitated
    since (recorded on each child's referral: the census counts each child's pre-proceedings). Returns the offers."""
    ids = {c.pk for c in children}
    made = 0
    for record, point in _described_points("pre_proceedings"):
        letter = point.facts.get("lbp_sent_date")
        if letter is None or not ids & set(point.children):
            continue
        kids = [c for c in children if c.pk in point.children]
        offer = _offer(lead=lead, children=kids, point=record, kind="lbp", offered_on=letter)
        _accept(offer, lead, letter)
        days = (timezone.localdate() - letter).days
        referral = _refer(offer=offer, lead=lead, manager=manager, fran=fran, days_ago=max(days - 1, 8), allocate=True)
        _prepare(referral=referral, fran=fran, children=kids, days_ago=max(days - 5, 6))
        made += 1
        _meeting(
            referral=referral,
            fran=fran,
            lead=lead,
            held_on=_ago(1),
            review_on=timezone.localdate() + dt.timedelta(days=42),
        )
    return made


def _accept(offer: FgdmOffer, lead: User, day: dt.date) -> None:
    from .services.offers import offer_respond

    offer_respond(actor=lead, offer=offer, response=OfferResponse.ACCEPTED, responded_on=day)


def seed_fgdm_demo() -> dict:
    from .services.offers import offer_respond
    from .services.reviews import review_record

    fran, manager = _user(FGDM), _user(MANAGER)
    if fran is None or manager is None:
        return {}
    counts = {"offers": 0, "referrals": 0, "meetings": 0, "reviews": 0}
    families = _families()
    # The same families every time (the plan's order); one already with an offer is left as it is.
    allocated = [f for f in families if f[0].episode.fgdm]
    others = [f for f in families if not f[0].episode.fgdm and not f[4]][: len(OPEN_STAGES)]
    stages = iter(ALLOCATED_STAGES)
    for _family, case, children, lead, in_pp in allocated:
        stage = None if in_pp else next(stages, None)
        if FgdmOffer.objects.filter(children__in=children).exists():
            continue
        if in_pp:
            made = _pre_proceedings_offer(children, lead, fran, manager)
            counts.update(
                offers=counts["offers"] + made, referrals=counts["referrals"] + made, meetings=counts["meetings"] + made
            )
            continue
        if stage is None:
            break
        days = {"reviewed": 120, "meeting_held": 50, "preparing": 30}[stage]
        offer = _offer(
            lead=lead, children=children, point=_family_plan_point(case), kind="family_plan", offered_on=_ago(days)
        )
        _accept(offer, lead, _ago(days - 2))
        referral = _refer(offer=offer, lead=lead, manager=manager, fran=fran, days_ago=days - 4, allocate=True)
        counts["offers"] += 1
        counts["referrals"] += 1
        _prepare(referral=referral, fran=fran, children=children, days_ago=days - 8)
        if stage == "preparing":
            continue
        held_on = _ago(days - 30)
        review_on = _ago(3) if stage == "reviewed" else timezone.localdate() + dt.timedelta(days=40)
        meeting = _meeting(referral=referral, fran=fran, lead=lead, held_on=held_on, review_on=review_on)
        counts["meetings"] += 1
        if stage == "reviewed":
            review_record(
                meeting=meeting,
                actor=fran,
                held_on=_ago(3),
                outcome="working",
                notes="Nan has had the children every weekend; school attendance is up to 96%.",
                family_views="Mum: it's easier knowing everyone is doing their bit.",
                next_review_date=timezone.localdate() + dt.timedelta(days=84),
            )
            counts["reviews"] += 1
    for (_family, case, children, lead, _pp), stage in zip(others, OPEN_STAGES, strict=False):
        if FgdmOffer.objects.filter(children__in=children).exists():
            continue
        point = _family_plan_point(case)
        if stage == "not_offered":
            _offer(
                lead=lead,
                children=children,
                point=point,
                kind="family_plan",
                offered_on=_ago(6),
                rationale="Domestic abuse: a meeting with the father present would not be safe for Mum or the "
                "children. To be considered again once the safety plan is in place.",
            )
            counts["offers"] += 1
            continue
        offer = _offer(lead=lead, children=children, point=point, kind="family_plan", offered_on=_ago(5))
        counts["offers"] += 1
        if stage == "declined":
            offer_respond(
                actor=lead,
                offer=offer,
                response=OfferResponse.DECLINED,
                responded_on=_ago(2),
                reason="Mum wants to sort things out with her sister first, without a meeting.",
            )
        elif stage == "accepted":
            _accept(offer, lead, _ago(3))
            _refer(offer=offer, lead=lead, manager=manager, fran=fran, days_ago=2, allocate=False)
            counts["referrals"] += 1
    return counts
