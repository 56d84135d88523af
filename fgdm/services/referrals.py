"""Referral to the FGDM service and allocation of an independent facilitator (issue 15 item 2).

An offer the family accepted is referred by the child's lead practitioner or LCPP (REFER): the referral, and the
shared record's FGDM-referral hand-off (cases.WorkRequest, with its clock) to the managers who allocate (ALLOCATE).
The facilitator is never the family's own lead practitioner or LCPP: checked against each child's current leads and
their lead-practitioner involvements. Allocation gives the facilitator the FGDM-facilitator involvement with each
child (which opens those records and the family network to them, and no more); reallocation and closing end it. Each
change is in the children's chronology and the audit, and the facilitator and the children's leads are told (a
hand-off is never silent)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import (
    EpisodeLead,
    Involvement,
    InvolvementRole,
    LeadKind,
    Person,
    Role,
    Strand,
    User,
    WorkRequest,
)
from cases.permissions import person_record_scope
from cases.selectors import current_leads_of
from cases.services import (
    audit_record,
    chronology_add,
    involvement_add,
    involvement_end,
    notify,
    work_request_create,
    work_request_handle,
    work_request_take,
)

from ..models import FgdmOffer, FgdmReferral, MeetingType, OfferResponse
from ..permissions import ALLOCATE, REFER
from .meetings import review_deadlines_reassign


def may_refer(user: User) -> bool:
    return policy.may(user, REFER)


def may_allocate(user: User) -> bool:
    return policy.may(user, ALLOCATE)


def referral_children(referral: FgdmReferral) -> list[Person]:
    return list(referral.offer.children.order_by("pk"))


def _require_whole_records(actor: User, children) -> None:
    ids = {child.pk for child in children}
    if not ids or person_record_scope(actor, relatives=False).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied("No such referral")


def _referral_link(referral: FgdmReferral) -> str:
    return reverse("fgdm:referral", args=[referral.pk])


def _reference(referral: FgdmReferral) -> str:
    """How a referral is named where the child must not be (notification titles)."""
    return f"FGDM referral F{referral.pk:06d}"


def _tell(users, *, referral: FgdmReferral, kind: str, title: str, body: str, actor: User) -> None:
    for user in {u.pk: u for u in users if u is not None and u.is_active and u.pk != actor.pk}.values():
        notify(
            user=user,
            kind=kind,
            unique_key=f"fgdm:referral:{referral.pk}:{kind}:{user.pk}:{timezone.now().isoformat()}",
            title=title,
            body=body,
            link=_referral_link(referral),
        )


def _leads_of(children) -> list[User]:
    return current_leads_of(person_ids=[child.pk for child in children])


@transaction.atomic
def referral_create(*, offer: FgdmOffer, actor: User, meeting_type: str, reason: str) -> FgdmReferral:
    """Refer an accepted offer: the referral and the FGDM-referral hand-off to the managers who allocate."""
    if not (actor.is_active and may_refer(actor)):
        raise PermissionDenied("Only the family's lead practitioner or LCPP refers to the FGDM service")
    offer = FgdmOffer.objects.select_for_update().get(pk=offer.pk)
    children = list(offer.children.order_by("pk"))
    _require_whole_records(actor, children)
    if offer.response != OfferResponse.ACCEPTED:
        raise ValidationError(
            f"Only an offer the family accepted is referred: this one is {offer.get_response_display().lower()}"
        )
    if FgdmReferral.objects.filter(offer=offer).exists():
        raise ValidationError("This offer has already been referred to the FGDM service")
    errors = {}
    if meeting_type not in MeetingType.values:
        errors["meeting_type"] = ["Choose the kind of meeting: a family group conference or a family network meeting"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Say what the family and professionals want the meeting to decide"]
    if errors:
        raise ValidationError(errors)
    referral = FgdmReferral(
        offer=offer, meeting_type=meeting_type, reason=reason, referred_on=timezone.localdate(), referred_by=actor
    )
    referral.full_clean(exclude=["work_request"])
    referral.save()
    referral.work_request = work_request_create(
        kind=WorkRequest.Kind.FGDM_REFERRAL,
        person=children[0],
        actor=actor,
        # No names: the summary is shown in the inbox and reached from the deadline's reminder.
        summary=f"{referral.get_meeting_type_display()} for {len(children)} "
        f"child{'ren' if len(children) != 1 else ''}: allocate an independent facilitator. {reason}",
        source=referral,
    )
    referral.save(update_fields=["work_request", "updated_at"])
    audit_record(
        actor=actor,
        verb="fgdm.referral.created",
        target=referral,
        child_ids=[c.pk for c in children],
        fields=["meeting_type", "reason"],
        related={"offer": offer, "work_request": referral.work_request},
    )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind="fgdm.referral",
            summary=f"Referred to the FGDM service for a {referral.get_meeting_type_display().lower()} "
            f"by {actor.full_name}",
            target=referral,
            link=_referral_link(referral),
        )
    return referral


def facilitator_not_independent(*, referral: FgdmReferral, user: User) -> str:
    """Why this user may not facilitate this family's meeting ("" if they may): the facilitator is independent, never
    the family's own lead practitioner or LCPP, now (a current lead of a child's open episode) or through an active
    lead-practitioner involvement with any of the children."""
    children = referral_children(referral)
    ids = [c.pk for c in children]
    lead = (
        EpisodeLead.objects.filter(
            user=user, episode__person_id__in=ids, episode__closed_on__isnull=True, ended_at__isnull=True
        )
        .order_by("kind")
        .values_list("kind", flat=True)
        .first()
    )
    if (
        lead is None
        and Involvement.objects.active()
        .filter(user=user, person_id__in=ids, role=InvolvementRole.LEAD_PRACTITIONER)
        .exists()
    ):
        lead = LeadKind.LCPP if user.has_role(Role.LCPP) and not user.has_role(Role.FHLP) else LeadKind.FHLP
    if lead is None:
        return ""
    what = "Lead Child Protection Practitioner" if lead == LeadKind.LCPP else "lead practitioner"
    return f"{user.full_name} is the family's own {what}: the facilitator must be independent of the family's work"


def facilitators_for(*, referral: FgdmReferral) -> list[tuple[User, str]]:
    """Every active FGDM facilitator, each with why they may not facilitate this family ("" if they may)."""
    users = User.objects.filter(is_active=True, groups__name=Role.FGDM_FACILITATOR).distinct().order_by("full_name")
    return [(user, facilitator_not_independent(referral=referral, user=user)) for user in users]


def _end_facilitation(*, referral: FgdmReferral, user: User, actor: User, reason: str) -> None:
    """End the user's facilitator involvement with the referral's children, except a child they still facilitate
    through another open referral (the involvement is one per child, however many referrals)."""
    still = FgdmReferral.objects.filter(
        facilitator=user, status__in=(FgdmReferral.Status.PREPARING, FgdmReferral.Status.MEETING_HELD)
    ).exclude(pk=referral.pk)
    kept = set(still.values_list("offer__children", flat=True))
    ids = [c.pk for c in referral_children(referral) if c.pk not in kept]
    for involvement in Involvement.objects.active().filter(
        user=user, person_id__in=ids, role=InvolvementRole.FGDM_FACILITATOR
    ):
        involvement_end(involvement=involvement, actor=actor, reason=reason)


@transaction.atomic
def referral_allocate(*, referral: FgdmReferral, actor: User, facilitator: User) -> FgdmReferral:
    """Allocate (or reallocate) the referral's independent facilitator; the hand-off is taken if still open."""
    if not (actor.is_active and may_allocate(actor)):
        raise PermissionDenied("Only a manager allocates a facilitator")
    referral = (
        FgdmReferral.objects.select_for_update(of=("self",)).select_related("offer", "facilitator").get(pk=referral.pk)
    )
    children = referral_children(referral)
    _require_whole_records(actor, children)
    if referral.status == FgdmReferral.Status.CLOSED:
        raise ValidationError("This referral is closed")
    if not (facilitator.is_active and facilitator.has_role(Role.FGDM_FACILITATOR)):
        raise ValidationError({"facilitator": [f"{facilitator.full_name} is not an FGDM facilitator"]})
    why_not = facilitator_not_independent(referral=referral, user=facilitator)
    if why_not:
        raise ValidationError({"facilitator": [why_not]})
    previous = referral.facilitator
    if previous is not None and previous.pk == facilitator.pk:
        return referral
    request = referral.work_request
    if request is not None and request.status == WorkRequest.Status.OPEN:
        work_request_take(request=request, actor=actor)
    if previous is not None:
        _end_facilitation(referral=referral, user=previous, actor=actor, reason="Another facilitator was allocated")
    today = timezone.localdate()
    for child in children:
        if (
            not Involvement.objects.active()
            .filter(user=facilitator, person=child, role=InvolvementRole.FGDM_FACILITATOR)
            .exists()
        ):
            involvement_add(
                person=child, actor=actor, role=InvolvementRole.FGDM_FACILITATOR, user=facilitator, start_date=today
            )
    referral.facilitator = facilitator
    referral.allocated_on = today
    referral.allocated_by = actor
    if referral.status == FgdmReferral.Status.AWAITING_ALLOCATION:
        referral.status = FgdmReferral.Status.PREPARING
    referral.save(update_fields=["facilitator", "allocated_on", "allocated_by", "status", "updated_at"])
    if previous is not None:  # the review of a family's plan already made reminds whoever facilitates now
        review_deadlines_reassign(referral=referral, facilitator=facilitator)
    verb = "reallocated" if previous is not None else "allocated"
    audit_record(
        actor=actor,
        verb=f"fgdm.referral.{verb}",
        target=referral,
        child_ids=[c.pk for c in children],
        fields=["facilitator"],
        related={"facilitator_before": previous, "facilitator": facilitator},
    )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind="fgdm.facilitator_allocated",
            summary=f"{facilitator.full_name} allocated as the independent FGDM facilitator by {actor.full_name}"
            + (f" (in place of {previous.full_name})" if previous is not None else ""),
            significant=True,
            target=referral,
            link=_referral_link(referral),
        )
    title = _reference(referral)
    _tell(
        [facilitator],
        referral=referral,
        kind="fgdm.allocated",
        title=f"{title} allocated to you",
        body=f"{referral.get_meeting_type_display()}: start the preparation.",
        actor=actor,
    )
    if previous is not None:
        _tell(
            [previous],
            referral=referral,
            kind="fgdm.reallocated",
            title=f"{title} reallocated",
            body=f"Now facilitated by {facilitator.full_name}; the family's records are no longer open to you.",
            actor=actor,
        )
    _tell(
        [*_leads_of(children), referral.referred_by],
        referral=referral,
        kind="fgdm.facilitator_allocated",
        title=f"{title}: facilitator {verb}",
        body=f"{facilitator.full_name} is the family's independent facilitator.",
        actor=actor,
    )
    return referral


def may_close(user: User, referral: FgdmReferral) -> bool:
    return may_allocate(user) or (referral.facilitator_id == user.pk and user.has_role(Role.FGDM_FACILITATOR))


@transaction.atomic
def referral_close(*, referral: FgdmReferral, actor: User, reason: str) -> FgdmReferral:
    """Close the referral with a reason (a manager, or its facilitator): the facilitator's involvement ends, an open
    hand-off is closed with the same reason, and the children's leads and the facilitator are told."""
    referral = (
        FgdmReferral.objects.select_for_update(of=("self",)).select_related("offer", "facilitator").get(pk=referral.pk)
    )
    if not (actor.is_active and may_close(actor, referral)):
        raise PermissionDenied("Only a manager or the referral's facilitator closes it")
    children = referral_children(referral)
    _require_whole_records(actor, children)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the referral is being closed"]})
    if referral.status == FgdmReferral.Status.CLOSED:
        raise ValidationError("This referral is already closed")
    request = referral.work_request
    if request is not None and request.status == WorkRequest.Status.OPEN:
        work_request_handle(request=request, actor=actor, status=WorkRequest.Status.CANCELLED, reason=reason)
    if referral.facilitator is not None:
        _end_facilitation(referral=referral, user=referral.facilitator, actor=actor, reason=reason)
    referral.status = FgdmReferral.Status.CLOSED
    referral.closed_on = timezone.localdate()
    referral.closed_reason = reason
    referral.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
    audit_record(
        actor=actor,
        verb="fgdm.referral.closed",
        target=referral,
        child_ids=[c.pk for c in children],
        reason=reason,
        fields=["status", "closed_reason"],
    )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind="fgdm.referral_closed",
            summary=f"FGDM referral closed by {actor.full_name}: {reason}",
            significant=True,
            target=referral,
            link=_referral_link(referral),
        )
    _tell(
        [*_leads_of(children), referral.referred_by, referral.facilitator],
        referral=referral,
        kind="fgdm.referral_closed",
        title=f"{_reference(referral)} closed",
        body=reason,
        actor=actor,
    )
    return referral
