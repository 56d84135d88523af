"""Harm outside the home (issue 14 item 6): an LCPP records that an s47 enquiry or a conference about a child is
about risk from outside the family, with its contexts (exploitation, peer groups, ...), the people and the places
involved. The actions that answer it are the family's plan's (cases.services.action_add, under the plan's own rule:
its lead practitioner or a manager), linked to the record. Each record, person, place and action is in the child's
chronology; every write is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from cases import policy
from cases.models import Episode, FamilyCase, FamilyCaseMember, Person, Plan, Strand, User
from cases.permissions import person_record_scope
from cases.selectors import plan_can_edit
from cases.services import action_add, audit_record, chronology_add

from ..models import (
    ChildProtectionConference,
    ExtraFamilialHarm,
    HarmAction,
    HarmContext,
    HarmPerson,
    HarmPersonRole,
    HarmPlace,
    HarmPlaceKind,
    S47Enquiry,
)
from ..permissions import LEAD_ENQUIRY


def may_record_harm(user: User) -> bool:
    return policy.may(user, LEAD_ENQUIRY)


def _require(actor: User, person_id: int) -> None:
    if not (actor.is_active and may_record_harm(actor)):
        raise PermissionDenied("Only a Lead Child Protection Practitioner records harm outside the home")
    if not person_record_scope(actor, relatives=False).filter(pk=person_id).exists():
        raise PermissionDenied("No such child")


def harm_link(harm: ExtraFamilialHarm) -> str:
    return reverse("macpt:harm_outside_home", args=[harm.pk])


def harm_family_case(harm: ExtraFamilialHarm) -> FamilyCase | None:
    """The family whose one plan holds the actions: the conference's family, or the child's (open episode first)."""
    if harm.conference_id:
        return harm.conference.family_case
    episode = (
        Episode.objects.filter(person_id=harm.person_id, family_case__isnull=False)
        .order_by("closed_on", "-opened_on")
        .select_related("family_case")
        .first()
    )
    if episode is not None:
        return episode.family_case
    member = (
        FamilyCaseMember.objects.filter(person_id=harm.person_id, end_date__isnull=True)
        .select_related("family_case")
        .first()
    )
    return member.family_case if member else None


def harm_plan(harm: ExtraFamilialHarm) -> Plan | None:
    family = harm_family_case(harm)
    return Plan.objects.filter(family_case=family).first() if family is not None else None


def _chronology(harm: ExtraFamilialHarm, actor: User, *, kind: str, summary: str, significant=False) -> None:
    chronology_add(
        person=harm.person,
        actor=actor,
        strand=Strand.MACPT,
        kind=f"macpt.harm_outside_home.{kind}",
        summary=summary,
        significant=significant,
        target=harm,
        link=harm_link(harm),
    )


@transaction.atomic
def harm_record(
    *,
    person: Person,
    actor: User,
    contexts,
    summary: str,
    enquiry: S47Enquiry | None = None,
    conference: ChildProtectionConference | None = None,
) -> ExtraFamilialHarm:
    """Record that an s47 enquiry (about this child) or a conference (with this child) is about harm outside the
    home."""
    _require(actor, person.pk)
    errors: dict[str, list[str]] = {}
    if (enquiry is None) == (conference is None):
        raise ValidationError("Record harm outside the home on one s47 enquiry or one conference")
    if enquiry is not None and enquiry.person_id != person.pk:
        raise ValidationError("This enquiry is about another child")
    if conference is not None and not conference.children.filter(person=person).exists():
        errors["person"] = ["Choose a child this conference is about"]
    contexts = sorted(set(contexts or []))
    if not contexts:
        errors["contexts"] = ["Choose at least one context of harm outside the home"]
    elif set(contexts) - set(HarmContext.values):
        errors["contexts"] = ["Choose contexts from the list"]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = ["Say what the risk is and where it comes from"]
    existing = ExtraFamilialHarm.objects.filter(person=person, enquiry=enquiry, conference=conference).first()
    if existing is not None:
        errors["contexts"] = ["Harm outside the home is already recorded here for this child"]
    if errors:
        raise ValidationError(errors)
    harm = ExtraFamilialHarm(
        person=person, enquiry=enquiry, conference=conference, contexts=contexts, summary=summary, recorded_by=actor
    )
    harm.full_clean(exclude=["person", "enquiry", "conference", "recorded_by"])
    harm.save()
    where = "the s47 enquiry" if enquiry is not None else f"the {conference.get_kind_display().lower()} conference"
    _chronology(
        harm,
        actor,
        kind="recorded",
        summary=f"Harm outside the home recorded on {where}: {', '.join(harm.context_labels())}. {summary}",
        significant=True,
    )
    audit_record(
        actor=actor,
        verb="macpt.harm_outside_home.recorded",
        target=harm,
        child_ids=[person.pk],
        fields=["contexts", "summary"],
        related={"enquiry": enquiry, "conference": conference},
    )
    return harm


@transaction.atomic
def harm_person_add(*, harm: ExtraFamilialHarm, actor: User, data: dict) -> HarmPerson:
    """A person involved: someone with a record, or a name; and how they are involved."""
    _require(actor, harm.person_id)
    record = data.get("person")
    entry = HarmPerson(
        harm=harm,
        person=record,
        name=(data.get("name") or "").strip(),
        role=data.get("role") or "",
        detail=(data.get("detail") or "").strip(),
        recorded_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if record is None and not entry.name:
        errors["name"] = ["Enter who they are (a name or a description)"]
    if record is not None and record.pk == harm.person_id:
        errors["name"] = ["This is the child the record is about"]
    if entry.role not in HarmPersonRole.values:
        errors["role"] = ["Choose how they are involved"]
    if errors:
        raise ValidationError(errors)
    entry.full_clean(exclude=["harm", "person", "recorded_by"])
    entry.save()
    who = record.full_name if record is not None else entry.name
    _chronology(harm, actor, kind="person", summary=f"Harm outside the home: {who} ({entry.get_role_display()})")
    audit_record(
        actor=actor,
        verb="macpt.harm_outside_home.person_added",
        target=entry,
        child_ids=[harm.person_id],
        fields=["person", "name", "role", "detail"],
        related={"harm": harm, "person": record},
    )
    return entry


@transaction.atomic
def harm_place_add(*, harm: ExtraFamilialHarm, actor: User, data: dict) -> HarmPlace:
    """A place involved, with what kind of place it is."""
    _require(actor, harm.person_id)
    place = HarmPlace(
        harm=harm,
        kind=data.get("kind") or "",
        name=(data.get("name") or "").strip(),
        detail=(data.get("detail") or "").strip(),
        recorded_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if place.kind not in HarmPlaceKind.values:
        errors["kind"] = ["Choose what kind of place it is"]
    if not place.name:
        errors["name"] = ["Say where: a name, a description or an address"]
    if errors:
        raise ValidationError(errors)
    place.full_clean(exclude=["harm", "recorded_by"])
    place.save()
    _chronology(harm, actor, kind="place", summary=f"Harm outside the home: {place.name} ({place.get_kind_display()})")
    audit_record(
        actor=actor,
        verb="macpt.harm_outside_home.place_added",
        target=place,
        child_ids=[harm.person_id],
        fields=["kind", "name", "detail"],
        related={"harm": harm},
    )
    return place


def may_add_harm_action(user: User, harm: ExtraFamilialHarm) -> bool:
    """The family's plan's editors (its lead practitioner, a manager) add its actions: the plan's own rule."""
    family = harm_family_case(harm)
    return family is not None and plan_can_edit(user=user, family_case=family)


@transaction.atomic
def harm_action_add(*, harm: ExtraFamilialHarm, actor: User, data: dict) -> HarmAction:
    """An action on the family's one plan that answers this harm (cases.services.action_add: who does what by when,
    the owner told), linked to the record."""
    if not person_record_scope(actor, relatives=False).filter(pk=harm.person_id).exists():
        raise PermissionDenied("No such child")
    plan = harm_plan(harm)
    if plan is None:
        raise ValidationError("The family has no plan yet: the family's lead practitioner starts it first")
    if not plan_can_edit(user=actor, family_case=plan.family_case):
        raise PermissionDenied("Only the family's lead practitioner or a manager may change the plan")
    action = action_add(plan=plan, actor=actor, data=data)
    link = HarmAction.objects.create(harm=harm, action=action)
    _chronology(
        harm, actor, kind="action", summary=f"Harm outside the home: action on the family's plan: {action.description}"
    )
    audit_record(
        actor=actor,
        verb="macpt.harm_outside_home.action_added",
        target=link,
        child_ids=[harm.person_id],
        related={"harm": harm, "action": action},
    )
    return link
