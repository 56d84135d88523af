"""Writing the audit trail: every service records who did what to which child, in its transaction."""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from ..middleware import current_request_context
from ..models import (
    AuditEvent,
    User,
)


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
