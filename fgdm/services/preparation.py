"""Preparation for the family's meeting (issue 15 item 3), by the allocated facilitator only (FACILITATE): dated steps
(the referring professionals, each parent, the child in their own words and how they will take part, the wider
family), the co-design of the meeting (venue, language, interpreter, who the family want there and who not) and the
family network to invite. The network is the children's relationships in the shared record: someone new the family
names becomes a person and a relationship there, through the shared record's own services (so they appear on the
child's record, and are never typed again)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Person, RelationshipType, Strand, User
from cases.services import audit_record, chronology_add, person_create, relationship_add

from ..models import FgdmReferral, NetworkInvitee, PreparationStep
from ..selectors.preparation import CO_DESIGN_FIELDS, network_for, referral_children
from .meetings import may_facilitate

OPEN = (FgdmReferral.Status.PREPARING, FgdmReferral.Status.MEETING_HELD)


def is_facilitator_of(user: User, referral: FgdmReferral) -> bool:
    """The allocated facilitator (the meeting's one check, fgdm.services.meetings.may_facilitate) of an open
    referral: the only one who prepares it."""
    return may_facilitate(user, referral) and referral.status in OPEN


def _require(actor: User, referral: FgdmReferral) -> FgdmReferral:
    referral = FgdmReferral.objects.select_for_update(of=("self",)).select_related("offer").get(pk=referral.pk)
    if not is_facilitator_of(actor, referral):
        raise PermissionDenied("Only the referral's allocated facilitator prepares the meeting")
    return referral


def _children_ids(referral: FgdmReferral) -> list[int]:
    return [c.pk for c in referral_children(referral)]


def _past_date(value, *, label: str) -> dict:
    if value is None:
        return {"date": [f"Enter the date of the {label}"]}
    if not isinstance(value, dt.date):
        return {"date": ["Enter a real date"]}
    if value > timezone.localdate():
        return {"date": [f"The date of the {label} cannot be in the future: record it once it has happened"]}
    return {}


@transaction.atomic
def preparation_step_add(*, referral: FgdmReferral, actor: User, data: dict) -> PreparationStep:
    """Record a preparation step that has happened (its date is today or before)."""
    referral = _require(actor, referral)
    kind = data.get("kind") or ""
    if kind not in PreparationStep.Kind.values:
        raise ValidationError({"kind": ["Choose which preparation step this was"]})
    label = PreparationStep.Kind(kind).label.lower()
    errors = _past_date(data.get("date"), label=label)
    person = data.get("person")
    child_ids = _children_ids(referral)
    network_ids = {row["person"].pk for row in network_for(referral)}
    child_wishes = (data.get("child_wishes") or "").strip()
    if person is not None and person.pk not in set(child_ids) | network_ids:
        errors["person"] = ["Choose one of the children or someone in the family's network"]
    if kind == PreparationStep.Kind.CHILD:
        if person is None and len(child_ids) == 1:
            person = referral_children(referral)[0]
        if person is None or person.pk not in child_ids:
            errors["person"] = ["Choose the child you met"]
        if not child_wishes:
            errors["child_wishes"] = ["Write down the child's wishes, in their own words"]
    if kind == PreparationStep.Kind.PARENT and (person is None or person.pk not in network_ids):
        errors["person"] = ["Choose the parent you met"]
    if errors:
        raise ValidationError(errors)
    step = PreparationStep(
        referral=referral,
        kind=kind,
        date=data["date"],
        person=person,
        notes=(data.get("notes") or "").strip(),
        child_wishes=child_wishes if kind == PreparationStep.Kind.CHILD else "",
        child_taking_part=(data.get("child_taking_part") or "").strip() if kind == PreparationStep.Kind.CHILD else "",
        recorded_by=actor,
    )
    step.full_clean()
    step.save()
    audit_record(
        actor=actor,
        verb="fgdm.preparation_step.added",
        target=step,
        child_ids=child_ids,
        fields=[
            f for f in ("kind", "date", "person", "notes", "child_wishes", "child_taking_part") if getattr(step, f)
        ],
        related={"referral": referral},
    )
    for child in referral_children(referral):
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind="fgdm.preparation",
            summary=f"FGDM preparation: {PreparationStep.Kind(kind).label.lower()}"
            + (f" ({person.full_name})" if person is not None and kind != PreparationStep.Kind.CHILD else ""),
            occurred_at=timezone.make_aware(dt.datetime.combine(step.date, dt.time(12, 0))),
            target=step,
        )
    return step


@transaction.atomic
def co_design_save(*, referral: FgdmReferral, actor: User, data: dict) -> FgdmReferral:
    """The meeting as the family and the facilitator designed it: venue, language, interpreter, date, who the family
    want there and who they do not."""
    referral = _require(actor, referral)
    values = {name: data.get(name, getattr(referral, name)) for name in CO_DESIGN_FIELDS}
    for name in CO_DESIGN_FIELDS:
        if isinstance(values[name], str):
            values[name] = values[name].strip()
    values["interpreter_needed"] = bool(values["interpreter_needed"])
    errors = {}
    if values["interpreter_needed"] and not (values["interpreter_language"] or values["language"]):
        errors["interpreter_language"] = ["Say which language the interpreter is for"]
    if values["interpreter_needed"] and not values["interpreter_language"]:
        values["interpreter_language"] = values["language"]
    if not values["interpreter_needed"]:
        values["interpreter_language"] = ""
    planned = values["meeting_planned_on"]
    if planned is not None and planned < referral.referred_on:
        errors["meeting_planned_on"] = ["The meeting cannot be planned before the referral was made"]
    if errors:
        raise ValidationError(errors)
    changed = [name for name in CO_DESIGN_FIELDS if getattr(referral, name) != values[name]]
    for name in changed:
        setattr(referral, name, values[name])
    if changed:
        referral.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            verb="fgdm.co_design.saved",
            target=referral,
            child_ids=_children_ids(referral),
            fields=changed,
        )
    return referral


@transaction.atomic
def network_invitee_set(
    *, referral: FgdmReferral, actor: User, person: Person, invited: bool, reason: str = ""
) -> NetworkInvitee:
    """Invite someone in the family network, or record that they are not to be invited, and why."""
    referral = _require(actor, referral)
    rows = {row["person"].pk: row for row in network_for(referral)}
    if person.pk not in rows:
        raise ValidationError({"person": ["Choose someone in the family's network"]})
    reason = (reason or "").strip()
    if not invited and not reason:
        raise ValidationError({"not_invited_reason": ["Say why they are not invited (for example, the family's wish)"]})
    invitee, _ = NetworkInvitee.objects.update_or_create(
        referral=referral,
        person=person,
        defaults={
            "invited": invited,
            "not_invited_reason": "" if invited else reason,
            "relationship": rows[person.pk]["relationship"],
            "added_by": actor,
        },
    )
    audit_record(
        actor=actor,
        verb="fgdm.network.invited" if invited else "fgdm.network.not_invited",
        target=invitee,
        child_ids=[*_children_ids(referral), person.pk],
        reason=invitee.not_invited_reason,
        fields=["invited"],
        related={"referral": referral, "person": person},
    )
    return invitee


@transaction.atomic
def network_member_add(*, referral: FgdmReferral, actor: User, data: dict) -> NetworkInvitee:
    """Someone the family name who is not in the record yet (a grandparent, an aunt, a family friend): a new person
    and their relationship to each chosen child, made in the shared record (cases.services.person_create and
    relationship_add, which audit them), and invited to the meeting."""
    referral = _require(actor, referral)
    children = referral_children(referral)
    chosen = data.get("children") or children
    chosen_ids = {getattr(c, "pk", c) for c in chosen}
    errors = {}
    if not chosen_ids <= {c.pk for c in children}:
        errors["children"] = ["Choose the children they are related to"]
    first, last = (data.get("first_name") or "").strip(), (data.get("last_name") or "").strip()
    if not first:
        errors["first_name"] = ["Enter their first name"]
    if not last:
        errors["last_name"] = ["Enter their last name"]
    rel_type = data.get("type") or ""
    if rel_type not in RelationshipType.values:
        errors["type"] = ["Choose how they are related to the children"]
    if errors:
        raise ValidationError(errors)
    person_data = {"first_name": first, "last_name": last}
    if data.get("date_of_birth"):
        person_data["date_of_birth"] = data["date_of_birth"]
    person = person_create(actor=actor, data=person_data, reason="Named by the family during FGDM preparation")
    for child in children:
        if child.pk in chosen_ids:
            relationship_add(
                actor=actor,
                from_person=person,
                to_person=child,
                type=rel_type,
                parental_responsibility=bool(data.get("parental_responsibility")),
                notes="Added during family group decision making preparation",
            )
            chronology_add(
                person=child,
                actor=actor,
                strand=Strand.FGDM,
                kind="fgdm.network_member_added",
                summary=f"{person.full_name} ({RelationshipType(rel_type).label.lower()}) added to the family "
                f"network during FGDM preparation by {actor.full_name}",
                target=person,
            )
    invitee = NetworkInvitee.objects.create(
        referral=referral,
        person=person,
        relationship=str(RelationshipType(rel_type).label),
        invited=True,
        added_by=actor,
    )
    audit_record(
        actor=actor,
        verb="fgdm.network.added",
        target=invitee,
        child_ids=[*sorted(chosen_ids), person.pk],
        fields=["person", "relationship", "invited"],
        related={"referral": referral, "person": person},
    )
    return invitee
