"""Writing the audit trail: every service records who did what to which child, in its transaction. The audit
holds ids, verbs and the names of changed fields; what a field used to say goes to the record's history
(record_history_add), which retention can dispose of (record_history_dispose)."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, models, router, transaction
from django.utils import timezone

from ..middleware import current_request_context
from ..models import (
    AuditEvent,
    Person,
    RecordHistory,
    User,
)

# A field or role name: lower-case words joined by underscores (dots for a field of a part, "address.postcode").
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})?")


def _field_names(fields: Iterable[str]) -> list[str]:
    names = sorted(set(fields))
    for name in names:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            # A value passed where a field name belongs would put personal data in the audit.
            raise ValueError(f"An audit row names changed fields, not values: {name!r} is not a field name")
    return names


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _related_ids(related: Mapping[str, Any] | None) -> dict[str, int | list[int]]:
    """{role: id or ids}. Anything but ids (a name, a date, an email) is refused: the audit holds ids only."""
    out: dict[str, int | list[int]] = {}
    for role, value in (related or {}).items():
        _field_names([role])
        if isinstance(value, models.Model):
            value = value.pk
        if _is_id(value):
            out[role] = value
        elif isinstance(value, list | tuple | set | frozenset) and all(_is_id(v) for v in value):
            out[role] = sorted(value)
        elif value is None:
            continue
        else:
            raise ValueError(
                f"An audit row holds the ids of related objects, not values: {role}={type(value).__name__}"
            )
    return out


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_email": ""}
    return {"actor_id": actor.pk, "actor_email": actor.email}


def _request_fields() -> dict[str, Any]:
    ctx = current_request_context()
    if ctx is None:
        return {"request_id": "", "client_request_id": "", "ip_address": None, "path": ""}
    return {
        "request_id": ctx.request_id,
        "client_request_id": ctx.client_request_id,
        "ip_address": ctx.ip_address,
        "path": ctx.path,
    }


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
    fields: Iterable[str] = (),
    related: Mapping[str, Any] | None = None,
    kind: str = AuditEvent.Kind.WRITE,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction of the change it describes, so that the
    change and its record commit or roll back together.

    `fields` names what the write changed (or set); `related` gives the ids of the other objects it involved
    (a model instance stands for its id). Values are refused: they belong in the record, or its history."""
    event = AuditEvent(
        occurred_at=timezone.now(),
        kind=kind,
        verb=verb,
        child_ids=sorted({int(c) for c in child_ids}),
        reason=reason,
        fields=_field_names(fields),
        related=_related_ids(related),
        **_actor_fields(actor),
        **_target_fields(target, target_type, target_id),
        **_request_fields(),
    )
    _insert(event)
    return event


def _insert(event: AuditEvent) -> None:
    """INSERT the row with a statement written once: nearly every page writes one (the read audit), and the ORM's
    save() compiled the same INSERT each time (about 1 ms a page). Each value is prepared by its own field, as save()
    prepares it, so the row is the same."""
    connection = connections[router.db_for_write(AuditEvent)]
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    sql = _INSERT_SQL.get(connection.alias)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _INSERT_SQL[connection.alias] = (
            f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model  # nosec B608
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(AuditEvent._meta.pk.column)}"
        )
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


_INSERT_SQL: dict[str, str] = {}


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
    a child's record goes unrecorded. A read of a child the actor holds an active break-glass grant for names the
    grant (related["break_glass"]): one marked row per response, the break-glass audit (B6).
    """
    from .breakglass import break_glass_marks

    child_ids = list(child_ids)
    marks = break_glass_marks(actor, child_ids)
    return audit_record(
        actor=actor,
        verb=verb,
        target=target,
        target_type=target_type,
        target_id=target_id,
        child_ids=child_ids,
        reason=reason,
        related={"break_glass": marks} if marks else None,
        kind=AuditEvent.Kind.READ,
    )


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def record_history_add(
    *,
    event: AuditEvent,
    person_ids: Iterable[int],
    target: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> list[RecordHistory]:
    """Keep what each changed field said before and after the change `event` audited, once for each child whose
    record it is part of. Call it in the change's transaction, after audit_record."""
    names = sorted(set(before) | set(after))
    rows = [
        RecordHistory(
            person_id=person_id,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            field=name,
            old_value=_json(before.get(name)),
            new_value=_json(after.get(name)),
            changed_at=event.occurred_at,
            changed_by_id=event.actor_id,
            audit_event_id=event.pk,
        )
        for person_id in sorted(set(person_ids))
        for name in names
    ]
    return RecordHistory.objects.bulk_create(rows)


@transaction.atomic
def record_history_dispose(*, person: Person, before: dt.datetime, actor: User | None, reason: str = "") -> int:
    """Delete what the record's history kept of changes made to this person's record before `before` (retention:
    the values go, and the audit still says who changed which field when). Audited; returns how many went."""
    count, _ = RecordHistory.objects.filter(person=person, changed_at__lt=before).delete()
    audit_record(
        actor=actor,
        verb="record_history.disposed",
        target=person,
        child_ids=[person.pk],
        reason=reason or f"Record history before {before:%Y-%m-%d} disposed of",
    )
    return count


# --- signing in and out: the same rows from every site that signs people in (the case system, the admin) ----


def _site(site: str) -> dict[str, str]:
    return {"target_type": "site", "target_id": site}


def audit_sign_in(*, user: User, site: str) -> AuditEvent:
    return audit_record(actor=user, verb="auth.sign_in", kind=AuditEvent.Kind.AUTH, **_site(site))


def audit_sign_out(*, user: User, site: str) -> AuditEvent:
    return audit_record(actor=user, verb="auth.sign_out", kind=AuditEvent.Kind.AUTH, **_site(site))


def audit_sign_in_failed(*, attempted: str, site: str, verb: str = "auth.sign_in_failed") -> AuditEvent:
    """A refused sign-in, with the account it tried (the email as typed, trimmed and lower-cased) in actor_email.

    The email is a staff user's, not a child's: it is kept as typed because finding which account is being
    guessed at (and locking it) needs it, and a hash of a known list of staff emails hides nothing. The password
    is never kept; nor is a typed value that is not an email address, as people type their password into the
    email box.
    """
    email = (attempted or "").strip().lower()[:254]
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        kind=AuditEvent.Kind.AUTH,
        verb=verb,
        actor_id=None,
        actor_email=email,
        **_site(site),
        **_request_fields(),
    )


def audit_sign_in_locked(*, attempted: str, site: str) -> AuditEvent:
    """The sign-in failure that locked the account it tried (issue 12 item 7): one row per lock, after that
    attempt's own auth.sign_in_failed row. The account is named as in audit_sign_in_failed."""
    return audit_sign_in_failed(attempted=attempted, site=site, verb="auth.locked_out")


def audit_session_ended(*, user: User, reason: str, site: str) -> AuditEvent:
    """A session ended by its limits (issue 12 item 8): "idle" (15 minutes), "absolute" (12 hours) or "inactive"
    (the account was disabled)."""
    return audit_record(actor=user, verb=f"auth.session_ended.{reason}", kind=AuditEvent.Kind.AUTH, **_site(site))
