"""Reading the chronology."""

from datetime import date

from django.db.models import QuerySet

from ..models import (
    ChronologyEntry,
    Person,
)


def chronology_for_person(*, person: Person, strand: str = "", significant_only: bool = False,
                          date_from: date | None = None, date_to: date | None = None) -> QuerySet[ChronologyEntry]:
    # Only what a chronology shows: its rows are the longest list on a child's record.
    qs = ChronologyEntry.objects.filter(person=person).select_related("author", "source_agency").only(
        "occurred_at", "strand", "kind", "summary", "significant", "link", "target_type", "target_id", "person_id",
        "author__full_name", "source_agency__name")
    if strand:
        qs = qs.filter(strand=strand)
    if significant_only:
        qs = qs.filter(significant=True)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by("-occurred_at", "-id")
