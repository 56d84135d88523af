"""Reads for allocation and caseloads: the allocation waiting list, practitioners' caseloads, "my families"
and the team view. Every list here runs a fixed number of queries however many rows it has (counts are
subqueries, related rows come in one query per kind), so the pages stay fast as caseloads grow."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from cases import policy
from cases.models import (
    Action,
    ActionStatus,
    CaseNote,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCase,
    FamilyCaseMember,
    LeadKind,
    Person,
    Plan,
    Role,
    TafMember,
    User,
    WorkRequest,
)
from cases.permissions import person_record_scope, person_scope
from cases.selectors import note_tag_filter, scoped_sql, work_request_inbox

from ..models import Allocation, Assessment, AssessmentStatus, FamilyHelpSettings, Supervision
from ..permissions import ALLOCATE, MANAGE_TEAM

OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


def can_allocate(user: User) -> bool:
    return user.is_active and policy.may(user, ALLOCATE)


def is_fhlp(user: User) -> bool:
    return user.is_active and user.groups.filter(name=Role.FHLP).exists()


# --- the waiting list ----------------------------------------------------------------------------------------


def _current_level_name():
    return Subquery(
        EpisodeLevel.objects.filter(episode=OuterRef("episode_id"), ended_at__isnull=True).values("level__name")[:1]
    )


def allocation_requests(*, user: User) -> QuerySet[WorkRequest]:
    """Open Family Help allocation requests, urgent first, then soonest due (oldest); 404 for anyone who may not
    allocate (the list does not exist for them). A request for a restricted child the user is not on the list of
    is in the list too (it is waiting all the same), and the page shows it only as "Restricted record"
    (cases.selectors.people_restricted_for_user); opening it is for those on the list."""
    if not can_allocate(user):
        raise Http404
    # The work-request inbox's view for Family Help (issue 13 item 1): one selector, so the two lists agree.
    return (
        work_request_inbox(user=user, kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, include_restricted=True)
        .select_related("episode__family_case")
        .annotate(level_name=_current_level_name())
    )


def allocation_waiting_counts(*, user: User) -> dict[str, int]:
    """How many open allocation requests this user may see are waiting, and how many of them are urgent (the
    home page's panel: counts only, no child named). Every page view of a manager's home asks, so the statement is
    compiled once per user and day (cases.selectors.scoped_sql) and run directly."""
    compiled = scoped_sql(
        "family_help.allocation_waiting_counts",
        user,
        lambda: (
            WorkRequest.objects.filter(
                kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
                status=WorkRequest.Status.OPEN,
                person__in=person_record_scope(user).values("pk"),
            )
            .order_by()
            .values("urgent")
        ),
    )
    if compiled is None:
        return {"waiting": 0, "urgent": 0}
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(*) FILTER (WHERE waiting.urgent) FROM ({sql}) waiting", params)  # noqa: S608 (the ORM's SQL)  # nosec B608
        waiting, urgent = cursor.fetchone()
    return {"waiting": waiting, "urgent": urgent}


def current_allocation_for_child(*, person: Person) -> Allocation | None:
    """The current allocation of the family this child belongs to now, when Family Help works with it."""
    return (
        Allocation.objects.filter(
            ended_at__isnull=True,
            family_case__members__person=person,
            family_case__members__role=FamilyCaseMember.Role.CHILD,
            family_case__members__end_date__isnull=True,
        )
        .select_related("lead", "family_case")
        .order_by("-started_at", "-id")
        .first()
    )


def allocation_request_get_for_user(*, user: User, request_id: int) -> WorkRequest:
    """One Family Help allocation request (open or handled) for someone who may allocate; 404 otherwise."""
    if not can_allocate(user):
        raise Http404
    try:
        return (
            WorkRequest.objects.filter(
                kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION, person__in=person_record_scope(user).values("pk")
            )
            .select_related("person", "episode", "episode__family_case", "requested_by", "handled_by")
            .annotate(level_name=_current_level_name())
            .get(pk=request_id)
        )
    except (WorkRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request") from None


def allocation_get_for_user(*, user: User, allocation_id: int) -> Allocation:
    """An allocation whose family this user may see; 404 otherwise."""
    from . import family_case_scope

    try:
        return (
            Allocation.objects.select_related("lead", "lead__agency", "family_case", "allocated_by")
            .filter(family_case__in=family_case_scope(user).values("pk"))
            .get(pk=allocation_id)
        )
    except (Allocation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such allocation") from None


# --- practitioners and their caseloads -------------------------------------------------------------------------


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery's rows, as one column (no GROUP BY to get wrong)."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _families_led():
    return SubqueryCount(Allocation.objects.filter(lead=OuterRef("pk"), ended_at__isnull=True).values("pk"))


def _children_led():
    return SubqueryCount(
        EpisodeLead.objects.filter(
            user=OuterRef("pk"), kind=LeadKind.FHLP, ended_at__isnull=True, episode__closed_on__isnull=True
        )
        .values("episode__person_id")
        .distinct()
    )


def practitioners_with_caseloads(*, team_ids: list[int] | None = None) -> QuerySet[User]:
    """Every active Family Help Lead Practitioner, from any agency, with `families` and `children` they lead
    now; only those in the given teams when `team_ids` is given."""
    qs = User.objects.filter(is_active=True, groups__name=Role.FHLP)
    if team_ids is not None:
        qs = qs.filter(teams__in=team_ids)
    return (
        User.objects.filter(pk__in=qs.values("pk"))
        .select_related("agency")
        .annotate(families=_families_led(), children=_children_led())
        .order_by("full_name", "id")
    )


# --- what is due ---------------------------------------------------------------------------------------------


@dataclass
class Due:
    """One thing due for a family: what, when, and whether it is overdue (due before today)."""

    label: str
    due_on: dt.date | None
    overdue: bool = False
    note: str = ""


@dataclass
class FamilyRow:
    family_case: FamilyCase
    role: str
    lead: User | None
    children: list[Person] = field(default_factory=list)
    next_visit: Due | None = None
    next_review: Due | None = None
    actions: list[Action] = field(default_factory=list)
    assessments: list[Due] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        items = [self.next_visit, self.next_review, *self.assessments]
        return sum(1 for d in items if d is not None and d.overdue) + sum(1 for a in self.actions if a.is_overdue)

    @property
    def child_ids(self) -> list[int]:
        return [c.pk for c in self.children]


def _due(label: str, on: dt.date | None, today: dt.date, note: str = "") -> Due:
    return Due(label=label, due_on=on, overdue=on is not None and on < today, note=note)


def my_families(*, user: User, today: dt.date | None = None) -> list[FamilyRow]:
    """The families this user leads, then those where they are in the team around the family, each with what
    is due: the next visit, the next plan review, the user's own open actions and any assessment due."""
    today = today or timezone.localdate()
    led = Allocation.objects.filter(lead=user, ended_at__isnull=True).values("family_case_id")
    taf = TafMember.objects.filter(user=user, removed_at__isnull=True).values("family_case_id")
    # Children only, at least their summary: the team around the family sees the families they are in (the lead's
    # own rows need the whole record, which the lead has).
    visible = person_scope(user, relatives=False).values("pk")
    children_qs = Person.objects.filter(
        family_memberships__role=FamilyCaseMember.Role.CHILD, family_memberships__end_date__isnull=True, pk__in=visible
    ).order_by("date_of_birth", "id")
    families = list(
        FamilyCase.objects.filter(Q(pk__in=led) | Q(pk__in=taf))
        .filter(closed_on__isnull=True)
        .prefetch_related(
            Prefetch(
                "members",
                to_attr="current_children",
                queryset=FamilyCaseMember.objects.filter(
                    role=FamilyCaseMember.Role.CHILD, end_date__isnull=True, person__in=children_qs
                )
                .select_related("person")
                .order_by("person__date_of_birth", "person_id"),
            )
        )
        .order_by("name", "id")
    )
    if not families:
        return []
    ids = [f.pk for f in families]
    leads = {
        a.family_case_id: a
        for a in Allocation.objects.filter(family_case_id__in=ids, ended_at__isnull=True).select_related(
            "lead", "lead__agency"
        )
    }
    taf_roles = dict(
        TafMember.objects.filter(user=user, removed_at__isnull=True, family_case_id__in=ids).values_list(
            "family_case_id", "role"
        )
    )
    child_family = {m.person_id: f.pk for f in families for m in f.current_children}
    last_visit: dict[int, dt.datetime] = {}
    for person_id, when in (
        # A visit whose note the user may not read (its information tags) is not theirs to date either.
        CaseNote.objects.filter(person_id__in=list(child_family), kind=CaseNote.Kind.VISIT)
        .filter(note_tag_filter(user))
        .values("person_id")
        .annotate(last=Max("occurred_at"))
        .values_list("person_id", "last")
    ):
        fid = child_family[person_id]
        if fid not in last_visit or when > last_visit[fid]:
            last_visit[fid] = when
    reviews = dict(
        Plan.objects.filter(family_case_id__in=ids, status=Plan.Status.ACTIVE).values_list(
            "family_case_id", "next_review_on"
        )
    )
    actions = defaultdict(list)
    for action in (
        Action.objects.filter(owner=user, plan__family_case_id__in=ids, status__in=OPEN_ACTION_STATUSES)
        .select_related("plan")
        .order_by("due_on", "id")
    ):
        action.is_overdue = action.due_on < today
        actions[action.plan.family_case_id].append(action)
    assessments = defaultdict(list)
    for assessment in (
        Assessment.objects.filter(family_case_id__in=ids).exclude(status=AssessmentStatus.AUTHORISED).order_by("due_on")
    ):
        assessments[assessment.family_case_id].append(
            _due("Assessment", assessment.due_on, today, assessment.get_status_display())
        )
    every = dt.timedelta(days=FamilyHelpSettings.load().visit_every_days)
    rows = []
    for family in families:
        allocation = leads.get(family.pk)
        is_lead = allocation is not None and allocation.lead_id == user.pk
        row = FamilyRow(
            family_case=family,
            role="Lead practitioner"
            if is_lead
            else f"Team around the family: {taf_roles.get(family.pk, '')}".rstrip(": "),
            lead=allocation.lead if allocation else None,
            children=[m.person for m in family.current_children],
        )
        last = last_visit.get(family.pk)
        if is_lead:
            # With no visit yet, the first is expected within the same gap from the allocation.
            start = timezone.localtime(last).date() if last else timezone.localtime(allocation.started_at).date()
            row.next_visit = _due("Visit", start + every, today, "" if last else "No visit recorded yet")
        if family.pk in reviews:
            row.next_review = _due(
                "Plan review", reviews[family.pk], today, "" if reviews[family.pk] else "No review date set"
            )
        row.actions = actions.get(family.pk, [])
        row.assessments = assessments.get(family.pk, []) if is_lead else []
        rows.append(row)
    rows.sort(key=lambda r: (r.role != "Lead practitioner", r.family_case.name, r.family_case.pk))
    return rows


# --- the team view ----------------------------------------------------------------------------------------------


@dataclass
class OverdueItem:
    practitioner: User | None
    family_case_id: int
    family_name: str
    what: str
    due_on: dt.date


def team_view(*, user: User, team_ids: list[int] | None, today: dt.date | None = None) -> dict:
    """A manager's view: each practitioner's caseload (families, children, qualification, agency) with counts of
    their overdue items, and the overdue items themselves (assessments, plan reviews, actions, supervision)."""
    if not policy.may(user, MANAGE_TEAM):
        raise Http404
    today = today or timezone.localdate()
    led = {"family_case__fh_allocations__lead": OuterRef("pk"), "family_case__fh_allocations__ended_at__isnull": True}
    practitioners = list(
        practitioners_with_caseloads(team_ids=team_ids).annotate(
            overdue_assessments=SubqueryCount(
                Assessment.objects.filter(due_on__lt=today, **led)
                .exclude(status=AssessmentStatus.AUTHORISED)
                .values("pk")
            ),
            overdue_reviews=SubqueryCount(
                Plan.objects.filter(status=Plan.Status.ACTIVE, next_review_on__lt=today, **led).values("pk")
            ),
            overdue_actions=SubqueryCount(
                Action.objects.filter(owner=OuterRef("pk"), due_on__lt=today, status__in=OPEN_ACTION_STATUSES).values(
                    "pk"
                )
            ),
            supervision_due=Subquery(
                Supervision.objects.filter(practitioner=OuterRef("pk"))
                .order_by("-held_on", "-id")
                .values("next_due_on")[:1]
            ),
            ever_supervised=Exists(Supervision.objects.filter(practitioner=OuterRef("pk"))),
        )
    )
    ids = [p.pk for p in practitioners]
    by_id = {p.pk: p for p in practitioners}
    for p in practitioners:
        p.supervision_overdue = p.supervision_due is not None and p.supervision_due < today
    allocations = {
        a.family_case_id: a
        for a in Allocation.objects.filter(lead_id__in=ids, ended_at__isnull=True).select_related("family_case")
    }
    items: list[OverdueItem] = []
    for a in Assessment.objects.filter(family_case_id__in=list(allocations), due_on__lt=today).exclude(
        status=AssessmentStatus.AUTHORISED
    ):
        alloc = allocations[a.family_case_id]
        items.append(
            OverdueItem(
                by_id[alloc.lead_id],
                a.family_case_id,
                alloc.family_case.name,
                f"Assessment ({a.get_status_display().lower()})",
                a.due_on,
            )
        )
    for plan in Plan.objects.filter(
        family_case_id__in=list(allocations), status=Plan.Status.ACTIVE, next_review_on__lt=today
    ):
        alloc = allocations[plan.family_case_id]
        items.append(
            OverdueItem(
                by_id[alloc.lead_id], plan.family_case_id, alloc.family_case.name, "Plan review", plan.next_review_on
            )
        )
    for action in Action.objects.filter(
        owner_id__in=ids, status__in=OPEN_ACTION_STATUSES, due_on__lt=today
    ).select_related("plan__family_case"):
        items.append(
            OverdueItem(
                by_id[action.owner_id],
                action.plan.family_case_id,
                action.plan.family_case.name,
                f"Action: {action.description[:80]}",
                action.due_on,
            )
        )
    for p in practitioners:
        if p.supervision_overdue:
            items.append(OverdueItem(p, 0, "", "Supervision", p.supervision_due))
    items.sort(key=lambda i: (i.due_on, i.family_name))
    return {"practitioners": practitioners, "overdue": items, "family_ids": list(allocations), "today": today}


def family_history(*, family_case: FamilyCase) -> list[Allocation]:
    """Every lead the family has had, newest first."""
    return list(
        Allocation.objects.filter(family_case=family_case)
        .select_related("lead", "lead__agency", "allocated_by")
        .order_by("-started_at", "-id")
    )


def family_children_detail(*, family_case: FamilyCase, user: User) -> list[dict]:
    """The family's children this user may see, each with their open (or latest) episode's dates and level."""
    from . import family_children

    children = family_children(family_case=family_case, user=user)
    episodes: dict[int, Episode] = {}
    for episode in (
        Episode.objects.filter(person__in=children)
        .prefetch_related(
            Prefetch("levels", queryset=EpisodeLevel.objects.select_related("level").order_by("started_at", "id"))
        )
        .order_by("person_id", "closed_on", "-opened_on")
    ):
        # An open episode first (closed_on NULL sorts last ascending, so prefer it explicitly).
        kept = episodes.get(episode.person_id)
        if kept is None or (kept.closed_on is not None and episode.closed_on is None):
            episodes[episode.person_id] = episode
    today = timezone.localdate()
    rows = []
    for child in children:
        episode = episodes.get(child.pk)
        levels = list(episode.levels.all()) if episode else []
        current = next((lv for lv in levels if lv.ended_at is None), None)
        rows.append(
            {
                "person": child,
                "age": child.age_on(today),
                "episode": episode,
                "level": current.level if current else None,
                "levels": levels,
            }
        )
    return rows


def allocation_get(*, allocation_id: int) -> Allocation:
    """An allocation as saved now (after a change by this user, whose scope was checked first)."""
    return Allocation.objects.select_related("lead", "lead__agency", "family_case", "allocated_by").get(
        pk=allocation_id
    )


def children_of_families(*, family_ids, current_only: bool = True) -> list[int]:
    """The ids of the current children of these families (what a list of families shows, for the read audit);
    with `current_only=False`, every child they ever had."""
    members = FamilyCaseMember.objects.filter(family_case_id__in=family_ids, role=FamilyCaseMember.Role.CHILD)
    if current_only:
        members = members.filter(end_date__isnull=True)
    return list(members.values_list("person_id", flat=True).distinct())
