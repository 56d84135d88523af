"""The LCPP's oversight of every child in child protection (issue 14 item 9): each child in an open s47 enquiry or on a
child protection plan, with the next item due from the strand's deadlines (macpt.services.deadlines) and its RAG.

Scoped through the record's scope (cases.permissions.person_record_scope): the roles that oversee are council-wide,
so they reach every child; a restricted child off the user's named list is kept on the list, unnamed, so no child in
child protection drops off the oversight (cases.web.restricted). The page's queries do not grow with its rows: the
children in one query (sorted by their next due time, in SQL), then one query each for the page's enquiries, plans, open
deadlines and restricted names."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.models import Deadline, Involvement, InvolvementRole, Person, Team, User
from cases.permissions import person_record_scope
from cases.selectors import people_restricted_for_user
from cases.selectors.deadlines import Rag

from ..models import ChildProtectionPlan, S47Enquiry, StrategyDiscussion
from ..services.deadlines import PREFIX, TIMESCALES


def _open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(state=Deadline.State.OPEN, kind__startswith=PREFIX)


def _about_child():
    """ARRAY[<the outer child's id>], for `person_ids @> ARRAY[id]` in a subquery."""
    return Func(OuterRef("pk"), template="ARRAY[%(expressions)s]", output_field=ArrayField(BigIntegerField()))


def _open_enquiries() -> QuerySet[S47Enquiry]:
    return S47Enquiry.objects.filter(ended_on__isnull=True)


def _open_plans() -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(end_date__isnull=True)


def in_child_protection() -> Q:
    """A child in an open s47 enquiry or on an open child protection plan. One set of ids (a UNION), so the database
    reads the few children in child protection by key instead of testing every person twice."""
    return Q(
        pk__in=_open_enquiries().order_by().values("person_id").union(_open_plans().order_by().values("person_id"))
    )


def macpt_teams() -> QuerySet[Team]:
    """The teams the dashboard filters by: the MACPTs, multi-agency teams that hold strategy discussions or work
    with a child (a front door may be multi-agency too, and is no MACPT)."""
    return Team.objects.filter(
        Q(Exists(StrategyDiscussion.objects.filter(team=OuterRef("pk"))))
        | Q(Exists(Involvement.objects.active().filter(team=OuterRef("pk"), role=InvolvementRole.MACPT_MEMBER))),
        multi_agency=True,
    ).order_by("name")


def _with_team(team_id: int) -> Q:
    """The children a MACPT works with: its active involvement, an enquiry it holds, or a plan its conference made."""
    return (
        Q(
            Exists(
                Involvement.objects.active().filter(
                    person=OuterRef("pk"), team_id=team_id, role=InvolvementRole.MACPT_MEMBER
                )
            )
        )
        | Q(Exists(_open_enquiries().filter(person=OuterRef("pk"), team_id=team_id)))
        | Q(Exists(_open_plans().filter(person=OuterRef("pk"), conference__team_id=team_id)))
    )


def oversight_children(*, user: User, team_id: int | None = None) -> QuerySet[Person]:
    """Every child in child protection this user oversees (restricted children included: callers show them unnamed),
    soonest next item first (overdue first), then those with nothing due, by name."""
    qs = person_record_scope(user, ignore_restriction=True, relatives=False).filter(in_child_protection())
    if team_id is not None:
        qs = qs.filter(_with_team(team_id))
    next_due = _open_deadlines().filter(person_ids__contains=_about_child()).order_by("due_at", "id")
    return qs.annotate(next_due_at=Subquery(next_due.values("due_at")[:1])).order_by(
        F("next_due_at").asc(nulls_last=True), "last_name", "first_name", "id"
    )


@dataclass
class OversightRow:
    """One child on the dashboard."""

    person: Person
    hidden: bool  # restricted, and the user is not on its list: shown unnamed, with no link
    enquiry: S47Enquiry | None = None
    plan: ChildProtectionPlan | None = None
    team: Team | None = None
    next_due: Deadline | None = None
    next_name: str = ""
    next_link: str = ""  # the item's page (set by the page, for a child it names)
    next_due_on: dt.date | None = None  # the day it falls due (London time; a limit at midnight ends the day before)
    rag: Rag | None = None
    more_due: int = 0  # open items after the next one
    overdue: int = 0  # open items past their time, the next one included
    deadlines: list[Deadline] = field(default_factory=list)


def deadline_rag(deadline: Deadline, now: dt.datetime) -> Rag:
    """Red once its time has passed, amber from its reminder, green before (one rule for every kind)."""
    if deadline.due_at <= now:
        return Rag.RED
    if deadline.warn_at is not None and deadline.warn_at <= now:
        return Rag.AMBER
    return Rag.GREEN


def oversight_rows(*, user: User, people: list[Person], now: dt.datetime | None = None) -> list[OversightRow]:
    """The page's children with their enquiry, team and open items (a constant number of queries)."""
    now = now or timezone.now()
    ids = [p.pk for p in people]
    hidden = people_restricted_for_user(user=user, people=people)
    enquiries = {e.person_id: e for e in _open_enquiries().filter(person_id__in=ids).select_related("lead", "team")}
    plans = {p.person_id: p for p in _open_plans().filter(person_id__in=ids).select_related("conference__team")}
    by_child: dict[int, list[Deadline]] = {pk: [] for pk in ids}
    if ids:
        for deadline in _open_deadlines().filter(person_ids__overlap=ids).order_by("due_at", "id"):
            for pk in deadline.person_ids:
                if pk in by_child:
                    by_child[pk].append(deadline)
    rows = []
    for person in people:
        enquiry, plan = enquiries.get(person.pk), plans.get(person.pk)
        items = by_child[person.pk]
        row = OversightRow(
            person=person,
            hidden=person.pk in hidden,
            enquiry=enquiry,
            plan=plan,
            team=(plan.conference.team if plan else None) or (enquiry.team if enquiry else None),
            deadlines=items,
            more_due=max(len(items) - 1, 0),
            overdue=sum(1 for d in items if d.due_at <= now),
        )
        if items:
            row.next_due = items[0]
            timescale = TIMESCALES.get(items[0].kind)
            row.next_name = timescale.name if timescale else items[0].label
            row.next_due_on = timezone.localtime(items[0].due_at - dt.timedelta(microseconds=1)).date()
            row.rag = deadline_rag(items[0], now)
        rows.append(row)
    return rows


def oversight_counts(*, user: User, now: dt.datetime | None = None) -> dict[str, int]:
    """The home page's panel: how many children, and how many with an item overdue or due soon (counts only, no
    names: not a read of anyone's record). One query."""
    now = now or timezone.now()
    mine = _open_deadlines().filter(person_ids__contains=_about_child())
    counts = (
        person_record_scope(user, ignore_restriction=True, relatives=False)
        .filter(in_child_protection())
        .annotate(late=Exists(mine.filter(due_at__lte=now)), soon=Exists(mine.filter(warn_at__lte=now)))
        .aggregate(
            children=Count("id"),
            overdue=Count("id", filter=Q(late=True)),
            due_soon=Count("id", filter=Q(late=False, soon=True)),
        )
    )
    return {key: counts[key] or 0 for key in ("children", "overdue", "due_soon")}
