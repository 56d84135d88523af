"""The only module that imports guardian. Object permissions on Person follow Involvement, at two levels
(cases.policy): the whole record (view_person, change_person: the lead practitioner, MACPT, FGDM) and the summary
(view_person_summary: the team around the family).

Two scopes, one for each level, and every read goes through one of them:
- `person_record_scope(user)`: the whole record. The record page and its sections, the chronology, case notes,
  assessments, the family network, search, the people API, the record's exports and PDFs, Family Help's pages.
- `person_scope(user)`: at least the summary. The family's plan and its team around the family (the summary level's
  surfaces: cases.selectors.families with `record=False`), and the adults of a family whose record is open.
"""

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from . import policy
from .kept import Kept
from .models import (
    ACCESS_GRANTING_ROLES,
    BreakGlass,
    Involvement,
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Relationship,
    RestrictedAccess,
    User,
)

VIEW_PERSON = "cases.view_person"
CHANGE_PERSON = "cases.change_person"
VIEW_PERSON_SUMMARY = "cases.view_person_summary"
# Which involvements grant which object permission (the levels are cases.policy's).
_GRANTS = (
    ("view_person", policy.RECORD_INVOLVEMENTS),
    ("change_person", policy.RECORD_INVOLVEMENTS),
    ("view_person_summary", policy.SUMMARY_INVOLVEMENTS),
)


def _signed_in(user: User) -> bool:
    return user.is_authenticated and user.is_active


def is_council_wide(user: User) -> bool:
    return _signed_in(user) and user.has_role(*policy.COUNCIL_WIDE_ROLES) and not (user.roles <= policy.NEVER)


def may_read_records(user: User) -> bool:
    """Whether this user's roles can open a child's whole record at all (involved or council-wide): not an
    administrator, not a partner referrer who only refers, not a user with no role."""
    return _signed_in(user) and not (user.roles <= policy.NO_RECORD)


def restricted_access_in_force(**filters) -> QuerySet:
    """Access-list entries still in force: no expiry, or one still ahead by the DATABASE's clock (Now()), so a
    scope built once and kept (_built) stops opening the record the moment the entry expires."""
    return RestrictedAccess.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()), **filters)


def may_break_glass(user: User) -> bool:
    """Whether this user may search the whole council with a reason and break glass into a record (cases.policy)."""
    return _signed_in(user) and policy.may_break_glass(user.roles, user.agency_type)


def _break_glass_people(user: User) -> QuerySet:
    """The children this user holds an active break-glass grant for, as a subquery read when the scope's query runs
    (the database's now(): a cached scope stays right as grants start and expire). Never a restricted record: a
    grant does not open what the named list closes."""
    return BreakGlass.objects.active().filter(user=user, person__restricted=False).values("person_id")


def _restriction_filter(user: User) -> Q:
    # Subqueries, not joins: a join would repeat a person once per access-list row.
    return Q(restricted=False) | Q(pk__in=restricted_access_in_force(user=user).values("person_id"))


def _granted(user: User, *perms: str) -> QuerySet:
    # with_superuser=False: a superuser's flag is for the admin site, not a key to every child. A subquery: no query
    # runs here. Several permissions are one subquery (any of them): OR-ing one subquery per permission made the
    # planner expect most of the people table and scan it in date-of-birth order (2 s on "My families" at large-la).
    return get_objects_for_user(
        user, list(perms), klass=Person, any_perm=True, accept_global_perms=False, with_superuser=False
    ).values("pk")


def scope_key(user: User) -> tuple:
    """Everything a scope's query is built from, besides constants: the user's id, whether they are active, their
    roles, their agency's type (whether they may break glass), today's date (the adult relatives' age) and the
    content type the permission rows name. Their grants (break-glass grants too), teams and the records' restrictions
    are read by the query itself when it runs, so two scopes with the same key are the same query, however much the
    data has changed in between."""
    return (
        user.pk,
        user.is_active,
        user.roles,
        user.agency_type,
        _today(),
        ContentType.objects.get_for_model(Person).pk,
    )


# Built scopes, by key and level, kept in the process: building one cost more than running it (the family plan page
# built four, each with guardian's permission subqueries: a quarter of the page's time). A QuerySet is lazy, and
# each caller gets its own copy (.all()), so nothing here holds or shares a result.
_built: Kept[QuerySet] = Kept(max_entries=2048)


def _scope(user: User, qs, *, summary: bool, ignore_restriction: bool, relatives: bool) -> QuerySet:
    if qs is not None or not _signed_in(user):
        return _build_scope(user, qs, summary=summary, ignore_restriction=ignore_restriction, relatives=relatives)
    built = _built.get(
        (*scope_key(user), summary, ignore_restriction, relatives),
        lambda: _build_scope(user, None, summary=summary, ignore_restriction=ignore_restriction, relatives=relatives),
    )
    return built.all()


def _build_scope(user: User, qs, *, summary: bool, ignore_restriction: bool, relatives: bool) -> QuerySet:
    base = Person.objects.filter(merged_into__isnull=True) if qs is None else qs.filter(merged_into__isnull=True)
    if not _signed_in(user) or user.roles <= policy.NEVER:
        return base.none()
    records = may_read_records(user)
    if not records and not summary:
        return base.none()
    if not (records and is_council_wide(user)):
        granted = _granted(user, VIEW_PERSON)
        reached = _granted(user, VIEW_PERSON, VIEW_PERSON_SUMMARY) if summary else granted
        if records and may_break_glass(user):
            # The children of their own active break-glass grants, in the same one subquery (a UNION, not an OR of
            # two subqueries, which the planner reads as most of the people table). Not their relatives: the grant
            # opens the one child's record.
            reached = reached.union(_break_glass_people(user))
        visible = Q(pk__in=reached)
        if records and relatives:
            # The adults in an open record's family network: their parents and carers appear on the child's record,
            # so their own records open too. Not through the summary: a team member sees the people in the plan.
            adult_born_by = _today() - relativedelta(years=18)
            # From the children whose record they may open: a restricted child off their list opens no relative.
            opened = (
                granted
                if ignore_restriction
                else Person.objects.filter(_restriction_filter(user), pk__in=granted).values("pk")
            )
            related = Relationship.objects.filter(Q(to_person__in=opened) | Q(from_person__in=opened))
            visible |= Q(date_of_birth__lte=adult_born_by) & (
                Q(pk__in=related.values("from_person_id")) | Q(pk__in=related.values("to_person_id"))
            )
        base = base.filter(visible)
    if not ignore_restriction:
        base = base.filter(_restriction_filter(user))
    return base


def person_record_scope(
    user: User, qs: QuerySet[Person] | None = None, *, ignore_restriction: bool = False, relatives: bool = True
) -> QuerySet:
    """Every person whose WHOLE record this user may see. Merged-away records are never in scope.

    Council-wide roles: everyone. Anyone else whose roles can read records (may_read_records): the people they (or
    their teams) hold view_person on through a whole-record involvement, and the adults in those children's family
    network. Brothers and sisters are not opened by a relationship: each child is reached through their own
    involvement. Administrators and partner referrers who only refer: no one.

    `relatives=False` leaves the adult relatives out: the same answer for children, with a much simpler
    query, for callers that only ever ask about children (a family's children, a caseload)."""
    return _scope(user, qs, summary=False, ignore_restriction=ignore_restriction, relatives=relatives)


def person_scope(
    user: User, qs: QuerySet[Person] | None = None, *, ignore_restriction: bool = False, relatives: bool = True
) -> QuerySet:
    """Every person this user may see AT LEAST the summary of: person_record_scope, and the children of the families
    whose team around the family they are in (view_person_summary). The summary level's surfaces (the family's plan)
    read through this; everything else about a child reads through person_record_scope."""
    return _scope(user, qs, summary=True, ignore_restriction=ignore_restriction, relatives=relatives)


def can_edit_person(user: User, person: Person) -> bool:
    """Edit needs the whole record first (callers 404 otherwise), then an editing role or an involvement grant."""
    if not may_read_records(user):
        return False
    if person.restricted and not restricted_access_in_force(person=person, user=user).exists():
        return False
    if user.has_role(*policy.COUNCIL_WIDE_EDITORS):
        return True
    if not user.has_role(*policy.INVOLVED_EDITORS):
        return False
    # Read the permission rows directly: guardian's get_perms gives a superuser every permission.
    return (
        PersonUserObjectPermission.objects.filter(
            content_object=person, user=user, permission__codename="change_person"
        ).exists()
        or PersonGroupObjectPermission.objects.filter(
            content_object=person, group__in=user.groups.all(), permission__codename="change_person"
        ).exists()
    )


def person_permissions_sync(person: Person) -> None:
    """Make the person's object permissions match their active access-granting involvements: view and change
    for a whole-record involvement, the summary for a team-around-the-family one (policy's levels).

    Idempotent: computes who should hold each permission and adds or removes the difference, so an ended
    involvement (or one whose level changed) loses access on the very next request."""
    active = list(
        Involvement.objects.active()
        .filter(person=person, role__in=ACCESS_GRANTING_ROLES)
        .exclude(user=None, team__group=None)
        .values_list("role", "user_id", "team__group_id")
    )
    held = {(codename, user_id, None) for codename, user_id in _held(PersonUserObjectPermission, person, "user_id")}
    held |= {
        (codename, None, group_id) for codename, group_id in _held(PersonGroupObjectPermission, person, "group_id")
    }
    wanted = {
        (codename, user_id, None if user_id else group_id)
        for codename, roles in _GRANTS
        for role, user_id, group_id in active
        if role in roles
    }
    users = {u.pk: u for u in User.objects.filter(pk__in={k[1] for k in wanted ^ held if k[1]})}
    groups = {g.pk: g for g in Group.objects.filter(pk__in={k[2] for k in wanted ^ held if k[2]})}
    for change, keys in ((assign_perm, wanted - held), (remove_perm, held - wanted)):
        for codename, user_id, group_id in sorted(keys, key=str):
            change(codename, users[user_id] if user_id else groups[group_id], person)


def _held(model, person: Person, holder: str) -> list[tuple[str, int]]:
    return list(
        model.objects.filter(content_object=person, permission__codename__in=[c for c, _ in _GRANTS]).values_list(
            "permission__codename", holder
        )
    )


def _today():
    return timezone.localdate()
