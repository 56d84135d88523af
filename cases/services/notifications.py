"""Notifying users, in the app and by email."""

from django.db import transaction
from django.utils import timezone

from ..models import (
    Notification,
    User,
)


def notify(
    *, user: User, kind: str, title: str, unique_key: str, body: str = "", link: str = "", send_email: bool = False
) -> Notification | None:
    """Create a notification once: a second call with the same key does nothing (returns None).
    Emails are sent by notification_email_send after commit, never inside the transaction."""
    notification = Notification(
        user=user,
        kind=kind,
        title=title[:200],
        body=body,
        link=link,
        unique_key=unique_key[:200],
        send_email=send_email,
    )
    created = Notification.objects.bulk_create([notification], ignore_conflicts=True, unique_fields=["unique_key"])
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

    from ..tasks import notification_emails_send_task

    try:
        notification_emails_send_task.apply_async(retry=False)
    except Exception:  # any broker failure: the beat schedule is the safety net
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
        send_mail(
            subject=f"{settings.SERVICE_NAME}: {note.title}",
            message=f"{note.body}\n\nSign in to {settings.SERVICE_NAME} to see more.",
            from_email=None,
            recipient_list=[note.user.email],
            fail_silently=False,
        )
        sent += 1
    return sent


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> None:
    Notification.objects.filter(pk=notification.pk, user=actor, read_at__isnull=True).update(read_at=timezone.now())
