"""Service accounts and API tokens from the command line (issue 17): the server's operator creates an account and
issues, rotates, revokes and lists tokens. Each change writes an audit row with the reason given (and --by, the
administrator who asked, when named). A token's plaintext is printed once, on the last line, and never again."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Agency, ApiToken, Team, User
from cases.models.api_tokens import ROTATION_OVERLAP, TOKEN_MAX_LIFETIME
from cases.services.api_tokens import service_account_create, token_issue, token_revoke, token_rotate


class Command(BaseCommand):
    help = "Service accounts' API tokens: account, issue, rotate, revoke, list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def common(p):
            p.add_argument("--reason", required=True, help="Why (kept in the audit).")
            p.add_argument("--by", default="", help="Email of the administrator who asked (kept in the audit).")

        account = sub.add_parser("account", help="Create a service account.")
        account.add_argument("email")
        account.add_argument("--name", required=True, help="The partner system, e.g. 'Police case system'.")
        account.add_argument("--agency", required=True, help="The agency's name.")
        account.add_argument("--team", action="append", default=[], help="A team's name (repeat for several).")
        account.add_argument("--role", action="append", default=[], help="A role, e.g. triage_officer (repeat).")
        common(account)

        issue = sub.add_parser("issue", help="Issue a token; prints it once.")
        issue.add_argument("email", help="The service account's email.")
        issue.add_argument("--scope", choices=["read", "write"], default="read", help="write includes read.")
        issue.add_argument("--days", type=int, default=TOKEN_MAX_LIFETIME.days, help="At most 90.")
        issue.add_argument("--name", default="", help="What the token is for.")
        common(issue)

        rotate = sub.add_parser("rotate", help="Issue a successor; the old token works for the overlap only.")
        rotate.add_argument("prefix", help="The token's prefix (ffp_<prefix>_…), as `list` shows it.")
        rotate.add_argument("--overlap-hours", type=float, default=ROTATION_OVERLAP.total_seconds() / 3600)
        common(rotate)

        revoke = sub.add_parser("revoke", help="Refuse a token from now on.")
        revoke.add_argument("prefix")
        common(revoke)

        listing = sub.add_parser("list", help="Tokens (never their secrets).")
        listing.add_argument("--all", action="store_true", help="Include revoked and expired tokens.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc

    def _actor(self, by: str) -> User | None:
        if not by:
            return None
        try:
            return User.objects.get(email=by.strip().lower())
        except User.DoesNotExist:
            raise CommandError(f"No user {by!r}") from None

    def _token(self, prefix: str) -> ApiToken:
        try:
            return ApiToken.objects.select_related("account").get(prefix=prefix.removeprefix("ffp_").split("_")[0])
        except ApiToken.DoesNotExist:
            raise CommandError(f"No token with prefix {prefix!r}") from None

    def _account(self, *, email, name, agency, team, role, reason, by, **_):
        try:
            agency_row = Agency.objects.get(name=agency)
            teams = [Team.objects.get(name=t, agency=agency_row) for t in team]
        except (Agency.DoesNotExist, Team.DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        account = service_account_create(
            email=email,
            full_name=name,
            agency=agency_row,
            teams=teams,
            roles=role,
            created_by=self._actor(by),
            reason=reason,
        )
        self.stdout.write(f"Service account {account.email} created.")

    def _issue(self, *, email, scope, days, name, reason, by, **_):
        try:
            account = User.objects.get(email=email.strip().lower())
        except User.DoesNotExist:
            raise CommandError(f"No account {email!r}") from None
        scopes = ["read", "write"] if scope == "write" else ["read"]
        token, plaintext = token_issue(
            account=account,
            issued_by=self._actor(by),
            scopes=scopes,
            expires_at=timezone.now() + dt.timedelta(days=days),
            reason=reason,
            name=name,
        )
        self.stdout.write(
            f"Token {token.prefix} for {account.email}, {'+'.join(token.scopes)}, "
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}."
        )
        self.stdout.write("Shown once; keep it in the partner system's secret store:")
        self.stdout.write(plaintext)

    def _rotate(self, *, prefix, overlap_hours, reason, by, **_):
        old = self._token(prefix)
        new, plaintext = token_rotate(
            token=old, actor=self._actor(by), reason=reason, overlap=dt.timedelta(hours=overlap_hours)
        )
        old.refresh_from_db()
        self.stdout.write(
            f"Token {old.prefix} works until {old.expires_at:%Y-%m-%d %H:%M %Z}; its successor {new.prefix}:"
        )
        self.stdout.write(plaintext)

    def _revoke(self, *, prefix, reason, by, **_):
        token = token_revoke(token=self._token(prefix), actor=self._actor(by), reason=reason)
        self.stdout.write(f"Token {token.prefix} revoked.")

    def _list(self, *, all, **_):
        tokens = ApiToken.objects.select_related("account").order_by("account__email", "-created_at")
        if not all:
            tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        for t in tokens:
            state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= timezone.now() else "live")
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.prefix}  {t.account.email}  {'+'.join(t.scopes)}  {state}  expires {t.expires_at:%Y-%m-%d %H:%M}  "
                f"last used {used}  {t.name}"
            )
