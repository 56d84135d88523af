"""Permission-scoped reads for Family Help. A family case is in a user's scope when at least one of its
children's WHOLE record is (the shared record's cases.selectors.families, asked with `record=True`): access is never
stored here, it follows the children's involvements. Family Help's pages (the family, its assessments, its level of
need, allocation) are the record's: a team-around-the-family member, who sees the summary level only, reaches the
family through its plan (cases:plan), and gets 404 here. Out of scope is 404. Each area's own reads live in
`selectors/<area>.py`."""

from django.db.models import QuerySet

from cases.models import FamilyCase, FamilyCaseMember, Person, User
from cases.permissions import can_edit_person
from cases.selectors import families as shared

from ..models import Allocation

__all__ = [
    "can_work_on_family",
    "current_allocation",
    "family_adults",
    "family_case_get_for_user",
    "family_case_scope",
    "family_children",
]


def family_case_scope(user: User) -> QuerySet[FamilyCase]:
    return shared.family_case_scope(user, record=True)


def family_case_get_for_user(*, user: User, family_case_id: int) -> FamilyCase:
    return shared.family_case_get_for_user(user=user, family_case_id=family_case_id, record=True)


def family_children(*, family_case: FamilyCase, user: User | None = None) -> list[Person]:
    return shared.family_children(family_case=family_case, user=user, record=True)


def family_case_find(*, family_case_id: int) -> FamilyCase | None:
    """A family case by id, whoever may see it (a service given it checks the actor's rights)."""
    return FamilyCase.objects.filter(pk=family_case_id).first()


def family_case_visible(*, user: User, family_case_id: int) -> bool:
    return family_case_scope(user).filter(pk=family_case_id).exists()


def family_adults(*, family_case: FamilyCase) -> list[FamilyCaseMember]:
    return list(
        FamilyCaseMember.objects.filter(family_case=family_case, end_date__isnull=True)
        .exclude(role=FamilyCaseMember.Role.CHILD)
        .select_related("person")
        .order_by("id")
    )


def can_work_on_family(*, user: User, family_case: FamilyCase) -> bool:
    """May write to this family's Family Help records: may edit at least one of its children."""
    return any(can_edit_person(user, child) for child in family_children(family_case=family_case, user=user))


def current_allocation(*, family_case: FamilyCase) -> Allocation | None:
    return (
        Allocation.objects.filter(family_case=family_case, ended_at__isnull=True)
        .select_related("lead", "lead__agency")
        .first()
    )
