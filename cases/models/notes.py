"""One chronology across every strand, and case notes with their information tags and corrections."""

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from .base import TimeStampedModel
from .episodes import Episode, Strand
from .organisation import Agency, User
from .people import Person


class ChronologyEntry(TimeStampedModel):
    """One event in a child's story, from any strand, with a link back to the record it came from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    strand = models.CharField(max_length=12, choices=Strand.choices)
    kind = models.CharField(max_length=60)
    summary = models.TextField()
    significant = models.BooleanField(default=False)
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="Path of the record this entry describes.")
    # The information tags of what the entry was made from (a case note's): the entry is read under the same
    # rules as its source (cases.policy TAGS), so a tagged note's summary never reaches a reader the note refuses.
    # The database default too: bulk loads (COPY in the data generators) name the columns they fill.
    tags = ArrayField(models.CharField(max_length=20), default=list, db_default=[], blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["person", "-occurred_at", "-id"], name="chronology_person_time_idx")]
        constraints = [models.CheckConstraint(condition=Q(strand__in=Strand.values), name="chronology_strand_valid")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.kind}"


class VisibilityTag(models.TextChoices):
    """Information tags: where an item came from, which narrows who reads it (the rules: cases.policy TAGS)."""

    POLICE = "police", "Police information"
    HEALTH = "health", "Health information"
    THIRD_PARTY = "third_party", "Third-party information"
    SAFE_ADDRESS = "safe_address", "Safe address information"
    NOT_FOR_FAMILY = "not_for_family", "Not to be shared with the family"


_TAG_LABELS = dict(VisibilityTag.choices)


def tag_labels(tags) -> list[str]:
    """Information tags as readers see them ("Police information"), so they know why an item is narrowed."""
    return [_TAG_LABELS.get(tag, tag) for tag in tags]


class CaseNoteQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "CaseNoteQuerySet":
        """Final notes, and the user's own drafts (a draft is the author's alone until it is made final).
        The person's scope is the caller's to apply."""
        return self.filter(Q(status=CaseNote.Status.FINAL) | Q(author=user))


class CaseNote(TimeStampedModel):
    """A practitioner's note: a draft until made final; after that only corrections are appended."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        MESSAGE = "message", "Email or message"
        OTHER = "other", "Other"

    # The moves cases.services.transition() allows: a draft is made final once, and stays final.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {Status.DRAFT: {Status.FINAL}}

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_notes")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    strand = models.CharField(max_length=12, choices=Strand.choices, default=Strand.RECORD)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OTHER)
    occurred_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    significant = models.BooleanField(default=False, help_text="A significant event: shown in the chronology.")
    child_seen = models.BooleanField(null=True, blank=True)
    child_seen_alone = models.BooleanField(null=True, blank=True)
    visibility_tags = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False), name="casenote_final_has_time"
            ),
            models.CheckConstraint(
                condition=Q(child_seen_alone__isnull=True) | Q(child_seen_alone=False) | Q(child_seen=True),
                name="casenote_seen_alone_implies_seen",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def visibility_labels(self) -> list[str]:
        return tag_labels(self.visibility_tags)


class CaseNoteCorrection(TimeStampedModel):
    """Appended to a final note: the note itself is never edited."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="corrections")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Correction to note {self.note_id}"
