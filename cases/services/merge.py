"""Merging duplicate records and undoing a merge."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import (
    CinReferral,
    Episode,
    Person,
    PersonMerge,
    Relationship,
    Strand,
    User,
)
from ..moved import current_label
from ..permissions import person_permissions_sync
from ..registry import registry
from .audit import audit_record
from .notes import chronology_add
from .state import Conflict


class MergeRefused(Conflict):
    """A merge that would create an impossible record (or one already undone); the message says why."""


# Identifiers and facts filled on the kept record from the merged one when the kept record lacks them.
_MERGE_FILL_FIELDS = (
    "nhs_number",
    "upn",
    "date_of_birth",
    "expected_date_of_birth",
    "ethnicity",
    "first_language",
    "gender_identity",
    "preferred_name",
    "middle_names",
)
# Links that are recomputed rather than moved.
_MERGE_SKIP = {
    "cases.personuserobjectpermission",
    "cases.persongroupobjectpermission",
    "cases.personmerge",
    "cases.person",
}


def _merge_refusal(kept: Person, merged: Person) -> str | None:
    if kept.pk == merged.pk:
        return "A record cannot be merged with itself."
    if kept.merged_into_id or merged.merged_into_id:
        return "One of these records has already been merged into another."
    if kept.nhs_number and merged.nhs_number and kept.nhs_number != merged.nhs_number:
        return (
            "These records have different NHS numbers, so they are different people. Check the NHS "
            "numbers before merging."
        )
    if (
        Episode.objects.filter(person=kept, closed_on__isnull=True).exists()
        and Episode.objects.filter(person=merged, closed_on__isnull=True).exists()
    ):
        return (
            "Both records have an open episode, and a child can only have one. Close one of the episodes "
            "(or record its work on the other) before merging."
        )
    if (
        CinReferral.objects.filter(person=kept, closed_on__isnull=True).exists()
        and CinReferral.objects.filter(person=merged, closed_on__isnull=True).exists()
    ):
        return (
            "Both records have an open referral to children's social care, and a child can only have one. "
            "Close one of the referrals before merging."
        )
    if Relationship.objects.filter(
        Q(from_person=kept, to_person=merged) | Q(from_person=merged, to_person=kept)
    ).exists():
        return (
            "These records are linked to each other as family members, so merging would make a person "
            "related to themselves. Remove that relationship first if they really are the same person."
        )
    # A strand's own reasons (MACPT: overlapping child protection plans), registered in cases.registry.
    for check in registry.merge_checks():
        reason = check(kept, merged)
        if reason:
            return reason
    return None


def _person_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, FK field name) that points at Person, across all apps, found by introspection so
    that a strand's new model is merged without changing this code."""
    links = []
    # Hidden relations too (related_name="+": a contact's household member, a conference invitee, a strategy
    # discussion's information...): `_meta.related_objects` leaves them out, and their rows stayed with the
    # merged-away record.
    relations = [
        f for f in Person._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete and f.is_relation
    ]
    for rel in relations:
        model = rel.related_model
        if model._meta.label_lower in _MERGE_SKIP or not rel.field.concrete or rel.many_to_many:
            continue
        links.append((model, rel.field.name))
    return links


@transaction.atomic
def person_merge(*, kept: Person, merged: Person, actor: User, reason: str) -> PersonMerge:
    """Merge `merged` into `kept`: every linked row moves, the merged record is hidden but kept, and
    everything done is recorded so that person_unmerge can restore both exactly."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why these are the same person"]})
    kept = Person.objects.select_for_update().get(pk=kept.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    refusal = _merge_refusal(kept, merged)
    if refusal:
        raise MergeRefused(refusal)
    moved = []
    for model, field_name in _person_links():
        ids = list(model._default_manager.filter(**{field_name: merged}).values_list("pk", flat=True))
        if not ids:
            continue
        done: list = []
        try:
            with transaction.atomic():
                model._default_manager.filter(pk__in=ids).update(**{field_name: kept})
            done = ids
        except IntegrityError:
            # A row that would duplicate one the kept record already has (the same person on a named
            # list, say) stays with the merged record, where unmerge finds it untouched.
            for pk in ids:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk=pk).update(**{field_name: kept})
                    done.append(pk)
                except IntegrityError:
                    continue
        if done:
            moved.append({"model": model._meta.label_lower, "field": field_name, "ids": done})
    kept_before, merged_before, fill = {}, {}, {}
    for name in _MERGE_FILL_FIELDS:
        if not getattr(kept, name) and getattr(merged, name):
            kept_before[name] = _json_value(getattr(kept, name))
            fill[name] = getattr(merged, name)
    if merged.restricted and not kept.restricted:
        kept_before["restricted"], kept_before["restriction_reason"] = False, ""
        fill["restricted"], fill["restriction_reason"] = True, merged.restriction_reason
    if "nhs_number" in fill:  # unique: it leaves the merged record first
        merged_before["nhs_number"] = merged.nhs_number
        Person.objects.filter(pk=merged.pk).update(nhs_number=None)
    Person.objects.filter(pk=merged.pk).update(merged_into=kept, version=models.F("version") + 1)
    Person.objects.filter(pk=kept.pk).update(**fill, version=models.F("version") + 1, updated_at=timezone.now())
    record = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        actor=actor,
        reason=reason,
        moved=moved,
        kept_before=kept_before,
        merged_before=merged_before,
    )
    person_permissions_sync(kept)
    person_permissions_sync(merged)
    audit_record(
        actor=actor,
        verb="person.merged",
        target=record,
        child_ids=[kept.pk, merged.pk],
        fields=["reason"],  # the merge's own record keeps the reason (PersonMerge.reason)
        related={"kept": kept, "merged": merged},
    )
    chronology_add(
        person=kept,
        actor=actor,
        strand=Strand.RECORD,
        kind="records_merged",
        summary=f"Duplicate record {merged.la_child_id} merged into this one: {reason}",
        significant=False,
        target=record,
    )
    return record


@transaction.atomic
def person_unmerge(*, merge: PersonMerge, actor: User, reason: str) -> PersonMerge:
    """Undo a merge: every row that moved goes back, both records' own fields are restored."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise MergeRefused("This merge has already been undone.")
    kept, merged = merge.kept, merge.merged
    models_by_label = {m._meta.label_lower: m for m in apps.get_models()}
    for entry in merge.moved:
        model = models_by_label[current_label(entry["model"])]  # a merge recorded before a model moved
        # Only rows still on the kept record: anything created there since the merge stays.
        model._default_manager.filter(pk__in=entry["ids"], **{entry["field"]: kept}).update(**{entry["field"]: merged})
    Person.objects.filter(pk=kept.pk).update(
        **_from_json(merge.kept_before), version=models.F("version") + 1, updated_at=timezone.now()
    )
    Person.objects.filter(pk=merged.pk).update(
        merged_into=None, **_from_json(merge.merged_before), version=models.F("version") + 1, updated_at=timezone.now()
    )
    now = timezone.now()
    PersonMerge.objects.filter(pk=merge.pk).update(unmerged_at=now, unmerged_by=actor)
    merge.refresh_from_db()
    person_permissions_sync(kept)
    person_permissions_sync(merged)
    # The reason is kept in the kept record's chronology (below): the audit names it only.
    audit_record(
        actor=actor,
        verb="person.unmerged",
        target=merge,
        child_ids=[kept.pk, merged.pk],
        fields=["unmerged_at", "reason"],
    )
    chronology_add(
        person=kept,
        actor=actor,
        strand=Strand.RECORD,
        kind="records_unmerged",
        summary=f"Merge with record {merged.la_child_id} undone: {reason}",
        target=merge,
    )
    return merge


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _from_json(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        field = Person._meta.get_field(name)
        out[name] = (
            field.to_python(value) if value not in (None, "") or not isinstance(field, models.DateField) else None
        )
    return out
