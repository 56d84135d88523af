"""Reads for the restricted records' access reviews (those who may restrict records: cases.policy.RESTRICT)."""

from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from ..models import Deadline, Person, RestrictedAccess, User
from ..services.restriction import REVIEW_KIND
from .people import people_restricted_for_user


def restricted_records_for_review(*, user: User) -> list[tuple[Person, object, bool]]:
    """Every restricted record with its next review's due time and whether this user may see its name (only those on
    its list): (record, due_at, named). Soonest due first."""
    due = Deadline.objects.filter(
        kind=REVIEW_KIND, target_type="cases.person", target_id=OuterRef("pk_text"), state=Deadline.State.OPEN
    ).values("due_at")[:1]
    people = list(
        Person.objects.filter(restricted=True, merged_into__isnull=True)
        .annotate(pk_text=Cast("pk", CharField()), review_due=Subquery(due), listed=Count("restricted_access"))
        .order_by("review_due", "pk")
    )
    hidden = people_restricted_for_user(user=user, people=people)
    return [(p, p.review_due, p.pk not in hidden) for p in people]


def restricted_record_for_review(*, person_id: int) -> Person:
    return get_object_or_404(Person, pk=person_id, restricted=True, merged_into__isnull=True)


def restricted_access_list(*, person: Person) -> list[RestrictedAccess]:
    return list(
        RestrictedAccess.objects.filter(person=person).select_related("user", "granted_by").order_by("user__full_name")
    )
