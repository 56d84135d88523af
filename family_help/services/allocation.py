"""Allocation: a team manager gives a family its Family Help Lead Practitioner (from any agency), changes the
lead when they must, and the family is sent a letter saying who their lead practitioner is.

Access is never stored here: the lead is recorded on every open episode of the family's children
(cases.services.episode_set_lead, kind FHLP), which gives them an involvement on exactly those children,
and ends the previous lead's (a handover). The `Allocation` rows keep the family-level history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Episode,
    FamilyCase,
    FamilyCaseMember,
    LeadKind,
    Person,
    Relationship,
    RelationshipType,
    Role,
    Strand,
    User,
    WorkRequest,
)
from cases.services import (
    Conflict,
    audit_record,
    chronology_add,
    episode_set_lead,
    family_case_create,
    notify,
    work_request_handle,
)

from ..models import Allocation
from ..selectors import can_work_on_family
from ..selectors.allocation import can_allocate

PARENT_TYPES = {RelationshipType.MOTHER, RelationshipType.FATHER, RelationshipType.STEP_PARENT}
SIBLING_TYPES = {RelationshipType.SIBLING, RelationshipType.HALF_SIBLING}


def _require_allocator(actor: User) -> None:
    if not can_allocate(actor):
        raise PermissionDenied("Only a team manager can allocate a lead practitioner")


def _check_lead(lead: User | None) -> User:
    """The lead must be an active Family Help Lead Practitioner (of any agency)."""
    if lead is None:
        raise ValidationError({"lead": ["Choose a lead practitioner"]})
    if not lead.is_active or not lead.groups.filter(name=Role.FHLP).exists():
        raise ValidationError(
            {"lead": [f"{lead.full_name} is not a Family Help Lead Practitioner: choose someone from the list"]}
        )
    return lead


def _family_for(child: Person, episode: Episode | None, actor: User) -> FamilyCase:
    """The family case to allocate: the episode's, else the child's current one, else a new one made from the
    child's relationships (parents and carers, and brothers and sisters who are children)."""
    if episode is not None and episode.family_case_id:
        return episode.family_case
    membership = (
        FamilyCaseMember.objects.filter(
            person=child, role=FamilyCaseMember.Role.CHILD, end_date__isnull=True, family_case__closed_on__isnull=True
        )
        .select_related("family_case")
        .order_by("-family_case__opened_on", "-id")
        .first()
    )
    if membership is not None:
        family = membership.family_case
        Episode.objects.filter(
            person__in=[
                m.person_id for m in family.members.filter(role=FamilyCaseMember.Role.CHILD, end_date__isnull=True)
            ],
            closed_on__isnull=True,
            family_case__isnull=True,
        ).update(family_case=family, updated_at=timezone.now())
        return family
    members: dict[int, tuple[Person, str]] = {child.pk: (child, FamilyCaseMember.Role.CHILD)}
    rels = list(
        Relationship.objects.filter(
            to_person=child, end_date__isnull=True, from_person__merged_into__isnull=True
        ).select_related("from_person")
    )
    parents = []
    for rel in rels:
        if rel.type in PARENT_TYPES:
            members.setdefault(rel.from_person_id, (rel.from_person, FamilyCaseMember.Role.PARENT))
            parents.append(rel.from_person_id)
        elif rel.type == RelationshipType.CARER or rel.parental_responsibility:
            members.setdefault(rel.from_person_id, (rel.from_person, FamilyCaseMember.Role.CARER))
            parents.append(rel.from_person_id)
    # Brothers and sisters: named as such either way round, or children of the same parent or carer.
    siblings = Relationship.objects.filter(end_date__isnull=True).filter(
        Q(from_person=child, type__in=SIBLING_TYPES)
        | Q(to_person=child, type__in=SIBLING_TYPES)
        | Q(from_person_id__in=parents, type__in=[*PARENT_TYPES, RelationshipType.CARER])
    )
    for rel in siblings.select_related("from_person", "to_person"):
        other = rel.to_person if rel.from_person_id in {child.pk, *parents} else rel.from_person
        if other.pk in members or other.merged_into_id or not other.is_child:
            continue
        members[other.pk] = (other, FamilyCaseMember.Role.CHILD)
    ordered = sorted(members.values(), key=lambda m: (m[1] != FamilyCaseMember.Role.CHILD, m[0].pk))
    return family_case_create(actor=actor, name=f"{child.last_name} family", members=ordered)


def _family_child_ids(family: FamilyCase) -> list[int]:
    return list(
        FamilyCaseMember.objects.filter(
            family_case=family, role=FamilyCaseMember.Role.CHILD, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )


def _set_lead_on_episodes(*, family: FamilyCase, actor: User, lead: User, extra: Episode | None = None) -> list[int]:
    """Record the lead on every open episode of the family's children; returns the children led."""
    child_ids = _family_child_ids(family)
    episodes = list(
        Episode.objects.filter(person_id__in=child_ids, closed_on__isnull=True)
        .select_related("person")
        .order_by("person_id")
    )
    if extra is not None and extra.is_open and extra.pk not in {e.pk for e in episodes}:
        episodes.append(extra)
    for episode in episodes:
        if episode.family_case_id is None:
            Episode.objects.filter(pk=episode.pk).update(family_case=family, updated_at=timezone.now())
        episode_set_lead(episode=episode, actor=actor, user=lead, kind=LeadKind.FHLP)
    return [e.person_id for e in episodes]


def _family_link(family: FamilyCase) -> str:
    return reverse("family_help:family", args=[family.pk])


def _tell_children(*, child_ids: list[int], actor: User, allocation: Allocation, summary: str) -> None:
    for person in Person.objects.filter(pk__in=child_ids):
        chronology_add(
            person=person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="fh_lead_allocated",
            summary=summary,
            significant=True,
            target=allocation,
            link=_family_link(allocation.family_case),
        )


def _notify_lead(allocation: Allocation, *, title: str) -> None:
    notify(
        user=allocation.lead,
        kind="family_help.allocated",
        unique_key=f"fh-allocation:{allocation.pk}:lead",
        title=title,
        body=f"You are now the Family Help Lead Practitioner for the {allocation.family_case.name}.",
        link=_family_link(allocation.family_case),
        send_email=True,
    )


def _start(
    *, family: FamilyCase, lead: User, actor: User, reason: str, work_request: WorkRequest | None, now
) -> Allocation:
    allocation = Allocation(
        family_case=family, lead=lead, allocated_by=actor, reason=reason, started_at=now, work_request=work_request
    )
    allocation.full_clean()
    allocation.save()
    return allocation


@transaction.atomic
def allocation_create(*, work_request: WorkRequest, actor: User, lead: User | None, reason: str = "") -> Allocation:
    """Allocate a lead practitioner from a Family Help allocation request (a front-door decision or a step-down).

    The family's case is the episode's (made from the child's relationships if there is none); the lead is set
    on every open episode of its children, which gives them access to exactly those children; the request, and
    any other open allocation request for the same children, is accepted; the lead is told."""
    _require_allocator(actor)
    request = (
        WorkRequest.objects.select_for_update(of=("self",))
        .select_related("person", "episode", "episode__family_case")
        .get(pk=work_request.pk)
    )
    if request.kind != WorkRequest.Kind.FAMILY_HELP_ALLOCATION:
        raise ValidationError("This is not a Family Help allocation request")
    if request.status != WorkRequest.Status.OPEN:  # a colleague allocated (or declined) it first
        raise Conflict("This request has already been dealt with", obj=request, current={"status": request.status})
    lead = _check_lead(lead)
    reason = (reason or "").strip()
    family = _family_for(request.person, request.episode, actor)
    family = FamilyCase.objects.select_for_update().get(pk=family.pk)  # one allocation at a time per family
    now = timezone.now()
    current = Allocation.objects.filter(family_case=family, ended_at__isnull=True).select_related("lead").first()
    if current is not None and current.lead_id == lead.pk:
        allocation = current  # already their lead (e.g. they stayed with the family through child protection)
    else:
        if current is not None:
            Allocation.objects.filter(pk=current.pk).update(ended_at=now, updated_at=now)
        allocation = _start(family=family, lead=lead, actor=actor, reason=reason, work_request=request, now=now)
    child_ids = _set_lead_on_episodes(family=family, actor=actor, lead=lead, extra=request.episode)
    work_request_handle(
        request=request, actor=actor, status=WorkRequest.Status.ACCEPTED, reason=f"Allocated to {lead.full_name}"
    )
    for other in WorkRequest.objects.filter(
        kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, status=WorkRequest.Status.OPEN, person_id__in=child_ids
    ):
        work_request_handle(
            request=other,
            actor=actor,
            status=WorkRequest.Status.ACCEPTED,
            reason=f"Family allocated to {lead.full_name} (request {request.pk})",
        )
    if allocation.pk != getattr(current, "pk", None):
        _tell_children(
            child_ids=child_ids,
            actor=actor,
            allocation=allocation,
            summary=f"Family Help Lead Practitioner allocated: {lead.full_name} ({lead.agency})"
            + (f". {reason}" if reason else ""),
        )
        _notify_lead(allocation, title=f"New family: {family.name}")
    audit_record(
        actor=actor,
        verb="fh_allocation.created",
        target=allocation,
        child_ids=child_ids,
        fields=["lead", "reason"] if reason else ["lead"],  # the reason is the allocation's (Allocation.reason)
        related={
            "lead_before": current.lead_id if current else None,
            "lead": lead,
            "family_case": family,
            "work_request": request,
        },
    )
    return allocation


@transaction.atomic
def allocation_change_lead(
    *, family_case: FamilyCase, actor: User, lead: User | None, reason: str, expected_allocation_id: int | None = None
) -> Allocation:
    """Change the family's lead practitioner: the current period ends (kept in the history, dated) and a new one
    starts with the reason. The old lead loses access to the children at once (episode_set_lead's handover)."""
    _require_allocator(actor)
    FamilyCase.objects.select_for_update().get(pk=family_case.pk)
    current = (
        Allocation.objects.select_for_update()
        .filter(family_case=family_case, ended_at__isnull=True)
        .select_related("lead")
        .first()
    )
    errors: dict[str, list[str]] = {}
    if current is None and expected_allocation_id is not None:
        # The family closed (its lead's allocation ended) since the change was asked for: refused as stale (412).
        raise Conflict(
            "The family's lead practitioner's allocation ended while you were editing (Family Help closed). "
            "Check the family before changing its lead.",
            obj=family_case,
            current={"allocation": "none", "lead": None},
        )
    if current is None:
        raise ValidationError("This family has no lead practitioner yet: allocate one from the waiting list")
    if expected_allocation_id is not None and current.pk != expected_allocation_id:
        raise Conflict(
            f"The lead practitioner changed to {current.lead.full_name} while you were editing. Check "
            "the family's lead and make your change again.",
            obj=family_case,
            current={"allocation": current.pk, "lead": current.lead.full_name},
        )
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Give the reason for changing the lead practitioner"]
    try:
        lead = _check_lead(lead)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if lead.pk == current.lead_id:
            errors["lead"] = [f"{lead.full_name} already leads this family: choose someone else"]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    Allocation.objects.filter(pk=current.pk).update(ended_at=now, updated_at=now)
    allocation = _start(family=family_case, lead=lead, actor=actor, reason=reason, work_request=None, now=now)
    child_ids = _set_lead_on_episodes(family=family_case, actor=actor, lead=lead)
    _tell_children(
        child_ids=child_ids,
        actor=actor,
        allocation=allocation,
        summary=f"Family Help Lead Practitioner changed from {current.lead.full_name} to {lead.full_name} "
        f"({lead.agency}): {reason}",
    )
    _notify_lead(allocation, title=f"New family: {family_case.name}")
    notify(
        user=current.lead,
        kind="family_help.lead_changed",
        unique_key=f"fh-allocation:{current.pk}:ended",
        title=f"{family_case.name}: lead practitioner changed",
        body=f"{lead.full_name} is now the family's lead practitioner.",
    )
    audit_record(
        actor=actor,
        verb="fh_allocation.lead_changed",
        target=allocation,
        child_ids=child_ids,
        fields=["lead", "reason"],  # the reason is the new allocation's (Allocation.reason)
        related={"lead_before": current.lead_id, "lead": lead, "allocation_before": current.pk},
    )
    return allocation


@transaction.atomic
def allocation_letter_record(*, allocation: Allocation, actor: User) -> Allocation:
    """Note that the letter telling the family who their lead practitioner is was produced (the first time
    counts as sent). The lead themselves and managers may produce it (not others in the team around the
    family); the current lead's letter only."""
    family = allocation.family_case
    if not (
        can_allocate(actor) or (allocation.lead_id == actor.pk and can_work_on_family(user=actor, family_case=family))
    ):
        raise PermissionDenied("You cannot send letters for this family")
    if allocation.ended_at is not None:
        raise ValidationError("This lead practitioner no longer leads the family: send the current lead's letter")
    now = timezone.now()
    if Allocation.objects.filter(pk=allocation.pk, letter_sent_at__isnull=True).update(
        letter_sent_at=now, updated_at=now
    ):
        allocation.letter_sent_at = now
        child_ids = _family_child_ids(family)
        audit_record(
            actor=actor,
            verb="fh_allocation.letter_sent",
            target=allocation,
            child_ids=child_ids,
            fields=["letter_sent_at"],
        )
        for person in Person.objects.filter(pk__in=child_ids):
            chronology_add(
                person=person,
                actor=actor,
                strand=Strand.FAMILY_HELP,
                kind="fh_allocation_letter",
                summary=f"Letter to the family: their lead practitioner is {allocation.lead.full_name}",
                target=allocation,
                link=_family_link(family),
            )
    else:
        allocation.refresh_from_db(fields=["letter_sent_at"])
    return allocation
