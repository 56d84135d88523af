"""Work requests: hand-offs between strands, created and handled."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ..models import (
    Episode,
    Person,
    Strand,
    User,
    WorkRequest,
)
from .audit import audit_record
from .state import transition


def _strand_for(target_type: str) -> str:
    app_label = target_type.split(".", 1)[0]
    return app_label if app_label in Strand.values else Strand.RECORD


@transaction.atomic
def work_request_create(
    *,
    kind: str,
    person: Person,
    actor: User | None,
    summary: str,
    episode: Episode | None = None,
    urgent: bool = False,
    source: models.Model | None = None,
) -> WorkRequest:
    request = WorkRequest.objects.create(
        kind=kind,
        person=person,
        episode=episode,
        urgent=urgent,
        summary=summary,
        requested_by=actor,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
    )
    audit_record(
        actor=actor,
        verb="work_request.created",
        target=request,
        child_ids=[person.pk],
        fields=["kind", "urgent"],
    )
    return request


@transaction.atomic
def work_request_handle(*, request: WorkRequest, actor: User, status: str, reason: str = "") -> WorkRequest:
    """Accept, decline or cancel a hand-off: WorkRequest.TRANSITIONS, a compare-and-set on the open request
    (a colleague who handled it first wins; InvalidTransition, a Conflict, says how it stands now)."""
    if status not in {WorkRequest.Status.ACCEPTED, WorkRequest.Status.DECLINED, WorkRequest.Status.CANCELLED}:
        raise ValidationError({"status": ["Choose accept, decline or cancel"]})
    transition(
        request,
        to=status,
        refused="This request has already been handled",
        changes={"handled_by": actor, "handled_at": timezone.now()},
    )
    audit_record(
        actor=actor, verb=f"work_request.{status}", target=request, child_ids=[request.person_id], reason=reason
    )
    return request
