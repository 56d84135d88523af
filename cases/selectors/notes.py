"""Reading the chronology and case notes."""

from datetime import date

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    CaseNote,
    ChronologyEntry,
    Episode,
    Person,
    User,
)
from ..permissions import person_scope


def case_notes_for_person(*, user: User, person: Person) -> QuerySet[CaseNote]:
    """The person's notes this user may read (final ones and their own drafts), newest first, with the number
    of corrections each has. The caller has checked that the user may see the person."""
    return (
        CaseNote.objects.visible_to(user)
        .filter(person=person)
        .select_related("author", "author__agency")
        .annotate(correction_count=Count("corrections"))
        .order_by("-occurred_at", "-id")
    )


def case_note_get_for_user(*, user: User, note_id: int) -> CaseNote:
    """A note whose child the user may see; a draft only for its author. 404 otherwise."""
    qs = (
        CaseNote.objects.visible_to(user)
        .filter(person__in=person_scope(user))
        .select_related("person", "author", "author__agency")
    )
    return get_object_or_404(qs, pk=note_id)


def case_note_corrections(*, note: CaseNote) -> list:
    return list(note.corrections.select_related("author", "author__agency"))


def case_notes_for_children(*, user: User, children) -> QuerySet[CaseNote]:
    """These children's notes this user may read (final ones and their own drafts)."""
    return CaseNote.objects.visible_to(user).filter(person__in=children)


def episode_open_for(*, person: Person) -> Episode | None:
    """The person's open episode, if any (a new note is filed under it)."""
    return Episode.objects.filter(person=person, closed_on__isnull=True).first()


def chronology_for_person(
    *,
    person: Person,
    strand: str = "",
    significant_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ChronologyEntry]:
    # Only what a chronology shows: its rows are the longest list on a child's record.
    qs = (
        ChronologyEntry.objects.filter(person=person)
        .select_related("author", "source_agency")
        .only(
            "occurred_at",
            "strand",
            "kind",
            "summary",
            "significant",
            "link",
            "target_type",
            "target_id",
            "person_id",
            "author__full_name",
            "source_agency__name",
        )
    )
    if strand:
        qs = qs.filter(strand=strand)
    if significant_only:
        qs = qs.filter(significant=True)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs.order_by("-occurred_at", "-id")
