"""Development only: the demo users' current two-factor code (issue 17 item 1), from the dev-only DEMO_TOTP_SECRET
that seed_demo gave every demo user's authenticator. Refused outside development, like the demo password."""

import base64
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP


class Command(BaseCommand):
    help = "Print the demo users' current 6-digit sign-in code (development only), or the secret for an app."

    def add_arguments(self, parser):
        parser.add_argument("--secret", action="store_true", help="Print the base32 secret for an authenticator app.")

    def handle(self, *args, secret: bool = False, **options):
        value = settings.DEMO_TOTP_SECRET
        if not (settings.DEBUG and value):
            raise CommandError("The demo two-factor secret exists in development only (make run).")
        if secret:
            self.stdout.write(value)
            return
        key = base64.b32decode(value.upper() + "=" * (-len(value) % 8))
        totp = TOTP(key)
        now = time.time()
        left = 30 - int(now) % 30
        self.stdout.write(f"{totp.token():06d}  (valid for {left} more seconds, and the 30 after)")
