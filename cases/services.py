"""Writes to the shared record. Every service takes the acting user and records what it did."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import validators
from .middleware import current_request_context
from .models import (
    Address,
    AuditEvent,
    CaseNote,
    CaseNoteCorrection,
    ChronologyEntry,
    Deadline,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCase,
    FamilyCaseMember,
    Household,
    HouseholdMember,
    Involvement,
    InvolvementRole,
    NeedLevel,
    Notification,
    Person,
    PersonMerge,
    PersonName,
    Relationship,
    RestrictedAccess,
    Strand,
    Team,
    User,
    VisibilityTag,
    WorkerHeartbeat,
    WorkRequest,
)
from .permissions import person_permissions_sync


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_email": ""}
    return {"actor_id": actor.pk, "actor_email": actor.email}


def _request_fields() -> dict[str, Any]:
    ctx = current_request_context()
    if ctx is None:
        return {"request_id": "", "ip_address": None, "path": ""}
    return {"request_id": ctx.request_id, "ip_address": ctx.ip_address, "path": ctx.path}


def _target_fields(target: models.Model | None, target_type: str, target_id: Any) -> dict[str, str]:
    if target is not None:
        return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}
    return {"target_type": target_type, "target_id": "" if target_id is None else str(target_id)}


def audit_record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = None,
    child_ids: Iterable[int] = (),
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    kind: str = AuditEvent.Kind.WRITE,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction of the change it describes, so that the
    change and its record commit or roll back together."""
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        kind=kind,
        verb=verb,
        child_ids=sorted({int(c) for c in child_ids}),
        reason=reason,
        before=before,
        after=after,
        **_actor_fields(actor),
        **_target_fields(target, target_type, target_id),
        **_request_fields(),
    )


def audit_read(
    *,
    actor: User,
    verb: str,
    child_ids: Iterable[int],
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Record that a page or API response showed these children's data (lists: every id shown).

    If this insert fails the exception propagates, so the view fails and shows nothing: no read of
    a child's record goes unrecorded.
    """
    return audit_record(
        actor=actor,
        verb=verb,
        target=target,
        target_type=target_type,
        target_id=target_id,
        child_ids=child_ids,
        reason=reason,
        kind=AuditEvent.Kind.READ,
    )


@transaction.atomic
def worker_heartbeat_record(*, source: str, hostname: str = "") -> WorkerHeartbeat:
    """Note that a worker is alive and consuming tasks (read by /healthz)."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        source=source[:32], defaults={"last_seen": timezone.now(), "hostname": hostname[:200]}
    )
    return heartbeat


# ================================================================================================
# The shared record
# ================================================================================================


class StaleEdit(Exception):  # noqa: N818
    """Someone else saved this record after it was opened: the later save is refused, not merged."""

    def __init__(self, current_version: int) -> None:
        super().__init__("Someone else changed this record while you were editing it. Your changes have not "
                         "been saved: check their changes below, then make yours again.")
        self.current_version = current_version


class MergeRefused(Exception):  # noqa: N818
    """A merge that would create an impossible record; the message says why."""


PERSON_EDITABLE_FIELDS = (
    "first_name", "middle_names", "last_name", "preferred_name", "date_of_birth", "expected_date_of_birth",
    "date_of_death", "sex", "gender_identity", "ethnicity", "disabilities", "first_language",
    "interpreter_needed", "nhs_number", "upn",
)


def _person_snapshot(person: Person, fields=PERSON_EDITABLE_FIELDS) -> dict:
    out = {}
    for name in fields:
        value = getattr(person, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _clean_person_data(data: dict) -> dict:
    """Normalise identifiers and validate codes and dates; raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    today = timezone.localdate()
    nhs = validators.normalise_nhs_number(cleaned.get("nhs_number") or "")
    cleaned["nhs_number"] = nhs or None
    if nhs:
        try:
            validators.validate_nhs_number(nhs)
        except ValidationError as exc:
            errors.setdefault("nhs_number", []).extend(exc.messages)
    upn = (cleaned.get("upn") or "").strip().upper()
    cleaned["upn"] = upn
    if upn:
        try:
            validators.validate_upn(upn)
        except ValidationError as exc:
            errors.setdefault("upn", []).extend(exc.messages)
    for field, check in (("ethnicity", validators.validate_ethnicity),
                         ("disabilities", validators.validate_disabilities)):
        if cleaned.get(field):
            try:
                check(cleaned[field])
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    dob, edd, dod = cleaned.get("date_of_birth"), cleaned.get("expected_date_of_birth"), cleaned.get("date_of_death")
    if dob and dob > today:
        errors.setdefault("date_of_birth", []).append(
            "Date of birth must be today or in the past (for an unborn child, give the expected date of birth)")
    if dob and edd:
        errors.setdefault("expected_date_of_birth", []).append(
            "Give a date of birth or an expected date of birth, not both")
    if dod and dod > today:
        errors.setdefault("date_of_death", []).append("Date of death must be today or in the past")
    if dod and dob and dod < dob:
        errors.setdefault("date_of_death", []).append("Date of death must be on or after the date of birth")
    for name in ("first_name", "last_name"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                errors.setdefault(name, []).append(f"Enter the {name.replace('_', ' ')}")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _next_la_child_id() -> str:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_la_child_id_seq')")
        (number,) = cursor.fetchone()
    return f"{settings.COUNCIL_LA_CODE}C{number:08d}"[:20]


@transaction.atomic
def person_create(*, actor: User, data: dict, reason: str = "") -> Person:
    """Create a person. Callers show likely duplicates (person_find_duplicates) before calling this."""
    cleaned = _clean_person_data(data)
    if cleaned.get("nhs_number") and Person.objects.filter(nhs_number=cleaned["nhs_number"]).exists():
        raise ValidationError({"nhs_number": ["A record with this NHS number already exists: search for it and "
                                              "use that record"]})
    person = Person(**{k: v for k, v in cleaned.items() if k in PERSON_EDITABLE_FIELDS}, created_by=actor)
    person.la_child_id = _next_la_child_id()
    person.full_clean(exclude=["search_name", "first_name_phonetic", "last_name_phonetic"])
    person.save()
    audit_record(actor=actor, verb="person.created", target=person, child_ids=[person.pk], reason=reason,
                 after=_person_snapshot(person))
    chronology_add(person=person, actor=actor, strand=Strand.RECORD, kind="record_created",
                   summary=f"Record created by {actor.full_name} ({actor.agency})" if actor else "Record created",
                   occurred_at=timezone.now(), target=person)
    return person


@transaction.atomic
def person_update(*, person: Person, actor: User, data: dict, expected_version: int, reason: str = "") -> Person:
    """Change a person's details. A save based on an older version than the current one is refused."""
    cleaned = _clean_person_data({**_person_snapshot_raw(person), **data})
    if cleaned.get("nhs_number") and Person.objects.filter(nhs_number=cleaned["nhs_number"]).exclude(
            pk=person.pk).exists():
        raise ValidationError({"nhs_number": ["Another record already has this NHS number: it may be a duplicate "
                                              "to merge"]})
    before = _person_snapshot(person)
    changes = {k: v for k, v in cleaned.items() if k in PERSON_EDITABLE_FIELDS}
    candidate = Person(**{**{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields
                             if not f.generated}, **changes})
    candidate.full_clean(exclude=["search_name", "first_name_phonetic", "last_name_phonetic", "la_child_id",
                                  "nhs_number"], validate_unique=False)
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **changes, version=models.F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise StaleEdit(Person.objects.values_list("version", flat=True).get(pk=person.pk))
    person.refresh_from_db()
    after = _person_snapshot(person)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    audit_record(actor=actor, verb="person.updated", target=person, child_ids=[person.pk], reason=reason,
                 before={k: before[k] for k in changed}, after=changed)
    return person


def _person_snapshot_raw(person: Person) -> dict:
    return {name: getattr(person, name) for name in PERSON_EDITABLE_FIELDS}


@transaction.atomic
def person_add_address(*, person: Person, actor: User, line1: str, postcode: str, line2: str = "",
                       town: str = "", start_date=None, end_date=None) -> Address:
    try:
        validators.validate_postcode(postcode)
    except ValidationError as exc:
        raise ValidationError({"postcode": exc.messages}) from None
    if start_date is None and end_date is None:
        # A new current address ends the previous current one.
        Address.objects.filter(person=person, end_date__isnull=True).update(end_date=timezone.localdate())
    address = Address(person=person, line1=line1, line2=line2, town=town,
                      postcode=validators.normalise_postcode(postcode), start_date=start_date or timezone.localdate(),
                      end_date=end_date)
    address.full_clean(exclude=["postcode_normalised"])
    address.save()
    audit_record(actor=actor, verb="address.added", target=address, child_ids=[person.pk],
                 after={"postcode": address.postcode})
    return address


@transaction.atomic
def person_add_previous_name(*, person: Person, actor: User, first_name: str, last_name: str,
                             kind: str = PersonName.Kind.PREVIOUS) -> PersonName:
    name = PersonName.objects.create(person=person, first_name=first_name, last_name=last_name, kind=kind)
    audit_record(actor=actor, verb="person_name.added", target=name, child_ids=[person.pk],
                 after={"first_name": first_name, "last_name": last_name, "kind": kind})
    return name


@transaction.atomic
def relationship_add(*, actor: User, from_person: Person, to_person: Person, type: str,
                     parental_responsibility: bool = False, start_date=None, end_date=None,
                     notes: str = "") -> Relationship:
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": ["A person cannot be related to themselves"]})
    rel = Relationship(from_person=from_person, to_person=to_person, type=type,
                       parental_responsibility=parental_responsibility, start_date=start_date, end_date=end_date,
                       notes=notes)
    rel.full_clean()
    rel.save()
    audit_record(actor=actor, verb="relationship.added", target=rel, child_ids=[from_person.pk, to_person.pk],
                 after={"type": type, "parental_responsibility": parental_responsibility})
    return rel


@transaction.atomic
def household_create(*, actor: User, name: str, members: list[Person], start_date=None) -> Household:
    household = Household.objects.create(name=name)
    for person in members:
        HouseholdMember.objects.create(household=household, person=person, start_date=start_date)
    audit_record(actor=actor, verb="household.created", target=household, child_ids=[p.pk for p in members])
    return household


# --- restriction ------------------------------------------------------------------------------------


@transaction.atomic
def person_restrict(*, person: Person, actor: User, reason: str, access_users: list[User]) -> Person:
    """Restrict a record to a named list (the actor is always on it)."""
    from .models import RestrictionReason

    if reason not in RestrictionReason.values:
        raise ValidationError({"restriction_reason": ["Choose why the record is restricted"]})
    Person.objects.filter(pk=person.pk).update(restricted=True, restriction_reason=reason,
                                               version=models.F("version") + 1)
    for user in {actor, *access_users}:
        RestrictedAccess.objects.get_or_create(person=person, user=user, defaults={"granted_by": actor})
    person.refresh_from_db()
    audit_record(actor=actor, verb="person.restricted", target=person, child_ids=[person.pk],
                 after={"reason": reason, "access": sorted(u.email for u in {actor, *access_users})})
    return person


@transaction.atomic
def person_unrestrict(*, person: Person, actor: User, reason: str) -> Person:
    Person.objects.filter(pk=person.pk).update(restricted=False, restriction_reason="",
                                               version=models.F("version") + 1)
    person.refresh_from_db()
    audit_record(actor=actor, verb="person.unrestricted", target=person, child_ids=[person.pk], reason=reason)
    return person


# --- teams and involvement ---------------------------------------------------------------------------


@transaction.atomic
def team_ensure_group(*, team: Team) -> Group:
    """Each team has a group that holds the object permissions granted to the team."""
    if team.group_id:
        return team.group
    group, _ = Group.objects.get_or_create(name=f"team:{team.pk}")
    Team.objects.filter(pk=team.pk).update(group=group)
    team.group = group
    return group


@transaction.atomic
def team_member_add(*, team: Team, user: User, actor: User | None) -> None:
    group = team_ensure_group(team=team)
    user.teams.add(team)
    user.groups.add(group)
    audit_record(actor=actor, verb="team.member_added", target=team, after={"user": user.email})


@transaction.atomic
def team_member_remove(*, team: Team, user: User, actor: User | None) -> None:
    user.teams.remove(team)
    if team.group_id:
        user.groups.remove(team.group)
    audit_record(actor=actor, verb="team.member_removed", target=team, after={"user": user.email})


@transaction.atomic
def involvement_add(*, person: Person, actor: User | None, role: str, user: User | None = None,
                    team: Team | None = None, agency=None, start_date=None) -> Involvement:
    """Record that a practitioner (or a team) works with a child; access follows at once."""
    if user is None and team is None and agency is None:
        raise ValidationError("Name the practitioner, team or agency that is involved")
    if team is not None:
        team_ensure_group(team=team)
    agency = agency or (user.agency if user else team.agency)
    involvement = Involvement(person=person, user=user, team=team, agency=agency, role=role,
                              start_date=start_date or timezone.localdate(), created_by=actor)
    involvement.full_clean()
    involvement.save()
    person_permissions_sync(person)
    audit_record(actor=actor, verb="involvement.added", target=involvement, child_ids=[person.pk],
                 after={"role": role, "user": user.email if user else None, "team": team.name if team else None})
    return involvement


@transaction.atomic
def involvement_end(*, involvement: Involvement, actor: User | None, end_date=None, reason: str = "") -> Involvement:
    """End an involvement; the access it gave goes with it at once (end_date is exclusive: the day it ended)."""
    end = end_date or timezone.localdate()
    Involvement.objects.filter(pk=involvement.pk).update(end_date=end, updated_at=timezone.now())
    involvement.end_date = end
    person_permissions_sync(involvement.person)
    audit_record(actor=actor, verb="involvement.ended", target=involvement, child_ids=[involvement.person_id],
                 reason=reason, after={"end_date": end.isoformat()})
    return involvement


# --- episodes ----------------------------------------------------------------------------------------


@transaction.atomic
def episode_open(*, person: Person, actor: User | None, level: NeedLevel, opened_on=None, reason: str = "",
                 family_case: FamilyCase | None = None, source_type: str = "", source_id: str = "") -> Episode:
    """Open the child's episode at a level of need. A child has at most one open episode: if one is
    open, its level moves instead (stepping up or down never opens a second record)."""
    current = Episode.objects.select_for_update().filter(person=person, closed_on__isnull=True).first()
    if current is not None:
        if episode_current_level(current).pk != level.pk:
            episode_change_level(episode=current, actor=actor, level=level, reason=reason)
        return current
    episode = Episode.objects.create(person=person, family_case=family_case, opened_on=opened_on or
                                     timezone.localdate(), opened_reason=reason, source_type=source_type,
                                     source_id=str(source_id))
    started = timezone.now() if opened_on is None else dt.datetime.combine(
        opened_on, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    EpisodeLevel.objects.create(episode=episode, level=level, changed_by=actor, reason=reason,
                                started_at=min(started, timezone.now()))
    audit_record(actor=actor, verb="episode.opened", target=episode, child_ids=[person.pk],
                 after={"level": level.code, "opened_on": episode.opened_on.isoformat()})
    chronology_add(person=person, actor=actor, strand=Strand.RECORD, kind="episode_opened",
                   summary=f"Episode opened at {level.name}" + (f": {reason}" if reason else ""),
                   significant=True, occurred_at=timezone.now(), target=episode)
    return episode


def episode_current_level(episode: Episode) -> NeedLevel:
    return episode.levels.select_related("level").get(ended_at__isnull=True).level


@transaction.atomic
def episode_change_level(*, episode: Episode, actor: User | None, level: NeedLevel, reason: str,
                         changed_at=None) -> EpisodeLevel:
    """Step up or down along the continuum on the same episode, keeping the dated history.
    `changed_at` records a change made earlier (a late entry, or migrated history)."""
    if not episode.is_open:
        raise ValidationError("This episode is closed: open a new one from the front door")
    if not reason:
        raise ValidationError({"reason": ["Give the reason for changing the level of need"]})
    now = changed_at or timezone.now()
    current = EpisodeLevel.objects.select_for_update().get(episode=episode, ended_at__isnull=True)
    if now < current.started_at or now > timezone.now():
        raise ValidationError({"changed_at": ["The change must be after the current level began and not in the "
                                              "future"]})
    if current.level_id == level.pk:
        return current
    EpisodeLevel.objects.filter(pk=current.pk).update(ended_at=now)
    new = EpisodeLevel.objects.create(episode=episode, level=level, started_at=now, changed_by=actor, reason=reason)
    direction = "up" if level.rank > current.level.rank else "down"
    audit_record(actor=actor, verb="episode.level_changed", target=episode, child_ids=[episode.person_id],
                 reason=reason, before={"level": current.level.code}, after={"level": level.code})
    chronology_add(person=episode.person, actor=actor, strand=Strand.RECORD, kind=f"stepped_{direction}",
                   summary=f"Stepped {direction} from {current.level.name} to {level.name}: {reason}",
                   significant=True, occurred_at=now, target=episode)
    return new


@transaction.atomic
def episode_set_lead(*, episode: Episode, actor: User | None, user: User, kind: str,
                     started_at=None) -> EpisodeLead:
    """Appoint the FHLP or LCPP. The previous one's period ends and so does the access their lead role
    gave them (a handover, unless they stay involved in another role); the new one gains access."""
    now = started_at or timezone.now()
    previous = EpisodeLead.objects.filter(episode=episode, kind=kind, ended_at__isnull=True).first()
    if previous and previous.user_id == user.pk:
        return previous
    if previous:
        EpisodeLead.objects.filter(pk=previous.pk).update(ended_at=now)
        _end_lead_involvements(episode=episode, user_ids=[previous.user_id], actor=actor, on=now)
    lead = EpisodeLead.objects.create(episode=episode, kind=kind, user=user, started_at=now, assigned_by=actor)
    involvement_add(person=episode.person, actor=actor, role=InvolvementRole.LEAD_PRACTITIONER, user=user,
                    start_date=timezone.localtime(now).date())
    audit_record(actor=actor, verb="episode.lead_set", target=episode, child_ids=[episode.person_id],
                 before={"lead": previous.user.email} if previous else None, after={"lead": user.email, "kind": kind})
    chronology_add(person=episode.person, actor=actor, strand=Strand.RECORD, kind="lead_practitioner",
                   summary=f"{lead.get_kind_display()}: {user.full_name} ({user.agency})", occurred_at=now,
                   target=episode)
    return lead


@transaction.atomic
def episode_close(*, episode: Episode, actor: User | None, reason_code: str, summary: str,
                  closed_on=None) -> Episode:
    from .codes import valid_codes

    if reason_code not in valid_codes("reasonforclosuretype"):
        raise ValidationError({"closure_reason": ["Choose a reason for closure (RC1 to RC9)"]})
    closed_on = closed_on or timezone.localdate()
    if closed_on < episode.opened_on:
        raise ValidationError({"closed_on": ["The closure date must be on or after the date the episode opened"]})
    now = timezone.now()
    if not Episode.objects.filter(pk=episode.pk, closed_on__isnull=True).update(
            closed_on=closed_on, closure_reason=reason_code, closure_summary=summary, updated_at=now):
        raise ValidationError("This episode is already closed")
    EpisodeLevel.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    lead_user_ids = list(EpisodeLead.objects.filter(episode=episode, ended_at__isnull=True)
                         .values_list("user_id", flat=True))
    EpisodeLead.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    # The leads' access ends with the episode (other involvements, e.g. a school's, are theirs to end).
    _end_lead_involvements(episode=episode, user_ids=lead_user_ids, actor=actor, on=now)
    episode.refresh_from_db()
    audit_record(actor=actor, verb="episode.closed", target=episode, child_ids=[episode.person_id],
                 after={"closure_reason": reason_code})
    chronology_add(person=episode.person, actor=actor, strand=Strand.RECORD, kind="episode_closed",
                   summary=f"Episode closed ({reason_code}): {summary}", significant=True, occurred_at=now,
                   target=episode)
    return episode


def _end_lead_involvements(*, episode: Episode, user_ids: list[int], actor: User | None, on) -> None:
    end = timezone.localtime(on).date()
    for involvement in Involvement.objects.filter(person=episode.person, user_id__in=user_ids, end_date__isnull=True,
                                                  role=InvolvementRole.LEAD_PRACTITIONER):
        involvement_end(involvement=involvement, actor=actor, end_date=max(end, involvement.start_date),
                        reason="Lead practitioner role ended")


@transaction.atomic
def family_case_create(*, actor: User | None, name: str, members: list[tuple[Person, str]],
                       opened_on=None) -> FamilyCase:
    family = FamilyCase.objects.create(name=name, opened_on=opened_on or timezone.localdate())
    for person, role in members:
        FamilyCaseMember.objects.create(family_case=family, person=person, role=role)
    Episode.objects.filter(person__in=[p for p, role in members if role == FamilyCaseMember.Role.CHILD],
                           closed_on__isnull=True, family_case__isnull=True).update(family_case=family)
    audit_record(actor=actor, verb="family_case.created", target=family,
                 child_ids=[p.pk for p, _ in members])
    return family


# --- chronology and notes ----------------------------------------------------------------------------


def chronology_add(*, person: Person, actor: User | None, strand: str, kind: str, summary: str,
                   occurred_at=None, significant: bool = False, target: models.Model | None = None,
                   link: str = "", source_agency=None) -> ChronologyEntry:
    """Every strand's services call this to tell the child's story; it runs in their transaction."""
    entry = ChronologyEntry(
        person=person, occurred_at=occurred_at or timezone.now(), strand=strand, kind=kind, summary=summary,
        significant=significant, author=actor if actor is not None and actor.is_authenticated else None,
        source_agency=source_agency or (actor.agency if actor is not None and actor.is_authenticated else None),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "", link=link,
    )
    entry.full_clean(exclude=["person", "author", "source_agency"])
    entry.save()
    return entry


@transaction.atomic
def case_note_save_draft(*, person: Person, actor: User, data: dict, note: CaseNote | None = None,
                         expected_version: int | None = None) -> CaseNote:
    """Create or update a draft. Only the author edits a draft; a final note is never edited."""
    fields = ("kind", "occurred_at", "subject", "body", "significant", "child_seen", "child_seen_alone",
              "visibility_tags", "episode", "strand")
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
    if not CaseNote.objects.filter(pk=note.pk, version=expected_version or note.version,
                                   status=CaseNote.Status.DRAFT).update(**changes, version=models.F("version") + 1,
                                                                         updated_at=timezone.now()):
        raise StaleEdit(CaseNote.objects.values_list("version", flat=True).get(pk=note.pk))
    note.refresh_from_db()
    audit_record(actor=actor, verb="case_note.draft_updated", target=note, child_ids=[person.pk])
    return note


def _check_visit(note: CaseNote) -> None:
    if note.kind == CaseNote.Kind.VISIT and note.child_seen is None:
        raise ValidationError({"child_seen": ["Say whether the child was seen on this visit"]})
    if note.kind == CaseNote.Kind.VISIT and note.child_seen and note.child_seen_alone is None:
        raise ValidationError({"child_seen_alone": ["Say whether the child was seen alone"]})
    if note.child_seen_alone and not note.child_seen:
        raise ValidationError({"child_seen_alone": ["A child seen alone must also be recorded as seen"]})
    unknown = set(note.visibility_tags) - set(VisibilityTag.values)
    if unknown:
        raise ValidationError({"visibility_tags": [f"Unknown tags: {', '.join(sorted(unknown))}"]})


@transaction.atomic
def case_note_finalise(*, note: CaseNote, actor: User) -> CaseNote:
    """Make a draft final. From now on it is only ever appended to; significant notes join the chronology."""
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the author can make a note final")
    now = timezone.now()
    if not CaseNote.objects.filter(pk=note.pk, status=CaseNote.Status.DRAFT).update(
            status=CaseNote.Status.FINAL, finalised_at=now, updated_at=now, version=models.F("version") + 1):
        raise ValidationError("This note is already final")
    note.refresh_from_db()
    audit_record(actor=actor, verb="case_note.finalised", target=note, child_ids=[note.person_id])
    seen = ""
    if note.kind == CaseNote.Kind.VISIT:
        seen = " Child seen alone." if note.child_seen_alone else (" Child seen." if note.child_seen else
                                                                   " Child not seen.")
    chronology_add(person=note.person, actor=actor, strand=note.strand, kind=f"case_note_{note.kind}",
                   summary=f"{note.get_kind_display()}: {note.subject}.{seen}", significant=note.significant,
                   occurred_at=note.occurred_at, target=note, link=reverse("cases:case_note_detail", args=[note.pk]))
    return note


@transaction.atomic
def case_note_correct(*, note: CaseNote, actor: User, body: str) -> CaseNoteCorrection:
    from .permissions import can_edit_person

    if not can_edit_person(actor, note.person):
        raise PermissionDenied("Only practitioners who can change this record can correct its notes")
    if note.status != CaseNote.Status.FINAL:
        raise ValidationError("A draft can be edited directly; corrections are for final notes")
    if not body.strip():
        raise ValidationError({"body": ["Enter the correction"]})
    correction = CaseNoteCorrection.objects.create(note=note, author=actor, body=body.strip())
    audit_record(actor=actor, verb="case_note.corrected", target=note, child_ids=[note.person_id],
                 after={"correction_id": correction.pk})
    return correction


# --- merging duplicates --------------------------------------------------------------------------------

# Checks that refuse a merge which would make an impossible record. Each takes (kept, merged) and
# returns a reason or None. Strands add their own (MACPT: overlapping child protection plans) from
# their AppConfig.ready(), so cases needs no knowledge of their models.
MERGE_CHECKS: list = []

# Identifiers and facts filled on the kept record from the merged one when the kept record lacks them.
_MERGE_FILL_FIELDS = ("nhs_number", "upn", "date_of_birth", "expected_date_of_birth", "ethnicity",
                      "first_language", "gender_identity", "preferred_name", "middle_names")
# Links that are recomputed rather than moved.
_MERGE_SKIP = {"cases.personuserobjectpermission", "cases.persongroupobjectpermission", "cases.personmerge",
               "cases.person"}


def _merge_refusal(kept: Person, merged: Person) -> str | None:
    if kept.pk == merged.pk:
        return "A record cannot be merged with itself."
    if kept.merged_into_id or merged.merged_into_id:
        return "One of these records has already been merged into another."
    if kept.nhs_number and merged.nhs_number and kept.nhs_number != merged.nhs_number:
        return ("These records have different NHS numbers, so they are different people. Check the NHS "
                "numbers before merging.")
    if (Episode.objects.filter(person=kept, closed_on__isnull=True).exists()
            and Episode.objects.filter(person=merged, closed_on__isnull=True).exists()):
        return ("Both records have an open episode, and a child can only have one. Close one of the episodes "
                "(or record its work on the other) before merging.")
    if Relationship.objects.filter(Q(from_person=kept, to_person=merged) | Q(from_person=merged,
                                                                             to_person=kept)).exists():
        return ("These records are linked to each other as family members, so merging would make a person "
                "related to themselves. Remove that relationship first if they really are the same person.")
    for check in MERGE_CHECKS:
        reason = check(kept, merged)
        if reason:
            return reason
    return None


def _person_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, FK field name) that points at Person, across all apps, found by introspection so
    that a strand's new model is merged without changing this code."""
    links = []
    for rel in Person._meta.related_objects:
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
    record = PersonMerge.objects.create(kept=kept, merged=merged, actor=actor, reason=reason, moved=moved,
                                        kept_before=kept_before, merged_before=merged_before)
    person_permissions_sync(kept)
    person_permissions_sync(merged)
    audit_record(actor=actor, verb="person.merged", target=record, child_ids=[kept.pk, merged.pk], reason=reason,
                 after={"kept": kept.pk, "merged": merged.pk, "moved": {m["model"]: len(m["ids"]) for m in moved}})
    chronology_add(person=kept, actor=actor, strand=Strand.RECORD, kind="records_merged",
                   summary=f"Duplicate record {merged.la_child_id} merged into this one: {reason}",
                   significant=False, target=record)
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
        model = models_by_label[entry["model"]]
        # Only rows still on the kept record: anything created there since the merge stays.
        model._default_manager.filter(pk__in=entry["ids"], **{entry["field"]: kept}).update(
            **{entry["field"]: merged})
    Person.objects.filter(pk=kept.pk).update(**_from_json(merge.kept_before), version=models.F("version") + 1,
                                             updated_at=timezone.now())
    Person.objects.filter(pk=merged.pk).update(merged_into=None, **_from_json(merge.merged_before),
                                               version=models.F("version") + 1, updated_at=timezone.now())
    now = timezone.now()
    PersonMerge.objects.filter(pk=merge.pk).update(unmerged_at=now, unmerged_by=actor)
    merge.refresh_from_db()
    person_permissions_sync(kept)
    person_permissions_sync(merged)
    audit_record(actor=actor, verb="person.unmerged", target=merge, child_ids=[kept.pk, merged.pk], reason=reason)
    chronology_add(person=kept, actor=actor, strand=Strand.RECORD, kind="records_unmerged",
                   summary=f"Merge with record {merged.la_child_id} undone: {reason}", target=merge)
    return merge


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _from_json(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        field = Person._meta.get_field(name)
        out[name] = field.to_python(value) if value not in (None, "") or not isinstance(field, models.DateField) \
            else None
    return out


# --- notifications, deadlines and hand-offs --------------------------------------------------------------


def notify(*, user: User, kind: str, title: str, unique_key: str, body: str = "", link: str = "",
           send_email: bool = False) -> Notification | None:
    """Create a notification once: a second call with the same key does nothing (returns None).
    Emails are sent by notification_email_send after commit, never inside the transaction."""
    notification = Notification(user=user, kind=kind, title=title[:200], body=body, link=link,
                                unique_key=unique_key[:200], send_email=send_email)
    created = Notification.objects.bulk_create([notification], ignore_conflicts=True,
                                               unique_fields=["unique_key"])
    # With ignore_conflicts PostgreSQL returns no id for a skipped row.
    if not created or created[0].pk is None:
        return None
    if send_email:
        transaction.on_commit(_queue_notification_emails)
    return created[0]


def _queue_notification_emails() -> None:
    """Ask a worker to send the emails now. If the broker is down the user's change has still committed,
    and the periodic email task (every 5 minutes) sends them later, so this must never fail the request."""
    import logging

    from .tasks import notification_emails_send_task

    try:
        notification_emails_send_task.apply_async(retry=False)
    except Exception:  # noqa: BLE001  (any broker failure: the beat schedule is the safety net)
        logging.getLogger(__name__).warning("could not queue notification emails; the periodic task will send them")


def notification_emails_send() -> int:
    """Email every notification that asks for it and has not been emailed. Each row is claimed with a
    compare-and-set before sending, so two workers never send the same one."""
    from django.conf import settings
    from django.core.mail import send_mail

    sent = 0
    for pk in Notification.objects.filter(send_email=True, emailed_at__isnull=True).values_list("pk", flat=True)[:500]:
        if not Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        note = Notification.objects.select_related("user").get(pk=pk)
        send_mail(subject=f"{settings.SERVICE_NAME}: {note.title}",
                  message=f"{note.body}\n\nSign in to {settings.SERVICE_NAME} to see more.",
                  from_email=None, recipient_list=[note.user.email], fail_silently=False)
        sent += 1
    return sent


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> None:
    Notification.objects.filter(pk=notification.pk, user=actor, read_at__isnull=True).update(read_at=timezone.now())


def deadline_set(*, kind: str, label: str, target: models.Model, due_at, person_ids: Iterable[int] = (),
                 warn_at=None, assignee: User | None = None, notify_agency=None, escalate_role: str = "",
                 link: str = "") -> Deadline:
    """Create or move the open deadline of this kind for this record (one open per kind and target)."""
    target_type, target_id = target._meta.label_lower, str(target.pk)
    values = {"label": label, "due_at": due_at, "warn_at": warn_at, "person_ids": sorted(set(person_ids)),
              "assignee": assignee, "notify_agency": notify_agency, "escalate_role": escalate_role, "link": link}
    existing = Deadline.objects.filter(kind=kind, target_type=target_type, target_id=target_id,
                                       state=Deadline.State.OPEN).first()
    if existing:
        if warn_at is None:  # moving a deadline keeps its reminder unless a new one is given
            values.pop("warn_at")
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        return existing
    return Deadline.objects.create(kind=kind, target_type=target_type, target_id=target_id, **values)


def deadline_met(*, kind: str, target: models.Model) -> int:
    """Close the open deadline (the decision was made, the request answered). Returns rows closed."""
    return Deadline.objects.filter(kind=kind, target_type=target._meta.label_lower, target_id=str(target.pk),
                                   state=Deadline.State.OPEN).update(state=Deadline.State.MET,
                                                                     met_at=timezone.now())


def deadline_cancel_for_children(*, kind_prefix: str, person_ids: Iterable[int]) -> int:
    """Cancel the open deadlines of a strand's kinds that are about these children only, because that work
    has ended for them (e.g. Family Help closed): the sweeper then sends no reminder or breach. Returns rows."""
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        return 0
    return (Deadline.objects.filter(state=Deadline.State.OPEN, kind__startswith=kind_prefix,
                                    person_ids__contained_by=ids).exclude(person_ids=[])
            .update(state=Deadline.State.CANCELLED, updated_at=timezone.now()))


def deadline_reassign(*, kind: str, target: models.Model, assignee: User | None) -> None:
    Deadline.objects.filter(kind=kind, target_type=target._meta.label_lower, target_id=str(target.pk),
                            state=Deadline.State.OPEN).update(assignee=assignee)


# Strands register what else a breach of their deadline kind changes on their own records (the front
# door flags the contact), from AppConfig.ready(): kind -> callable(deadline). Runs in the sweep's
# transaction, so the flag and the alerts commit together.
DEADLINE_BREACH_HANDLERS: dict = {}

# A breach found this long after it happened was missed by the sweeper (downtime) and says so.
LATE_DETECTION = dt.timedelta(minutes=5)


def _deadline_recipients(deadline: Deadline, *, breach: bool) -> list[User]:
    users: dict[int, User] = {}
    if deadline.assignee_id and deadline.assignee.is_active:
        users[deadline.assignee_id] = deadline.assignee
    if deadline.notify_agency_id:
        for user in User.objects.filter(agency_id=deadline.notify_agency_id, is_active=True):
            users[user.pk] = user
    if breach and deadline.escalate_role:
        for user in User.objects.filter(groups__name=deadline.escalate_role, is_active=True):
            users[user.pk] = user
    return list(users.values())


def deadline_sweep(*, now=None) -> dict[str, int]:
    """Warn before and record breaches after every open deadline; safe to run any number of times,
    concurrently, or after downtime (it catches up on everything due by now, flagging late finds).

    Each deadline is handled in its own transaction with the row locked (SKIP LOCKED, so two sweepers
    share the work instead of both doing it), and every notification carries a unique key: a crash
    mid-way rolls that deadline back for the next sweep, and nothing is ever sent twice."""
    now = now or timezone.now()
    warned = breached = 0
    warn_ids = list(Deadline.objects.filter(state=Deadline.State.OPEN, warned_at__isnull=True, warn_at__lte=now,
                                            due_at__gt=now).values_list("pk", flat=True))
    for pk in warn_ids:
        with transaction.atomic():
            deadline = (Deadline.objects.select_for_update(skip_locked=True, of=("self",)).select_related("assignee")
                        .filter(pk=pk, state=Deadline.State.OPEN, warned_at__isnull=True).first())
            if deadline is None:
                continue
            Deadline.objects.filter(pk=pk).update(warned_at=now)
            for user in _deadline_recipients(deadline, breach=False):
                notify(user=user, kind=f"{deadline.kind}.due_soon", unique_key=f"deadline:{pk}:warn:{user.pk}",
                       title=f"Due soon: {deadline.label}", link=deadline.link,
                       body=f"Due by {timezone.localtime(deadline.due_at):%A %d %B %Y at %H:%M}.")
            warned += 1
    breach_ids = list(Deadline.objects.filter(state=Deadline.State.OPEN, breached_at__isnull=True, due_at__lte=now)
                      .values_list("pk", flat=True))
    for pk in breach_ids:
        with transaction.atomic():
            deadline = (Deadline.objects.select_for_update(skip_locked=True, of=("self",)).select_related("assignee")
                        .filter(pk=pk, state=Deadline.State.OPEN, breached_at__isnull=True).first())
            if deadline is None:
                continue
            late = now - deadline.due_at > LATE_DETECTION
            Deadline.objects.filter(pk=pk).update(breached_at=now, breach_detected_late=late)
            due_text = timezone.localtime(deadline.due_at).strftime("%A %d %B %Y at %H:%M")
            for user in _deadline_recipients(deadline, breach=True):
                notify(user=user, kind=f"{deadline.kind}.overdue", unique_key=f"deadline:{pk}:breach:{user.pk}",
                       title=f"Overdue: {deadline.label}", link=deadline.link, send_email=True,
                       body=f"This was due by {due_text}." + (" (Found late: the reminder service was down.)"
                                                             if late else ""))
            for person in Person.objects.filter(pk__in=deadline.person_ids):
                chronology_add(person=person, actor=None, strand=_strand_for(deadline.target_type),
                               kind=f"{deadline.kind}.breached", summary=f"Timescale missed: {deadline.label} "
                               f"(due {due_text})", significant=True, occurred_at=deadline.due_at,
                               link=deadline.link)
            handler = DEADLINE_BREACH_HANDLERS.get(deadline.kind)
            if handler is not None:
                handler(deadline)
            audit_record(actor=None, verb="deadline.breached", target=deadline, child_ids=deadline.person_ids,
                         after={"kind": deadline.kind, "due_at": deadline.due_at.isoformat(), "late": late})
            breached += 1
    return {"warned": warned, "breached": breached}


def _strand_for(target_type: str) -> str:
    app_label = target_type.split(".", 1)[0]
    return app_label if app_label in Strand.values else Strand.RECORD


@transaction.atomic
def work_request_create(*, kind: str, person: Person, actor: User | None, summary: str, episode: Episode | None = None,
                        urgent: bool = False, source: models.Model | None = None) -> WorkRequest:
    request = WorkRequest.objects.create(
        kind=kind, person=person, episode=episode, urgent=urgent, summary=summary, requested_by=actor,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "")
    audit_record(actor=actor, verb="work_request.created", target=request, child_ids=[person.pk],
                 after={"kind": kind, "urgent": urgent})
    return request


@transaction.atomic
def work_request_handle(*, request: WorkRequest, actor: User, status: str, reason: str = "") -> WorkRequest:
    """Accept or decline a hand-off; only an open request can be handled (compare-and-set)."""
    if status not in {WorkRequest.Status.ACCEPTED, WorkRequest.Status.DECLINED, WorkRequest.Status.CANCELLED}:
        raise ValidationError({"status": ["Choose accept, decline or cancel"]})
    if not WorkRequest.objects.filter(pk=request.pk, status=WorkRequest.Status.OPEN).update(
            status=status, handled_by=actor, handled_at=timezone.now()):
        raise ValidationError("This request has already been handled")
    request.refresh_from_db()
    audit_record(actor=actor, verb=f"work_request.{status}", target=request, child_ids=[request.person_id],
                 reason=reason)
    return request
