"""Demo data for a fictional council: agencies, teams, one user per role and 30+ synthetic families.

Safe to run again: agencies, teams and users are matched by name or email, team membership is put
right (a database seeded before teams had groups gets its groups and memberships), and a family whose
family case already exists is skipped (cases.demo).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.demo import USERS, seed_council, seed_families
from cases.registry import registry

COUNCIL = settings.COUNCIL_NAME


class Command(BaseCommand):
    help = "Create the demo council, its agencies, teams, users and synthetic families (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Set every demo user's password to DEMO_PASSWORD again."
        )
        parser.add_argument(
            "--no-families",
            action="store_true",
            help="Only the council, its agencies, teams and users: no synthetic families.",
        )

    @transaction.atomic
    def handle(self, *args, reset_passwords: bool = False, no_families: bool = False, **options):
        password = os.environ.get("DEMO_PASSWORD") or ""
        if not password:
            if not (settings.DEBUG or settings.TESTING):
                raise CommandError("Set DEMO_PASSWORD: the built-in demo password is for development only.")
            password = settings.DEMO_PASSWORD_DEFAULT
        totp_secret = settings.DEMO_TOTP_SECRET
        if totp_secret and not settings.DEBUG:
            raise CommandError("DEMO_TOTP_SECRET is for development only: demo users set up their own app elsewhere.")
        council = seed_council(password=password, reset_passwords=reset_passwords)
        if totp_secret:
            # Development: every demo user's authenticator app is the shared demo secret (`manage.py demo_totp`).
            from cases.models import User
            from cases.services.mfa import demo_device_set

            for user in User.objects.filter(email__in=[row[0] for row in USERS]):
                demo_device_set(user=user, secret_base32=totp_secret)
        summary = "" if no_families else f", {seed_families(teams=council.teams)}"
        if not no_families:
            # Each strand seeds its own demo records, after the steps it needs (cases.registry), so cases
            # names no strand.
            for step in registry.demo_data_steps():
                result = step.run()
                summary += ", " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items())
        self.stdout.write(
            f"demo data: {len(council.agencies)} agencies, {len(council.teams)} teams, {len(USERS)} users "
            f"({council.new_users} new){summary} "
            f"for {COUNCIL} (LA code {settings.COUNCIL_LA_CODE})"
        )
