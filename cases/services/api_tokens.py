"""Service accounts and their API tokens (issue 17 item 1): created, issued, rotated with an overlap and revoked,
each with an audit row naming who, which token (its id; the prefix is in the token row) and why.

Who may: an administrator (Role.ADMIN) or a superuser, or the server's operator on the command line
(`manage.py api_token`, actor None: the audit row then has no actor, and its reason says who asked)."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Agency, ApiToken, AuditEvent, Role, Team, TokenScope, User
from ..models.api_tokens import ROTATION_OVERLAP, TOKEN_MAX_LIFETIME
from .audit import audit_record
from .organisation import team_ensure_group

TOKEN_PREFIX = "ffp_"  # noqa: S105 - the tokens' visible prefix, not a secret
# How often last_used_at is written: a client calling every second would otherwise write the row every second.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _check_actor(actor: User | None) -> None:
    if actor is None:  # the operator on the server (manage.py api_token)
        return
    if not (actor.is_active and (actor.is_superuser or actor.has_role(Role.ADMIN))):
        raise PermissionDenied


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why."})
    return reason


def _scopes(scopes: Iterable[str]) -> list[str]:
    wanted = set(scopes)
    unknown = wanted - set(TokenScope.values)
    if unknown or not wanted:
        raise ValidationError({"scopes": f"Scopes are read, or read and write; not {sorted(unknown) or 'none'}."})
    # write implies read: a client that writes reads what it wrote.
    return ["read", "write"] if TokenScope.WRITE in wanted else ["read"]


def _check_expiry(expires_at: dt.datetime, now: dt.datetime) -> None:
    if expires_at is None or timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": "Every token expires: give a date and time with its time zone."})
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > now + TOKEN_MAX_LIFETIME:
        raise ValidationError({"expires_at": f"A token lasts at most {TOKEN_MAX_LIFETIME.days} days."})


@transaction.atomic
def service_account_create(
    *,
    email: str,
    full_name: str,
    agency: Agency,
    teams: Iterable[Team] = (),
    roles: Iterable[str] = (),
    created_by: User | None,
    reason: str,
) -> User:
    """A partner system's account: no password (it cannot sign in on the sign-in page), an agency, teams and roles
    like anyone's, so the one policy (cases.policy, cases.permissions) decides what its tokens may see and do."""
    _check_actor(created_by)
    reason = _check_reason(reason)
    roles = list(roles)
    if unknown := set(roles) - set(Role.values):
        raise ValidationError({"roles": f"Unknown roles: {sorted(unknown)}"})
    account = User.objects.create_user(email=email, password=None, full_name=full_name, agency=agency)
    account.is_service_account = True
    account.save(update_fields=["is_service_account"])
    teams = list(teams)
    account.teams.add(*teams)
    account.groups.add(*(team_ensure_group(team=team) for team in teams))
    account.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in roles))
    audit_record(
        actor=created_by, verb="service_account.created", target=account, reason=reason, kind=AuditEvent.Kind.AUTH
    )
    return account


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(4)  # 8 hex characters: tells tokens apart, never enough to use one
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"  # 32 random bytes


@transaction.atomic
def token_issue(
    *,
    account: User,
    issued_by: User | None,
    scopes: Iterable[str],
    expires_at: dt.datetime,
    reason: str,
    name: str = "",
) -> tuple[ApiToken, str]:
    """Issue a token for a service account. Returns the token's row and its plaintext, which is shown once and
    never stored (only its SHA-256 is)."""
    _check_actor(issued_by)
    reason = _check_reason(reason)
    if not account.is_service_account:
        # A person signs in as themselves, with their second factor; a token would be a password that skips both.
        raise ValidationError({"account": "Only a service account can hold an API token, not a person's account."})
    if not account.is_active:
        raise ValidationError({"account": "The account is disabled."})
    now = timezone.now()
    _check_expiry(expires_at, now)
    prefix, plaintext = _new_secret()
    token = ApiToken(
        account=account,
        name=(name or reason)[:100],
        prefix=prefix,
        hash=token_hash(plaintext),
        scopes=_scopes(scopes),
        expires_at=expires_at,
        issued_by=issued_by,
        created_at=now,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=issued_by,
        verb="api_token.issued",
        target=token,
        reason=reason,
        related={"account": account},
        kind=AuditEvent.Kind.AUTH,
    )
    return token, plaintext


@transaction.atomic
def token_rotate(
    *,
    token: ApiToken,
    actor: User | None,
    reason: str,
    expires_at: dt.datetime | None = None,
    overlap: dt.timedelta = ROTATION_OVERLAP,
) -> tuple[ApiToken, str]:
    """Issue the token's successor (same account, name and scopes). The old token keeps working for `overlap`
    (24 hours by default: time to deploy the new one), then is refused: its expiry is brought forward to the end
    of the overlap, never pushed back."""
    _check_actor(actor)
    reason = _check_reason(reason)
    old = ApiToken.objects.select_for_update().get(pk=token.pk)
    now = timezone.now()
    if old.revoked_at is not None or old.expires_at <= now:
        raise ValidationError({"token": "A revoked or expired token cannot be rotated: issue a new one."})
    if old.replaced_by_id is not None:
        raise ValidationError({"token": "This token has been rotated already."})
    if not dt.timedelta(0) <= overlap <= ROTATION_OVERLAP:
        raise ValidationError({"overlap": f"The overlap is at most {ROTATION_OVERLAP}."})
    new, plaintext = token_issue(
        account=old.account,
        issued_by=actor,
        scopes=old.scopes,
        expires_at=expires_at or now + TOKEN_MAX_LIFETIME,
        reason=reason,
        name=old.name,
    )
    old.replaced_by = new
    old.expires_at = min(old.expires_at, now + overlap)
    old.save(update_fields=["replaced_by", "expires_at", "updated_at"])
    audit_record(
        actor=actor,
        verb="api_token.rotated",
        target=old,
        reason=reason,
        fields=["expires_at", "replaced_by"],
        related={"replaced_by": new, "account": old.account_id},
        kind=AuditEvent.Kind.AUTH,
    )
    token.refresh_from_db()
    return new, plaintext


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User | None, reason: str) -> ApiToken:
    """Refuse the token from now on (the next request with it is a 401)."""
    _check_actor(actor)
    reason = _check_reason(reason)
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        audit_record(
            actor=actor,
            verb="api_token.revoked",
            target=token,
            reason=reason,
            fields=["revoked_at"],
            related={"account": token.account_id},
            kind=AuditEvent.Kind.AUTH,
        )
    token.refresh_from_db()
    return token


def tokens_revoke_for_account(*, account: User, actor: User | None, reason: str) -> int:
    """Revoke every live token of an account (its account was disabled: battery B7). Returns how many."""
    revoked = 0
    for token in ApiToken.objects.filter(account=account, revoked_at__isnull=True):
        token_revoke(token=token, actor=actor, reason=reason)
        revoked += 1
    return revoked


def token_authenticate(plaintext: str) -> ApiToken | None:
    """The live token with this plaintext (not revoked, not expired, its account an active service account), with
    its account, or None. Found by its hash: a 256-bit secret cannot be guessed, so no comparison of secrets."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.filter(hash=token_hash(plaintext), revoked_at__isnull=True, expires_at__gt=now)
        .only("id", "account_id", "scopes", "expires_at", "last_used_at", "prefix")
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
