"""Service accounts' API tokens (issue 17 item 1): API clients sign in with a token of a service account, never with
a person's password session.

A token is `ffp_<prefix>_<secret>`: the secret is 32 random bytes; only the SHA-256 of the whole token is kept (a
256-bit secret needs no slow hash: nobody can guess it, and a leaked table gives nothing to replay). The prefix is
kept plain so that people can tell tokens apart in lists and the audit (as GitHub's `ghp_` tokens do). Every token
expires (at most TOKEN_MAX_LIFETIME after issue); rotation issues a successor and lets the old token work for an
overlap window only; revocation is at once."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .base import TimeStampedModel

TOKEN_MAX_LIFETIME = dt.timedelta(days=90)
ROTATION_OVERLAP = dt.timedelta(hours=24)


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"


class ApiToken(TimeStampedModel):
    """One API token of a service account: its hash, scopes and lifetime."""

    Scope = TokenScope

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the partner system using it.")
    prefix = models.CharField(max_length=16, unique=True)
    hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the whole token, hex.")
    scopes = models.JSONField(default=list, help_text='["read"] or ["read", "write"].')
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaced_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_after_issue"),
            models.CheckConstraint(
                condition=Q(scopes=["read"]) | Q(scopes=["read", "write"]), name="api_token_scopes_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (ffp_{self.prefix}_…)"

    @property
    def can_write(self) -> bool:
        return TokenScope.WRITE in self.scopes
