"""Reads for the retention pages (privacy officer only): the dry run's records, with what may be shown of each."""

from ..models import DisposalRun, LegalHold, Person, User
from ..permissions import person_record_scope
from ..services.retention import Due, retention_due


def retention_dry_run_rows(*, user: User, today=None) -> list[tuple[Due, Person | None]]:
    """Each record the next run would dispose of (or a hold keeps), with its record when this user may see it
    (None: a restricted record off their list, shown as "Restricted record", never named)."""
    due = retention_due(today=today)
    ids = [d.person_id for d in due]
    shown = {p.pk: p for p in person_record_scope(user, relatives=False).filter(pk__in=ids)} if ids else {}
    return [(d, shown.get(d.person_id)) for d in due]


def legal_holds_for_user(*, user: User) -> list[tuple[LegalHold, list[Person], int]]:
    """Every hold, with the children it names that this user may see, and how many it names in all."""
    holds = list(LegalHold.objects.prefetch_related("people").order_by("-starts_on", "-id"))
    ids = {p.pk for h in holds for p in h.people.all()}
    visible = set(person_record_scope(user, relatives=False).filter(pk__in=ids).values_list("pk", flat=True))
    return [(h, [p for p in h.people.all() if p.pk in visible], len(h.people.all())) for h in holds]


def disposal_runs_recent(limit: int = 10) -> list[DisposalRun]:
    return list(DisposalRun.objects.order_by("-started_at", "-id")[:limit])
