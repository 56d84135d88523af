"""A user's two-factor sign-in reset (issue 17 item 1): for a lost phone. Their authenticator app and recovery codes
are removed, their sessions are ended, and they set up a new app at their next sign-in. Audited."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import AuditEvent, User
from cases.services.audit import audit_record
from cases.services.sessions import user_sessions_end


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes: they set up a new app at their next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--reason", required=True, help="Why (kept in the audit trail), e.g. the ticket number.")

    @transaction.atomic
    def handle(self, *args, email: str, reason: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the email {email!r}.")
        totp, _ = TOTPDevice.objects.filter(user=user).delete()
        static, _ = StaticDevice.objects.filter(user=user).delete()
        user_sessions_end(user=user)
        audit_record(actor=None, verb="auth.second_factor_reset", kind=AuditEvent.Kind.AUTH, target=user, reason=reason)
        self.stdout.write(f"{user.email}: two-factor sign-in reset ({totp + static} rows removed)")
