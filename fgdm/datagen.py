"""Family group decision making's share of a generated data set (a step registered in FgdmConfig.ready(), after the
child protection strand's, issue 15 item 8).

Offers are made at the decision points the shared record holds (so this strand reads no other strand's tables): a
family's plan (cases.Plan, the decision point's record), a child's step up to child protection (the ICPC) and to
pre-proceedings (most of them in the letter before proceedings, some before it). At England-like rates:

- offered at about one family plan in ten, a quarter of ICPCs, and at three in four letters before proceedings (the
  Children's Wellbeing and Schools Act's expectation: offered before proceedings unless not in the child's interests);
- of the offers answered, about 42% accepted, 45% declined (with the family's reason), and about one in eight
  recorded as not offered, with the lead practitioner's rationale; an offer of the last three weeks may still wait;
- an accepted offer is referred within days, allocated to an independent facilitator (never the family's own lead:
  the facilitators are their own users), prepared over three to six weeks (the referring professionals, each parent,
  the child's wishes, the wider family, the co-design), and the meeting held for about 85% (the others close: the
  family withdrew); a plan agreed at nine in ten, reviewed at the agreed date for about four in five.

The facilitator works with the children (an FGDM_FACILITATOR involvement, with its object permissions while active,
as cases.permissions.person_permissions_sync grants them) from the allocation until the review closes the work. The
demo facilitator (fgdm@demo.test) holds a typical share, so the benchmark's caseload is a real one. Rows go in by COPY
with explicit ids (cases.datagen); each row is built from the model's own fields, so a field added later takes its
default.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from cases.datagen import Context, copy_rows, move_sequence, next_id
from cases.models import Agency, AgencyType, Qualification, Role, User
from cases.registry import registry
from cases.workdays import LONDON

# The share of each decision point at which FGDM is offered (or its not offering recorded).
OFFER_AT = {
    "front_door": 0.02,
    "family_plan": 0.10,
    "plan_review": 0.04,
    "strategy_discussion": 0.05,
    "icpc": 0.25,
    "cp_review": 0.08,
    "pre_proceedings": 0.8,
    "lbp": 0.75,
}
# Of the offers at pre-proceedings, those made before the letter (the rest are in it).
LBP_BEFORE = 0.15
# The family's answer, of offers answered.
ANSWERS = [("accepted", 0.42), ("declined", 0.45), ("not_offered", 0.13)]
# An offer of the last AWAITING_DAYS waits for an answer this often.
AWAITING_DAYS, AWAITING_SHARE = 21, 0.5
MEETING_HELD = 0.85
PLAN_AGREED = 0.9
KEEPS_SAFE = 0.9
REVIEWED = 0.8
FGC_SHARE = 0.7
# Open families (allocated, not closed) per facilitator.
CASELOAD = 15
DECLINE_REASONS = [
    "The family want to make their own arrangements with the grandparents.",
    "Mum does not want the wider family to know about the concerns.",
    "The parents feel the plan already in place is enough.",
]
NOT_OFFERED = [
    "Domestic abuse: a meeting with the father present would not be safe for mum or the children.",
    "The child is in hospital and the plan is being made with the medical team first.",
]
STEPS = ["professionals", "parent", "child", "wider_family", "co_design"]
PLAN = [
    ("The children stay with Nan on Friday and Saturday nights", "Nan", "Every weekend"),
    ("Uncle takes the children to school on Mondays and Wednesdays", "Uncle", "From next week"),
    ("Mum goes to the drop-in at the family hub", "Mum", "Every Tuesday"),
    ("Aunt phones every evening to check in", "Aunt", "Every evening at 7"),
]


def _mixed(value):
    if isinstance(value, list):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value)
    return value


class Rows:
    """Rows for one model as {field: value}, ids above the table's current maximum; a field not given takes its
    default (or NULL, or blank text)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.next = next_id(self.table)
        self.rows: list[dict] = []

    def add(self, **values) -> int:
        if "id" in {f.attname for f in self.fields}:
            values["id"] = self.next
            self.next += 1
        self.rows.append(values)
        return values.get("id", 0)

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
            elif f.null:
                value = None
            elif f.attname in ("created_at", "updated_at"):
                value = values.get("created_at") or timezone.now()
            elif f.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(f"{self.table}.{f.attname}: no value and no default")
            row.append(_mixed(value))
        return tuple(row)

    def write(self, ctx: Context, label: str) -> None:
        written = copy_rows(self.table, [f'"{f.column}"' for f in self.fields], (self._tuple(v) for v in self.rows))
        ctx.counts[label] = ctx.counts.get(label, 0) + written
        if "id" in {f.attname for f in self.fields}:
            move_sequence(self.table)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LONDON)


def _decision_points(ctx: Context) -> list[tuple]:
    """(kind, (content type id, record id) or None, family case, date, children, who decided or None) for the
    decision points in the record at which an offer is made (each kind at its rate)."""
    from cases.models import EpisodeLevel, FamilyCaseMember, Plan

    plan_type = ContentType.objects.get_for_model(Plan).pk
    children_of: dict[int, list[int]] = defaultdict(list)
    for case_id, person_id in FamilyCaseMember.objects.filter(role=FamilyCaseMember.Role.CHILD).values_list(
        "family_case_id", "person_id"
    ):
        children_of[case_id].append(person_id)
    points = []
    for pk, case_id, created_at, created_by in Plan.objects.values_list(
        "pk", "family_case_id", "created_at", "created_by_id"
    ):
        if children_of.get(case_id) and ctx.rng.random() < OFFER_AT["family_plan"]:
            points.append(
                (
                    "family_plan",
                    (plan_type, pk),
                    case_id,
                    created_at.astimezone(LONDON).date(),
                    children_of[case_id],
                    created_by,
                )
            )
    described = [label for label in registry.decision_point_models() if label != "cases.plan"]
    if described:
        points += _described_points(ctx, described)
        return [p for p in points if p[3] <= ctx.today]
    # No strand describes its decision points (yet): a family's step up to child protection or pre-proceedings, its
    # children together, on the day.
    steps: dict[tuple, set[int]] = defaultdict(set)
    for case_id, person_id, started_at, code in EpisodeLevel.objects.filter(
        level__code__in=["child_protection", "pre_proceedings"], episode__family_case__isnull=False
    ).values_list("episode__family_case_id", "episode__person_id", "started_at", "level__code"):
        steps[(code, case_id, started_at.astimezone(LONDON).date())].add(person_id)
    for (code, case_id, day), kids in sorted(steps.items()):
        if ctx.rng.random() >= OFFER_AT["icpc" if code == "child_protection" else "lbp"]:
            continue
        points.append(("icpc" if code == "child_protection" else "lbp", None, case_id, day, sorted(kids), None))
    return [p for p in points if p[3] <= ctx.today]


# At most this many records of one decision-point model are described (each describe may read its record's rows).
DESCRIBE_AT_MOST = 20_000


def _described_points(ctx: Context, labels: list[str]) -> list[tuple]:
    """The other strands' decision points through the record's registry (cases.registry.decision_point): a sample of
    each model's records, described by the strand that owns it, kept at the offer rate of its kind."""
    points = []
    for label in labels:
        model = apps.get_model(label)
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        sampled = min(1.0, DESCRIBE_AT_MOST / max(1, len(ids)))
        chosen = [pk for pk in ids if ctx.rng.random() < sampled]
        for start in range(0, len(chosen), 2000):
            for obj in model.objects.filter(pk__in=chosen[start : start + 2000]).order_by("pk"):
                point = registry.decision_point(obj)
                if point is None or not point.children or point.kind not in OFFER_AT:
                    continue
                if ctx.rng.random() >= OFFER_AT[point.kind] / sampled:
                    continue
                kind, day = point.kind, point.date
                if kind == "pre_proceedings":
                    lbp = point.facts.get("lbp_sent_date")
                    # Mostly offered in the letter before proceedings (its date), else before it.
                    if lbp and ctx.rng.random() >= LBP_BEFORE:
                        kind, day = "lbp", lbp
                if isinstance(day, dt.datetime):
                    day = day.astimezone(LONDON).date()
                source = (ContentType.objects.get_for_model(model).pk, obj.pk)
                points.append((kind, source, point.family_case_id, day, sorted(point.children), None))
    return points


def _facilitators(count: int) -> list[User]:
    council = (
        Agency.objects.filter(type=AgencyType.COUNCIL_SOCIAL_CARE).order_by("id").first()
        or Agency.objects.get_or_create(name="Generated Children's Social Care", defaults={"type": "council"})[0]
    )
    group = Group.objects.get_or_create(name=Role.FGDM_FACILITATOR)[0]
    start = User.objects.filter(email__startswith="fgdm.", email__endswith="@generated.test").count()
    made = []
    for n in range(start, start + count):
        user = User(
            email=f"fgdm.{n:05d}@generated.test",
            full_name=f"Family Group Facilitator G{n:05d}",
            job_title="Family group conference coordinator",
            agency=council,
            qualification=Qualification.ALTERNATIVELY_QUALIFIED,
        )
        user.set_unusable_password()
        made.append(user)
    User.objects.bulk_create(made, batch_size=2000)
    users = list(User.objects.filter(email__in=[u.email for u in made]).order_by("id"))
    group.user_set.add(*users)
    demo = User.objects.filter(email="fgdm@demo.test").first()
    return ([demo] if demo else []) + users


def generate_fgdm(ctx: Context) -> None:  # one pass, many tables
    from cases.models import Involvement, PersonUserObjectPermission, Plan, Relationship

    from .models import (
        FamilyPlanItem,
        FamilyPlanReview,
        FgdmMeeting,
        FgdmOffer,
        FgdmReferral,
        MeetingAttendee,
        NetworkInvitee,
        PreparationStep,
        SharedInformation,
        SupportRequest,
    )

    rng = ctx.rng
    points = _decision_points(ctx)
    if not points:
        return
    fallback = (
        User.objects.filter(groups__name__in=[Role.LCPP, Role.FHLP]).order_by("id").values_list("pk", flat=True).first()
        or User.objects.order_by("id").values_list("pk", flat=True).first()
    )
    family_plan_of = dict(Plan.objects.values_list("family_case_id", "pk"))
    parents: dict[int, set[int]] = defaultdict(set)
    for child, parent in Relationship.objects.filter(parental_responsibility=True).values_list(
        "to_person_id", "from_person_id"
    ):
        parents[child].add(parent)
    council = Agency.objects.filter(type=AgencyType.COUNCIL_SOCIAL_CARE).order_by("id").first()
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_person", "change_person"]
        ).values_list("codename", "pk")
    )
    offers, offer_children, offer_recipients = (
        Rows(FgdmOffer),
        Rows(FgdmOffer.children.through),
        Rows(FgdmOffer.recipients.through),
    )
    referrals, steps, network = Rows(FgdmReferral), Rows(PreparationStep), Rows(NetworkInvitee)
    meetings, attendees, information = Rows(FgdmMeeting), Rows(MeetingAttendee), Rows(SharedInformation)
    items, support, reviews = Rows(FamilyPlanItem), Rows(SupportRequest), Rows(FamilyPlanReview)
    involvements, user_perms = Rows(Involvement), Rows(PersonUserObjectPermission)
    # Who facilitates: enough facilitators for the families open at once (estimated from the accepted share).
    accepted_share = sum(OFFER_AT.values()) / len(OFFER_AT) * ANSWERS[0][1]
    open_estimate = max(1, round(len(points) * accepted_share * 120 / max(1, ctx.scale.years * 365)))
    facilitators = _facilitators(max(1, math.ceil(open_estimate / CASELOAD)))
    today = ctx.today
    # (child, facilitator) already granted the record: the grants held before this step, and those written here.
    granted = set(
        PersonUserObjectPermission.objects.filter(
            user_id__in=[f.pk for f in facilitators], permission_id=perms["view_person"]
        ).values_list("content_object_id", "user_id")
    )
    for index, (kind, source, case_id, day, children, decided_by) in enumerate(points):
        offered_by = decided_by or fallback
        offered_on = day if kind != "lbp" else min(today, day + dt.timedelta(days=rng.randint(3, 10)))
        recipients = sorted({p for c in children for p in parents.get(c, ())})
        if offered_on > today - dt.timedelta(days=AWAITING_DAYS) and rng.random() < AWAITING_SHARE:
            response = "awaiting"
        else:
            response = rng.choices([a for a, _ in ANSWERS], [w for _, w in ANSWERS])[0]
        responded_on = None if response == "awaiting" else min(today, offered_on + dt.timedelta(days=rng.randint(0, 7)))
        offer = offers.add(
            created_at=_at(offered_on, 11),
            updated_at=_at(responded_on or offered_on, 12),
            decision_point=kind,
            source_type_id=source[0] if source else None,
            source_id=source[1] if source else None,
            family_case_id=case_id,
            offered_on=offered_on,
            offered_by_id=offered_by,
            response=response,
            responded_on=responded_on,
            responded_by_id=None if response == "awaiting" else offered_by,
            decline_reason=rng.choice(DECLINE_REASONS) if response == "declined" else "",
            not_offered_rationale=rng.choice(NOT_OFFERED) if response == "not_offered" else "",
        )
        for child in children:
            offer_children.add(fgdmoffer_id=offer, person_id=child)
        for parent in recipients:
            offer_recipients.add(fgdmoffer_id=offer, person_id=parent)
        if response != "accepted":
            continue
        referred_on = min(today, responded_on + dt.timedelta(days=rng.randint(1, 7)))
        allocated_on = referred_on + dt.timedelta(days=rng.randint(2, 8))
        facilitator = facilitators[index % len(facilitators)]
        allocated = allocated_on <= today
        held_on = allocated_on + dt.timedelta(days=rng.randint(21, 45))
        held = allocated and held_on < today and rng.random() < MEETING_HELD
        withdrawn = allocated and held_on < today and not held
        review_date = held_on + dt.timedelta(days=rng.randint(56, 90))
        reviewed = held and review_date <= today and rng.random() < REVIEWED
        closed_on = review_date if reviewed else (held_on if withdrawn else None)
        status = "closed" if closed_on else "held" if held else "preparing" if allocated else "awaiting"
        referral = referrals.add(
            created_at=_at(referred_on, 10),
            updated_at=_at(closed_on or referred_on, 10),
            offer_id=offer,
            meeting_type="fgc" if rng.random() < FGC_SHARE else "fnm",
            referred_on=referred_on,
            referred_by_id=offered_by,
            reason="A plan made by the family for the children's safety and care.",
            status=status,
            facilitator_id=facilitator.pk if allocated else None,
            allocated_on=allocated_on if allocated else None,
            allocated_by_id=offered_by if allocated else None,
            closed_on=closed_on,
            closed_reason="The family withdrew before the meeting." if withdrawn else "",
            venue="Family hub meeting room" if allocated else "",
            language="English" if allocated else "",
        )
        if not allocated:
            continue
        # The facilitator's involvement with the children, from the allocation until the work closes.
        for child in children:
            involvements.add(
                created_at=_at(allocated_on, 12),
                updated_at=_at(allocated_on, 12),
                person_id=child,
                user_id=facilitator.pk,
                agency_id=facilitator.agency_id,
                role="fgdm_facilitator",
                start_date=allocated_on,
                end_date=closed_on,
                created_by_id=offered_by,
            )
            if closed_on is None and (child, facilitator.pk) not in granted:  # one grant, however many referrals
                granted.add((child, facilitator.pk))
                for codename in ("view_person", "change_person"):
                    user_perms.add(content_object_id=child, user_id=facilitator.pk, permission_id=perms[codename])
        span = max(1, (min(held_on, today) - allocated_on).days)
        for n, step in enumerate(STEPS):
            step_day = allocated_on + dt.timedelta(days=span * (n + 1) // (len(STEPS) + 1))
            if step_day > today:
                break
            person = (
                (recipients[0] if recipients else None)
                if step == "parent"
                else (children[0] if step == "child" else None)
            )
            steps.add(
                created_at=_at(step_day, 14),
                updated_at=_at(step_day, 14),
                referral_id=referral,
                kind=step,
                date=step_day,
                person_id=person,
                notes="Talked through what the meeting is for and who should be there.",
                child_wishes="I want to see my Nan more and for everyone to stop shouting." if step == "child" else "",
                child_taking_part="Will come for the first part with an advocate." if step == "child" else "",
                recorded_by_id=facilitator.pk,
            )
        for parent in recipients:
            network.add(
                created_at=_at(allocated_on, 15),
                updated_at=_at(allocated_on, 15),
                referral_id=referral,
                person_id=parent,
                relationship="Parent",
                added_by_id=facilitator.pk,
            )
        if not held:
            continue
        agreed = rng.random() < PLAN_AGREED
        safe = agreed and rng.random() < KEEPS_SAFE
        meeting = meetings.add(
            created_at=_at(held_on, 17),
            updated_at=_at(held_on, 17),
            referral_id=referral,
            held_on=held_on,
            private_time_start=dt.time(11, 0),
            private_time_end=dt.time(12, rng.choice([0, 15, 30])),
            plan_id=family_plan_of.get(case_id),
            plan_agreed=agreed,
            keeps_child_safe=safe if agreed else None,
            not_safe_reason="" if safe or not agreed else "The plan leaves the children with dad at night.",
            review_date=review_date if agreed else None,
            recorded_by_id=facilitator.pk,
        )
        for parent in recipients:
            attendees.add(meeting_id=meeting, kind="family", person_id=parent, name="")
        attendees.add(meeting_id=meeting, kind="professional", user_id=offered_by, name="Lead practitioner")
        if council:
            information.add(
                created_at=_at(held_on, 10),
                updated_at=_at(held_on, 10),
                meeting_id=meeting,
                agency_id=council.pk,
                author_id=offered_by,
                text="What we are worried about, and what is working well, shared with the family.",
                tags=[],
            )
        if agreed:
            for order, (what, who, when) in enumerate(rng.sample(PLAN, 3)):
                items.add(
                    meeting_id=meeting, what=what, who=who, when=when, contingency="Call the facilitator.", order=order
                )
            if rng.random() < 0.4:
                support.add(
                    meeting_id=meeting,
                    kind="financial",
                    description="Travel costs for Nan to have the children at weekends",
                    family_network_support_package=True,
                    cost=rng.choice([150, 300, 480]),
                    agreed=True,
                )
        if reviewed:
            reviews.add(
                created_at=_at(review_date, 15),
                updated_at=_at(review_date, 15),
                meeting_id=meeting,
                held_on=review_date,
                outcome=rng.choices(["working", "partly", "not_working", "ended"], [55, 25, 10, 10])[0],
                notes="The family and professionals went through the plan line by line.",
                recorded_by_id=facilitator.pk,
            )
    for rows, label in (
        (offers, "fgdm_offers"),
        (offer_children, "fgdm_offer_children"),
        (offer_recipients, "fgdm_offer_recipients"),
        (referrals, "fgdm_referrals"),
        (steps, "fgdm_preparation_steps"),
        (network, "fgdm_network"),
        (meetings, "fgdm_meetings"),
        (attendees, "fgdm_attendees"),
        (information, "fgdm_shared_information"),
        (items, "fgdm_plan_items"),
        (support, "fgdm_support"),
        (reviews, "fgdm_reviews"),
        (involvements, "fgdm_involvements"),
        (user_perms, "fgdm_user_permissions"),
    ):
        rows.write(ctx, label)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE fgdm_fgdmoffer, fgdm_fgdmreferral, fgdm_fgdmmeeting")
