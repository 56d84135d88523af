"""Reads for the family's plan, and who may change what in it.

Seeing the plan follows seeing the family (family_case_get_for_user: 404 otherwise). Changing it is narrower
than editing a child's record: the family's lead practitioner (an active lead-practitioner involvement on one of
its children) or a manager may change the plan; a practitioner in the team around the family may update only the
status and progress of the actions they own. A partner practitioner can edit a child's record through their
involvement, so without this rule every team-around-the-family member could rewrite the lead's plan.

The rule is the same whichever strand leads the plan (Family Help today: its lead practitioner holds the
lead-practitioner involvement; a child protection lead would hold one too). `plan_lead` asks for the current lead
of the kind the leading strand appoints (LEAD_KINDS)."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .. import policy
from ..models import (
    Action,
    EpisodeLead,
    FamilyCase,
    Involvement,
    InvolvementRole,
    LeadKind,
    Outcome,
    OutcomeRating,
    Plan,
    PlanVersion,
    Review,
    Role,
    Strand,
    TafMember,
    User,
)
from ..permissions import can_edit_person
from .families import family_case_scope, family_children

# The kind of lead each strand that can lead the plan appoints (cases.EpisodeLead).
LEAD_KINDS = {Strand.FAMILY_HELP: LeadKind.FHLP, Strand.MACPT: LeadKind.LCPP}


def _active_involvements() -> QuerySet[Involvement]:
    return Involvement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=timezone.localdate()))


def plan_can_edit(*, user: User, family_case: FamilyCase) -> bool:
    """The lead practitioner (who may edit the child) or a manager, for a family they can see."""
    if not user.is_authenticated or not user.is_active or user.roles <= policy.NEVER:
        return False
    children = family_children(family_case=family_case, user=user)
    if not children:
        return False
    if policy.may(user, policy.EDIT_ANY_PLAN):
        return True
    led = set(
        _active_involvements()
        .filter(person__in=children, user=user, role=InvolvementRole.LEAD_PRACTITIONER)
        .values_list("person_id", flat=True)
    )
    return any(can_edit_person(user, child) for child in children if child.pk in led)


def action_can_update(*, user: User, action: Action, can_edit: bool | None = None) -> bool:
    """The plan's editors, and the action's owner (status and progress only)."""
    if can_edit is None:
        can_edit = plan_can_edit(user=user, family_case=action.plan.family_case)
    return can_edit or (action.owner_id == user.pk and user.is_active and not user.roles <= policy.NEVER)


def plan_lead(*, family_case: FamilyCase, plan: Plan | None = None) -> User | None:
    """The family's lead practitioner: the longest-serving current lead, of the kind the plan's leading strand
    appoints, on the children's open episodes (the shared record's history of leads; Family Help's allocation
    writes the same lead there)."""
    strand = plan.led_by_strand if plan is not None else Strand.FAMILY_HELP
    lead = (
        EpisodeLead.objects.filter(
            episode__family_case=family_case,
            episode__closed_on__isnull=True,
            kind=LEAD_KINDS.get(strand, LeadKind.FHLP),
            ended_at__isnull=True,
        )
        .select_related("user", "user__agency")
        .order_by("started_at", "id")
        .first()
    )
    return lead.user if lead is not None else None


def family_in_scope(*, user: User, family_case: FamilyCase) -> bool:
    return family_case_scope(user).filter(pk=family_case.pk).exists()


def plan_for_family(*, family_case: FamilyCase) -> Plan | None:
    return Plan.objects.filter(family_case=family_case).select_related("created_by").first()


def plan_outcomes(*, plan: Plan, include_removed: bool = False) -> list[Outcome]:
    """The plan's outcomes with their child and their ratings (start and each review), in a fixed number of
    queries however many there are."""
    qs = (
        plan.outcomes.select_related("child")
        .prefetch_related(
            Prefetch(
                "ratings", queryset=OutcomeRating.objects.select_related("plan_version").order_by("rated_on", "id")
            )
        )
        .order_by("child__date_of_birth", "child_id", "id")
    )
    if not include_removed:
        qs = qs.filter(removed_at__isnull=True)
    return list(qs)


def plan_actions(*, plan: Plan) -> list[Action]:
    return list(
        plan.actions.select_related("owner", "owner_agency", "outcome", "outcome__child").order_by("due_on", "id")
    )


# --- the plan as one user may see it -------------------------------------------------------------------------
# A family's plan is shared, but each outcome is about one child: an outcome about a child the user may not see
# (out of their scope, or a restricted record they are not on the list of) is left out with its ratings, and so is
# every action that serves it. The page, the panel, the API, the versions and the PDFs all read through here.


def plan_visible_child_ids(*, family_case: FamilyCase, user: User, children=None) -> set[int]:
    """The family's children this user may see (pass `children` from family_children to save the query)."""
    if children is None:
        children = family_children(family_case=family_case, user=user)
    return {c.pk for c in children}


def plan_outcomes_for_user(*, plan: Plan, visible: set[int], include_removed: bool = False) -> list[Outcome]:
    return [o for o in plan_outcomes(plan=plan, include_removed=include_removed) if o.child_id in visible]


def plan_actions_for_user(*, plan: Plan, visible: set[int]) -> list[Action]:
    """The plan's actions, but those serving an outcome about a child the user may not see."""
    return [a for a in plan_actions(plan=plan) if a.outcome_id is None or a.outcome.child_id in visible]


def plan_snapshot_for_user(*, snapshot: dict, visible: set[int]) -> dict:
    """A frozen version of the plan with the same rule: outcomes about children the user may not see, and the
    actions serving them, left out."""
    snapshot = dict(snapshot or {})
    outcomes = snapshot.get("outcomes", [])
    hidden = {o.get("id") for o in outcomes if o.get("child_id") not in visible}
    snapshot["outcomes"] = [o for o in outcomes if o.get("child_id") in visible]
    snapshot["actions"] = [
        a for a in snapshot.get("actions", []) if a.get("outcome_id") not in hidden or not a.get("outcome_id")
    ]
    return snapshot


def taf_members(*, family_case: FamilyCase) -> list[TafMember]:
    return list(
        TafMember.objects.filter(family_case=family_case, removed_at__isnull=True)
        .select_related("user", "agency")
        .order_by("added_at", "id")
    )


def plan_versions(*, plan: Plan) -> list[PlanVersion]:
    return list(plan.versions.select_related("created_by").order_by("number"))


def plan_reviews(*, plan: Plan) -> list[Review]:
    return list(plan.reviews.select_related("reviewed_by", "plan_version").order_by("held_on", "id"))


def plan_version_get(*, plan: Plan, number) -> PlanVersion:
    try:
        return plan.versions.select_related("created_by").get(number=int(number))
    except (PlanVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version") from None


def outcome_get(*, plan: Plan, outcome_id, visible: set[int] | None = None) -> Outcome:
    """An outcome of the plan; with `visible` (plan_visible_child_ids), 404 for one about a child not in it."""
    try:
        outcome = plan.outcomes.select_related("child").get(pk=int(outcome_id), removed_at__isnull=True)
    except (Outcome.DoesNotExist, ValueError, TypeError):
        raise Http404("No such outcome") from None
    if visible is not None and outcome.child_id not in visible:
        raise Http404("No such outcome")
    return outcome


def action_get(*, plan: Plan, action_id, visible: set[int] | None = None) -> Action:
    """An action of the plan; with `visible` (plan_visible_child_ids), 404 for one serving an outcome about a child
    not in it."""
    try:
        action = plan.actions.select_related("owner", "owner_agency", "outcome", "plan__family_case").get(
            pk=int(action_id)
        )
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404("No such action") from None
    if visible is not None and action.outcome_id is not None and action.outcome.child_id not in visible:
        raise Http404("No such action")
    return action


def taf_member_get(*, family_case: FamilyCase, member_id) -> TafMember:
    try:
        return TafMember.objects.select_related("user", "agency").get(
            family_case=family_case, pk=int(member_id), removed_at__isnull=True
        )
    except (TafMember.DoesNotExist, ValueError, TypeError):
        raise Http404("No such member") from None


def action_owner_choices(*, family_case: FamilyCase, actor: User | None = None) -> list[User]:
    """Who can own an action: the family's lead practitioners and the team around the family (they can see
    the family, so they can update what they own), and whoever is writing the action."""
    children = family_children(family_case=family_case)
    lead_ids = set(
        _active_involvements()
        .filter(person__in=children, role=InvolvementRole.LEAD_PRACTITIONER, user__isnull=False)
        .values_list("user_id", flat=True)
    )
    taf_ids = set(
        TafMember.objects.filter(family_case=family_case, removed_at__isnull=True).values_list("user_id", flat=True)
    )
    ids = lead_ids | taf_ids | ({actor.pk} if actor is not None else set())
    return list(User.objects.filter(pk__in=ids, is_active=True).select_related("agency").order_by("full_name", "id"))


def family_case_ids_for_member(*, user: User) -> QuerySet:
    return TafMember.objects.filter(user=user, removed_at__isnull=True).values("family_case_id")


TAF_CANDIDATES_SHOWN = 25


def taf_candidates(*, user: User, family_case: FamilyCase) -> QuerySet[User]:
    """Who may be added to the team around this family, for one of its plan's editors (anyone else: none): active
    practitioners of any agency whose role can see a child's record at some level (policy.NEVER's cannot), not
    already in the team. Staff, not children: the directory every editor may choose from (issue 13 item 12)."""
    if not plan_can_edit(user=user, family_case=family_case):
        return User.objects.none()
    readers = [role for role in Role.values if role not in policy.NEVER]
    current = TafMember.objects.filter(family_case=family_case, removed_at__isnull=True).values("user_id")
    return (
        User.objects.filter(is_active=True, agency__isnull=False, groups__name__in=readers)
        .exclude(pk__in=current)
        .distinct()
        .select_related("agency")
        .order_by("full_name", "id")
    )


def taf_candidates_search(*, user: User, family_case: FamilyCase, query: str = "") -> list[User]:
    """taf_candidates matching every word of `query` in the name, job title, email or agency (the first
    TAF_CANDIDATES_SHOWN, by name): the picker's list, filtered on the server so that it works without JavaScript."""
    qs = taf_candidates(user=user, family_case=family_case)
    for word in query.split()[:6]:
        qs = qs.filter(
            Q(full_name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(email__icontains=word)
            | Q(agency__name__icontains=word)
        )
    return list(qs[:TAF_CANDIDATES_SHOWN])


def taf_members_current(*, family_case: FamilyCase) -> QuerySet[TafMember]:
    """The team around the family now (a review's attendees are picked from it)."""
    return (
        TafMember.objects.filter(family_case=family_case, removed_at__isnull=True)
        .select_related("user", "agency")
        .order_by("added_at", "id")
    )
