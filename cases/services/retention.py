"""Retention: which records are due for disposal under the council's rules, the dry run that says so (and why), and
the disposal itself, which deletes everything about the child across every strand and writes one audit row per
record disposed of (ids only: the audit never held values, cases.models.audit).

What is never disposed of:
- a record before its due date (the rule's basis date + N years: the 75th birthday is the birthday itself, a child
  born on 29 February reaches it on 1 March in a common year, as the Family Law Reform Act 1969 s9 counts ages);
- a record with an open episode or open referral to children's social care, whatever its dates;
- a record that a legal hold in force names, or whose merged-away duplicates a hold names;
- a merged-away record on its own: it goes with (and only with) the record it was merged into, after that record's
  own rule and holds are checked (cases.models.merge).
- a record whose basis date is unknown (no date of birth for a date-of-birth rule, no date of death for a death
  rule): the dry run lists none of them, as nothing is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from .. import append_only, policy
from ..models import (
    CensusMeaning,
    CinReferral,
    Deadline,
    DisclosureDecision,
    Disposal,
    DisposalRun,
    Episode,
    EpisodeLevel,
    LegalHold,
    Person,
    RecordType,
    RetentionBasis,
    RetentionRule,
    User,
)
from .audit import audit_record

IRMS = "IRMS Retention Guidelines for Local Authorities (Social Care: Children's Services), as the LGA advises"
# record type -> (basis, years, source): the council changes them on the rules page (retention_rule_set).
DEFAULT_RULES: dict[str, tuple[str, int, str]] = {
    RecordType.SOCIAL_CARE: (RetentionBasis.DATE_OF_BIRTH, 75, f"{IRMS}: until the child's 75th birthday"),
    RecordType.EARLY_HELP: (RetentionBasis.CLOSURE, 6, f"{IRMS}: early help, 6 years after closure"),
}
STATUTORY = (CensusMeaning.CHILD_IN_NEED, CensusMeaning.CHILD_PROTECTION, CensusMeaning.PRE_PROCEEDINGS)


class DisposalBlocked(Exception):
    """A record could not be disposed of whole (a row in an append-only table points at it): nothing of it went."""


@dataclass
class Due:
    """A record due for disposal (or that would be, but for a hold), and why."""

    person_id: int
    record_type: str
    basis: str
    years: int
    basis_date: dt.date
    due_on: dt.date
    merged_ids: list[int] = field(default_factory=list)
    held_by: list[str] = field(default_factory=list)

    @property
    def why(self) -> str:
        basis = {
            RetentionBasis.DATE_OF_BIRTH: "born",
            RetentionBasis.CLOSURE: "last closed",
            RetentionBasis.DEATH: "died",
        }[self.basis]
        return f"{RecordType(self.record_type).label}: {basis} {self.basis_date:%d %B %Y}, kept {self.years} years"


def anniversary(day: dt.date, years: int) -> dt.date:
    """`years` after `day`; 29 February's anniversary in a common year is 1 March (never a day early)."""
    later = day + relativedelta(years=years)
    if (day.month, day.day) == (2, 29) and later.day == 28:
        later += dt.timedelta(days=1)
    return later


# --- rules --------------------------------------------------------------------------------------------------------


def retention_rules() -> dict[str, RetentionRule]:
    """The rule for each record type: the council's, or the default where it has set none (unsaved)."""
    rules = {r.record_type: r for r in RetentionRule.objects.all()}
    for record_type, (basis, years, source) in DEFAULT_RULES.items():
        rules.setdefault(record_type, RetentionRule(record_type=record_type, basis=basis, years=years, source=source))
    return rules


@transaction.atomic
def retention_rule_set(*, actor: User, record_type: str, basis: str, years: int, source: str = "") -> RetentionRule:
    if not policy.may(actor, policy.MANAGE_RETENTION):
        raise PermissionDenied("Only the privacy officer sets retention rules")
    rule = RetentionRule.objects.filter(record_type=record_type).first() or RetentionRule(record_type=record_type)
    before = {"basis": rule.basis, "years": rule.years}
    rule.basis, rule.years, rule.source, rule.updated_by = basis, years, source, actor
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        verb="retention.rule_set",
        target=rule,
        fields=[k for k, v in before.items() if getattr(rule, k) != v] or ["basis", "years"],
    )
    return rule


# --- what is due --------------------------------------------------------------------------------------------------


def _record_type_annotations() -> dict:
    return {
        "social_care": Exists(CinReferral.objects.filter(person=OuterRef("pk")))
        | Exists(EpisodeLevel.objects.filter(episode__person=OuterRef("pk"), level__census_meaning__in=STATUTORY)),
        "has_episode": Exists(Episode.objects.filter(person=OuterRef("pk"))),
        "open_work": Exists(Episode.objects.filter(person=OuterRef("pk"), closed_on__isnull=True))
        | Exists(CinReferral.objects.filter(person=OuterRef("pk"), closed_on__isnull=True)),
        # The last closure of its work: an episode's or a referral's to social care (Greatest skips an empty one).
        "last_closed": Greatest(
            Subquery(
                Episode.objects.filter(person=OuterRef("pk"))
                .order_by()
                .values("person")
                .annotate(m=Max("closed_on"))
                .values("m")
            ),
            Subquery(
                CinReferral.objects.filter(person=OuterRef("pk"))
                .order_by()
                .values("person")
                .annotate(m=Max("closed_on"))
                .values("m")
            ),
        ),
    }


def record_type_of(person: Person) -> str | None:
    """SOCIAL_CARE, EARLY_HELP, or None (no work of its own: an adult in a family's network, a contact only): no
    rule applies to it, and it is never disposed of by one."""
    row = Person.objects.filter(pk=person.pk).annotate(**_record_type_annotations()).get()
    return _type(row)


def _type(row) -> str | None:
    if row.social_care:
        return RecordType.SOCIAL_CARE
    if row.has_episode:
        return RecordType.EARLY_HELP
    return None


def _merged_groups(survivor_ids: set[int]) -> dict[int, list[int]]:
    """Each survivor's merged-away records, transitively (a record merged into one later merged itself)."""
    groups = {pk: [] for pk in survivor_ids}
    owner = {pk: pk for pk in survivor_ids}
    frontier = set(survivor_ids)
    while frontier:
        rows = list(Person.objects.filter(merged_into__in=frontier).values_list("pk", "merged_into_id"))
        frontier = set()
        for pk, into in rows:
            if pk in owner:
                continue
            owner[pk] = owner[into]
            groups[owner[pk]].append(pk)
            frontier.add(pk)
    return groups


def _holds(ids: set[int], today: dt.date) -> dict[int, list[str]]:
    held: dict[int, list[str]] = {}
    rows = LegalHold.people.through.objects.filter(person_id__in=ids).filter(
        Q(legalhold__ends_on__isnull=True) | Q(legalhold__ends_on__gte=today)
    )
    for person_id, name in rows.values_list("person_id", "legalhold__name"):
        held.setdefault(person_id, []).append(name)
    return held


def retention_due(*, today: dt.date | None = None, person_ids=None) -> list[Due]:
    """Every record whose rule says it may go by `today` (held ones too, with the holds named). A survivor's merged
    records come with it; merged-away records are never candidates themselves. `person_ids`: only these."""
    today = today or timezone.localdate()
    rules = retention_rules()
    # A generous cut-off per basis (a year's slack for 29 February), then the exact date in Python.
    candidates = Q()
    for rule in rules.values():
        cutoff = today - relativedelta(years=rule.years) + dt.timedelta(days=1)
        column = {
            RetentionBasis.DATE_OF_BIRTH: "date_of_birth__lte",
            RetentionBasis.DEATH: "date_of_death__lte",
            RetentionBasis.CLOSURE: "last_closed__lte",
        }[rule.basis]
        candidates |= Q(**{column: cutoff})
    people = Person.objects.filter(merged_into__isnull=True)
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    rows = list(people.annotate(**_record_type_annotations()).filter(candidates, open_work=False).order_by("pk"))
    due: list[Due] = []
    for row in rows:
        record_type = _type(row)
        if record_type is None:
            continue
        rule = rules[record_type]
        basis_date = {
            RetentionBasis.DATE_OF_BIRTH: row.date_of_birth,
            RetentionBasis.DEATH: row.date_of_death,
            RetentionBasis.CLOSURE: row.last_closed,
        }[rule.basis]
        if basis_date is None:
            continue
        due_on = anniversary(basis_date, rule.years)
        if due_on > today:
            continue
        due.append(Due(row.pk, record_type, rule.basis, rule.years, basis_date, due_on))
    groups = _merged_groups({d.person_id for d in due})
    for d in due:
        d.merged_ids = sorted(groups[d.person_id])
    held = _holds({pk for d in due for pk in (d.person_id, *d.merged_ids)}, today)
    for d in due:
        d.held_by = sorted({name for pk in (d.person_id, *d.merged_ids) for name in held.get(pk, [])})
    return due


# --- disposal -----------------------------------------------------------------------------------------------------


def _reverse_links(model: type[models.Model]) -> list:
    """Every foreign key pointing at this model, hidden ones (related_name="+") included: `_meta.related_objects`
    leaves those out, and a strand's "+" link (an assessment's episode) would block the disposal or outlive it. The
    rows of a many-to-many (a hold's list, an FGDM offer's children) are reached through their own table's key."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one) and f.field.concrete
    ]


def _purge(model: type[models.Model], qs: models.QuerySet, path: tuple = ()) -> None:
    """Delete these rows and everything that depends on them, in every app (found by introspection, so a strand's
    new model is disposed of without changing this code). A dependent row whose link may be empty and is not a
    cascade (a strategy discussion that also covered a brother) is unlinked, not deleted: it is about someone else
    too. An append-only row depending on them stops the disposal (DisposalBlocked)."""
    for rel in _reverse_links(model):
        related, link = rel.related_model, rel.field
        if related is model and not path:
            continue  # Person.merged_into: the group is disposed of together (person_dispose)
        deps = related._base_manager.filter(**{f"{link.name}__in": qs.values("pk")})
        if related._meta.db_table in append_only.APPEND_ONLY_TABLES:
            if deps.exists():
                raise DisposalBlocked(f"{related._meta.label} keeps rows about this record")
            continue
        if rel.on_delete in (models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING):
            continue  # Django sets them when the rows go
        if path and link.null and rel.on_delete is not models.CASCADE:
            deps.update(**{link.name: None})
            continue
        if related in path:
            raise DisposalBlocked(f"{related._meta.label} links back to itself")
        _purge(related, deps, (*path, model))
    qs.delete()


def _forget_children(model: type[models.Model], ids: list[int]) -> None:
    """Delete the rows of `model` whose `person_ids` name only these children; take these ids out of the others."""
    model.objects.filter(person_ids__overlap=ids, person_ids__contained_by=ids).delete()
    for row in model.objects.filter(person_ids__overlap=ids):
        row.person_ids = [p for p in row.person_ids if p not in ids]
        row.save(update_fields=["person_ids", "updated_at"])


@transaction.atomic
def person_dispose(*, due: Due, run: DisposalRun, actor: User | None, today: dt.date) -> Disposal | None:
    """Dispose of one record and its merged-away duplicates: re-checked under a lock (a hold added, an episode
    reopened since the report was made: nothing goes). Writes one audit row (ids only) and a Disposal row."""
    ids = [due.person_id, *due.merged_ids]
    locked = list(Person.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    if due.person_id not in locked:
        return None
    fresh = next(iter(retention_due(today=today, person_ids=[due.person_id])), None)
    if fresh is None or fresh.held_by or set(fresh.merged_ids) != set(due.merged_ids):
        return None
    group = Person.objects.filter(pk__in=ids)
    # The group's own links first (merged_into, then the merges that record them), so deleting it meets no PROTECT.
    Person.objects.filter(pk__in=due.merged_ids).update(merged_into=None)
    # Rows naming children by id with no foreign key: deadlines, and decisions to share (or not), whose purpose or
    # reason is typed text that may name the child. One about these children only goes with them; one also about
    # other children stays for those, without these ids.
    for model in (Deadline, DisclosureDecision):
        _forget_children(model, ids)
    _purge(Person, group)
    event = audit_record(
        actor=actor,
        verb="retention.disposed",
        target_type="cases.person",
        target_id=due.person_id,
        child_ids=ids,
        reason=due.why,
        related={"disposal_run": run.pk, "merged": due.merged_ids},
    )
    return Disposal.objects.create(
        run=run,
        person_id=due.person_id,
        merged_ids=due.merged_ids,
        record_type=due.record_type,
        basis=due.basis,
        years=due.years,
        basis_date=due.basis_date,
        due_on=due.due_on,
        audit_event_id=event.pk,
    )


def retention_run(*, actor: User | None = None, today: dt.date | None = None) -> DisposalRun:
    """The disposal job: dispose of every record due and not held, each in its own transaction (one that cannot go
    whole stops alone). The dry run is retention_due()."""
    if actor is not None and not policy.may(actor, policy.MANAGE_RETENTION):
        raise PermissionDenied("Only the privacy officer runs the disposal job")
    today = today or timezone.localdate()
    # The run's own row is audited like any write (B9: it was committed with no audit row, start and finish).
    with transaction.atomic():
        run = DisposalRun.objects.create(actor=actor)
        audit_record(actor=actor, verb="retention.run_started", target=run)
    disposed = held = 0
    for due in retention_due(today=today):
        if due.held_by:
            held += 1
            continue
        try:
            if person_dispose(due=due, run=run, actor=actor, today=today):
                disposed += 1
        except DisposalBlocked:
            continue
    run.disposed, run.held, run.finished_at = disposed, held, timezone.now()
    with transaction.atomic():
        run.save(update_fields=["disposed", "held", "finished_at", "updated_at"])
        audit_record(actor=actor, verb="retention.run_finished", target=run, fields=["disposed", "held", "finished_at"])
    return run


# --- legal holds --------------------------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_create(
    *,
    actor: User,
    name: str,
    people: list[Person],
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    reference: str = "",
) -> LegalHold:
    if not policy.may(actor, policy.MANAGE_RETENTION):
        raise PermissionDenied("Only the privacy officer records legal holds")
    if not name.strip():
        raise ValidationError({"name": ["Enter the name of the inquiry or notice"]})
    if not people:
        raise ValidationError({"people": ["Name at least one child the hold is for"]})
    hold = LegalHold(
        name=name.strip(),
        reference=reference.strip(),
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        created_by=actor,
    )
    hold.full_clean()
    hold.save()
    hold.people.set(people)
    audit_record(
        actor=actor,
        verb="retention.hold_created",
        target=hold,
        child_ids=[p.pk for p in people],
        fields=["name", "people", "starts_on", "ends_on"],
    )
    return hold


@transaction.atomic
def legal_hold_end(*, actor: User, hold: LegalHold, ends_on: dt.date) -> LegalHold:
    if not policy.may(actor, policy.MANAGE_RETENTION):
        raise PermissionDenied("Only the privacy officer ends legal holds")
    hold.ends_on = ends_on
    hold.full_clean()
    hold.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        actor=actor,
        verb="retention.hold_ended",
        target=hold,
        child_ids=list(hold.people.values_list("pk", flat=True)),
        fields=["ends_on"],
    )
    return hold
