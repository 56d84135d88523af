"""Two-factor sign-in: whether this session has passed its second factor (issue 17 item 1).

The contract every sign-in path shares: a session that has passed a second factor carries SESSION_KEY, written by
mark_verified() once (a TOTP or recovery code checked by django-otp, or the council's identity provider's token whose
authentication-method claim says it did multi-factor authentication). The enforcement middleware and the admin site
read is_verified(); nothing else decides it. The session's key rotates at sign-in, so a mark never outlives it.
"""

from django.utils import timezone

SESSION_KEY = "ffp_mfa"
# How the second factor was passed, as kept in the session and the audit.
TOTP, RECOVERY_CODE, IDENTITY_PROVIDER = "totp", "recovery_code", "identity_provider"
METHODS = frozenset({TOTP, RECOVERY_CODE, IDENTITY_PROVIDER})


def mark_verified(request, *, method: str, device_id: str = "") -> None:
    """Record in the signed-in session that its user passed a second factor now, by `method`."""
    if method not in METHODS:
        raise ValueError(f"unknown second factor {method!r}")
    request.session[SESSION_KEY] = {"method": method, "device": device_id, "at": timezone.now().isoformat()}


def is_verified(request) -> bool:
    """Whether the request's signed-in session has passed a second factor."""
    session = getattr(request, "session", None)
    return bool(session is not None and request.user.is_authenticated and session.get(SESSION_KEY))
