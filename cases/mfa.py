"""Two-factor sign-in: whether this session has passed its second factor (issue 17 item 1).

The contract every sign-in path shares: a session that has passed a second factor carries SESSION_KEY, written by
mark_verified() once (a TOTP or recovery code checked by django-otp, or the council's identity provider's token whose
authentication-method claim says it did multi-factor authentication). The enforcement middleware and the admin site
read is_verified(); nothing else decides it. The session's key rotates at sign-in, so a mark never outlives it.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

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


# --- enforcement (issue 17 item 1, battery B13) ------------------------------------------------------------------
# The URL names a signed-in session that has not passed its second factor may still reach: the public allowlist of
# the endpoint inventory (B2: sign-in, sign-out, /healthz; static files are served before any of this, by
# WhiteNoise) and the two-factor pages themselves. Every other URL is refused to it: a page is redirected to the
# code page (keeping where it was going as ?next=), the API answers 401 with the reason.
ALLOWED_UNVERIFIED = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "mfa_verify",
        "mfa_enrol",
        # Signing in through the council's identity provider instead (routed only when OIDC is configured).
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)
REASON = "Two-factor sign-in is not complete: enter the 6-digit code from your authenticator app."


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class SecondFactorMiddleware:
    """Refuses every non-public URL to a signed-in session without is_verified(). After AuthenticationMiddleware
    (it reads request.user) and the session lifetime's (an ended session is signed out first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_UNVERIFIED:
            return None
        if _is_api(request) and request.headers.get("Authorization") and _is_drf(view_func):
            # A client sending its own credentials (a service account's token) is the API's to authenticate: DRF's
            # classes take the token, and refuse the password-only session should they fall back to it
            # (VerifiedSessionAuthentication).
            return None
        return refuse(request)


def _is_drf(view_func) -> bool:
    from rest_framework.views import APIView

    cls = getattr(view_func, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


def refuse(request):
    from django.http import JsonResponse
    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    if _is_api(request):
        response = JsonResponse({"code": "second_factor_required", "detail": REASON}, status=401)
        response["WWW-Authenticate"] = 'Session realm="api", error="second_factor_required"'
        return response
    return redirect(reverse("mfa_verify") + "?" + urlencode({"next": request.get_full_path()}))


class SecondFactorRequired(exceptions.AuthenticationFailed):
    default_detail = REASON
    default_code = "second_factor_required"


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication (in REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES), for a session that has
    passed its second factor only: a password-only session is refused with the reason (401), not taken as
    anonymous."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not is_verified(request._request):
            raise SecondFactorRequired()
        return result


class VerifiedSessionScheme(SessionScheme):
    """The schema's security scheme for the verified session (drf-spectacular): the session cookie, as for DRF's own
    session authentication, which drf-spectacular recognises by its exact class only."""

    target_class = VerifiedSessionAuthentication


# --- step-up: the second factor again, at the moment of a sensitive action (battery B6 break-glass, B18 exports) ----
# A session that passed its second factor at sign-in proves it again before a sensitive action: a code typed for it
# (a current TOTP code or an unused recovery code, checked and throttled by django-otp as at sign-in, so a code used
# before is refused), kept as STEP_UP_KEY {"method", "device", "at", "for"}. A session whose second factor was the
# council's identity provider (method IDENTITY_PROVIDER: it may hold no authenticator app here) steps up by having
# signed in there within the window; an older IdP sign-in is sent to sign in there again (?next= back to the action).
# Each step-up is audited once ("mfa.stepped_up", the method in `fields`, what for in `reason`).
STEP_UP_KEY = "ffp_mfa_step_up"
STEP_UP_SECONDS = 300  # "recent": a second factor passed within the last 5 minutes
STEP_UP_PURPOSES = {
    "break_glass": "Opening a child's record outside your work",
    "export_volume": "Exporting more rows in an hour than the council allows without checking",
}


def _when(mark) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(mark["at"]) if mark and mark.get("at") else None
    except (TypeError, ValueError):
        return None


def mark_stepped_up(request, *, method: str, device_id: str = "", purpose: str = "", at=None) -> None:
    """Record in the session that its user re-proved their second factor now (or `at`), by `method`, for `purpose`,
    and audit it ("mfa.stepped_up")."""
    from .models import AuditEvent
    from .services.audit import audit_record

    if method not in METHODS:
        raise ValueError(f"unknown second factor {method!r}")
    when = at or timezone.now()
    request.session[STEP_UP_KEY] = {"method": method, "device": device_id, "at": when.isoformat(), "for": purpose}
    audit_record(
        actor=request.user,
        verb="mfa.stepped_up",
        kind=AuditEvent.Kind.AUTH,
        fields=[method],
        reason=STEP_UP_PURPOSES.get(purpose, purpose),
    )


def signed_in_through_identity_provider(request) -> bool:
    mark = getattr(request, "session", {}).get(SESSION_KEY) or {}
    return mark.get("method") == IDENTITY_PROVIDER


def second_factor_at(request):
    """When this session last proved its second factor for a step-up (a code typed for one), or, for a session that
    signed in through the identity provider, when it did: the later of the two; None if neither."""
    session = getattr(request, "session", None)
    if session is None or not is_verified(request):
        return None
    times = [_when(session.get(STEP_UP_KEY))]
    if signed_in_through_identity_provider(request):
        times.append(_when(session.get(SESSION_KEY)))
    return max((t for t in times if t), default=None)


def has_recent_second_factor(request, within: int = STEP_UP_SECONDS) -> bool:
    """Whether the session proved its second factor (a step-up, or an identity-provider sign-in) in the last
    `within` seconds."""
    at = second_factor_at(request)
    if at is None:
        return False
    age = timezone.now() - at
    return dt.timedelta(seconds=-5) <= age <= dt.timedelta(seconds=within)


def step_up_url(target: str, *, purpose: str = "") -> str:
    """The confirm page (cases.views.mfa.mfa_confirm), coming back to `target` once the second factor is proved."""
    from django.urls import reverse
    from django.utils.http import urlencode

    query = {"next": target, **({"for": purpose} if purpose else {})}
    return f"{reverse('mfa_confirm')}?{urlencode(query)}"


def require_recent_second_factor(request, within: int = STEP_UP_SECONDS, *, purpose: str = "", next_url: str = ""):
    """None if the session proved its second factor in the last `within` seconds (an identity-provider sign-in that
    recent is audited as the step-up, once); otherwise the redirect to the confirm page, which comes back to
    `next_url` (default: this request's URL) when it is proved."""
    from django.shortcuts import redirect

    if has_recent_second_factor(request, within):
        if signed_in_through_identity_provider(request):
            signed_in, stepped_up = _when(request.session.get(SESSION_KEY)), _when(request.session.get(STEP_UP_KEY))
            if signed_in and (stepped_up is None or signed_in > stepped_up):
                mark_stepped_up(request, method=IDENTITY_PROVIDER, purpose=purpose, at=signed_in)
        return None
    return redirect(step_up_url(next_url or request.get_full_path(), purpose=purpose))
