"""People: create and edit (with optimistic locking), addresses, names, relationships, households,
restriction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from .. import policy, validators
from ..models import (
    Address,
    Household,
    HouseholdMember,
    Person,
    PersonName,
    Relationship,
    RestrictedAccess,
    Strand,
    User,
)
from .audit import audit_record, record_history_add
from .notes import chronology_add
from .state import versioned_update

PERSON_EDITABLE_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "gender_identity",
    "ethnicity",
    "disabilities",
    "first_language",
    "interpreter_needed",
    "nhs_number",
    "upn",
)


PERSON_NAME_FIELDS = ("first_name", "middle_names", "last_name", "preferred_name")


def _person_snapshot(person: Person, fields=PERSON_EDITABLE_FIELDS) -> dict:
    out = {}
    for name in fields:
        value = getattr(person, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _clean_person_data(data: dict, before: dict | None = None) -> dict:
    """Normalise identifiers and validate codes, dates and names; raises ValidationError keyed by field.

    `before`: the record as saved, for an edit. The bounds (cases.validators) apply to what is entered: a value kept
    from before is not checked again (an unborn child's expected date that has since passed does not freeze the
    record)."""
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
    for field, check in (
        ("ethnicity", validators.validate_ethnicity),
        ("disabilities", validators.validate_disabilities),
    ):
        if cleaned.get(field):
            try:
                check(cleaned[field])
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    dob, edd, dod = cleaned.get("date_of_birth"), cleaned.get("expected_date_of_birth"), cleaned.get("date_of_death")

    def entered(name: str) -> bool:
        return name in cleaned and (before is None or before.get(name) != cleaned[name])

    bounds = {
        "date_of_birth": (validators.validate_date_of_birth, dob),
        "expected_date_of_birth": (validators.validate_expected_date_of_birth, edd),
        **{
            name: (validators.validate_name, cleaned[name], name.replace("_", " ").replace("names", "name"))
            for name in PERSON_NAME_FIELDS
            if name in cleaned
        },
    }
    for field, messages in validators.errors_by_field({k: v for k, v in bounds.items() if entered(k)}).items():
        errors.setdefault(field, []).extend(messages)
    if dob and edd:
        errors.setdefault("expected_date_of_birth", []).append(
            "Give a date of birth or an expected date of birth, not both"
        )
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
        raise ValidationError(
            {"nhs_number": ["A record with this NHS number already exists: search for it and use that record"]}
        )
    person = Person(**{k: v for k, v in cleaned.items() if k in PERSON_EDITABLE_FIELDS}, created_by=actor)
    person.la_child_id = _next_la_child_id()
    person.full_clean(exclude=["search_name", "first_name_phonetic", "last_name_phonetic"])
    person.save()
    audit_record(
        actor=actor,
        verb="person.created",
        target=person,
        child_ids=[person.pk],
        reason=reason,
        fields=_given(_person_snapshot(person)),
    )
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.RECORD,
        kind="record_created",
        summary=f"Record created by {actor.full_name} ({actor.agency})" if actor else "Record created",
        occurred_at=timezone.now(),
        target=person,
    )
    return person


@transaction.atomic
def person_update(*, person: Person, actor: User, data: dict, expected_version: int, reason: str = "") -> Person:
    """Change a person's details. A save based on an older version than the current one is refused."""
    saved = _person_snapshot_raw(person)
    cleaned = _clean_person_data({**saved, **data}, before=saved)
    if (
        cleaned.get("nhs_number")
        and Person.objects.filter(nhs_number=cleaned["nhs_number"]).exclude(pk=person.pk).exists()
    ):
        raise ValidationError(
            {"nhs_number": ["Another record already has this NHS number: it may be a duplicate to merge"]}
        )
    before = _person_snapshot(person)
    changes = {k: v for k, v in cleaned.items() if k in PERSON_EDITABLE_FIELDS}
    candidate = Person(
        **{
            **{f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields if not f.generated},
            **changes,
        }
    )
    candidate.full_clean(
        exclude=["search_name", "first_name_phonetic", "last_name_phonetic", "la_child_id", "nhs_number"],
        validate_unique=False,
    )
    versioned_update(person, expected_version=expected_version, changes=changes)
    person.refresh_from_db()
    after = _person_snapshot(person)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    event = audit_record(
        actor=actor,
        verb="person.updated",
        target=person,
        child_ids=[person.pk],
        reason=reason,
        fields=changed,
    )
    # What the record said before: its own history, which retention disposes of with it (never the audit).
    record_history_add(
        event=event, person_ids=[person.pk], target=person, before={k: before[k] for k in changed}, after=changed
    )
    return person


def _given(values: dict) -> list[str]:
    """The names of the fields that have a value (what a new record was created with)."""
    return [name for name, value in values.items() if value not in (None, "", [], ())]


def _person_snapshot_raw(person: Person) -> dict:
    return {name: getattr(person, name) for name in PERSON_EDITABLE_FIELDS}


@transaction.atomic
def person_add_address(
    *,
    person: Person,
    actor: User,
    line1: str,
    postcode: str,
    line2: str = "",
    town: str = "",
    start_date=None,
    end_date=None,
    safe_address: bool = False,
) -> Address:
    """Record an address. A safe address is then shown only under the safe-address tag's rule (cases.policy
    TAGS), which reads the agency of whoever recorded it."""
    try:
        validators.validate_postcode(postcode)
    except ValidationError as exc:
        raise ValidationError({"postcode": exc.messages}) from None
    errors = validators.errors_by_field(
        {
            "start_date": (validators.validate_start_date, start_date),
            "end_date": (validators.validate_end_date, start_date, end_date),
        }
    )
    if errors:
        raise ValidationError(errors)
    if start_date is None and end_date is None:
        # A new current address ends the previous current one.
        Address.objects.filter(person=person, end_date__isnull=True).update(end_date=timezone.localdate())
    address = Address(
        person=person,
        line1=line1,
        line2=line2,
        town=town,
        postcode=validators.normalise_postcode(postcode),
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
        safe_address=safe_address,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    address.full_clean(exclude=["postcode_normalised", "recorded_by"])
    address.save()
    audit_record(
        actor=actor,
        verb="address.added",
        target=address,
        child_ids=[person.pk],
        fields=_given({name: getattr(address, name) for name in ("line1", "line2", "town", "postcode", "end_date")})
        + (["safe_address"] if address.safe_address else []),
    )
    return address


class AddressInvalid(ValidationError):
    """The person's details were fine, but their address was refused (and so nothing was created)."""


@transaction.atomic
def person_create_with_address(*, actor: User, data: dict, address: dict | None, reason: str = "") -> Person:
    """A new record and its current address: both or neither, so that a refused address never leaves a record
    behind without it. A refused address raises AddressInvalid (a ValidationError keyed by address field)."""
    person = person_create(actor=actor, data=data, reason=reason)
    if address:
        try:
            person_add_address(person=person, actor=actor, **address)
        except ValidationError as exc:
            raise AddressInvalid(exc.error_dict if hasattr(exc, "error_dict") else exc.messages) from None
    return person


@transaction.atomic
def person_add_previous_name(
    *, person: Person, actor: User, first_name: str, last_name: str, kind: str = PersonName.Kind.PREVIOUS
) -> PersonName:
    name = PersonName.objects.create(person=person, first_name=first_name, last_name=last_name, kind=kind)
    audit_record(
        actor=actor,
        verb="person_name.added",
        target=name,
        child_ids=[person.pk],
        fields=["first_name", "last_name", "kind"],
    )
    return name


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    from_person: Person,
    to_person: Person,
    type: str,
    parental_responsibility: bool = False,
    start_date=None,
    end_date=None,
    notes: str = "",
) -> Relationship:
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": ["A person cannot be related to themselves"]})
    errors = validators.errors_by_field(
        {
            "start_date": (validators.validate_start_date, start_date),
            "end_date": (validators.validate_end_date, start_date, end_date),
        }
    )
    if errors:
        raise ValidationError(errors)
    rel = Relationship(
        from_person=from_person,
        to_person=to_person,
        type=type,
        parental_responsibility=parental_responsibility,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
    )
    rel.full_clean()
    rel.save()
    audit_record(
        actor=actor,
        verb="relationship.added",
        target=rel,
        child_ids=[from_person.pk, to_person.pk],
        fields=["type", "parental_responsibility"],
    )
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
    """Restrict a record to a named list (the actor is always on it). Only the roles the policy table allows
    (privacy officer, front door manager, manager) may."""
    from ..models import RestrictionReason

    if not policy.may(actor, policy.RESTRICT):
        raise PermissionDenied("Only a privacy officer or a manager can restrict a record")

    if reason not in RestrictionReason.values:
        raise ValidationError({"restriction_reason": ["Choose why the record is restricted"]})
    Person.objects.filter(pk=person.pk).update(
        restricted=True, restriction_reason=reason, version=models.F("version") + 1
    )
    for user in {actor, *access_users}:
        RestrictedAccess.objects.get_or_create(person=person, user=user, defaults={"granted_by": actor})
    person.refresh_from_db()
    # Its named list is reviewed every 90 days (issue 17 item 2): the shared deadlines remind the restricter.
    from .restriction import restriction_review_schedule

    restriction_review_schedule(person=person, assignee=actor)
    audit_record(
        actor=actor,
        verb="person.restricted",
        target=person,
        child_ids=[person.pk],
        fields=["restricted", "restriction_reason"],
        related={"access": [u.pk for u in {actor, *access_users}]},
    )
    return person


@transaction.atomic
def person_unrestrict(*, person: Person, actor: User, reason: str) -> Person:
    if not policy.may(actor, policy.RESTRICT):
        raise PermissionDenied("Only a privacy officer or a manager can lift a restriction")
    Person.objects.filter(pk=person.pk).update(restricted=False, restriction_reason="", version=models.F("version") + 1)
    person.refresh_from_db()
    from .restriction import restriction_review_cancel

    restriction_review_cancel(person=person)
    audit_record(
        actor=actor,
        verb="person.unrestricted",
        target=person,
        child_ids=[person.pk],
        reason=reason,
        fields=["restricted", "restriction_reason"],
    )
    return person
