"""People: identifiers, search, duplicates, merge and unmerge, episodes along the continuum."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import AuditEvent, CaseNote, ChronologyEntry, Episode, Involvement, Person, Relationship
from cases.selectors import SearchCriteria, person_find_duplicates, person_search
from cases.services import (
    MergeRefused,
    StaleEdit,
    chronology_add,
    episode_change_level,
    episode_open,
    involvement_add,
    person_add_address,
    person_merge,
    person_unmerge,
    person_update,
    relationship_add,
)

pytestmark = pytest.mark.django_db


def test_new_person_gets_an_la_child_id_that_is_never_reused(make_person):
    a, b = make_person(), make_person(first="Ben")
    assert a.la_child_id != b.la_child_id
    assert len(a.la_child_id) <= 20 and a.la_child_id.isalnum()
    assert AuditEvent.objects.filter(verb="person.created", target_id=str(a.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nhs_number", "1234567890", "check digit"),
        ("nhs_number", "12345", "10 digits"),
        ("upn", "A12345678901", "13 characters"),
        ("upn", "B999000000001".replace("B", "A"), "check letter"),
        ("ethnicity", "XXXX", "ethnicity code"),
        ("date_of_birth", timezone.localdate() + dt.timedelta(days=3), "today or in the past"),
    ],
)
def test_bad_identifiers_and_codes_are_refused_with_a_field_error(make_person, field, value, message):
    with pytest.raises(ValidationError) as exc:
        make_person(**{field: value})
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])


def test_valid_nhs_number_is_normalised_and_unique(make_person):
    person = make_person(nhs_number="943 476 5919")
    assert person.nhs_number == "9434765919"
    with pytest.raises(ValidationError, match="already exists"):
        make_person(first="Other", nhs_number="9434765919")


def test_nhs_number_is_never_required(make_person):
    assert make_person(nhs_number="").nhs_number is None
    assert make_person(first="Second", nhs_number="").nhs_number is None


def test_duplicate_detection_finds_a_one_letter_off_name_with_the_same_date_of_birth(make_person, triage_officer):
    existing = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    make_person(first="Mary", last="Jones", dob=dt.date(2016, 5, 1))
    hits = person_find_duplicates(
        user=triage_officer, data={"first_name": "Jon", "last_name": "Smith", "date_of_birth": dt.date(2016, 5, 1)}
    )
    assert [h.person.pk for h in hits] == [existing.pk]
    assert hits[0].score >= 0.8
    assert "same date of birth" in hits[0].reasons


def test_search_tolerates_spelling_that_sounds_the_same(make_person, triage_officer):
    smith = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    hits = person_search(user=triage_officer, criteria=SearchCriteria(name="Jon Smyth"))
    assert hits and hits[0].person.pk == smith.pk
    assert "name sounds the same" in hits[0].reasons


def test_search_by_nhs_number_postcode_and_date_of_birth_range(make_person, triage_officer):
    target = make_person(first="Zara", last="Okafor", dob=dt.date(2014, 7, 20), nhs_number="9434765919")
    make_person(first="Yusuf", last="Patel", dob=dt.date(2010, 1, 1))
    person_add_address(person=target, actor=triage_officer, line1="1 Test Street", postcode="ab1 2cd")
    assert [h.person for h in person_search(user=triage_officer, criteria=SearchCriteria(nhs_number="9434765919"))] == [
        target
    ]
    assert [h.person for h in person_search(user=triage_officer, criteria=SearchCriteria(postcode="AB12CD"))] == [
        target
    ]
    in_range = person_search(
        user=triage_officer, criteria=SearchCriteria(date_of_birth=dt.date(2014, 7, 25), dob_range_days=10)
    )
    assert [h.person for h in in_range] == [target]


def test_stale_edit_is_refused_not_lost(make_person, triage_officer):
    person = make_person()
    person_update(person=person, actor=triage_officer, data={"preferred_name": "Millie"}, expected_version=1)
    with pytest.raises(StaleEdit):
        person_update(person=person, actor=triage_officer, data={"preferred_name": "Amy"}, expected_version=1)
    person.refresh_from_db()
    assert (person.preferred_name, person.version) == ("Millie", 2)


def test_merge_then_unmerge_restores_every_linked_row(make_person, triage_officer, levels):
    kept = make_person(first="John", last="Smith", dob=dt.date(2016, 5, 1))
    dup = make_person(first="Jon", last="Smith", dob=dt.date(2016, 5, 1), nhs_number="9434765919")
    mother = make_person(first="Sarah", last="Smith", dob=dt.date(1990, 2, 2))
    rel = relationship_add(
        actor=triage_officer, from_person=mother, to_person=dup, type="mother", parental_responsibility=True
    )
    address = person_add_address(person=dup, actor=triage_officer, line1="2 Test Road", postcode="AB1 2CD")
    episode = episode_open(person=dup, actor=triage_officer, level=levels["targeted_early_help"], reason="Contact")
    involvement = involvement_add(
        person=dup, actor=triage_officer, role=Involvement.Role.TAF_MEMBER, user=triage_officer
    )
    note = CaseNote.objects.create(
        person=dup, author=triage_officer, occurred_at="2026-01-05T10:00Z", subject="Visit", body="Seen at home"
    )
    dup_entries = set(ChronologyEntry.objects.filter(person=dup).values_list("pk", flat=True))

    merge = person_merge(kept=kept, merged=dup, actor=triage_officer, reason="Same child, typo in first name")
    for row in (rel, address, episode, involvement, note):
        row.refresh_from_db()
    assert rel.to_person_id == address.person_id == episode.person_id == involvement.person_id == kept.pk
    assert note.person_id == kept.pk
    kept.refresh_from_db()
    dup.refresh_from_db()
    assert kept.nhs_number == "9434765919" and dup.nhs_number is None
    assert dup.merged_into_id == kept.pk
    assert not Person.objects.filter(pk=dup.pk, merged_into__isnull=True).exists()

    person_unmerge(merge=merge, actor=triage_officer, reason="Twins, not duplicates")
    for row in (rel, address, episode, involvement, note):
        row.refresh_from_db()
    assert rel.to_person_id == address.person_id == episode.person_id == involvement.person_id == dup.pk
    assert note.person_id == dup.pk
    assert set(ChronologyEntry.objects.filter(person=dup).values_list("pk", flat=True)) >= dup_entries
    kept.refresh_from_db()
    dup.refresh_from_db()
    assert (kept.nhs_number, dup.nhs_number, dup.merged_into_id) == (None, "9434765919", None)
    assert AuditEvent.objects.filter(verb__in=["person.merged", "person.unmerged"]).count() == 2


def test_merge_is_refused_when_both_records_have_an_open_episode(make_person, triage_officer, levels):
    a, b = make_person(), make_person(first="Amelie")
    episode_open(person=a, actor=triage_officer, level=levels["child_in_need"])
    episode_open(person=b, actor=triage_officer, level=levels["targeted_early_help"])
    with pytest.raises(MergeRefused, match="open episode"):
        person_merge(kept=a, merged=b, actor=triage_officer, reason="dup")
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_merge_is_refused_for_different_nhs_numbers(make_person, triage_officer):
    a = make_person(nhs_number="9434765919")
    b = make_person(first="Amelie", nhs_number="9876543210")
    with pytest.raises(MergeRefused, match="different NHS numbers"):
        person_merge(kept=a, merged=b, actor=triage_officer, reason="dup")


def test_stepping_up_and_down_keeps_one_episode_with_its_history(make_person, triage_officer, levels):
    child = make_person()
    episode = episode_open(person=child, actor=triage_officer, level=levels["targeted_early_help"])
    episode_change_level(episode=episode, actor=triage_officer, level=levels["child_in_need"], reason="Escalating")
    again = episode_open(person=child, actor=triage_officer, level=levels["child_protection"], reason="Strategy")
    episode_change_level(
        episode=episode, actor=triage_officer, level=levels["targeted_early_help"], reason="Plan ended, stepping down"
    )
    assert again.pk == episode.pk
    assert Episode.objects.filter(person=child).count() == 1
    assert [lv.level.code for lv in episode.levels.order_by("started_at")] == [
        "targeted_early_help",
        "child_in_need",
        "child_protection",
        "targeted_early_help",
    ]
    assert episode.levels.filter(ended_at__isnull=True).count() == 1


def test_chronology_lists_entries_from_several_strands_in_date_order(make_person, triage_officer):
    child = make_person()
    chronology_add(
        person=child,
        actor=triage_officer,
        strand="front_door",
        kind="contact",
        summary="School raised concern",
        occurred_at=dt.datetime(2026, 1, 3, 9, tzinfo=dt.UTC),
    )
    chronology_add(
        person=child,
        actor=triage_officer,
        strand="macpt",
        kind="strategy_discussion",
        summary="Strategy discussion held",
        occurred_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        significant=True,
    )
    chronology_add(
        person=child,
        actor=triage_officer,
        strand="family_help",
        kind="visit",
        summary="Home visit",
        occurred_at=dt.datetime(2026, 1, 4, 9, tzinfo=dt.UTC),
    )
    from cases.selectors import chronology_for_person

    entries = [e for e in chronology_for_person(user=triage_officer, person=child) if e.kind != "record_created"]
    assert [e.strand for e in entries] == ["macpt", "family_help", "front_door"]
    assert [e.kind for e in chronology_for_person(user=triage_officer, person=child, significant_only=True)] == [
        "strategy_discussion"
    ]


def test_relationship_to_self_is_refused(make_person, triage_officer):
    child = make_person()
    with pytest.raises(ValidationError, match="cannot be related to themselves"):
        relationship_add(actor=triage_officer, from_person=child, to_person=child, type="sibling")
    assert Relationship.objects.count() == 0


def test_a_merge_moves_the_rows_of_every_link_to_a_person_hidden_ones_too():
    """Every foreign key to a person in every app, with or without a reverse name (related_name="+"), and every
    many-to-many membership (an FGDM offer's children, a legal hold's), is a link the merge moves (and unmerge moves
    back): read from the models' own fields, apart from the merge's introspection. Hidden ones stayed behind."""
    from django.apps import apps

    from cases.services.merge import _MERGE_SKIP, _person_links

    every = {
        (model._meta.label_lower, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Person and model._meta.label_lower not in _MERGE_SKIP
    }
    links = {(model._meta.label_lower, name) for model, name in _person_links()}
    assert ("front_door.contactperson", "person") in every
    assert every - links == set()
    assert links <= every
