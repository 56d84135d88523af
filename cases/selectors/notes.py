"""Reading the chronology and case notes."""

from datetime import date

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .. import policy
from ..models import (
    CaseNote,
    ChronologyEntry,
    Episode,
    Person,
    User,
)
from ..permissions import person_record_scope


def notes_readable_by(user: User) -> QuerySet[CaseNote]:
    """Every note this user may read, whoever's child: final ones and their own drafts, within the information
    tags' rules (cases.policy TAGS). Every read of notes starts here; the person's scope is the caller's."""
    return CaseNote.objects.visible_to(user).filter(note_tag_filter(user))


def note_tag_filter(user: User):
    """The tags' rule for notes: "the author's agency" is the agency of the note's author."""
    return policy.tag_filter(user, tags="visibility_tags", person="person", agency="author__agency_id", author="author")


def case_notes_for_person(*, user: User, person: Person) -> QuerySet[CaseNote]:
    """The person's notes this user may read (final ones and their own drafts, within the tags' rules), newest
    first, with the number of corrections each has. The caller has checked that the user may see the person."""
    return (
        notes_readable_by(user)
        .filter(person=person)
        .select_related("author", "author__agency")
        .annotate(correction_count=Count("corrections"))
        .order_by("-occurred_at", "-id")
    )


def case_note_get_for_user(*, user: User, note_id: int) -> CaseNote:
    """A note whose child the user may see, and whose tags admit them; a draft only for its author. 404 otherwise."""
    qs = (
        notes_readable_by(user)
        .filter(person__in=person_record_scope(user))
        .select_related("person", "author", "author__agency")
    )
    return get_object_or_404(qs, pk=note_id)


def case_note_corrections(*, note: CaseNote) -> list:
    return list(note.corrections.select_related("author", "author__agency"))


def case_notes_for_children(*, user: User, children) -> QuerySet[CaseNote]:
    """These children's notes this user may read (final ones and their own drafts, within the tags' rules)."""
    return notes_readable_by(user).filter(person__in=children)


def episode_open_for(*, person: Person) -> Episode | None:
    """The person's open episode, if any (a new note is filed under it)."""
    return Episode.objects.filter(person=person, closed_on__isnull=True).first()


def chronology_tag_filter(user: User):
    """The tags' rule for chronology entries: an entry made from a tagged note carries its tags."""
    return policy.tag_filter(user, tags="tags", person="person", agency="source_agency_id", author="author")


def chronology_for_person(
    *,
    user: User,
    person: Person,
    strand: str = "",
    significant_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ChronologyEntry]:
    """The person's chronology as this user may read it (the caller has checked that they may see the person):
    entries whose information tags do not admit them are left out, here, in SQL, so every page, count, export
    and API answer agrees."""
    # Only what a chronology shows: its rows are the longest list on a child's record.
    qs = (
        ChronologyEntry.objects.filter(person=person)
        .filter(chronology_tag_filter(user))
        .select_related("author", "source_agency")
        .only(
            "occurred_at",
            "strand",
            "kind",
            "summary",
            "significant",
            "tags",
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
