"""Retention and disposal (issue 17 item 4; battery B26): the council's rules, legal holds, merged records following
their survivor, the dry run and the disposal job, each disposal audited and nothing of the record left behind."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cases import policy
from cases.models import (
    AuditEvent,
    Disposal,
    Episode,
    LegalHold,
    Person,
    RecordType,
    RetentionBasis,
    RetentionRule,
    Role,
)
from cases.permissions import person_record_scope
from cases.services import episode_close, episode_open, person_merge
from cases.services.retention import legal_hold_create, retention_due, retention_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)  # before the real today: a date of birth cannot be in the future
BASES = list(RetentionBasis.values)


def _anniversary(day: dt.date, years: int) -> dt.date:
    """The oracle's own reckoning: the same day `years` later, or 1 March for a 29 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2026, 2, 28))
records = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([RecordType.SOCIAL_CARE, RecordType.EARLY_HELP] * 2 + [None]),
        "dob": st.one_of(st.none(), dates, dates),
        "death": st.one_of(st.none(), dates, dates),
        # None: the episode is still open (a quarter of the records).
        "closed": st.one_of(st.none(), dates, dates, dates),
        # None: no hold; True: a hold in force on TODAY; False: a hold that ended before TODAY.
        "hold": st.sampled_from([None] * 4 + [True, False]),
        # A duplicate merged into this record, itself under a hold (True), not (False), or no duplicate (None).
        "duplicate_held": st.sampled_from([None] * 3 + [False, True]),
    }
)
rules = st.fixed_dictionaries(
    # Short periods as often as long ones, so that many records fall due and many do not.
    {t: st.tuples(st.sampled_from(BASES), st.one_of(st.integers(1, 10), st.integers(1, 80))) for t in RecordType.values}
)


def _make(spec: dict, i: int, make_person, actor, levels) -> tuple[Person, Person | None]:
    person = make_person(first=f"Child{i}", last="Retention", dob=spec["dob"])
    if spec["death"]:
        Person.objects.filter(pk=person.pk).update(date_of_death=spec["death"])
    if spec["kind"] is not None:
        level = levels["child_in_need" if spec["kind"] == RecordType.SOCIAL_CARE else "targeted_early_help"]
        opened = min(spec["closed"] or TODAY, TODAY) - dt.timedelta(days=30)
        episode = episode_open(person=person, actor=actor, level=level, opened_on=opened, reason="work")
        if spec["closed"]:
            episode_close(episode=episode, actor=actor, reason_code="RC8", summary="done", closed_on=spec["closed"])
    if spec["hold"] is not None:
        ends = None if spec["hold"] else TODAY - dt.timedelta(days=1)
        legal_hold_create(
            actor=_po(), name=f"Inquiry {i}", people=[person], starts_on=dt.date(2020, 1, 1), ends_on=ends
        )
    duplicate = None
    if spec["duplicate_held"] is not None:
        duplicate = make_person(first=f"Child{i}", last="Retention", dob=None)
        if spec["duplicate_held"]:
            legal_hold_create(actor=_po(), name=f"Notice {i}", people=[duplicate])
        person_merge(kept=person, merged=duplicate, actor=actor, reason="the same child")
    return person, duplicate


def _po():
    from tests import personas

    return personas.persona("privacy_officer")


def _expected_due(spec: dict, rule: tuple[str, int]) -> bool:
    if spec["kind"] is None or spec["closed"] is None:
        return False  # no rule applies, or the work is still open
    basis, years = rule
    day = {RetentionBasis.DATE_OF_BIRTH: spec["dob"], RetentionBasis.DEATH: spec["death"]}.get(basis, spec["closed"])
    if day is None or _anniversary(day, years) > TODAY:
        return False
    return not (spec["hold"] is True or spec["duplicate_held"] is True)


def _why_kept(spec: dict, rule_set: dict) -> str:
    if spec["kind"] is None:
        return "no rule applies"
    if spec["closed"] is None:
        return "open work"
    if spec["hold"] is True or spec["duplicate_held"] is True:
        return "held (or not yet due)"
    return "not yet due (or no basis date)"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(records, min_size=2, max_size=5), rule_set=rules)
def test_b26_nothing_goes_early_nor_under_hold_and_everything_due_goes_audited(
    specs, rule_set, make_person, triage_officer, levels, privacy_officer
):
    """B26 as a property over record types x date-of-birth/closure/death dates x rules x holds x merges: 0 disposed
    early, 0 disposed under a hold (on the record or on a duplicate merged into it), 100 % of due records disposed
    of, each with one audit row and one Disposal row; a merged-away record goes with, and only with, its survivor;
    nothing disposed of is left in a scoped list."""
    with transaction.atomic():
        for record_type, (basis, years) in rule_set.items():
            RetentionRule.objects.update_or_create(record_type=record_type, defaults={"basis": basis, "years": years})
        made = [_make(spec, i, make_person, triage_officer, levels) for i, spec in enumerate(specs)]
        expected = {
            person.pk: _expected_due(spec, rule_set.get(spec["kind"], ("closure", 1)))
            for spec, (person, _) in zip(specs, made, strict=True)
        }
        audit_before = AuditEvent.objects.filter(verb="retention.disposed").count()

        run = retention_run(today=TODAY)

        for spec, (person, duplicate) in zip(specs, made, strict=True):
            gone = not Person.objects.filter(pk=person.pk).exists()
            event(f"a record {'disposed of' if gone else 'kept'}{'' if gone else ': ' + _why_kept(spec, rule_set)}")
            assert gone == expected[person.pk], (person.pk, specs)
            if duplicate is not None:
                assert Person.objects.filter(pk=duplicate.pk).exists() == (not gone)  # with its survivor only
            if gone:
                disposal = Disposal.objects.get(person_id=person.pk)
                assert disposal.due_on <= TODAY
                assert disposal.merged_ids == ([duplicate.pk] if duplicate else [])
                assert AuditEvent.objects.filter(verb="retention.disposed", target_id=str(person.pk)).count() == 1
        disposed = sum(expected.values())
        assert run.disposed == disposed
        # The run's figures, for --hypothesis-show-statistics: how often each case was met.
        event(f"records disposed of: {'some' if disposed else 'none'}")
        event(f"due records a hold kept: {'some' if run.held else 'none'}")
        event(f"duplicates merged in: {'some' if any(d for _, d in made) else 'none'}")
        assert AuditEvent.objects.filter(verb="retention.disposed").count() - audit_before == disposed
        ids = {pk for person, dup in made for pk in (person.pk, dup.pk if dup else None) if pk}
        in_scope = set(person_record_scope(privacy_officer).filter(pk__in=ids).values_list("pk", flat=True))
        assert in_scope == {p.pk for p, _ in made if not expected[p.pk]}
        transaction.set_rollback(True)


def test_the_dry_run_lists_what_would_go_and_why_and_changes_nothing(make_person, triage_officer, levels):
    old = make_person(first="Old", last="Record", dob=dt.date(1950, 6, 1))
    young = make_person(first="Young", last="Record", dob=dt.date(2010, 6, 1))
    for person in (old, young):
        episode = episode_open(
            person=person, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(2015, 1, 5)
        )
        episode_close(
            episode=episode, actor=triage_officer, reason_code="RC8", summary="x", closed_on=dt.date(2016, 1, 5)
        )

    due = retention_due(today=TODAY)

    assert [d.person_id for d in due] == [old.pk]
    assert due[0].why == (
        "Children's social care (referral, child in need or child protection): born 01 June 1950, kept 75 years"
    )
    assert due[0].due_on == dt.date(2025, 6, 1)
    assert Person.objects.filter(pk=old.pk).exists()
    assert not AuditEvent.objects.filter(verb="retention.disposed").exists()


def test_a_hold_that_names_the_child_keeps_the_record_until_it_ends(make_person, triage_officer, levels):
    child = make_person(first="Held", last="Record", dob=dt.date(1940, 1, 1))
    episode = episode_open(
        person=child, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(2000, 1, 1)
    )
    episode_close(episode=episode, actor=triage_officer, reason_code="RC8", summary="x", closed_on=dt.date(2001, 1, 1))
    hold = legal_hold_create(actor=_po(), name="Independent Inquiry", people=[child], ends_on=dt.date(2031, 12, 31))

    assert retention_due(today=TODAY)[0].held_by == ["Independent Inquiry"]
    assert retention_run(today=TODAY).held == 1
    assert Person.objects.filter(pk=child.pk).exists()
    assert retention_run(today=hold.ends_on + dt.timedelta(days=1)).disposed == 1
    assert not Person.objects.filter(pk=child.pk).exists()
    assert not LegalHold.people.through.objects.filter(person_id=child.pk).exists()
    assert LegalHold.objects.filter(pk=hold.pk).exists()  # the notice itself is kept


def test_an_open_episode_keeps_a_record_whatever_its_dates(make_person, triage_officer, levels):
    child = make_person(first="Open", last="Record", dob=dt.date(1940, 1, 1))
    episode_open(person=child, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(2000, 1, 1))

    assert retention_due(today=TODAY) == []
    assert Episode.objects.filter(person=child).exists()


def test_a_child_born_on_29_february_is_kept_until_1_march_in_a_common_year(make_person, triage_officer, levels):
    child = make_person(first="Leap", last="Day", dob=dt.date(1948, 2, 29))
    episode = episode_open(
        person=child, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(1970, 1, 1)
    )
    episode_close(episode=episode, actor=triage_officer, reason_code="RC8", summary="x", closed_on=dt.date(1971, 1, 1))

    assert retention_due(today=dt.date(2023, 2, 28)) == []  # 75 years on would be 29 Feb 2023: no such day
    assert [d.person_id for d in retention_due(today=dt.date(2023, 3, 1))] == [child.pk]


def test_the_default_rules_are_the_irms_guidance_for_social_care_and_early_help():
    from cases.services.retention import retention_rules

    rules = retention_rules()
    assert (rules[RecordType.SOCIAL_CARE].basis, rules[RecordType.SOCIAL_CARE].years) == ("date_of_birth", 75)
    assert (rules[RecordType.EARLY_HELP].basis, rules[RecordType.EARLY_HELP].years) == ("closure", 6)
    assert "IRMS" in rules[RecordType.SOCIAL_CARE].source


@pytest.mark.parametrize("role", sorted(Role.values))
def test_a_role_may_run_disposal_and_record_holds_exactly_when_the_table_says(role, council, make_person):
    from django.core.exceptions import PermissionDenied

    actor = UserFactory(agency=council, roles=[role])
    if role in policy.role_actions()[policy.MANAGE_RETENTION]:
        assert retention_run(actor=actor, today=TODAY).disposed == 0
        assert legal_hold_create(actor=actor, name="Inquiry", people=[make_person()]).pk
        return
    with pytest.raises(PermissionDenied):
        retention_run(actor=actor, today=TODAY)
    with pytest.raises(PermissionDenied):
        legal_hold_create(actor=actor, name="Inquiry", people=[make_person()])


def test_the_weekly_job_and_the_command_run_the_same_disposal(make_person, triage_officer, levels):
    import io

    from django.conf import settings as django_settings
    from django.core.management import call_command

    from cases.tasks import retention_disposal_task

    entry = django_settings.CELERY_BEAT_SCHEDULE["retention-disposal"]
    assert entry["task"] == "cases.tasks.retention_disposal_task"
    child = make_person(first="Weekly", last="Job", dob=dt.date(1940, 1, 1))
    episode = episode_open(
        person=child, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(2000, 1, 1)
    )
    episode_close(episode=episode, actor=triage_officer, reason_code="RC8", summary="x", closed_on=dt.date(2001, 1, 1))
    out = io.StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    assert f"record {child.pk}: due 2015-01-01" in out.getvalue()
    assert "1 would be disposed of; 0 held." in out.getvalue()
    assert Person.objects.filter(pk=child.pk).exists()

    retention_disposal_task.run()

    assert not Person.objects.filter(pk=child.pk).exists()
    assert AuditEvent.objects.get(verb="retention.disposed").actor_id is None  # the weekly job, no one's hand


def test_a_disposed_childs_disclosure_decisions_go_with_them_and_a_shared_one_keeps_the_others(
    make_person, triage_officer, levels
):
    """A decision to share names its children by id with no foreign key, and its purpose or reason is typed text: the
    disposal takes a decision about the disposed child alone and takes the child's id out of one about others too."""
    from cases.models import DisclosureDecision
    from cases.services.disclosure import disclosure_record

    old = make_person(first="Old", last="Shared", dob=dt.date(1940, 1, 1))
    young = make_person(first="Young", last="Shared", dob=dt.date(2012, 1, 1))
    episode = episode_open(
        person=old, actor=triage_officer, level=levels["child_in_need"], opened_on=dt.date(2000, 1, 1)
    )
    episode_close(episode=episode, actor=triage_officer, reason_code="RC8", summary="x", closed_on=dt.date(2001, 1, 1))
    shared = {
        "actor": triage_officer,
        "kind": DisclosureDecision.Kind.SHARED,
        "what_type": "cases.chronology_pdf",
        "purpose": "Safeguarding",
        "lawful_basis": "9_2_g_sch1_18",
        "recipient_name": "A health visitor",
    }
    alone = disclosure_record(**shared, person_ids=[old.pk])
    together = disclosure_record(**shared, person_ids=[old.pk, young.pk])
    other = disclosure_record(**shared, person_ids=[young.pk])

    retention_run(actor=_po(), today=TODAY)

    assert not Person.objects.filter(pk=old.pk).exists()
    assert not DisclosureDecision.objects.filter(pk=alone.pk).exists()
    assert DisclosureDecision.objects.get(pk=together.pk).person_ids == [young.pk]
    assert DisclosureDecision.objects.get(pk=other.pk).person_ids == [young.pk]
    assert not DisclosureDecision.objects.filter(person_ids__overlap=[old.pk]).exists()
