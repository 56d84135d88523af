"""Disposal takes everything about a child, from every app (issue 17 item 4): on the demo data, where the children
have contacts, decisions, Family Help assessments and plans, strategy discussions, s47 enquiries, conferences, child
protection plans and FGDM offers, half of the children with work are made due and disposed of; afterwards no row in
any table links to them (every foreign key to Person, found by introspection), no deadline names them, their
brothers and sisters are untouched, and nothing of theirs is in a scoped list."""

import datetime as dt

import pytest
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from cases.models import (
    AuditEvent,
    CinReferral,
    Deadline,
    Disposal,
    Episode,
    Person,
    RecordHistory,
    RetentionRule,
)
from cases.permissions import person_record_scope
from cases.services.retention import retention_run
from tests import personas

pytestmark = pytest.mark.django_db


def _links_to_person() -> list[tuple[type, str]]:
    """Every (model, field) in every app holding a foreign key to Person (many-to-many through tables too)."""
    links = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person:
                links.append((model, field.attname))
    return links


def _rows_about(ids: list[int]) -> dict[str, int]:
    found = {}
    for model, attname in _links_to_person():
        count = model._base_manager.filter(**{f"{attname}__in": ids}).count()
        if count:
            found[f"{model._meta.label}.{attname}"] = count
    return found


def test_disposal_leaves_no_row_in_any_app_linking_to_the_child(seeded_demo):
    today = timezone.localdate()
    with_work = list(Person.objects.filter(episodes__isnull=False, merged_into=None).distinct().order_by("pk"))
    assert len(with_work) >= 6, "the demo data has children with work"
    chosen, kept = with_work[::2], with_work[1::2]
    chosen_ids = [p.pk for p in chosen]
    before = _rows_about(chosen_ids)
    kept_episodes = Episode.objects.filter(person__in=kept).count()
    strands = {label.split(".")[0] for label in before}
    assert {"cases", "front_door", "family_help", "macpt", "fgdm"} <= strands, before  # the data reaches every strand
    # Due now: every rule counts from the date of birth, 75 years; the chosen were born long ago, their work closed.
    for record_type in ("social_care", "early_help"):
        RetentionRule.objects.update_or_create(
            record_type=record_type, defaults={"basis": "date_of_birth", "years": 75}
        )
    Person.objects.filter(pk__in=chosen_ids).update(date_of_birth=dt.date(1940, 1, 1))
    Episode.objects.filter(person__in=chosen_ids, closed_on=None).update(closed_on=today, closure_reason="RC8")
    CinReferral.objects.filter(person__in=chosen_ids, closed_on=None).update(closed_on=today, closure_reason="RC8")

    run = retention_run(actor=personas.persona("privacy_officer"), today=today)

    assert run.disposed == len(chosen_ids), (run.disposed, len(chosen_ids))
    assert _rows_about(chosen_ids) == {}
    assert not Person.objects.filter(pk__in=chosen_ids).exists()
    assert not RecordHistory.objects.filter(person_id__in=chosen_ids).exists()
    assert not Deadline.objects.filter(person_ids__overlap=chosen_ids).exists()
    assert Disposal.objects.filter(person_id__in=chosen_ids).count() == len(chosen_ids)
    # One audit row each, holding ids only (the audit is append-only and keeps that it happened).
    events = AuditEvent.objects.filter(verb="retention.disposed", target_id__in=[str(i) for i in chosen_ids])
    assert events.count() == len(chosen_ids)
    # The others, brothers and sisters among them, keep everything.
    assert Episode.objects.filter(person__in=kept).count() == kept_episodes
    officer = personas.persona("privacy_officer")
    assert not person_record_scope(officer).filter(Q(pk__in=chosen_ids)).exists()
    print(f"disposed {len(chosen_ids)} children; rows removed by link: {before}")
