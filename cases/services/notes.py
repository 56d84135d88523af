"""The chronology and case notes: drafts, finalising, corrections."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from ..models import (
    CaseNote,
    CaseNoteCorrection,
    ChronologyEntry,
    Person,
    User,
    VisibilityTag,
)
from ..selectors.notes import notes_readable_by
from .audit import audit_record
from .state import transition, versioned_update


def chronology_add(
    *,
    person: Person,
    actor: User | None,
    strand: str,
    kind: str,
    summary: str,
    occurred_at=None,
    significant: bool = False,
    target: models.Model | None = None,
    link: str = "",
    source_agency=None,
    tags=(),
) -> ChronologyEntry:
    """Every strand's services call this to tell the child's story; it runs in their transaction. `tags` are
    the information tags of what the entry is made from (a case note's): the entry is read under their rules."""
    entry = ChronologyEntry(
        person=person,
        occurred_at=occurred_at or timezone.now(),
        strand=strand,
        kind=kind,
        summary=summary,
        significant=significant,
        author=actor if actor is not None and actor.is_authenticated else None,
        source_agency=source_agency or (actor.agency if actor is not None and actor.is_authenticated else None),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        link=link,
        tags=list(tags),
    )
    _check_tags(entry.tags, field="tags")
    entry.full_clean(exclude=["person", "author", "source_agency"])
    entry.save()
    return entry


@transaction.atomic
def case_note_save_draft(
    *, person: Person, actor: User, data: dict, note: CaseNote | None = None, expected_version: int | None = None
) -> CaseNote:
    """Create or update a draft. Only the author edits a draft; a final note is never edited."""
    fields = (
        "kind",
        "occurred_at",
        "subject",
        "body",
        "significant",
        "child_seen",
        "child_seen_alone",
        "visibility_tags",
        "episode",
        "strand",
    )
    if note is None:
        note = CaseNote(person=person, author=actor, **{k: v for k, v in data.items() if k in fields})
        note.full_clean(exclude=["person", "author", "episode"])
        _check_visit(note)
        note.save()
        audit_record(actor=actor, verb="case_note.draft_created", target=note, child_ids=[person.pk])
        return note
    if note.status != CaseNote.Status.DRAFT:
        raise ValidationError("This note is final: add a correction instead")
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the author can change a draft note")
    changes = {k: v for k, v in data.items() if k in fields}
    for key, value in changes.items():
        setattr(note, key, value)
    note.full_clean(exclude=["person", "author", "episode"])
    _check_visit(note)
    versioned_update(
        note,
        expected_version=expected_version or note.version,
        changes=changes,
        where={"status": CaseNote.Status.DRAFT},
        refused="This note is final: add a correction instead",
    )
    note.refresh_from_db()
    audit_record(
        actor=actor, verb="case_note.draft_updated", target=note, child_ids=[person.pk], fields=sorted(changes)
    )
    return note


def _check_visit(note: CaseNote) -> None:
    if note.kind == CaseNote.Kind.VISIT and note.child_seen is None:
        raise ValidationError({"child_seen": ["Say whether the child was seen on this visit"]})
    if note.kind == CaseNote.Kind.VISIT and note.child_seen and note.child_seen_alone is None:
        raise ValidationError({"child_seen_alone": ["Say whether the child was seen alone"]})
    if note.child_seen_alone and not note.child_seen:
        raise ValidationError({"child_seen_alone": ["A child seen alone must also be recorded as seen"]})
    _check_tags(note.visibility_tags, field="visibility_tags")


def _check_tags(tags, *, field: str) -> None:
    unknown = set(tags) - set(VisibilityTag.values)
    if unknown:
        raise ValidationError({field: [f"Unknown tags: {', '.join(sorted(unknown))}"]})


@transaction.atomic
def case_note_finalise(*, note: CaseNote, actor: User) -> CaseNote:
    """Make a draft final. From now on it is only ever appended to; significant notes join the chronology."""
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the author can make a note final")
    transition(
        note, to=CaseNote.Status.FINAL, changes={"finalised_at": timezone.now()}, refused="This note is already final"
    )
    audit_record(actor=actor, verb="case_note.finalised", target=note, child_ids=[note.person_id])
    seen = ""
    if note.kind == CaseNote.Kind.VISIT:
        seen = (
            " Child seen alone."
            if note.child_seen_alone
            else (" Child seen." if note.child_seen else " Child not seen.")
        )
    chronology_add(
        person=note.person,
        actor=actor,
        strand=note.strand,
        kind=f"case_note_{note.kind}",
        summary=f"{note.get_kind_display()}: {note.subject}.{seen}",
        significant=note.significant,
        occurred_at=note.occurred_at,
        target=note,
        link=reverse("cases:case_note_detail", args=[note.pk]),
        tags=note.visibility_tags,  # whoever the note's tags refuse never reads its summary either
    )
    return note


@transaction.atomic
def case_note_save(
    *,
    person: Person,
    actor: User,
    data: dict,
    note: CaseNote | None = None,
    expected_version: int | None = None,
    finalise: bool = False,
) -> CaseNote:
    """Save a draft (a new one, or the author's own), and make it final at once when asked: both or
    neither, so a note refused as final is not left saved as a changed draft."""
    note = case_note_save_draft(person=person, actor=actor, data=data, note=note, expected_version=expected_version)
    if finalise:
        note = case_note_finalise(note=note, actor=actor)
    return note


@transaction.atomic
def case_note_correct(*, note: CaseNote, actor: User, body: str) -> CaseNoteCorrection:
    from ..permissions import can_edit_person

    if not can_edit_person(actor, note.person):
        raise PermissionDenied("Only practitioners who can change this record can correct its notes")
    if not notes_readable_by(actor).filter(pk=note.pk).exists():
        # Its information tags keep this note from the actor: they cannot correct what they may not read.
        raise PermissionDenied("No such note")
    if note.status != CaseNote.Status.FINAL:
        raise ValidationError("A draft can be edited directly; corrections are for final notes")
    if not body.strip():
        raise ValidationError({"body": ["Enter the correction"]})
    correction = CaseNoteCorrection.objects.create(note=note, author=actor, body=body.strip())
    audit_record(
        actor=actor,
        verb="case_note.corrected",
        target=note,
        child_ids=[note.person_id],
        related={"correction": correction},
    )
    return correction
