"""Reads of a family case (the family being helped), scoped to the user. A family case is in a user's scope when at
least one of its children is (cases.permissions.person_scope): access is never stored on the family, it follows the
children's involvements. Out of scope is 404."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from ..models import FamilyCase, FamilyCaseMember, Person, RestrictedAccess, User
from ..permissions import person_scope


def family_case_scope(user: User) -> QuerySet[FamilyCase]:
    """Every family case with at least one child this user may see."""
    visible_children = FamilyCaseMember.objects.filter(
        family_case=OuterRef("pk"),
        role=FamilyCaseMember.Role.CHILD,
        person__in=person_scope(user, relatives=False).values("pk"),
    )
    return FamilyCase.objects.filter(Exists(visible_children))


def family_case_get_for_user(*, user: User, family_case_id: int) -> FamilyCase:
    """The family case if this user may see it; 404 whether missing or out of scope."""
    try:
        return family_case_scope(user).get(pk=family_case_id)
    except (FamilyCase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such family") from None


def family_children(*, family_case: FamilyCase, user: User | None = None) -> list[Person]:
    """The family's current children (only those this user may see, when a user is given)."""
    qs = Person.objects.filter(
        family_memberships__family_case=family_case,
        family_memberships__role=FamilyCaseMember.Role.CHILD,
        family_memberships__end_date__isnull=True,
        merged_into__isnull=True,
    )
    if user is not None:
        qs = qs.filter(pk__in=person_scope(user, relatives=False).values("pk"))
    return list(qs.order_by("date_of_birth", "id").distinct())


def family_children_shown(*, family_case: FamilyCase, user: User) -> tuple[list[Person], int]:
    """The family's current children this user may see (as family_children), and how many more are restricted
    records they are not on the list of but would otherwise see: the family's pages show those as "Restricted
    record" (no name, no identifier), so that the family is not shown with a child silently missing. A child the
    user could not see anyway is not counted (that would tell them more than they could learn otherwise). One
    query, as family_children alone."""
    people = list(
        Person.objects.filter(
            family_memberships__family_case=family_case,
            family_memberships__role=FamilyCaseMember.Role.CHILD,
            family_memberships__end_date__isnull=True,
            merged_into__isnull=True,
            pk__in=person_scope(user, ignore_restriction=True, relatives=False).values("pk"),
        )
        .annotate(on_list=Exists(RestrictedAccess.objects.filter(person=OuterRef("pk"), user=user)))
        .order_by("date_of_birth", "id")
        .distinct()
    )
    shown = [p for p in people if not p.restricted or p.on_list]
    return shown, len(people) - len(shown)


def family_children_restricted(*, family_case: FamilyCase, user: User) -> int:
    """How many of the family's children are "Restricted record" to this user (family_children_shown)."""
    return family_children_shown(family_case=family_case, user=user)[1]
