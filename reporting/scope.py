"""Which children a child-level export holds (issue 16 item 9): a statutory return or dataset (Annex A, the SSD)
counts every child the council worked with, restricted records included, so it reads the requester's record scope
with restriction ignored; a scheduled run (no requester) reads council-wide. What of a restricted child may appear is
each export's to decide (never the name)."""

from django.db.models import QuerySet

from cases.models import Person, User
from cases.permissions import person_record_scope


def statutory_children(user: User | None) -> QuerySet[Person]:
    if user is None:
        return Person.objects.filter(merged_into__isnull=True)
    return person_record_scope(user, ignore_restriction=True)
