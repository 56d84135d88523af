"""Family Help's share of a generated data set (a step registered in FamilyHelpConfig.ready(), run after
the front door's has opened the episodes).

Every child with an open episode at targeted early help or child in need is grouped with their brothers
and sisters into a family case (with their parents), allocated to a lead practitioner from a generated
workforce (caseloads of about 18 families; `fhlp@demo.test` holds a typical one, so the benchmark's
"my families" is a real caseload), with the lead's episode lead, involvement and object permissions
(exactly what cases.services.episode_set_lead writes), a whole-family assessment (most authorised, some
in draft: their 45-working-day deadlines open), and for assessed families a plan with per-child outcomes,
actions owned by the lead and by partner practitioners in the team around the family, reviews with
re-rated outcomes and a frozen version per review. Rows go in by COPY with explicit ids (cases.datagen).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone

from cases.codes import codelist
from cases.datagen import Context, copy_rows, move_sequence, next_id
from cases.models import Agency, AgencyType, NeedLevel, Qualification, Role, User
from cases.workdays import LONDON, Calendar

from .models import FamilyHelpSettings

CASELOAD = 18
FACTORS = [code for code, _ in codelist("assessmentfactorstype") if code not in ("21",)]
NEEDS = [code for code, _ in codelist("primaryneedcodetype") if code not in ("N0", "N9")]
OUTCOME_TEXTS = [
    ("{name} goes to school every day and on time", "School attendance each half term", 4, 9),
    ("{name} feels safe at home and can say so", "What {name} tells us on a 0-10 scale at each visit", 3, 8),
    ("{name}'s bedtime routine is settled", "Nights a week in bed by the agreed time (0-7 scaled)", 2, 8),
    ("{name} sees the health visitor and has their checks", "Appointments kept out of those offered", 3, 10),
    ("{name} has a trusted adult to talk to", "{name}'s own rating at each review", 2, 7),
]
PLAN_TEXT = {
    "worries": "Generated worries.",
    "working_well": "Generated strengths.",
    "family_views": "Mum wants help with the flat.",
    "professional_notes": "Professional view (not for the family).",
}
ACTION_TEXTS = [
    "Weekly home visit to work through the family plan",
    "Refer mum to the domestic abuse support service",
    "Support the family to apply for the housing transfer",
    "Arrange the school attendance support meeting",
    "Health visitor developmental check",
    "Help with the benefits claim and the food bank voucher",
    "One-to-one sessions with the child at school",
    "Parenting programme place (Tuesday mornings)",
]


def _workforce(ctx: Context, families: int) -> tuple[list[User], list[User]]:
    """Lead practitioners (a third social workers, the rest alternatively qualified, from early help and
    two voluntary-sector agencies) and partner practitioners (health, schools) for teams around families."""
    fhlp_group = Group.objects.get_or_create(name=Role.FHLP)[0]
    partner_group = Group.objects.get_or_create(name=Role.PARTNER_PRACTITIONER)[0]
    agencies = {
        "eh": Agency.objects.get_or_create(
            name="Generated Early Help Service", defaults={"type": AgencyType.COUNCIL_EARLY_HELP}
        )[0],
        "vcs1": Agency.objects.get_or_create(
            name="Generated Family Support Charity", defaults={"type": AgencyType.VOLUNTARY_SECTOR}
        )[0],
        "vcs2": Agency.objects.get_or_create(
            name="Generated Parenting Trust", defaults={"type": AgencyType.VOLUNTARY_SECTOR}
        )[0],
        "health": Agency.objects.get_or_create(
            name="Generated Community Health Trust", defaults={"type": AgencyType.HEALTH}
        )[0],
        "school": Agency.objects.get_or_create(
            name="Generated Schools Partnership", defaults={"type": AgencyType.EDUCATION}
        )[0],
    }
    start = User.objects.filter(email__endswith="@generated.test").count()
    needed = max(1, math.ceil(families / CASELOAD))
    new_leads = []
    for n in range(start, start + needed):
        kind = (
            ("eh", Qualification.SOCIAL_WORKER)
            if n % 3 == 0
            else (("vcs1" if n % 3 == 1 else "vcs2"), Qualification.ALTERNATIVELY_QUALIFIED)
        )
        user = User(
            email=f"fhlp.{n:05d}@generated.test",
            full_name=f"Practitioner G{n:05d}",
            job_title="Family Help Lead Practitioner",
            agency=agencies[kind[0]],
            qualification=kind[1],
        )
        user.set_unusable_password()
        new_leads.append(user)
    partners = []
    for n in range(start, start + max(2, needed // 2)):
        agency = agencies["health" if n % 2 == 0 else "school"]
        user = User(
            email=f"partner.{n:05d}@generated.test",
            full_name=f"Partner G{n:05d}",
            job_title="Health visitor" if n % 2 == 0 else "Pastoral lead",
            agency=agency,
        )
        user.set_unusable_password()
        partners.append(user)
    User.objects.bulk_create(new_leads + partners, batch_size=2000)
    leads = list(User.objects.filter(email__in=[u.email for u in new_leads]).select_related("agency").order_by("id"))
    partners = list(User.objects.filter(email__in=[u.email for u in partners]).select_related("agency").order_by("id"))
    fhlp_group.user_set.add(*leads)
    partner_group.user_set.add(*partners)
    demo = User.objects.filter(email="fhlp@demo.test").select_related("agency").first()
    return ([demo] if demo else []) + leads, partners


def _open_family_help_children() -> dict[int, tuple[int, dt.date, str]]:
    """child id -> (episode id, opened on, level code) for open episodes at early help or child in need."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT e.person_id, e.id, e.opened_on, nl.code
            FROM cases_episode e
            JOIN cases_episodelevel el ON el.episode_id = e.id AND el.ended_at IS NULL
            JOIN cases_needlevel nl ON nl.id = el.level_id
            WHERE e.closed_on IS NULL AND e.family_case_id IS NULL
              AND nl.code IN ('targeted_early_help', 'child_in_need')
        """)
        return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


def _parents(child_ids: list[int]) -> dict[int, list[int]]:
    parents: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_person_id, from_person_id FROM cases_relationship "
            "WHERE to_person_id = ANY(%s) AND type IN ('mother', 'father') ORDER BY id",
            [child_ids],
        )
        for child, parent in cursor.fetchall():
            parents[child].append(parent)
    return parents


def _names(person_ids: list[int]) -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, first_name, last_name FROM cases_person WHERE id = ANY(%s)", [person_ids])
        return {pk: (first, last) for pk, first, last in cursor.fetchall()}


def generate_family_help(ctx: Context) -> None:  # one pass, many tables
    rng = ctx.rng
    now = timezone.now()
    calendar = Calendar.from_database()
    settings = FamilyHelpSettings.load()
    open_children = _open_family_help_children()
    parents = _parents(sorted(open_children))
    # Brothers and sisters (children of one mother) with open Family Help episodes form one family case.
    by_mother: dict[int, list[int]] = defaultdict(list)
    for child in sorted(open_children):
        by_mother[parents[child][0] if parents.get(child) else -child].append(child)
    families = list(by_mother.values())
    if not families:
        return
    leads, partners = _workforce(ctx, len(families))
    manager = User.objects.filter(email="manager@demo.test").first() or leads[0]
    levels = {lv.code: lv.pk for lv in NeedLevel.objects.all()}
    del levels  # the levels stay as the front door set them
    perms = list(
        Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_person", "change_person"]
        ).values_list("pk", flat=True)
    )
    all_children = [c for fam in families for c in fam]
    names = _names(all_children + [p for ps in parents.values() for p in ps])
    tables = [
        "cases_familycase",
        "cases_familycasemember",
        "family_help_allocation",
        "cases_episodelead",
        "cases_involvement",
        "cases_personuserobjectpermission",
        "family_help_assessment",
        "family_help_assessmentchild",
        "cases_plan",
        "cases_planversion",
        "cases_outcome",
        "cases_outcomerating",
        "cases_action",
        "cases_tafmember",
        "cases_review",
        "cases_deadline",
        "cases_cinplanperiod",
    ]
    ids = {t: next_id(t) for t in tables}
    rows: dict[str, list] = {t: [] for t in tables}
    episode_family: list[tuple[int, int]] = []
    # The demo lead practitioner holds the first CASELOAD families; the generated workforce the rest.
    for index, members in enumerate(families):
        lead = leads[0] if index < CASELOAD or len(leads) == 1 else leads[1 + (index - CASELOAD) % (len(leads) - 1)]
        fam_id = ids["cases_familycase"]
        ids["cases_familycase"] += 1
        opened = min(open_children[c][1] for c in members)
        opened_at = dt.datetime.combine(opened, dt.time(10), tzinfo=LONDON)
        surname = names[members[0]][1]
        rows["cases_familycase"].append((fam_id, opened_at, opened_at, f"{surname} family", opened, None))
        family_parents = sorted({p for c in members for p in parents.get(c, [])})
        for person, role in [(c, "child") for c in members] + [(p, "parent") for p in family_parents]:
            rows["cases_familycasemember"].append(
                (ids["cases_familycasemember"], opened_at, opened_at, role, opened, None, fam_id, person)
            )
            ids["cases_familycasemember"] += 1
        allocated_at = opened_at + dt.timedelta(days=rng.randint(1, 6))
        allocated_at = min(allocated_at, now - dt.timedelta(hours=1))
        rows["family_help_allocation"].append(
            (
                ids["family_help_allocation"],
                allocated_at,
                allocated_at,
                fam_id,
                lead.pk,
                manager.pk,
                allocated_at,
                None,
                "Generated allocation.",
                None,
                allocated_at,
            )
        )
        ids["family_help_allocation"] += 1
        for child in members:
            episode_id = open_children[child][0]
            episode_family.append((episode_id, fam_id))
            rows["cases_episodelead"].append(
                (
                    ids["cases_episodelead"],
                    allocated_at,
                    allocated_at,
                    "fhlp",
                    allocated_at,
                    None,
                    manager.pk,
                    episode_id,
                    lead.pk,
                )
            )
            ids["cases_episodelead"] += 1
            rows["cases_involvement"].append(
                (
                    ids["cases_involvement"],
                    allocated_at,
                    allocated_at,
                    "lead_practitioner",
                    allocated_at.date(),
                    None,
                    lead.agency_id,
                    manager.pk,
                    None,
                    lead.pk,
                    child,
                )
            )
            ids["cases_involvement"] += 1
            for perm in perms:
                rows["cases_personuserobjectpermission"].append(
                    (ids["cases_personuserobjectpermission"], child, perm, lead.pk)
                )
                ids["cases_personuserobjectpermission"] += 1
        # Team around the family: none, one or two partner practitioners.
        taf = rng.sample(partners, k=min(len(partners), rng.choice([0, 1, 1, 2])))
        for member in taf:
            rows["cases_tafmember"].append(
                (
                    ids["cases_tafmember"],
                    allocated_at,
                    allocated_at,
                    fam_id,
                    member.pk,
                    member.agency_id,
                    member.job_title,
                    lead.pk,
                    allocated_at,
                    None,
                    None,
                )
            )
            ids["cases_tafmember"] += 1
            for child in members:
                rows["cases_involvement"].append(
                    (
                        ids["cases_involvement"],
                        allocated_at,
                        allocated_at,
                        "taf_member",
                        allocated_at.date(),
                        None,
                        member.agency_id,
                        lead.pk,
                        None,
                        member.pk,
                        child,
                    )
                )
                ids["cases_involvement"] += 1
                for perm in perms:
                    rows["cases_personuserobjectpermission"].append(
                        (ids["cases_personuserobjectpermission"], child, perm, member.pk)
                    )
                    ids["cases_personuserobjectpermission"] += 1
        # The assessment: due 45 working days after the referral; most done, the newest still in draft.
        due_on = calendar.add_working_days(opened, 45)
        in_draft = due_on >= ctx.today - dt.timedelta(days=10) and rng.random() < 0.7
        started_on = min(allocated_at.date() + dt.timedelta(days=2), ctx.today)
        authorised_on = None if in_draft else min(ctx.today, calendar.add_working_days(opened, rng.randint(20, 52)))
        authorised_on = max(authorised_on, started_on) if authorised_on else None
        assessment_id = ids["family_help_assessment"]
        ids["family_help_assessment"] += 1
        saved = dt.datetime.combine(authorised_on or ctx.today, dt.time(15), tzinfo=LONDON)
        saved = min(saved, now)
        rows["family_help_assessment"].append(
            (
                assessment_id,
                allocated_at,
                saved,
                fam_id,
                "draft" if in_draft else "authorised",
                opened,
                started_on,
                due_on,
                lead.pk,
                "" if rng.random() < 0.7 else "Mum describes past abuse by a former partner.",
                "",
                "Mum has low mood; on the GP's waiting list.",
                "Overcrowded two-bedroom flat.",
                "Universal credit; some debt.",
                "",
                "Close to grandparents; children attend school.",
                "Missed health appointments.",
                "" if in_draft else "Generated analysis of the family's needs.",
                "" if in_draft else rng.choice(["targeted", "targeted", "cin"]),
                None if in_draft else saved,
                None if in_draft else manager.pk,
                authorised_on,
                "",
                saved,
                in_draft,
                1,
            )
        )
        for child in members:
            rows["family_help_assessmentchild"].append(
                (
                    ids["family_help_assessmentchild"],
                    allocated_at,
                    saved,
                    assessment_id,
                    child,
                    open_children[child][0],
                    f"{names[child][0]} says home is 'noisy' and school is 'OK'.",
                    "Generated needs.",
                    "{" + ",".join(rng.sample(FACTORS, rng.randint(1, 3))) + "}",
                    rng.choice(NEEDS),
                )
            )
            ids["family_help_assessmentchild"] += 1
        if in_draft:
            due_at = dt.datetime.combine(due_on, dt.time(17), tzinfo=LONDON)
            warn_at = dt.datetime.combine(
                calendar.add_working_days(opened, 45 - settings.assessment_warn_working_days), dt.time(9), tzinfo=LONDON
            )
            rows["cases_deadline"].append(
                (
                    ids["cases_deadline"],
                    allocated_at,
                    allocated_at,
                    "family_help.assessment",
                    f"Family Help assessment for the {surname} family",
                    "family_help.assessment",
                    str(assessment_id),
                    "{" + ",".join(map(str, members)) + "}",
                    f"/family-help/assessments/{assessment_id}/",
                    due_at,
                    warn_at,
                    "open",
                    lead.pk,
                    None,
                    "manager",
                    None,
                    None,
                    False,
                    None,
                )
            )
            ids["cases_deadline"] += 1
            continue
        # The plan, from the authorised assessment, with reviews every ~3 months since.
        plan_id = ids["cases_plan"]
        ids["cases_plan"] += 1
        plan_start = authorised_on
        reviews = []
        review_day = plan_start + dt.timedelta(days=settings.review_every_days)
        while review_day < ctx.today - dt.timedelta(days=3) and len(reviews) < 6:
            reviews.append(review_day)
            review_day += dt.timedelta(days=settings.review_every_days)
        next_review = review_day
        plan_at = dt.datetime.combine(plan_start, dt.time(11), tzinfo=LONDON)
        rows["cases_plan"].append(
            (
                plan_id,
                plan_at,
                plan_at,
                fam_id,
                "active",
                *PLAN_TEXT.values(),
                next_review,
                lead.pk,
                None,
                1 + len(reviews),
                "family_help",
            )
        )
        if any(open_children[c][2] == "child_in_need" for c in members):
            for child in members:
                if open_children[child][2] == "child_in_need":
                    rows["cases_cinplanperiod"].append(
                        (
                            ids["cases_cinplanperiod"],
                            plan_at,
                            plan_at,
                            open_children[child][0],
                            plan_id,
                            plan_start,
                            None,
                        )
                    )
                    ids["cases_cinplanperiod"] += 1
        outcomes = []
        for child in members:
            for text, measure, baseline, target in rng.sample(OUTCOME_TEXTS, rng.randint(1, 2)):
                outcomes.append(
                    [
                        ids["cases_outcome"],
                        child,
                        text.format(name=names[child][0]),
                        measure.format(name=names[child][0]),
                        baseline,
                        target,
                        baseline,
                        rng.random() < 0.1,
                    ]
                )
                ids["cases_outcome"] += 1
        actions = []
        owners = [lead] + taf
        for _ in range(rng.randint(3, 6)):
            owner = rng.choice(owners)
            due = plan_start + dt.timedelta(days=rng.randint(14, 200))
            done = due < ctx.today and rng.random() < 0.7
            actions.append(
                (
                    ids["cases_action"],
                    plan_at,
                    plan_at,
                    plan_id,
                    rng.choice(outcomes)[0] if rng.random() < 0.7 else None,
                    rng.choice(ACTION_TEXTS),
                    owner.pk,
                    owner.agency_id,
                    due,
                    "done" if done else rng.choice(["not_started", "in_progress"]),
                    "",
                    rng.random() < 0.1,
                    due if done else None,
                    lead.pk,
                    1,
                )
            )
            ids["cases_action"] += 1
        rows["cases_action"].extend(actions)
        # Version 1 at the start, one more per review, each outcome rated each time.
        users = {u.pk: u for u in owners}
        ratings: dict[int, list] = defaultdict(list)
        points = [(plan_start, None)] + [(day, True) for day in reviews]
        for number, (day, is_review) in enumerate(points, start=1):
            version_id = ids["cases_planversion"]
            ids["cases_planversion"] += 1
            at = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
            for outcome in outcomes:
                if number > 1:  # drifts towards the target, with setbacks
                    outcome[6] = max(0, min(10, outcome[6] + rng.choice([-1, 0, 1, 1, 2])))
                rows["cases_outcomerating"].append(
                    (ids["cases_outcomerating"], outcome[0], version_id, outcome[6], day, lead.pk, "")
                )
                ids["cases_outcomerating"] += 1
                ratings[outcome[0]].append((outcome[6], day, version_id))
            review = None
            next_after = points[number][0] if number < len(points) else next_review
            if is_review:
                review = {
                    "held_on": day.isoformat(),
                    "attendees": "Family, lead practitioner, school",
                    "summary": "Generated review: progress on most outcomes.",
                    "family_views": "Mum says things are calmer.",
                    "next_review_on": next_after.isoformat(),
                }
                rows["cases_review"].append(
                    (
                        ids["cases_review"],
                        at,
                        at,
                        plan_id,
                        day,
                        review["attendees"],
                        review["summary"],
                        review["family_views"],
                        next_after,
                        version_id,
                        lead.pk,
                    )
                )
                ids["cases_review"] += 1
            snapshot = _snapshot(
                number=number,
                day=day,
                reason="Review" if is_review else "Plan started",
                plan_text=PLAN_TEXT,
                next_review=next_after,
                outcomes=outcomes,
                ratings=ratings,
                actions=actions,
                users=users,
                names=names,
                taf=taf,
                review=review,
            )
            rows["cases_planversion"].append(
                (version_id, plan_id, number, at, lead.pk, snapshot["reason"], json.dumps(snapshot), "family_help")
            )
        for outcome in outcomes:
            rows["cases_outcome"].append(
                (
                    outcome[0],
                    plan_at,
                    plan_at,
                    plan_id,
                    outcome[1],
                    outcome[2],
                    outcome[3],
                    10,
                    outcome[4],
                    outcome[5],
                    outcome[6],
                    outcome[7],
                    None,
                    None,
                )
            )
    _copy_all(ctx, rows, episode_family)


def _snapshot(
    *,
    number: int,
    day: dt.date,
    reason: str,
    plan_text: dict,
    next_review: dt.date,
    outcomes,
    ratings,
    actions,
    users: dict[int, User],
    names,
    taf: list[User],
    review: dict | None,
) -> dict:
    """What the plan said at this version, in the shape cases.services.plans.plan_snapshot freezes."""
    snapshot = {
        "number": number,
        "date": day.isoformat(),
        "reason": reason,
        "plan": {**plan_text, "next_review_on": next_review.isoformat(), "status": "active"},
        "outcomes": [
            {
                "id": o[0],
                "child_id": o[1],
                "child": names[o[1]][0],
                "child_name": " ".join(names[o[1]]),
                "what_will_be_different": o[2],
                "measure": o[3],
                "scale_max": 10,
                "baseline": o[4],
                "target": o[5],
                "current": o[6],
                "not_for_family": o[7],
                "achieved_on": None,
                "ratings": [{"rating": r, "rated_on": d.isoformat(), "version_id": v} for r, d, v in ratings[o[0]]],
            }
            for o in outcomes
        ],
        "actions": [
            {
                "id": a[0],
                "description": a[5],
                "owner_id": a[6],
                "owner": users[a[6]].full_name,
                "agency": users[a[6]].agency.name,
                "outcome_id": a[4],
                "due_on": a[8].isoformat(),
                "status": a[9],
                "progress": a[10],
                "not_for_family": a[11],
            }
            for a in actions
        ],
        "taf": [{"user_id": m.pk, "name": m.full_name, "agency": m.agency.name, "role": m.job_title} for m in taf],
    }
    if review is not None:
        snapshot["review"] = review
    return snapshot


COLUMNS = {
    "cases_familycase": ["id", "created_at", "updated_at", "name", "opened_on", "closed_on"],
    "cases_familycasemember": [
        "id",
        "created_at",
        "updated_at",
        "role",
        "start_date",
        "end_date",
        "family_case_id",
        "person_id",
    ],
    "family_help_allocation": [
        "id",
        "created_at",
        "updated_at",
        "family_case_id",
        "lead_id",
        "allocated_by_id",
        "started_at",
        "ended_at",
        "reason",
        "work_request_id",
        "letter_sent_at",
    ],
    "cases_episodelead": [
        "id",
        "created_at",
        "updated_at",
        "kind",
        "started_at",
        "ended_at",
        "assigned_by_id",
        "episode_id",
        "user_id",
    ],
    "cases_involvement": [
        "id",
        "created_at",
        "updated_at",
        "role",
        "start_date",
        "end_date",
        "agency_id",
        "created_by_id",
        "team_id",
        "user_id",
        "person_id",
    ],
    "cases_personuserobjectpermission": ["id", "content_object_id", "permission_id", "user_id"],
    "family_help_assessment": [
        "id",
        "created_at",
        "updated_at",
        "family_case_id",
        "status",
        "referral_date",
        "started_on",
        "due_on",
        "author_id",
        "domestic_abuse",
        "substance_misuse",
        "mental_health",
        "housing",
        "income",
        "other_needs",
        "strengths",
        "risks",
        "analysis",
        "outcome",
        "submitted_at",
        "authorised_by_id",
        "authorised_on",
        "returned_reason",
        "last_saved_at",
        "autosaved",
        "version",
    ],
    "family_help_assessmentchild": [
        "id",
        "created_at",
        "updated_at",
        "assessment_id",
        "person_id",
        "episode_id",
        "child_voice",
        "needs",
        "factors",
        "primary_need",
    ],
    "cases_plan": [
        "id",
        "created_at",
        "updated_at",
        "family_case_id",
        "status",
        "worries",
        "working_well",
        "family_views",
        "professional_notes",
        "next_review_on",
        "created_by_id",
        "closed_on",
        "version",
        "led_by_strand",
    ],
    "cases_planversion": [
        "id",
        "plan_id",
        "number",
        "created_at",
        "created_by_id",
        "reason",
        "snapshot",
        "led_by_strand",
    ],
    "cases_outcome": [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "child_id",
        "what_will_be_different",
        "measure",
        "scale_max",
        "baseline",
        "target",
        "current",
        "not_for_family",
        "achieved_on",
        "removed_at",
    ],
    "cases_outcomerating": ["id", "outcome_id", "plan_version_id", "rating", "rated_on", "rated_by_id", "comment"],
    "cases_action": [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "outcome_id",
        "description",
        "owner_id",
        "owner_agency_id",
        "due_on",
        "status",
        "progress",
        "not_for_family",
        "completed_on",
        "updated_by_id",
        "version",
    ],
    "cases_tafmember": [
        "id",
        "created_at",
        "updated_at",
        "family_case_id",
        "user_id",
        "agency_id",
        "role",
        "added_by_id",
        "added_at",
        "removed_by_id",
        "removed_at",
    ],
    "cases_review": [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "held_on",
        "attendees",
        "summary",
        "family_views",
        "next_review_on",
        "plan_version_id",
        "reviewed_by_id",
    ],
    "cases_deadline": [
        "id",
        "created_at",
        "updated_at",
        "kind",
        "label",
        "target_type",
        "target_id",
        "person_ids",
        "link",
        "due_at",
        "warn_at",
        "state",
        "assignee_id",
        "notify_agency_id",
        "escalate_role",
        "warned_at",
        "breached_at",
        "breach_detected_late",
        "met_at",
    ],
    "cases_cinplanperiod": ["id", "created_at", "updated_at", "episode_id", "plan_id", "start_date", "end_date"],
}
LABELS = {
    "cases_familycase": "family_cases",
    "cases_familycasemember": "family_members",
    "family_help_allocation": "allocations",
    "cases_episodelead": "lead_practitioner_periods",
    "cases_involvement": "involvements",
    "cases_personuserobjectpermission": "object_permissions",
    "family_help_assessment": "assessments",
    "family_help_assessmentchild": "assessment_child_sections",
    "cases_plan": "plans",
    "cases_planversion": "plan_versions",
    "cases_outcome": "outcomes",
    "cases_outcomerating": "outcome_ratings",
    "cases_action": "actions",
    "cases_tafmember": "taf_members",
    "cases_review": "reviews",
    "cases_deadline": "assessment_deadlines",
    "cases_cinplanperiod": "cin_plan_periods",
}
# Parents before children (foreign keys are checked at commit, but COPY order keeps it readable).
ORDER = [
    "cases_familycase",
    "cases_familycasemember",
    "family_help_allocation",
    "cases_episodelead",
    "cases_involvement",
    "cases_personuserobjectpermission",
    "family_help_assessment",
    "family_help_assessmentchild",
    "cases_plan",
    "cases_planversion",
    "cases_outcome",
    "cases_outcomerating",
    "cases_action",
    "cases_tafmember",
    "cases_review",
    "cases_deadline",
    "cases_cinplanperiod",
]


def _copy_all(ctx: Context, rows: dict[str, list], episode_family: list[tuple[int, int]]) -> None:
    for table in ORDER:
        written = copy_rows(table, COLUMNS[table], rows[table])
        ctx.counts[LABELS[table]] = ctx.counts.get(LABELS[table], 0) + written
        move_sequence(table)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE fh_episode_family (episode_id bigint, family_case_id bigint) ON COMMIT DROP")
        # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
        with cursor.cursor.copy("COPY fh_episode_family (episode_id, family_case_id) FROM STDIN") as copy:
            for row in episode_family:
                copy.write_row(row)
        # audited: the synthetic data set's bulk load (generate_dataset): no one's work on a real record
        cursor.execute(
            "UPDATE cases_episode e SET family_case_id = f.family_case_id FROM fh_episode_family f "
            "WHERE e.id = f.episode_id"
        )
        cursor.execute("ANALYZE")
