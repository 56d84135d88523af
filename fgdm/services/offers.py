"""Offers of family group decision making at decision points (issue 15 item 1).

- An offer is made at a decision point: the record of another strand (a front-door decision, the family's plan or its
  review, a strategy discussion, an ICPC or CP review conference, pre-proceedings), which that strand describes through
  cases.registry.decision_point (this strand imports none of them). The offer is about children of that decision
  point, and goes to those with parental responsibility for them in the shared record (cases.Relationship).
- "Not offered" (not in the child's best interests) is the lead practitioner's or LCPP's call (policy OFFER), with
  their rationale; an offer in the letter before proceedings must agree with the pre-proceedings record (the letter
  sent, on that day), which the pre-proceedings measures count.
- An offer made from an FGDM-offer work request takes the request (cases.services.work_request_take): it is handled.
- Every write is audited, written in each child's chronology (strand FGDM), and the family's answer (or "not offered")
  is told to the child's current leads: what happens next for the child depends on it.
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cases import policy
from cases.models import Person, Relationship, Strand, User, WorkRequest
from cases.permissions import person_record_scope
from cases.registry import DecisionPoint, registry
from cases.selectors import current_leads_of
from cases.selectors.work_requests import user_receives
from cases.services import audit_record, chronology_add, notify, work_request_take

from ..models import DecisionPointKind, FgdmOffer, OfferResponse
from ..permissions import OFFER

# The kinds an offer may be recorded as at a decision point the owning strand describes as `kind`: at pre-proceedings
# the offer is made before the letter, or in it.
KINDS_AT = {
    DecisionPointKind.PRE_PROCEEDINGS: {DecisionPointKind.PRE_PROCEEDINGS, DecisionPointKind.LETTER_BEFORE_PROCEEDINGS},
}


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def offer_link(offer: FgdmOffer) -> str:
    return reverse("fgdm:offer", args=[offer.pk])


def may_offer(user: User) -> bool:
    return policy.may(user, OFFER)


def _require_offer(actor: User) -> None:
    if not may_offer(actor):
        raise PermissionDenied("Only a lead practitioner or LCPP records an FGDM offer")


def _require_children_in_scope(actor: User, child_ids: Iterable[int]) -> None:
    ids = set(child_ids)
    if not ids or person_record_scope(actor, relatives=False).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied("Not a child whose record this user may open")


def parental_responsibility_holders(*, children: Iterable[Person | int]) -> list[Person]:
    """Those with parental responsibility now for any of these children, in the shared record's relationships."""
    ids = [c.pk if isinstance(c, Person) else c for c in children]
    today = timezone.localdate()
    return list(
        Person.objects.filter(
            pk__in=Relationship.objects.filter(to_person_id__in=ids, parental_responsibility=True)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
            .values("from_person_id")
        ).order_by("last_name", "first_name", "pk")
    )


def point_source(point: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(point), point.pk


def offers_at(point: models.Model):
    """Every offer recorded at this decision point (unscoped: callers read through fgdm.selectors)."""
    source_type, source_id = point_source(point)
    return FgdmOffer.objects.filter(source_type=source_type, source_id=source_id)


def _check_point(
    *, point: models.Model | None, kind: str, child_ids: set[int], offered_on: dt.date | None
) -> DecisionPoint | None:
    """The decision point as its strand describes it, checked against what is recorded here."""
    errors: dict[str, list[str]] = {}
    if kind not in DecisionPointKind.values:
        raise ValidationError({"kind": ["Choose the decision point the offer was made at"]})
    if point is None:
        if kind == DecisionPointKind.LETTER_BEFORE_PROCEEDINGS:
            raise ValidationError({"kind": ["An offer in the letter before proceedings is made from its record"]})
        return None
    described = registry.decision_point(point)
    if described is None:
        raise ValidationError("This record is not a decision point an offer can be made at")
    if kind not in KINDS_AT.get(described.kind, {described.kind}):
        errors["kind"] = [f"This is a {DecisionPointKind(described.kind).label.lower()}, not that decision point"]
    if not child_ids <= set(described.children):
        errors["children"] = ["Choose children the decision was about"]
    facts = described.facts
    if offered_on is not None and described.kind == DecisionPointKind.PRE_PROCEEDINGS:
        start, letter = facts.get("start_date"), facts.get("lbp_sent_date")
        if start is not None and offered_on < start:
            errors.setdefault("offered_on", []).append(f"Pre-proceedings started on {_day(start)}: after that")
        if kind == DecisionPointKind.LETTER_BEFORE_PROCEEDINGS:
            # The census counts the offer IN the letter (FGDMMeetingOffer): the record must say the letter went, and
            # on the day the offer says, or the counts would disagree with the pre-proceedings record.
            if letter is None:
                errors.setdefault("offered_on", []).append(
                    "The pre-proceedings record shows no letter before proceedings sent yet: record the letter "
                    "first, or record the offer as made before the letter"
                )
            elif offered_on != letter:
                errors.setdefault("offered_on", []).append(
                    f"The letter before proceedings was sent on {_day(letter)}: an offer in the letter has its date"
                )
        elif letter is not None and offered_on > letter:
            errors.setdefault("offered_on", []).append(
                f"The letter before proceedings was sent on {_day(letter)}: an offer before it is dated before it"
            )
    if errors:
        raise ValidationError(errors)
    return described


@transaction.atomic
def offer_make(
    *,
    actor: User,
    point: models.Model | None,
    decision_point: str,
    children: Iterable[Person],
    recipients: Iterable[Person],
    offered_on: dt.date | None,
    work_request: WorkRequest | None = None,
    not_offered_rationale: str | None = None,
) -> FgdmOffer:
    """Record that FGDM was offered at a decision point to those with parental responsibility (awaiting the family's
    answer), or, with `not_offered_rationale`, that it was not offered because not in the child's best interests."""
    _require_offer(actor)
    children, recipients = list(children), list(recipients)
    child_ids = {c.pk for c in children}
    if work_request is not None:
        child_ids.add(work_request.person_id)
    _require_children_in_scope(actor, child_ids)
    errors: dict[str, list[str]] = {}
    not_offered = not_offered_rationale is not None
    rationale = (not_offered_rationale or "").strip()
    today = timezone.localdate()
    if not children:
        errors["children"] = ["Choose the children the offer is about"]
    if offered_on is None:
        errors["offered_on"] = ["Enter the date"]
    elif offered_on > today:
        errors["offered_on"] = ["The date cannot be in the future"]
    if not_offered and not rationale:
        errors["rationale"] = ["Say why a family group decision making meeting is not in the child's best interests"]
    holders = {p.pk for p in parental_responsibility_holders(children=children)}
    if not not_offered and not recipients:
        errors["recipients"] = ["Choose who received the offer: those with parental responsibility"]
    elif any(p.pk not in holders for p in recipients):
        errors["recipients"] = ["Only those with parental responsibility for the children receive the offer"]
    if work_request is not None and (
        work_request.kind != WorkRequest.Kind.FGDM_OFFER or work_request.status != WorkRequest.Status.OPEN
    ):
        errors.setdefault("__all__", []).append("That request is not an open FGDM-offer request")
    if errors:
        raise ValidationError(errors)
    described = _check_point(point=point, kind=decision_point, child_ids=child_ids, offered_on=offered_on)
    source_type, source_id = point_source(point) if point is not None else (None, None)
    if work_request is not None:
        work_request_take(request=work_request, actor=actor)
    elif point is not None:
        work_request = _take_requests_at(point=point, child_ids={c.pk for c in children}, actor=actor)
    offer = FgdmOffer(
        decision_point=decision_point,
        source_type=source_type,
        source_id=source_id,
        family_case_id=described.family_case_id if described is not None else None,
        offered_on=offered_on,
        offered_by=actor,
        work_request=work_request,
    )
    if not_offered:
        offer.response, offer.responded_on, offer.responded_by = OfferResponse.NOT_OFFERED, offered_on, actor
        offer.not_offered_rationale = rationale
    offer.full_clean(exclude=["children", "recipients"])
    offer.save()
    offer.children.set(children)
    offer.recipients.set(recipients)
    where = described.label if described is not None else DecisionPointKind(decision_point).label
    names = ", ".join(p.full_name for p in recipients)
    if not_offered:
        verb, summary = "fgdm.offer.not_offered", f"Family group decision making not offered at {where}: {rationale}"
    else:
        verb, summary = "fgdm.offer.made", f"Family group decision making offered at {where} to {names}"
    audit_record(
        actor=actor,
        verb=verb,
        target=offer,
        child_ids=[c.pk for c in children],
        fields=["decision_point", "offered_on", "children", "recipients"]
        + (["not_offered_rationale"] if not_offered else []),
        related={"source": source_id, "work_request": work_request, "family_case": offer.family_case_id},
    )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind=verb,
            summary=summary,
            occurred_at=_at(offered_on),
            target=offer,
            link=offer_link(offer),
        )
    if not_offered:
        _tell_leads(offer=offer, actor=actor)
    return offer


def _take_requests_at(*, point: models.Model, child_ids: set[int], actor: User) -> WorkRequest | None:
    """The open FGDM-offer requests raised at this decision point for these children, which the actor receives, are
    answered by this offer (made from the record's prompt rather than the request's page): each is taken, so none is
    left for nobody. Returns the first, which the offer records."""
    taken = None
    for request in WorkRequest.objects.filter(
        kind=WorkRequest.Kind.FGDM_OFFER,
        status=WorkRequest.Status.OPEN,
        source_type=point._meta.label_lower,
        source_id=str(point.pk),
        person_id__in=child_ids,
    ).order_by("pk"):
        if user_receives(user=actor, request=request):
            work_request_take(request=request, actor=actor)
            taken = taken or request
    return taken


def _at(day: dt.date) -> dt.datetime:
    now = timezone.localtime()
    return now if day == now.date() else timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def offer_respond(
    *, actor: User, offer: FgdmOffer, response: str, responded_on: dt.date | None = None, reason: str = ""
) -> FgdmOffer:
    """The family's answer to an offer awaiting one: accepted, declined (their reason), or recorded as not offered
    after all (the lead practitioner's or LCPP's rationale: not in the child's best interests)."""
    _require_offer(actor)
    child_ids = list(offer.children.values_list("pk", flat=True))
    _require_children_in_scope(actor, child_ids)
    reason = (reason or "").strip()
    responded_on = responded_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if response not in (OfferResponse.ACCEPTED, OfferResponse.DECLINED, OfferResponse.NOT_OFFERED):
        errors["response"] = ["Choose the family's answer"]
    elif response == OfferResponse.DECLINED and not reason:
        errors["reason"] = ["Say why the family declined, in their words where possible"]
    elif response == OfferResponse.NOT_OFFERED and not reason:
        errors["rationale"] = ["Say why a family group decision making meeting is not in the child's best interests"]
    if responded_on > timezone.localdate():
        errors["responded_on"] = ["The date cannot be in the future"]
    elif responded_on < offer.offered_on:
        errors["responded_on"] = [f"The offer was made on {_day(offer.offered_on)}: the answer came after"]
    if errors:
        raise ValidationError(errors)
    values = {"response": response, "responded_on": responded_on, "responded_by": actor, "updated_at": timezone.now()}
    if response == OfferResponse.DECLINED:
        values["decline_reason"] = reason
    elif response == OfferResponse.NOT_OFFERED:
        values["not_offered_rationale"] = reason
    # Compare-and-set: an answer already recorded (by a colleague, a moment ago) is never overwritten.
    if not FgdmOffer.objects.filter(pk=offer.pk, response=OfferResponse.AWAITING).update(**values):
        raise ValidationError("The family's answer to this offer is already recorded")
    offer.refresh_from_db()
    label = OfferResponse(response).label.lower()
    audit_record(
        actor=actor,
        verb=f"fgdm.offer.{response}",
        target=offer,
        child_ids=child_ids,
        fields=["response", "responded_on"] + (["decline_reason", "not_offered_rationale"] if reason else []),
    )
    summary = f"Family group decision making offer ({_day(offer.offered_on)}): {label}"
    if reason:
        summary += f". {reason}"
    for child in offer.children.all():
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind=f"fgdm.offer.{response}",
            summary=summary,
            occurred_at=_at(responded_on),
            significant=response == OfferResponse.ACCEPTED,
            target=offer,
            link=offer_link(offer),
        )
    _tell_leads(offer=offer, actor=actor)
    return offer


def _tell_leads(*, offer: FgdmOffer, actor: User) -> None:
    """The children's current leads hear the family's answer (or that it was not offered): the next step for the
    child depends on it. The title names the answer, never the child."""
    leads = current_leads_of(person_ids=offer.children.values_list("pk", flat=True))
    label = offer.get_response_display()
    for lead in (u for u in leads if u.pk != actor.pk):
        notify(
            user=lead,
            kind="fgdm.offer_answered",
            unique_key=f"fgdm_offer:{offer.pk}:{offer.response}:{lead.pk}",
            title=f"Family group decision making offer: {label}",
            body=f"Offered at the {offer.get_decision_point_display().lower()} on {_day(offer.offered_on)}.",
            link=offer_link(offer),
            send_email=True,
        )
