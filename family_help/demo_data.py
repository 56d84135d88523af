"""Family Help in the demo council, written through the Family Help services by the demo users, so that
the audit trail, chronology, notifications and access are the real thing.

The shared record's demo families already have their lead practitioners on their episodes
(cases/demo/); here each of those families gets its Family Help allocation (from an allocation
request, as a manager would make it), and a few are taken further, so every page has something to show:

- Pearson (Robin Helper, voluntary sector): an assessment in draft, the children's words already typed;
- Hollis (Robin Helper): an authorised assessment and a plan with outcomes for each child, actions for
  the lead and for the health visitor in the team around the family, and a first review;
- Smith (Sam Casework, social worker): an assessment submitted and waiting for the manager;
- Clarke (Sam Casework): an authorised assessment and a plan, the health visitor in the team around the family;
- supervision: Robin supervised last week, Sam overdue.

Safe to run again: a family that already has an allocation is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.demo import FHLP_SW, FHLP_VCS, HEALTH, MANAGER
from cases.models import EpisodeLead, FamilyCase, LeadKind, Plan, User, WorkRequest
from cases.services import work_request_create
from cases.services.plans import action_add, outcome_add, plan_start, review_add, taf_add

from .models import Allocation, Assessment, Supervision
from .selectors import family_children
from .services.allocation import allocation_create
from .services.assessment import assessment_authorise, assessment_save_draft, assessment_start, assessment_submit
from .services.supervision import supervision_record

VOICES = [
    "I like it when Mum reads to us. I don't like it when there's shouting at night.",
    "School is OK. I get tired because the baby cries and my bed is in the living room.",
    "I want to go to football club again. I miss Nan.",
    "Sometimes there isn't breakfast so I get toast at breakfast club.",
    "I feel safe at Nan's house.",
]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).select_related("agency").first()


def _allocate_families(manager: User) -> int:
    """An allocation for every family whose children already have a Family Help Lead Practitioner."""
    made = 0
    leads = (
        EpisodeLead.objects.filter(
            kind=LeadKind.FHLP,
            ended_at__isnull=True,
            episode__closed_on__isnull=True,
            episode__family_case__isnull=False,
        )
        .select_related("episode", "episode__person", "episode__family_case", "user")
        .order_by("episode__family_case_id", "episode_id")
    )
    done: set[int] = set()
    for lead in leads:
        family = lead.episode.family_case
        if family.pk in done or Allocation.objects.filter(family_case=family, ended_at__isnull=True).exists():
            done.add(family.pk)
            continue
        done.add(family.pk)
        request = work_request_create(
            kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
            person=lead.episode.person,
            actor=manager,
            episode=lead.episode,
            summary=f"Family Help for the {family.name}: allocate a lead practitioner.",
        )
        allocation_create(
            work_request=request,
            actor=manager,
            lead=lead.user,
            reason="Knows the family from earlier work"
            if lead.user.email == FHLP_VCS
            else "Social worker: the children are in need of help under section 17",
        )
        made += 1
    return made


def _family(name: str) -> FamilyCase | None:
    return FamilyCase.objects.filter(name=name).first()


def _sections(assessment: Assessment) -> dict[int, dict]:
    sections = {}
    for n, section in enumerate(assessment.children.order_by("id")):
        sections[section.pk] = {
            "child_voice": VOICES[n % len(VOICES)],
            "needs": "Attendance has dropped to 86% this term.",
            "factors": ["4B", "16A"] if n % 2 == 0 else ["3A", "7A"],
            "primary_need": "N4" if n % 2 == 0 else "N5",
        }
    return sections


ASSESSMENT_TEXT = {
    "housing": "Two-bedroom flat, five people; damp in the children's room. Housing transfer application open.",
    "income": "Universal credit; rent arrears of about six weeks.",
    "mental_health": "Mum describes low mood since the baby was born; on the GP's waiting list for talking therapy.",
    "strengths": "Warm relationship between Mum and the children; Nan nearby and willing to help; children "
    "attend breakfast club.",
    "risks": "Arrears could lead to eviction; the children's sleep is disturbed.",
    "analysis": "The family's needs are met best by targeted Family Help: practical help with housing and money, "
    "and support for Mum's mental health, so that she can keep the routines the children need.",
    "outcome": "targeted",
}


def _assessment(family: FamilyCase, author: User, manager: User, *, stage: str) -> Assessment | None:
    if Assessment.objects.filter(family_case=family).exists():
        return None
    assessment = assessment_start(family_case=family, actor=author)
    data = ASSESSMENT_TEXT if stage != "draft" else {"housing": ASSESSMENT_TEXT["housing"]}
    sections = _sections(assessment)
    if stage == "draft":
        sections = {pk: {"child_voice": values["child_voice"]} for pk, values in sections.items()}
    assessment = assessment_save_draft(
        assessment=assessment,
        actor=author,
        expected_version=assessment.version,
        data=data,
        sections=sections,
        autosave=stage == "draft",
    )
    if stage in ("submitted", "authorised"):
        assessment = assessment_submit(assessment=assessment, actor=author)
    if stage == "authorised":
        assessment = assessment_authorise(assessment=assessment, actor=manager)
    return assessment


OUTCOMES = [
    ("{name} sleeps in their own bed in a settled routine", "Nights a week in bed by 8pm, from Mum's diary", 2, 7),
    ("{name} goes to school every day and on time", "School attendance this half term (0-10 = 0-100%)", 8, 10),
]


def _plan(family: FamilyCase, lead: User, partner: User | None, partner_role: str) -> Plan | None:
    if Plan.objects.filter(family_case=family).exists():
        return None
    today = timezone.localdate()
    plan = plan_start(
        family_case=family,
        actor=lead,
        data={
            "worries": "The flat is overcrowded and damp, rent arrears are growing and Mum is low; the children are "
            "tired at school.",
            "working_well": "Mum and the children are close; Nan helps with school runs.",
            "family_views": "Mum: 'I want the kids to have their own room and for me to feel like myself again.'",
            "professional_notes": "Previous partner's contact with the family to be kept under review (not for the "
            "family version).",
            "next_review_on": today + dt.timedelta(days=42),
        },
    )
    outcomes = []
    for child in family_children(family_case=family):
        for text, measure, baseline, target in OUTCOMES:
            outcomes.append(
                outcome_add(
                    plan=plan,
                    actor=lead,
                    data={
                        "child": child,
                        "what_will_be_different": text.format(name=child.first_name),
                        "measure": measure,
                        "scale_max": 10,
                        "baseline": baseline,
                        "target": target,
                        "current": baseline,
                    },
                )
            )
    if partner is not None:
        taf_add(family_case=family, actor=lead, user=partner, role=partner_role)
    action_add(
        plan=plan,
        actor=lead,
        data={
            "description": "Support Mum with the housing transfer application and the arrears plan",
            "owner": lead,
            "due_on": today + dt.timedelta(days=21),
            "outcome": outcomes[0] if outcomes else None,
        },
    )
    action_add(
        plan=plan,
        actor=lead,
        data={
            "description": "Refer Mum for talking therapy and check she is seen",
            "owner": lead,
            "due_on": today + dt.timedelta(days=14),
            "not_for_family": False,
        },
    )
    if partner is not None:
        action_add(
            plan=plan,
            actor=lead,
            data={
                "description": "Check the children's sleep and development at the next visit"
                if partner.agency and partner.agency.type == "health"
                else "Daily check-in at breakfast club and an attendance plan",
                "owner": partner,
                "due_on": today + dt.timedelta(days=28),
                "outcome": outcomes[-1] if outcomes else None,
            },
        )
    return plan


@transaction.atomic
def seed_family_help_demo() -> dict:
    manager, robin, sam = _user(MANAGER), _user(FHLP_VCS), _user(FHLP_SW)
    if manager is None or robin is None or sam is None:
        return {}
    counts = {"family help allocations": _allocate_families(manager)}
    health = _user(HEALTH)
    plans = 0
    pearson, hollis, smith, clarke = (_family(f"{name} family") for name in ("Pearson", "Hollis", "Smith", "Clarke"))
    if pearson is not None:
        _assessment(pearson, robin, manager, stage="draft")
    if smith is not None:
        _assessment(smith, sam, manager, stage="submitted")
    if hollis is not None and _assessment(hollis, robin, manager, stage="authorised") is not None:
        plan = _plan(hollis, robin, health, "Health visitor")
        if plan is not None:
            plans += 1
            today = timezone.localdate()
            ratings = {o.pk: min(o.scale_max, o.current + 1) for o in plan.outcomes.all()}
            review_add(
                plan=plan,
                actor=robin,
                data={
                    "held_on": today,
                    "attendees": "Mum, Nan, Robin Helper (lead), Hana Visitor (health visitor)",
                    "summary": "Housing transfer application in; Mum has started talking therapy; bedtimes better on "
                    "school nights.",
                    "family_views": "Mum says evenings are calmer.",
                    "next_review_on": today + dt.timedelta(days=90),
                },
                ratings=ratings,
            )
    if (
        clarke is not None
        and _assessment(clarke, sam, manager, stage="authorised") is not None
        and _plan(clarke, sam, health, "Health visitor") is not None
    ):
        plans += 1
    counts["family help plans"] = plans
    if not Supervision.objects.exists():
        today = timezone.localdate()
        supervision_record(
            actor=manager,
            practitioner=robin,
            held_on=today - dt.timedelta(days=7),
            family_case=hollis,
            reflection="Talked through the Hollis family's progress and "
            "Robin's worry about Mum's low mood; Robin's analysis is sound.",
            decisions="Keep at targeted early help; review in six weeks.",
            actions=[
                {
                    "description": "Ask the GP for an update on the therapy referral",
                    "owner": robin,
                    "due_on": today + dt.timedelta(days=7),
                }
            ],
        )
        supervision_record(
            actor=manager,
            practitioner=sam,
            held_on=today - dt.timedelta(days=40),
            reflection="Caseload review: eleven families, two at child protection.",
            decisions="Move one family to a colleague when Sam returns from leave.",
        )
        counts["supervisions"] = 2
    return counts
