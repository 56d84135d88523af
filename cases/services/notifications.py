"""Notifying users, in the app and by email.

An email leaves the system, to mailboxes we do not control: it carries what kind of thing happened, the
notification's reference and a link to sign in, never a child's name, a family's name or the worry, whatever the
notification's title and body say (issue 11 finding 7). The title and body are shown only in the app, behind
sign-in, to the one user the notification is for; even there they name no child (references, and a link that opens
through the scoped pages).
"""

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


# What an email says happened, by notification kind (a deadline's kinds by their ending). These words are the whole
# of what an email says about the matter: they must never hold anything about a child or a family.
EMAIL_LABELS = {
    "information_request.received": "The front door has asked your agency for information",
    "referral.outcome": "A decision has been made on your referral",
    "work_request.strategy_discussion": "A strategy discussion is needed",
    "work_request.emergency_action": "Emergency action is needed",
    "family_help.step_up": "A strategy discussion has been requested",
    "family_help.allocated": "A family has been allocated to you",
    "contact.child_open": "The front door has a new contact about a child you are lead practitioner for",
    "privacy_alert.break_glass": "There is break-glass access to a record for you to review",
    "privacy_alert.curious_colleague": "There is an access alert for you to review",
}
EMAIL_LABEL_ENDINGS = {
    ".overdue": "Something you are responsible for is overdue",
    ".due_soon": "Something you are responsible for is due soon",
}
EMAIL_LABEL_DEFAULT = "You have a new notification"


def notification_reference(notification: Notification) -> str:
    """The reference an email and the notifications page both show, so that one can be matched to the other."""
    return f"N{notification.pk:06d}"


def notification_email(notification: Notification) -> tuple[str, str]:
    """The subject and body of a notification's email: the kind of thing, the reference and a link; nothing from
    the notification's title or body."""
    from django.conf import settings
    from django.urls import reverse

    label = EMAIL_LABELS.get(notification.kind) or next(
        (text for ending, text in EMAIL_LABEL_ENDINGS.items() if notification.kind.endswith(ending)),
        EMAIL_LABEL_DEFAULT,
    )
    reference = notification_reference(notification)
    link = settings.SITE_URL.rstrip("/") + reverse("cases:notifications")
    subject = f"{settings.SERVICE_NAME}: {label} (reference {reference})"
    body = (
        f"{label}.\n\n"
        f"Reference: {reference}\n"
        f"Sign in to {settings.SERVICE_NAME} to see it: {link}\n\n"
        "For the family's privacy, emails from the service never say who or what this is about."
    )
    return subject, body


def notification_emails_send() -> int:
    """Email every notification that asks for it and has not been emailed. Each row is claimed with a
    compare-and-set before sending, so two workers never send the same one."""
    from django.core.mail import send_mail

    sent = 0
    for pk in Notification.objects.filter(send_email=True, emailed_at__isnull=True).values_list("pk", flat=True)[:500]:
        if not Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        note = Notification.objects.select_related("user").get(pk=pk)
        subject, message = notification_email(note)
        send_mail(
            subject=subject,
            message=message,
            from_email=None,
            recipient_list=[note.user.email],
            fail_silently=False,
        )
        sent += 1
    return sent


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> None:
    Notification.objects.filter(pk=notification.pk, user=actor, read_at__isnull=True).update(read_at=timezone.now())
