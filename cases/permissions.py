"""The only module that imports guardian. Object permissions on Person follow Involvement."""

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from . import policy
from .models import (
    ACCESS_GRANTING_ROLES,
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
_CODENAMES = ("view_person", "change_person")


def is_council_wide(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role(*policy.COUNCIL_WIDE_ROLES)
        and not (user.roles <= policy.NEVER)
    )


def _restriction_filter(user: User) -> Q:
    # Subqueries, not joins: a join would repeat a person once per access-list row.
    return Q(restricted=False) | Q(pk__in=RestrictedAccess.objects.filter(user=user).values("person_id"))


def person_scope(
    user: User, qs: QuerySet[Person] | None = None, *, ignore_restriction: bool = False, relatives: bool = True
) -> QuerySet:
    """Every person this user may see. Merged-away records are never in scope.

    Council-wide roles: everyone. Anyone else: the people they (or their teams) hold view_person on
    through an involvement, and the adults in those children's family network (their parents and
    carers appear on the child's record, so their own records open too). Brothers and sisters are
    not opened by a relationship: each child is reached through their own involvement.

    `relatives=False` leaves the adult relatives out: the same answer for children, with a much simpler
    query, for callers that only ever ask about children (a family's children, a caseload)."""
    base = Person.objects.filter(merged_into__isnull=True) if qs is None else qs.filter(merged_into__isnull=True)
    if not user.is_authenticated or not user.is_active or user.roles <= policy.NEVER:
        return base.none()
    if not is_council_wide(user):
        # with_superuser=False: a superuser's flag is for the admin site, not a key to every child.
        granted = get_objects_for_user(
            user, VIEW_PERSON, klass=Person, accept_global_perms=False, with_superuser=False
        ).values("pk")
        if not relatives:
            base = base.filter(pk__in=granted)
        else:
            adult_born_by = _today() - relativedelta(years=18)
            related = Relationship.objects.filter(Q(to_person__in=granted) | Q(from_person__in=granted))
            base = base.filter(
                Q(pk__in=granted)
                | (
                    Q(date_of_birth__lte=adult_born_by)
                    & (Q(pk__in=related.values("from_person_id")) | Q(pk__in=related.values("to_person_id")))
                )
            )
    if not ignore_restriction:
        base = base.filter(_restriction_filter(user))
    return base


def can_edit_person(user: User, person: Person) -> bool:
    """Edit needs scope first (callers 404 otherwise), then an editing role or an involvement grant."""
    if user.roles <= policy.NEVER:
        return False
    if person.restricted and not RestrictedAccess.objects.filter(person=person, user=user).exists():
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
    """Make the person's object permissions match their active access-granting involvements.

    Idempotent: computes who should hold view/change and adds or removes the difference, so an
    ended involvement loses access on the very next request."""
    active = Involvement.objects.active().filter(person=person, role__in=ACCESS_GRANTING_ROLES)
    want_users = {uid for uid in active.exclude(user=None).values_list("user_id", flat=True)}
    want_groups = set(active.exclude(team=None).exclude(team__group=None).values_list("team__group_id", flat=True))
    have_users = set(PersonUserObjectPermission.objects.filter(content_object=person).values_list("user_id", flat=True))
    have_groups = set(
        PersonGroupObjectPermission.objects.filter(content_object=person).values_list("group_id", flat=True)
    )
    for user in User.objects.filter(pk__in=want_users - have_users):
        for codename in _CODENAMES:
            assign_perm(codename, user, person)
    for user in User.objects.filter(pk__in=have_users - want_users):
        for codename in _CODENAMES:
            remove_perm(codename, user, person)
    for group in Group.objects.filter(pk__in=want_groups - have_groups):
        for codename in _CODENAMES:
            assign_perm(codename, group, person)
    for group in Group.objects.filter(pk__in=have_groups - want_groups):
        for codename in _CODENAMES:
            remove_perm(codename, group, person)


def _today():
    return timezone.localdate()
