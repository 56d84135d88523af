"""Break-glass and the privacy officer's alerts (issue 17 items 2 and 5; battery B6 and B28).

Break-glass: a council practitioner who may break glass (cases.permissions.may_break_glass) opens a child's record
outside their work for a reason, for at most an hour (BreakGlass). The scope reads the grant (cases.permissions);
every read of that child while it lasts is audited as break-glass (`break_glass_marks`, called by the read audit);
the privacy officer is alerted in the grant's own transaction (a PrivacyAlert in their review queue and an in-app
notification with its email queued on commit): the alert exists the moment the access does, and cannot be missed.

The curious colleague (B28): a user opening many children unconnected to their work in a short time
(`curious_colleague_sweep`, run every minute by beat) raises an alert into the same queue, once per user per window.

Export volume (B18): a user whose exports in the last hour would pass EXPORT_ROWS_PER_HOUR rows (reporting.exports,
which also asks them for their second factor again) raises an alert into the same queue, once per user per hour
(`export_volume_alert`).
"""

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from ..models import (
    BREAK_GLASS_MINUTES,
    AuditEvent,
    BreakGlass,
    Involvement,
    Person,
    PrivacyAlert,
    Role,
    User,
)
from .audit import audit_record
from .notifications import notify

REASON_MAX_LENGTH = 2000

# The curious-colleague rule: CURIOUS_CHILDREN or more distinct children with no connection to the user's work (no
# involvement, active or past, of theirs or of one of their teams) opened one at a time (a read-audit row naming one
# child: a record, its chronology, a note, a PDF; a list naming many is not an opening) within CURIOUS_WINDOW. The
# battery's script opens 60 in 30 minutes; a normal day's heaviest user (a triage officer screening contacts) opens
# 14 unconnected children in her busiest half hour (tests/cases/test_curious_colleague_day.py's generator), so 40
# leaves room on both sides.
CURIOUS_CHILDREN = 40
CURIOUS_WINDOW = dt.timedelta(minutes=30)
# Two sweeps (two beats, or one running long) never raise the same alert twice: one sweep at a time.
_CURIOUS_LOCK = int.from_bytes(hashlib.sha256(b"cases.curious_colleague_sweep").digest()[:4], "big")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason you need to see this child's record"})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"})
    return reason


def break_glass_candidates() -> QuerySet[Person]:
    """The records break-glass may reach: the council's search scope (every record the council holds), less the
    restricted ones (a named list is never broken into) and merged-away ones."""
    return Person.objects.filter(merged_into__isnull=True, restricted=False)


def break_glass_active(*, user: User, person: Person) -> BreakGlass | None:
    return BreakGlass.objects.active().filter(user=user, person=person).order_by("-expires_at").first()


def break_glass_current(*, user: User, person: Person) -> BreakGlass | None:
    """The user's active grant for this child, if any; no query for a user the request loaded without one (cases.auth
    reads `break_glass_active` with the user) or who may not break glass."""
    flag = user.__dict__.get("break_glass_active")
    if flag is False:
        return None
    if flag is None:
        from ..permissions import may_break_glass

        if not may_break_glass(user):
            return None
    return break_glass_active(user=user, person=person)


@transaction.atomic
def break_glass_start(*, user: User, person: Person, reason: str) -> BreakGlass:
    """Open a child's whole record to this user for BREAK_GLASS_MINUTES, for the reason given; audited, and the
    privacy officer alerted. Refused (PermissionDenied: a 404) to anyone who may not break glass and for a restricted
    or merged-away record; a missing reason is a ValidationError. A second start while one is active returns it."""
    from ..permissions import may_break_glass

    if not may_break_glass(user):
        raise PermissionDenied("This user may not break glass")
    reason = _reason(reason)
    if not break_glass_candidates().filter(pk=person.pk).exists():
        raise PermissionDenied("Not a record break-glass may open")
    current = break_glass_active(user=user, person=person)
    if current is not None:
        return current
    now = timezone.now()
    grant = BreakGlass(
        user=user,
        person=person,
        reason=reason,
        started_at=now,
        expires_at=now + dt.timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=user,
        verb="break_glass.started",
        target=grant,
        child_ids=[person.pk],
        reason=reason,
        related={"break_glass": [grant.pk]},
    )
    _alert(
        kind=PrivacyAlert.Kind.BREAK_GLASS,
        user=user,
        child_ids=[person.pk],
        unique_key=f"break_glass:{grant.pk}",
        break_glass=grant,
        raised_at=now,
    )
    return grant


@transaction.atomic
def break_glass_end(*, grant: BreakGlass, actor: User) -> None:
    """The user closes their break-glass access before the hour is up."""
    if grant.user_id != actor.pk:
        raise PermissionDenied("Not your break-glass access")
    if BreakGlass.objects.active().filter(pk=grant.pk).update(ended_at=timezone.now()):
        audit_record(
            actor=actor,
            verb="break_glass.ended",
            target=grant,
            child_ids=[grant.person_id],
            related={"break_glass": [grant.pk]},
        )


def break_glass_marks(actor: User | None, child_ids) -> list[int]:
    """The actor's active break-glass grants for any of these children: a read of them is a break-glass read
    (AuditEvent.related["break_glass"]). No query for a user the request loaded without an active grant (the user's
    `break_glass_active`, read with them: cases.auth); one for a user loaded otherwise who may break glass."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not child_ids:
        return []
    flag = actor.__dict__.get("break_glass_active")
    if flag is False:
        return []
    if flag is None:
        from ..permissions import may_break_glass

        if not may_break_glass(actor):
            return []
    return list(
        BreakGlass.objects.active()
        .filter(user_id=actor.pk, person_id__in=list(child_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- the privacy officer's alerts ------------------------------------------------------------------------------


def _privacy_officers():
    return User.objects.filter(is_active=True, groups__name=Role.PRIVACY_OFFICER).distinct().order_by("pk")


_TITLES = {
    PrivacyAlert.Kind.BREAK_GLASS: "Break-glass access to review",
    PrivacyAlert.Kind.CURIOUS_COLLEAGUE: "A colleague opened many children outside their work",
    PrivacyAlert.Kind.EXPORT_VOLUME: "A colleague exported many rows in an hour",
}


def _alert(*, kind: str, user: User, child_ids, unique_key: str, raised_at, **fields) -> PrivacyAlert | None:
    """Raise an alert once (its unique key) and tell every privacy officer, in the caller's transaction. The
    notification names no child (an email says only that there is something to review: cases.services.notifications)."""
    alert = PrivacyAlert(
        kind=kind,
        user=user,
        child_ids=sorted(child_ids),
        unique_key=unique_key,
        raised_at=raised_at,
        **fields,
    )
    if PrivacyAlert.objects.filter(unique_key=unique_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a racing sweep's row wins, and ours is dropped
            alert.save()
    except IntegrityError:
        return None
    link = reverse("cases:privacy_alert", args=[alert.pk])
    for officer in _privacy_officers():
        notify(
            user=officer,
            kind=f"privacy_alert.{kind}",
            title=f"{_TITLES[kind]} ({alert.reference})",
            body=f"{user.full_name or user.email}: review it in the privacy alerts queue.",
            link=link,
            unique_key=f"privacy_alert:{alert.pk}:{officer.pk}",
            send_email=True,
        )
    audit_record(
        actor=None,
        verb=f"privacy_alert.raised.{kind}",
        target=alert,
        child_ids=alert.child_ids,
        related={"user": user.pk, "break_glass": [alert.break_glass_id] if alert.break_glass_id else None},
    )
    return alert


@transaction.atomic
def privacy_alert_review(*, alert: PrivacyAlert, actor: User, status: str, outcome: str) -> PrivacyAlert:
    """The privacy officer's decision on an alert: reviewed (no concern) or challenged, with what they found or did.
    Audited. A decision already made is not remade (a second officer's stale form)."""
    from .. import policy

    if not policy.may(actor, policy.REVIEW_PRIVACY_ALERTS):
        raise PermissionDenied("Only the privacy officer reviews alerts")
    if status not in (PrivacyAlert.Status.REVIEWED, PrivacyAlert.Status.CHALLENGED):
        raise ValidationError({"status": "Choose whether the access was reviewed or challenged"})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what you found or did"})
    if len(outcome) > REASON_MAX_LENGTH:
        raise ValidationError({"outcome": f"The outcome must be {REASON_MAX_LENGTH} characters or fewer"})
    now = timezone.now()
    if not PrivacyAlert.objects.filter(pk=alert.pk, status=PrivacyAlert.Status.OPEN).update(
        status=status, outcome=outcome, reviewed_by=actor, reviewed_at=now, updated_at=now
    ):
        raise ValidationError({"status": "This alert has already been decided"})
    audit_record(
        actor=actor,
        verb=f"privacy_alert.{status}",
        target=alert,
        child_ids=alert.child_ids,
        fields=["status", "outcome"],
        related={"user": alert.user_id, "break_glass": [alert.break_glass_id] if alert.break_glass_id else None},
    )
    alert.refresh_from_db()
    return alert


# --- export volume (B18) ------------------------------------------------------------------------------------------
EXPORT_VOLUME_WINDOW = dt.timedelta(hours=1)


@transaction.atomic
def export_volume_alert(
    *, user: User, rows: int, threshold: int, exports: list[dict], asked: dict, now: dt.datetime | None = None
) -> PrivacyAlert | None:
    """Alert the privacy officer that `user` asked for an export taking their rows in the last hour to `rows`, over
    `threshold`: the exports of the hour and the one asked for named (plain data from reporting, which cases does
    not import). Once per user per rolling hour: None while one raised within the hour stands; two requests at once
    meet on the alert's unique key (the clock hour)."""
    now = now or timezone.now()
    if PrivacyAlert.objects.filter(
        kind=PrivacyAlert.Kind.EXPORT_VOLUME, user=user, raised_at__gt=now - EXPORT_VOLUME_WINDOW
    ).exists():
        return None
    return _alert(
        kind=PrivacyAlert.Kind.EXPORT_VOLUME,
        user=user,
        child_ids=[],
        unique_key=f"export_volume:{user.pk}:{now:%Y%m%d%H}",
        raised_at=now,
        window_start=now - EXPORT_VOLUME_WINDOW,
        window_end=now,
        details={"rows": int(rows), "threshold": int(threshold), "exports": exports, "asked": asked},
    )


# --- the curious colleague (B28) ------------------------------------------------------------------------------


def _curious_sql() -> str:
    audit, involvement = AuditEvent._meta.db_table, Involvement._meta.db_table
    memberships = User.teams.through._meta.db_table
    # Table names from the models; the times and the threshold are bound parameters.
    return (
        "WITH opened AS ("  # noqa: S608 (table names from the models)  # nosec B608
        f'  SELECT DISTINCT a."actor_id", a."child_ids"[1] AS child_id FROM "{audit}" a'
        '  WHERE a."kind" = \'read\' AND a."occurred_at" > %s AND a."occurred_at" <= %s'
        '  AND a."actor_id" IS NOT NULL AND cardinality(a."child_ids") = 1'
        ") "
        'SELECT o."actor_id", array_agg(o.child_id ORDER BY o.child_id) FROM opened o '
        f'WHERE NOT EXISTS (SELECT 1 FROM "{involvement}" i WHERE i."person_id" = o.child_id AND ('
        f'  i."user_id" = o."actor_id" OR i."team_id" IN (SELECT m."team_id" FROM "{memberships}" m'
        '  WHERE m."user_id" = o."actor_id"))) '
        'GROUP BY o."actor_id" HAVING count(*) >= %s ORDER BY o."actor_id"'
    )


def curious_colleagues(*, window_end: dt.datetime, window: dt.timedelta = CURIOUS_WINDOW, threshold: int = 0):
    """(user id, [child ids]) for each user who opened `threshold` or more children unconnected to their work in the
    window ending at window_end (the audit's occurred_at index bounds the scan to the window's rows)."""
    with connection.cursor() as cursor:
        cursor.execute(_curious_sql(), [window_end - window, window_end, threshold or CURIOUS_CHILDREN])
        return [(actor_id, list(children)) for actor_id, children in cursor.fetchall()]


@transaction.atomic
def curious_colleague_sweep(*, now: dt.datetime | None = None) -> list[PrivacyAlert]:
    """Every minute (beat): alert the privacy officer about each user over the curious-colleague threshold in the
    last CURIOUS_WINDOW, once per user per window (no second alert while one raised within the window stands)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CURIOUS_LOCK])
    raised = []
    for actor_id, children in curious_colleagues(window_end=now):
        if PrivacyAlert.objects.filter(
            kind=PrivacyAlert.Kind.CURIOUS_COLLEAGUE, user_id=actor_id, raised_at__gt=now - CURIOUS_WINDOW
        ).exists():
            continue
        user = User.objects.filter(pk=actor_id).first()
        if user is None:
            continue
        alert = _alert(
            kind=PrivacyAlert.Kind.CURIOUS_COLLEAGUE,
            user=user,
            child_ids=children,
            unique_key=f"curious:{actor_id}:{now:%Y%m%d%H%M}",
            raised_at=now,
            window_start=now - CURIOUS_WINDOW,
            window_end=now,
        )
        if alert is not None:
            raised.append(alert)
    return raised
