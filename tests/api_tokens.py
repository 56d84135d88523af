"""Service accounts and their API tokens for tests (issue 17): a person's account cannot hold a token, so a test of
the API by token makes a service account, often one "like" a persona (the same agency, teams and roles, so the one
policy gives it the same scope), and issues it a token through the service (cases.services.api_tokens)."""

import datetime as dt
import itertools

from django.utils import timezone

from cases.models import User
from cases.services.api_tokens import service_account_create, token_issue

_numbers = itertools.count(1)


def service_account(*, like: User | None = None, agency=None, teams=(), roles=(), email: str = "") -> User:
    """A service account; `like` copies a person's agency, teams and roles."""
    if like is not None:
        agency = agency or like.agency
        teams = teams or list(like.teams.all())
        roles = roles or sorted(like.roles)
    n = next(_numbers)
    return service_account_create(
        email=email or f"service-{n}@systems.example.test",
        full_name=f"Partner system {n}",
        agency=agency,
        teams=teams,
        roles=roles,
        created_by=None,
        reason="Test service account",
    )


def token_for(account: User, *, scopes=("read", "write"), days: int = 30) -> str:
    """A live token of `account` (plaintext)."""
    _, plaintext = token_issue(
        account=account,
        issued_by=None,
        scopes=scopes,
        expires_at=timezone.now() + dt.timedelta(days=days),
        reason="Test token",
    )
    return plaintext


def bearer_like(person: User, *, scopes=("read", "write")) -> str:
    """`Bearer <token>` of a new service account like `person`, for an Authorization header."""
    return f"Bearer {token_for(service_account(like=person), scopes=scopes)}"
