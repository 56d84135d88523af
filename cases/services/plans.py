"""Every write to the family's plan: starting it, its outcomes and actions, the team around the family, and
reviews (each of which freezes a new PlanVersion recording which strand led the plan), and the children's CIN plan
periods (census CINPlanDates), which the strand that moves a child along the continuum keeps in step.

Rules kept here, so that pages, the API and the shell all obey them:
- only the plan's editors (selectors.plans.plan_can_edit: the lead practitioner or a manager) change the plan;
  an action's owner may change only its status and progress;
- the plan and each action carry a version: a save based on an older one is refused (StaleEdit), never merged;
- adding a team-around-the-family member gives them an involvement on each of the family's children (the summary
  level of this family only, at once); removing them ends those involvements (access gone on the next request);
- version 1 is the plan as first agreed: it is frozen when the plan starts and, until the first review, follows
  the plan as it is written (outcomes, actions and team are added after the start); from the first review on,
  every version is fixed and each review adds the next.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from .. import policy
from ..models import (
    Action,
    ActionStatus,
    CensusMeaning,
    CinPlanPeriod,
    Episode,
    EpisodeLevel,
    FamilyCase,
    Involvement,
    InvolvementRole,
    Outcome,
    OutcomeRating,
    Person,
    Plan,
    PlanVersion,
    Review,
    Strand,
    TafMember,
    User,
)
from ..registry import registry
from ..selectors.families import family_children
from ..selectors.plans import action_can_update, family_in_scope, plan_can_edit
from .audit import audit_record, record_history_add
from .episodes import involvement_add, involvement_end
from .notes import chronology_add
from .notifications import notify
from .state import StaleEdit

PLAN_TEXT_FIELDS = ("worries", "working_well", "family_views", "professional_notes")
OUTCOME_FIELDS = ("what_will_be_different", "measure", "scale_max", "baseline", "target", "current", "not_for_family")
ACTION_FIELDS = ("description", "owner", "outcome", "due_on", "status", "progress", "not_for_family")
OWNER_FIELDS = ("status", "progress")


# --- helpers -----------------------------------------------------------------------------------------------


def _require_editor(actor: User, family_case: FamilyCase) -> None:
    if not plan_can_edit(user=actor, family_case=family_case):
        raise PermissionDenied("Only the family's lead practitioner or a manager may change the plan")


def _child_ids(family_case: FamilyCase) -> list[int]:
    return [c.pk for c in family_children(family_case=family_case)]


def _plan_link(family_case: FamilyCase) -> str:
    return reverse("cases:plan", args=[family_case.pk])


DEFAULT_REVIEW_EVERY_DAYS = 90


def review_every_days(strand: str) -> int:
    """The usual gap between reviews, as the leading strand registers it (cases.registry), else 90 days."""
    days = registry.plan_review_interval(strand)
    return days() if days is not None else DEFAULT_REVIEW_EVERY_DAYS


def _given_fields(obj, names) -> list[str]:
    """The names of the fields a new object was made with (for the audit, which holds names, never values)."""
    return [name for name in names if getattr(obj, name) not in (None, "", [])]


def _json(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.email
    if hasattr(value, "pk"):
        return value.pk
    return value


def _changes(obj, data: dict, fields) -> tuple[dict, dict]:
    before, after = {}, {}
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            before[name], after[name] = _json(getattr(obj, name)), _json(data[name])
    return before, after


def _check_next_review(value: dt.date | None, *, after: dt.date | None = None, field: str = "next_review_on") -> None:
    today = timezone.localdate()
    if value is None:
        return
    if value < today:
        raise ValidationError({field: ["The next review date must be today or in the future"]})
    if after is not None and value <= after:
        raise ValidationError({field: ["The next review date must be after the review"]})


def plan_snapshot(*, plan: Plan, number: int, reason: str, review: Review | None = None) -> dict:
    """Everything the plan says now, as plain JSON: its text, each outcome with its ratings so far, the
    actions, the team around the family (and the review that froze it)."""
    outcomes = (
        plan.outcomes.filter(removed_at__isnull=True)
        .select_related("child")
        .prefetch_related("ratings")
        .order_by("child__date_of_birth", "child_id", "id")
    )
    actions = plan.actions.select_related("owner", "owner_agency").order_by("due_on", "id")
    taf = (
        TafMember.objects.filter(family_case=plan.family_case_id, removed_at__isnull=True)
        .select_related("user", "agency")
        .order_by("added_at", "id")
    )
    snapshot = {
        "number": number,
        "date": timezone.localdate().isoformat(),
        "reason": reason,
        "plan": {
            **{name: getattr(plan, name) for name in PLAN_TEXT_FIELDS},
            "next_review_on": _json(plan.next_review_on),
            "status": plan.status,
        },
        "outcomes": [
            {
                "id": o.pk,
                "child_id": o.child_id,
                "child": o.child.first_name,
                "child_name": o.child.full_name,
                "what_will_be_different": o.what_will_be_different,
                "measure": o.measure,
                "scale_max": o.scale_max,
                "baseline": o.baseline,
                "target": o.target,
                "current": o.current,
                "not_for_family": o.not_for_family,
                "achieved_on": _json(o.achieved_on),
                "ratings": [
                    {"rating": r.rating, "rated_on": r.rated_on.isoformat(), "version_id": r.plan_version_id}
                    for r in sorted(o.ratings.all(), key=lambda r: (r.rated_on, r.pk))
                ],
            }
            for o in outcomes
        ],
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "owner_id": a.owner_id,
                "owner": a.owner.full_name,
                "agency": a.owner_agency.name,
                "outcome_id": a.outcome_id,
                "due_on": a.due_on.isoformat(),
                "status": a.status,
                "progress": a.progress,
                "not_for_family": a.not_for_family,
            }
            for a in actions
        ],
        "taf": [{"user_id": m.user_id, "name": m.user.full_name, "agency": m.agency.name, "role": m.role} for m in taf],
    }
    if review is not None:
        snapshot["review"] = {
            "held_on": review.held_on.isoformat(),
            "attendees": review.attendees,
            "summary": review.summary,
            "family_views": review.family_views,
            "next_review_on": _json(review.next_review_on),
        }
    return snapshot


def _refresh_first_version(plan: Plan) -> None:
    """Until the first review, version 1 follows the plan as it is being written (see the module docstring)."""
    if plan.reviews.exists():
        return
    version = PlanVersion.objects.select_for_update().filter(plan=plan, number=1).first()
    if version is None:
        return
    version.snapshot = plan_snapshot(plan=plan, number=1, reason=version.reason)
    version.save(update_fields=["snapshot"])


def _bump_plan_version(plan: Plan) -> None:
    """Any change to what the plan says moves its version, so an editor working from an older page is told."""
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=timezone.now())
    plan.version = Plan.objects.values_list("version", flat=True).get(pk=plan.pk)


# --- the plan ----------------------------------------------------------------------------------------------


# Who, besides the plan's editors, starts a family's plan as the strand leading it (cases.policy).
_PLAN_STARTERS = {Strand.MACPT: policy.START_PLAN_AT_CONFERENCE, Strand.FGDM: policy.START_PLAN_AT_FAMILY_MEETING}


@transaction.atomic
def plan_start(*, family_case: FamilyCase, actor: User, data: dict, led_by_strand: str = Strand.FAMILY_HELP) -> Plan:
    """Start the family's one plan, led by `led_by_strand`, and freeze version 1. Its editors start it; so does the
    LCPP whose child protection conference decides a plan for a child of a family with none (policy
    START_PLAN_AT_CONFERENCE), and the facilitator of a family group decision-making meeting whose family agrees its
    own plan (START_PLAN_AT_FAMILY_MEETING), the family's children in their scope."""
    starter = _PLAN_STARTERS.get(led_by_strand)
    if not (
        starter is not None
        and policy.may(actor, starter)
        and actor.is_active
        and family_children(family_case=family_case, user=actor, record=True)
    ):
        _require_editor(actor, family_case)
    FamilyCase.objects.select_for_update().filter(pk=family_case.pk).first()  # two starts at once: one wins
    if Plan.objects.filter(family_case=family_case).exists():
        raise ValidationError("This family already has a plan: change it instead of starting another")
    next_review = data.get("next_review_on") or (
        timezone.localdate() + dt.timedelta(days=review_every_days(led_by_strand))
    )
    _check_next_review(next_review)
    plan = Plan(
        family_case=family_case,
        created_by=actor,
        next_review_on=next_review,
        led_by_strand=led_by_strand,
        **{name: (data.get(name) or "").strip() for name in PLAN_TEXT_FIELDS},
    )
    plan.full_clean()
    plan.save()
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        created_by=actor,
        reason="Plan started",
        led_by_strand=plan.led_by_strand,
        snapshot=plan_snapshot(plan=plan, number=1, reason="Plan started"),
    )
    children = family_children(family_case=family_case)
    audit_record(
        actor=actor,
        verb="family_help.plan_started",
        target=plan,
        child_ids=[c.pk for c in children],
        fields=["next_review_on"],
    )
    _cin_plans_agreed(plan=plan, children=children, actor=actor)
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=plan.led_by_strand,
            kind="plan_started",
            summary=f"Family plan started; first review by {next_review:%-d %B %Y}",
            significant=True,
            target=plan,
            link=_plan_link(family_case),
        )
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, actor: User, data: dict, expected_version: int) -> Plan:
    """Change the plan's text or next review date. A save based on an older version is refused."""
    _require_editor(actor, plan.family_case)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.version != expected_version:
        raise StaleEdit(
            locked.version,
            obj=locked,
            current={name: getattr(locked, name) for name in (*PLAN_TEXT_FIELDS, "next_review_on")},
        )
    values = {name: (data[name] or "").strip() for name in PLAN_TEXT_FIELDS if name in data}
    if "next_review_on" in data:
        if data["next_review_on"] is None:
            raise ValidationError({"next_review_on": ["Enter the date of the next review"]})
        if data["next_review_on"] != locked.next_review_on:
            _check_next_review(data["next_review_on"])
        values["next_review_on"] = data["next_review_on"]
    before, after = _changes(locked, values, values.keys())
    if not after:
        return locked
    for name, value in values.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    locked.save(update_fields=[*values.keys(), "version", "updated_at"])
    child_ids = _child_ids(locked.family_case)
    event = audit_record(actor=actor, verb="family_help.plan_changed", target=locked, child_ids=child_ids, fields=after)
    # What the plan said before goes to each child's record history (never the audit); the professional notes'
    # wording stays in the plan's versions only, as it always has.
    record_history_add(
        event=event,
        person_ids=child_ids,
        target=locked,
        before={k: ("(changed)" if k == "professional_notes" else v) for k, v in before.items()},
        after={k: ("(changed)" if k == "professional_notes" else v) for k, v in after.items()},
    )
    _refresh_first_version(locked)
    return locked


# --- outcomes ----------------------------------------------------------------------------------------------


def _outcome_values(data: dict, *, partial: bool) -> dict:
    values = {name: data[name] for name in OUTCOME_FIELDS if name in data}
    for name in ("what_will_be_different", "measure"):
        if name in values:
            values[name] = (values[name] or "").strip()
    errors: dict[str, list[str]] = {}
    if (not partial or "what_will_be_different" in values) and not values.get("what_will_be_different"):
        errors["what_will_be_different"] = ["Say what will be different for the child"]
    if (not partial or "measure" in values) and not values.get("measure"):
        errors["measure"] = ["Say how you will measure this outcome: what is measured, and by whom"]
    if errors:
        raise ValidationError(errors)
    return values


def _check_scale(outcome: Outcome) -> None:
    errors = {}
    if not outcome.scale_max or outcome.scale_max < 1 or outcome.scale_max > 100:
        errors["scale_max"] = ["The top of the scale must be between 1 and 100"]
    else:
        for name, label in (("baseline", "The baseline"), ("target", "The target"), ("current", "The current rating")):
            value = getattr(outcome, name)
            if value is None:
                errors[name] = [f"Enter {label.lower()}"]
            elif value < 0 or value > outcome.scale_max:
                errors[name] = [f"{label} must be between 0 and {outcome.scale_max}"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outcome_add(*, plan: Plan, actor: User, data: dict) -> Outcome:
    """A measurable outcome for one child of the family, rated at its baseline to start with."""
    _require_editor(actor, plan.family_case)
    values = _outcome_values(data, partial=False)
    child = data.get("child")
    if not isinstance(child, Person) or child.pk not in _child_ids(plan.family_case):
        raise ValidationError({"child": ["Choose which child this outcome is for"]})
    values.setdefault("current", values.get("baseline"))
    values.setdefault("scale_max", 10)
    outcome = Outcome(plan=plan, child=child, **values)
    _check_scale(outcome)
    outcome.full_clean()
    outcome.save()
    first = plan.versions.filter(number=1).first() if not plan.reviews.exists() else None
    OutcomeRating.objects.create(
        outcome=outcome,
        plan_version=first,
        rating=outcome.current,
        rated_by=actor,
        comment="Rating when the outcome was agreed",
    )
    _bump_plan_version(plan)
    audit_record(
        actor=actor,
        verb="family_help.outcome_added",
        target=outcome,
        child_ids=[child.pk],
        fields=_given_fields(outcome, OUTCOME_FIELDS),
    )
    chronology_add(
        person=child,
        actor=actor,
        strand=plan.led_by_strand,
        kind="plan_outcome_added",
        summary=f"Plan outcome agreed: {outcome.what_will_be_different}",
        target=outcome,
        link=_plan_link(plan.family_case),
    )
    _refresh_first_version(plan)
    return outcome


@transaction.atomic
def outcome_update(*, outcome: Outcome, actor: User, data: dict, expected_version: int | None = None) -> Outcome:
    """Change an outcome (it adapts as needs change), or remove it from the plan (`remove=True`). An outcome is
    part of what the plan says: a change based on an older version of the plan (`expected_version`) is refused."""
    plan = outcome.plan
    _require_editor(actor, plan.family_case)
    if expected_version is not None:
        current = Plan.objects.select_for_update().values_list("version", flat=True).get(pk=plan.pk)
        if current != expected_version:
            raise StaleEdit(current, obj=plan, current={"version": current})
    locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if data.get("remove"):
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at", "updated_at"])
        _bump_plan_version(plan)
        audit_record(actor=actor, verb="family_help.outcome_removed", target=locked, child_ids=[locked.child_id])
        _refresh_first_version(plan)
        return locked
    values = _outcome_values(data, partial=True)
    before, after = _changes(locked, values, values.keys())
    if not after:
        return locked
    for name, value in values.items():
        setattr(locked, name, value)
    _check_scale(locked)
    locked.full_clean()
    locked.save()
    _bump_plan_version(plan)
    event = audit_record(
        actor=actor, verb="family_help.outcome_changed", target=locked, child_ids=[locked.child_id], fields=after
    )
    record_history_add(event=event, person_ids=[locked.child_id], target=locked, before=before, after=after)
    _refresh_first_version(plan)
    return locked


# --- actions -----------------------------------------------------------------------------------------------


def _check_action(action: Action, family_case: FamilyCase, *, check_owner: bool = True) -> None:
    """`check_owner=False` when the owner is not being changed: an action whose owner has since left the team
    can still be marked done or dropped."""
    errors: dict[str, list[str]] = {}
    if not action.description:
        errors["description"] = ["Say what will be done"]
    if not check_owner:
        pass
    elif action.owner_id is None:
        errors["owner"] = ["Choose who will do this: every action needs an owner"]
    elif not action.owner.is_active:
        errors["owner"] = ["This person's account is no longer active: choose someone else"]
    elif action.owner.agency_id is None:
        errors["owner"] = ["This person has no agency recorded: choose someone else"]
    elif not family_in_scope(user=action.owner, family_case=family_case):
        errors["owner"] = [
            f"{action.owner.full_name} cannot see this family: add them to the team around the family first"
        ]
    if action.due_on is None:
        errors["due_on"] = ["Enter the date this is due"]
    if action.outcome_id is not None and (action.outcome.plan_id != action.plan_id or action.outcome.removed_at):
        errors["outcome"] = ["Choose an outcome from this plan"]
    if action.status not in ActionStatus.values:
        errors["status"] = ["Choose a status from the list"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_add(*, plan: Plan, actor: User, data: dict) -> Action:
    """Who will do what by when. The owner's agency is recorded with it; the owner is told."""
    _require_editor(actor, plan.family_case)
    owner = data.get("owner")
    action = Action(
        plan=plan,
        description=(data.get("description") or "").strip(),
        owner=owner,
        owner_agency_id=getattr(owner, "agency_id", None),
        outcome=data.get("outcome"),
        due_on=data.get("due_on"),
        status=data.get("status") or ActionStatus.NOT_STARTED,
        progress=(data.get("progress") or "").strip(),
        not_for_family=bool(data.get("not_for_family")),
        updated_by=actor,
    )
    _check_action(action, plan.family_case)
    if action.status == ActionStatus.DONE:
        action.completed_on = timezone.localdate()
    action.full_clean()
    action.save()
    _bump_plan_version(plan)
    child_ids = _child_ids(plan.family_case)
    audit_record(
        actor=actor,
        verb="family_help.action_added",
        target=action,
        child_ids=child_ids,
        fields=_given_fields(action, ("description", "owner", "due_on", "status", "progress", "not_for_family")),
        related={"owner": owner},
    )
    if owner.pk != actor.pk:
        notify(
            user=owner,
            kind="family_help.action",
            title=f"A family plan action for you: {plan.family_case.name}",
            body=action.description,
            unique_key=f"fh.action.{action.pk}.owner",
            link=_plan_link(plan.family_case),
        )
    _refresh_first_version(plan)
    return action


@transaction.atomic
def action_update(*, action: Action, actor: User, data: dict, expected_version: int) -> Action:
    """Change an action. The plan's editors may change any of it; its owner only its status and progress
    (anything else they send is refused). A save based on an older version is refused."""
    plan = action.plan
    can_edit = plan_can_edit(user=actor, family_case=plan.family_case)
    if not action_can_update(user=actor, action=action, can_edit=can_edit):
        raise PermissionDenied("Only the action's owner or the family's lead practitioner may change it")
    allowed = ACTION_FIELDS if can_edit else OWNER_FIELDS
    refused = [name for name in data if name in ACTION_FIELDS and name not in allowed]
    if refused:
        raise ValidationError({name: ["Only the lead practitioner can change this"] for name in refused})
    locked = Action.objects.select_for_update(of=("self",)).select_related("owner", "outcome").get(pk=action.pk)
    if locked.version != expected_version:
        raise StaleEdit(
            locked.version,
            obj=locked,
            current={
                name: getattr(locked, name)
                for name in ("description", "owner_id", "outcome_id", "due_on", "status", "progress", "not_for_family")
            },
        )
    values = {name: data[name] for name in allowed if name in data}
    for name in ("description", "progress"):
        if name in values:
            values[name] = (values[name] or "").strip()
    before, after = _changes(locked, values, values.keys())
    if not after:
        return locked
    for name, value in values.items():
        setattr(locked, name, value)
    if "owner" in values:
        locked.owner_agency_id = getattr(values["owner"], "agency_id", None)
    _check_action(locked, plan.family_case, check_owner="owner" in after)
    if locked.status == ActionStatus.DONE and locked.completed_on is None:
        locked.completed_on = timezone.localdate()
    elif locked.status != ActionStatus.DONE:
        locked.completed_on = None
    locked.updated_by = actor
    locked.version += 1
    locked.full_clean()
    locked.save()
    child_ids = _child_ids(plan.family_case)
    event = audit_record(
        actor=actor, verb="family_help.action_changed", target=locked, child_ids=child_ids, fields=after
    )
    record_history_add(event=event, person_ids=child_ids, target=locked, before=before, after=after)
    if "status" in after and locked.status == ActionStatus.DONE:
        for child in family_children(family_case=plan.family_case):
            chronology_add(
                person=child,
                actor=actor,
                strand=plan.led_by_strand,
                kind="plan_action_done",
                summary=f"Plan action done: {locked.description}",
                target=locked,
                link=_plan_link(plan.family_case),
            )
    _refresh_first_version(plan)
    return locked


# --- the team around the family ----------------------------------------------------------------------------


@transaction.atomic
def taf_add(*, family_case: FamilyCase, actor: User, user: User | None, role: str) -> TafMember:
    """Add a practitioner from any agency to the team around the family: an involvement on each of the
    family's children gives them the summary level of this family only, at once (its plan, the actions they own,
    the children's identity summary: cases.policy). They are told. A system administrator is refused with a reason
    (policy.NEVER: they never read a child's data)."""
    _require_editor(actor, family_case)
    role = (role or "").strip()
    errors: dict[str, list[str]] = {}
    if user is None:
        errors["user"] = ["Choose the practitioner to add"]
    elif not user.is_active:
        errors["user"] = [f"{user.full_name}'s account is not active"]
    elif user.roles <= policy.NEVER:
        errors["user"] = [
            f"{user.full_name} cannot be added: their role cannot see children's records "
            "(a system administrator runs the system and never reads a child's record)"
        ]
    elif user.agency_id is None:
        errors["user"] = [f"{user.full_name} has no agency recorded: ask an administrator to add it first"]
    elif TafMember.objects.filter(family_case=family_case, user=user, removed_at__isnull=True).exists():
        errors["user"] = [f"{user.full_name} is already in the team around this family"]
    if not role:
        errors["role"] = ["Say what they do for this family, for example health visitor"]
    if errors:
        raise ValidationError(errors)
    member = TafMember(family_case=family_case, user=user, agency=user.agency, role=role, added_by=actor)
    member.full_clean()
    member.save()
    children = family_children(family_case=family_case)
    for child in children:
        involvement_add(person=child, actor=actor, role=InvolvementRole.TAF_MEMBER, user=user)
    audit_record(
        actor=actor,
        verb="family_help.taf_added",
        target=member,
        child_ids=[c.pk for c in children],
        fields=["role"],
        related={"user": user, "agency": user.agency_id},
    )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="taf_member_added",
            summary=f"{user.full_name} ({role}, {user.agency.name}) joined the team around the family",
            target=member,
        )
    notify(
        user=user,
        kind="family_help.taf",
        title=f"You have been added to the team around the {family_case.name}",
        body=f"Your role: {role}. Added by {actor.full_name}.",
        unique_key=f"fh.taf.{member.pk}.added",
        link=_plan_link(family_case),
    )
    plan = Plan.objects.filter(family_case=family_case).first()
    if plan is not None:
        _bump_plan_version(plan)
        _refresh_first_version(plan)
    return member


@transaction.atomic
def taf_remove(*, member: TafMember, actor: User, reason: str = "") -> TafMember:
    """Take a practitioner out of the team around the family: their involvements on its children end, and
    their access with them (unless they are in the team around another family the child is in)."""
    family_case = member.family_case
    _require_editor(actor, family_case)
    if not TafMember.objects.filter(pk=member.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=actor, updated_at=timezone.now()
    ):
        raise ValidationError("This practitioner has already left the team around the family")
    member.refresh_from_db()
    children = family_children(family_case=family_case)
    kept = set(
        TafMember.objects.filter(
            user=member.user, removed_at__isnull=True, family_case__members__person__in=children
        ).values_list("family_case__members__person_id", flat=True)
    )
    today = timezone.localdate()
    for involvement in Involvement.objects.filter(
        person__in=children, user=member.user, end_date__isnull=True, role=InvolvementRole.TAF_MEMBER
    ).exclude(person_id__in=kept):
        involvement_end(
            involvement=involvement,
            actor=actor,
            end_date=max(today, involvement.start_date),
            reason="Left the team around the family",
        )
    event = audit_record(
        actor=actor,
        verb="family_help.taf_removed",
        target=member,
        child_ids=[c.pk for c in children],
        fields=["removed_at", "removal_reason"] if reason.strip() else ["removed_at"],
        related={"user": member.user_id},
    )
    if reason.strip():
        # Why they left, in the lead's words: the children's record history keeps it (retention disposes of it),
        # the audit names it only.
        record_history_add(
            event=event,
            person_ids=[c.pk for c in children],
            target=member,
            before={},
            after={"removal_reason": reason.strip()},
        )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="taf_member_removed",
            summary=f"{member.user.full_name} ({member.role}) left the team around the family",
            target=member,
        )
    plan = Plan.objects.filter(family_case=family_case).first()
    if plan is not None:
        _bump_plan_version(plan)
        _refresh_first_version(plan)
    return member


# --- reviews -----------------------------------------------------------------------------------------------


def taf_member_label(member: TafMember) -> str:
    """'Hal Health (Health visitor, Test Community Health Trust)': a team member as a review's attendee."""
    return f"{member.user.full_name} ({member.role}, {member.agency.name})"


def _review_attendees(locked: Plan, data: dict, errors: dict[str, list[str]]) -> list[TafMember]:
    """The team members who came (data["taf_attendees"]: TafMembers or their ids), each a current member of this
    family's team around the family (issue 13 item 12); anyone else is named in data["attendees"]."""
    given = data.get("taf_attendees") or []
    ids = [getattr(m, "pk", m) for m in given]
    members = list(
        TafMember.objects.filter(family_case=locked.family_case_id, removed_at__isnull=True, pk__in=ids)
        .select_related("user", "agency")
        .order_by("added_at", "id")
    )
    if len(members) != len(set(ids)):
        errors["taf_attendees"] = ["Choose who came from the team around the family"]
    return members


@transaction.atomic
def review_add(*, plan: Plan, actor: User, data: dict, ratings: dict[int, int | None]) -> Review:
    """Hold a review: each active outcome re-rated, the next review set, and a new version of the plan frozen.

    `ratings` maps each active outcome's id to its new rating; errors come back keyed `rating_<id>`."""
    _require_editor(actor, plan.family_case)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    today = timezone.localdate()
    held_on, next_review = data.get("held_on"), data.get("next_review_on")
    summary = (data.get("summary") or "").strip()
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date the review was held"]
    elif held_on > today:
        errors["held_on"] = ["The review date must be today or in the past"]
    elif held_on < timezone.localtime(locked.created_at).date():
        errors["held_on"] = ["The review date must be on or after the day the plan started"]
    if not summary:
        errors["summary"] = ["Summarise what the review found"]
    if next_review is None:
        errors["next_review_on"] = ["Enter the date of the next review"]
    else:
        try:
            _check_next_review(next_review, after=held_on if "held_on" not in errors else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    came = _review_attendees(locked, data, errors)
    outcomes = list(locked.outcomes.filter(removed_at__isnull=True).select_related("child").order_by("id"))
    for outcome in outcomes:
        rating = ratings.get(outcome.pk)
        if rating is None:
            errors[f"rating_{outcome.pk}"] = [f"Rate '{outcome.what_will_be_different}' at this review"]
        elif not 0 <= rating <= outcome.scale_max:
            errors[f"rating_{outcome.pk}"] = [f"The rating must be between 0 and {outcome.scale_max}"]
    if errors:
        raise ValidationError(errors)
    for outcome in outcomes:
        outcome.current = ratings[outcome.pk]
        if outcome.current >= outcome.target and outcome.achieved_on is None:
            outcome.achieved_on = held_on
        outcome.save(update_fields=["current", "achieved_on", "updated_at"])
    locked.next_review_on = next_review
    locked.version += 1
    locked.save(update_fields=["next_review_on", "version", "updated_at"])
    number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    review = Review(
        plan=locked,
        held_on=held_on,
        attendees="; ".join(
            [*(taf_member_label(m) for m in came), *filter(None, [(data.get("attendees") or "").strip()])]
        ),
        summary=summary,
        family_views=(data.get("family_views") or "").strip(),
        next_review_on=next_review,
        reviewed_by=actor,
    )
    reason = f"Review held on {held_on:%-d %B %Y}"
    version = PlanVersion.objects.create(
        plan=locked, number=number, created_by=actor, reason=reason, snapshot={}, led_by_strand=locked.led_by_strand
    )
    OutcomeRating.objects.bulk_create(
        [
            OutcomeRating(
                outcome=o,
                plan_version=version,
                rating=o.current,
                rated_on=held_on,
                rated_by=actor,
                comment=f"Review {number - 1}",
            )
            for o in outcomes
        ]
    )
    review.plan_version = version
    review.full_clean()
    review.save()
    version.snapshot = plan_snapshot(plan=locked, number=number, reason=reason, review=review)
    version.snapshot["review"]["taf_attendees"] = [
        {"member_id": m.pk, "user_id": m.user_id, "name": m.user.full_name, "role": m.role, "agency": m.agency.name}
        for m in came
    ]
    version.save(update_fields=["snapshot"])
    children = family_children(family_case=locked.family_case)
    audit_record(
        actor=actor,
        verb="family_help.plan_reviewed",
        target=review,
        child_ids=[c.pk for c in children],
        fields=["held_on", "next_review_on", "ratings", *(["attendees"] if review.attendees else [])],
        related={"plan_version": version, "outcomes": [o.pk for o in outcomes], "taf_attendees": [m.pk for m in came]},
    )
    for child in children:
        mine = [o for o in outcomes if o.child_id == child.pk]
        rated = "; ".join(f"{o.what_will_be_different}: {o.current} of {o.scale_max}" for o in mine)
        chronology_add(
            person=child,
            actor=actor,
            strand=locked.led_by_strand,
            kind="plan_reviewed",
            summary=f"Family plan reviewed (version {number})" + (f". {rated}" if rated else ""),
            occurred_at=dt.datetime.combine(held_on, dt.time(12), tzinfo=timezone.get_current_timezone())
            if held_on < today
            else None,
            significant=True,
            target=review,
            link=reverse("cases:plan_version", args=[locked.family_case_id, number]),
        )
    plan.version, plan.next_review_on = locked.version, locked.next_review_on
    return review


def _cin_plans_agreed(*, plan: Plan, children: list[Person], actor: User) -> None:
    """The plan agreed for a child at child-in-need level is their child-in-need plan (census CINPlanStartDate):
    the usual route front door -> allocation -> assessment -> plan starts the period here (issue 13 item 9)."""
    today = timezone.localdate()
    for row in EpisodeLevel.objects.filter(
        episode__family_case=plan.family_case_id,
        episode__closed_on__isnull=True,
        episode__person__in=children,
        ended_at__isnull=True,
        level__census_meaning=CensusMeaning.CHILD_IN_NEED,
    ).select_related("episode", "episode__person"):
        period = cin_plan_period_start(episode=row.episode, on=today, plan=plan)
        if period.start_date == today and period.plan_id == plan.pk:
            chronology_add(
                person=row.episode.person,
                actor=actor,
                strand=plan.led_by_strand,
                kind="cin_plan_started",
                summary="Child in need plan started: the family plan was agreed at child in need level",
                significant=True,
                target=plan,
                link=_plan_link(plan.family_case),
            )


def cin_plan_period_start(*, episode: Episode, on: dt.date, plan: Plan | None = None) -> CinPlanPeriod:
    """Open the child's child-in-need plan period (the census's CIN plan dates) from this day, unless one is
    open already (then that one is kept: a second start is not a new plan). Call it inside the transaction of
    the level change that starts the plan."""
    open_period = CinPlanPeriod.objects.select_for_update().filter(episode=episode, end_date__isnull=True).first()
    if open_period is not None:
        return open_period
    period = CinPlanPeriod(episode=episode, plan=plan, start_date=on)
    period.full_clean()
    period.save()
    return period


def cin_plan_period_end(
    *, episode: Episode, on: dt.date, field: str = "changed_on", whose: str = "The", what: str = "the change"
) -> CinPlanPeriod | None:
    """End the child's open child-in-need plan period on this day (nothing open: nothing to do). A day before
    the period began is refused on `field`, in the words `whose` ("Sam's") and `what` ("the closure")."""
    period = CinPlanPeriod.objects.select_for_update().filter(episode=episode, end_date__isnull=True).first()
    if period is None:
        return None
    if on < period.start_date:
        raise ValidationError(
            {field: [f"{whose} child in need plan began on {period.start_date:%d/%m/%Y}: {what} cannot be earlier"]}
        )
    CinPlanPeriod.objects.filter(pk=period.pk).update(end_date=on, updated_at=timezone.now())
    period.end_date = on
    return period


@transaction.atomic
def cin_plan_period_end_for_child(*, person: Person, on: dt.date, actor: User, reason: str) -> CinPlanPeriod | None:
    """End the child's open child-in-need plan period on `on`, wherever it is open, because something another strand
    records replaces it: the child protection strand calls it when a child protection plan starts (census rules
    4001 and 4014: a CIN plan does not overlap a CP plan). Audited and in the child's chronology; nothing open:
    nothing to do (None)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the child in need plan ends"]})
    period = (
        CinPlanPeriod.objects.select_for_update()
        .select_related("episode")
        .filter(episode__person=person, end_date__isnull=True)
        .first()
    )
    if period is None:
        return None
    ended = cin_plan_period_end(
        episode=period.episode, on=on, field="on", whose=f"{person.full_name}'s", what="its end"
    )
    audit_record(
        actor=actor,
        verb="cin_plan_period.ended",
        target=period,
        child_ids=[person.pk],
        fields=["end_date"],
        related={"episode": period.episode_id},
    )
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.RECORD,
        kind="cin_plan_ended",
        summary=f"Child in need plan ended on {on:%-d %B %Y}: {reason}",
        significant=True,
        target=period,
    )
    return ended
