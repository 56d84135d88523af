"""Reads for the continuum of need (levels, CIN plan periods, visits and notes) and for supervision.

Who may move a family along the continuum: its current Family Help Lead Practitioner, a manager, or an LCPP
(who hands a family back from child protection). A team-around-the-family member may see the family but
not step it up, down or close it. Supervision records are read only by managers and the supervised
practitioner; to anyone else they do not exist (404).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from cases import policy
from cases.models import (
    CaseNote,
    CensusMeaning,
    CinPlanPeriod,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCase,
    LeadKind,
    NeedLevel,
    Person,
    Plan,
    Role,
    User,
    WorkRequest,
)
from cases.selectors import case_notes_for_children

from ..models import Allocation, Supervision
from ..permissions import CHANGE_ANY_CONTINUUM, CHANGE_LED_CONTINUUM, MANAGE_TEAM
from . import family_children
from .allocation import children_of_families

# The levels a page offers, by their fixed census meaning (councils may rename the levels themselves).
EARLY_HELP, CHILD_IN_NEED, CHILD_PROTECTION, UNIVERSAL = (
    CensusMeaning.EARLY_HELP,
    CensusMeaning.CHILD_IN_NEED,
    CensusMeaning.CHILD_PROTECTION,
    CensusMeaning.UNIVERSAL,
)


def level_for(meaning: str) -> NeedLevel:
    """The council's active level with this census meaning (the lowest-ranked one if there are several)."""
    level = NeedLevel.objects.filter(census_meaning=meaning, active=True).order_by("rank").first()
    if level is None:
        raise NeedLevel.DoesNotExist(f"No active level of need means {meaning}")
    return level


def family_lead_ids(*, family_case: FamilyCase) -> set[int]:
    """The family's current lead practitioner(s): the current allocation and any open FHLP lead on its episodes."""
    ids = set(
        Allocation.objects.filter(family_case=family_case, ended_at__isnull=True).values_list("lead_id", flat=True)
    )
    ids |= set(
        EpisodeLead.objects.filter(
            episode__family_case=family_case, episode__closed_on__isnull=True, kind=LeadKind.FHLP, ended_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return ids


def can_change_continuum(*, user: User, family_case: FamilyCase) -> bool:
    """May step this family up or down, change its level or close it (the caller has already checked scope)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if policy.may(user, CHANGE_ANY_CONTINUUM):
        return True
    return policy.may(user, CHANGE_LED_CONTINUUM) and user.pk in family_lead_ids(family_case=family_case)


# Child protection work on a child: at one of these levels, or an open request of one of these kinds about them.
CHILD_PROTECTION_MEANINGS = frozenset({CHILD_PROTECTION, CensusMeaning.PRE_PROCEEDINGS})
CHILD_PROTECTION_REQUESTS = (WorkRequest.Kind.STRATEGY_DISCUSSION, WorkRequest.Kind.EMERGENCY_ACTION)
LCPP_ONLY_MESSAGE = (
    "{names}: only a Lead Child Protection Practitioner (LCPP) can step a child down from child protection or "
    "close their episode while child protection work is open ({why})"
)


def may_step_down_child_protection(user: User) -> bool:
    """The LCPP's decision (cases.policy STEP_DOWN_CHILD_PROTECTION), never any Family Help lead's or manager's."""
    return user.is_authenticated and user.is_active and policy.may(user, policy.STEP_DOWN_CHILD_PROTECTION)


def child_protection_work(*, episodes) -> dict[int, str]:
    """episode id -> what child protection work is open on it (its level is child protection or pre-proceedings,
    or a strategy-discussion or emergency-action request about the child is open), for the episodes that have
    some. Two queries whatever the number of episodes."""
    episodes = list(episodes)
    if not episodes:
        return {}
    work: dict[int, list[str]] = {}
    for row in EpisodeLevel.objects.filter(
        episode__in=episodes, ended_at__isnull=True, level__census_meaning__in=CHILD_PROTECTION_MEANINGS
    ).select_related("level"):
        work.setdefault(row.episode_id, []).append(f"at {row.level.name}")
    by_person = {e.person_id: e.pk for e in episodes}
    for person_id, kind in (
        WorkRequest.objects.filter(
            person_id__in=list(by_person), status=WorkRequest.Status.OPEN, kind__in=CHILD_PROTECTION_REQUESTS
        )
        .order_by("kind")
        .values_list("person_id", "kind")
        .distinct()
    ):
        work.setdefault(by_person[person_id], []).append(f"an open {WorkRequest.Kind(kind).label.lower()} request")
    return {pk: " and ".join(reasons) for pk, reasons in work.items()}


def child_protection_locked(*, user: User, rows: list["ChildContinuum"]) -> dict[int, str]:
    """person id -> why this user may not step the child down or close their episode (an empty dict for an
    LCPP): the pages offer these children to nobody else."""
    if may_step_down_child_protection(user):
        return {}
    episodes = [r.episode for r in rows if r.episode is not None]
    work = child_protection_work(episodes=episodes)
    return {e.person_id: work[e.pk] for e in episodes if e.pk in work}


def open_episodes(*, family_case: FamilyCase, children: list[Person] | None = None) -> dict[int, Episode]:
    """person id -> the child's open episode in this family."""
    qs = Episode.objects.filter(family_case=family_case, closed_on__isnull=True).select_related("person")
    if children is not None:
        qs = qs.filter(person__in=children)
    return {e.person_id: e for e in qs}


def current_levels(*, episodes) -> dict[int, EpisodeLevel]:
    """episode id -> its current EpisodeLevel (with the level)."""
    return {
        el.episode_id: el
        for el in EpisodeLevel.objects.filter(episode__in=list(episodes), ended_at__isnull=True).select_related("level")
    }


def continuum_state(*, family_case: FamilyCase) -> str:
    """A token for "the family's levels as this page showed them": the current level rows of its open episodes,
    and its current lead practitioner's allocation. A form carries it, so a change made meanwhile by someone else is
    refused instead of silently overridden: a close decided before the family was handed to a new lead is refused
    (412) rather than closing the new lead's family under them (B23: close against transfer, exactly one wins)."""
    ids = (
        EpisodeLevel.objects.filter(
            episode__family_case=family_case, episode__closed_on__isnull=True, ended_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lead = (
        Allocation.objects.filter(family_case=family_case, ended_at__isnull=True).values_list("pk", flat=True).first()
    )
    return ("-".join(str(i) for i in ids) or "none") + (f"@{lead}" if lead else "")


@dataclass
class ChildContinuum:
    """One child's place on the continuum, for the family page's panel, the forms and the API."""

    person: Person
    episode: Episode | None
    level: NeedLevel | None = None
    history: list[EpisodeLevel] = field(default_factory=list)
    cin_periods: list[CinPlanPeriod] = field(default_factory=list)
    last_closed: Episode | None = None

    @property
    def meaning(self) -> str:
        return self.level.census_meaning if self.level else ""

    @property
    def label(self) -> str:
        if self.level is None:
            return f"{self.person.full_name} (closed)"
        return f"{self.person.full_name} ({self.level.name})"


def family_continuum(*, family_case: FamilyCase, user: User | None = None) -> list[ChildContinuum]:
    """Every current child of the family (that the user may see) with their episode in this family: its
    dated level history and CIN plan periods. A fixed number of queries whatever the family's size."""
    children = family_children(family_case=family_case, user=user)
    episodes = list(
        Episode.objects.filter(family_case=family_case, person__in=children).order_by("person_id", "-opened_on", "-id")
    )
    open_by_child = {e.person_id: e for e in episodes if e.closed_on is None}
    closed_by_child: dict[int, Episode] = {}
    for e in episodes:
        if e.closed_on is not None:
            closed_by_child.setdefault(e.person_id, e)
    shown = [open_by_child.get(c.pk) or closed_by_child.get(c.pk) for c in children]
    shown_ids = [e.pk for e in shown if e is not None]
    history: dict[int, list[EpisodeLevel]] = {}
    for row in (
        EpisodeLevel.objects.filter(episode_id__in=shown_ids)
        .select_related("level", "changed_by")
        .order_by("started_at", "id")
    ):
        history.setdefault(row.episode_id, []).append(row)
    periods: dict[int, list[CinPlanPeriod]] = {}
    for row in CinPlanPeriod.objects.filter(episode_id__in=shown_ids).order_by("start_date", "id"):
        periods.setdefault(row.episode_id, []).append(row)
    rows = []
    for child, episode in zip(children, shown, strict=True):
        rows.append(
            ChildContinuum(
                person=child,
                episode=episode if episode is not None and episode.closed_on is None else None,
                level=next((h.level for h in history.get(episode.pk, []) if h.ended_at is None), None)
                if episode
                else None,
                history=history.get(episode.pk, []) if episode else [],
                cin_periods=periods.get(episode.pk, []) if episode else [],
                last_closed=episode if episode is not None and episode.closed_on is not None else None,
            )
        )
    return rows


def family_plan(*, family_case: FamilyCase) -> Plan | None:
    return Plan.objects.filter(family_case=family_case).first()


def family_notes(*, family_case: FamilyCase, user: User, limit: int = 5) -> list[CaseNote]:
    """The latest final notes and visits about the family's children that the user may see, with their own
    drafts (a draft is its author's alone)."""
    children = family_children(family_case=family_case, user=user)
    return list(
        case_notes_for_children(user=user, children=children)
        .select_related("person", "author")
        .order_by("-occurred_at", "-id")[:limit]
    )


# --- supervision ---------------------------------------------------------------------------------------


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and policy.may(user, MANAGE_TEAM)


def practitioners(*, excluding: User | None = None) -> QuerySet[User]:
    """Family Help Lead Practitioners: active users with the FHLP role (but `excluding`), by name."""
    qs = User.objects.filter(groups__name=Role.FHLP, is_active=True).select_related("agency").distinct()
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk).order_by("full_name")
    return qs


def supervision_scope(user: User) -> QuerySet[Supervision]:
    """Every supervision record for a manager; a practitioner's own for them; nothing for anyone else."""
    qs = Supervision.objects.select_related("practitioner", "practitioner__agency", "supervisor", "family_case")
    if is_manager(user):
        return qs
    if user.is_authenticated and user.is_active:
        return qs.filter(practitioner=user)
    return qs.none()


def supervision_get_for_user(*, user: User, supervision_id: int, with_actions: bool = False) -> Supervision:
    """404 whether missing or not the user's to read."""
    qs = supervision_scope(user)
    if with_actions:
        qs = qs.prefetch_related("actions", "actions__owner")
    try:
        return qs.get(pk=supervision_id)
    except (Supervision.DoesNotExist, ValueError, TypeError):
        raise Http404("No such supervision") from None


def supervision_list_for_user(*, user: User, practitioner_id: int | None = None) -> QuerySet[Supervision]:
    """The supervision records this user may read (of one practitioner), with their actions."""
    qs = supervision_scope(user).prefetch_related("actions", "actions__owner")
    return qs.filter(practitioner_id=practitioner_id) if practitioner_id else qs


def supervision_child_ids(records) -> list[int]:
    """Every child ever in the families these supervisions discussed (what a supervision page shows, for the
    read audit)."""
    return children_of_families(family_ids={r.family_case_id for r in records if r.family_case_id}, current_only=False)


def supervision_action_get(*, record: Supervision, action_id: int):
    return record.actions.filter(pk=action_id).first()


def practitioner_get(*, practitioner_id: int) -> User | None:
    return practitioners().filter(pk=practitioner_id).first()


@dataclass
class SupervisionDue:
    practitioner: User
    last_held_on: dt.date | None
    next_due_on: dt.date | None
    overdue_days: int | None  # None: on time; otherwise days overdue (0 when never held)

    @property
    def never_held(self) -> bool:
        return self.last_held_on is None

    @property
    def overdue(self) -> bool:
        return self.never_held or (self.next_due_on is not None and self.next_due_on < timezone.localdate())


def supervision_frequency(
    *, practitioner_ids: list[int] | None = None, overdue_only: bool = False, today: dt.date | None = None
) -> list[SupervisionDue]:
    """Each practitioner's last supervision and when the next is due, in one query: never held first, then
    the longest overdue."""
    today = today or timezone.localdate()
    latest = Supervision.objects.filter(practitioner=OuterRef("pk")).order_by("-held_on", "-id")
    qs = practitioners().annotate(
        last_held_on=Max("fh_supervisions__held_on"), next_due=Subquery(latest.values("next_due_on")[:1])
    )
    if practitioner_ids is not None:
        qs = qs.filter(pk__in=practitioner_ids)
    if overdue_only:
        qs = qs.filter(Q(next_due__isnull=True) | Q(next_due__lt=today))
    rows = []
    for user in qs.order_by(F("next_due").asc(nulls_first=True), "full_name", "id"):
        overdue = None
        if user.next_due is None:
            overdue = 0
        elif user.next_due < today:
            overdue = (today - user.next_due).days
        rows.append(
            SupervisionDue(
                practitioner=user, last_held_on=user.last_held_on, next_due_on=user.next_due, overdue_days=overdue
            )
        )
    return rows


def practitioner_families(*, practitioner: User) -> QuerySet[FamilyCase]:
    """The families this practitioner leads now or has led (the ones case supervision can be about)."""
    return FamilyCase.objects.filter(
        Exists(Allocation.objects.filter(family_case=OuterRef("pk"), lead=practitioner))
    ).order_by("name", "id")


def supervisable_families() -> QuerySet[FamilyCase]:
    """Families with a current lead practitioner (the supervision form's choices)."""
    return FamilyCase.objects.filter(
        Exists(Allocation.objects.filter(family_case=OuterRef("pk"), ended_at__isnull=True))
    ).order_by("name", "id")
