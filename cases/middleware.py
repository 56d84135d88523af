"""Request context for the audit trail, and no caching of anything shown to a signed-in user."""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None
    path: str
    # A client's own X-Request-ID (when well formed), kept apart: the audit files the request under request_id.
    client_request_id: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("ffp_request_context", default=None)
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_context() -> RequestContext | None:
    """The request being served, for services that write audit rows (None in tasks and the shell)."""
    return _current.get()


class RequestContextMiddleware:
    """Gives every request an id generated here, and remembers it for the audit.

    The id is never the client's: a client choosing the id its requests are audited under could make two requests
    (or two clients' requests) share one, or reuse another's. A client's own X-Request-ID, when well formed, is
    kept apart (RequestContext.client_request_id, the audit's client_request_id) so that a partner can still match
    its logs to ours; the response's X-Request-ID is the server's id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        client_request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else ""
        request_id = uuid.uuid4().hex
        request.request_id = request_id
        # REMOTE_ADDR is the peer; behind a proxy, gunicorn's forwarded-allow-ips sets it correctly.
        token = _current.set(
            RequestContext(request_id, request.META.get("REMOTE_ADDR") or None, request.path[:500], client_request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreForAuthenticatedMiddleware:
    """Pages about children must never sit in a shared or browser cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


# --- Session lifetime (issue 12 item 8; strand signin) -----------------------------------------------------------
SIGNED_IN_AT = "ffp_signed_in_at"  # epoch seconds of the sign-in, set by session_stamp_sign_in
LAST_SEEN = "ffp_last_seen"  # epoch seconds of the last request written (at most once a resolution)


def session_stamp_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session's clock starts at sign-in (every sign-in: the case system's page, the
    admin's, the test client's force_login)."""
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionLifetimeMiddleware:
    """Ends a signed-in session 15 minutes after its last request (SESSION_IDLE_TIMEOUT) or 12 hours after its
    sign-in (SESSION_ABSOLUTE_TIMEOUT), audited; the request goes on signed out, so a page sends the browser to
    the sign-in page with `next` (it comes back to the same page) and the API answers 401.

    Cheap by design, as it runs on every request: the session is read from the cache, the request's user is the one
    AuthenticationMiddleware loads anyway, and the last-request time is written at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return self.get_response(request)
        now = timezone.now().timestamp()
        signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
        if signed_in_at is None or last_seen is None:
            reason = "absolute"  # made before these limits: its age is unknown
        elif now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = "absolute"
        elif now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            reason = "idle"
        elif not request.user.is_authenticated:
            reason = "inactive"  # the account was disabled or removed: its session must not come back with it
        else:
            reason = ""
        if reason:
            _session_end(request, reason)
            return self.get_response(request)
        if now - last_seen >= settings.SESSION_ACTIVITY_RESOLUTION:
            session[LAST_SEEN] = last_seen = now
        # What the page's timeout warning counts down from (templates/includes/timeout_dialog.html).
        lifetime = request.session_lifetime = {
            "idle": max(0, round(last_seen + settings.SESSION_IDLE_TIMEOUT - now)),
            "absolute": max(0, round(signed_in_at + settings.SESSION_ABSOLUTE_TIMEOUT - now)),
            "warning": settings.SESSION_TIMEOUT_WARNING,
        }
        response = self.get_response(request)
        if "application/json" in request.headers.get("Accept", ""):
            # A page's background request (the assessment's autosave) is activity too: its answer says how long the
            # session has left, so the page's countdown (which started at the page's load) follows the server's
            # (assets/js/session.mjs, "ffp:session-activity").
            response["X-Session-Idle"] = str(lifetime["idle"])
            response["X-Session-Absolute"] = str(lifetime["absolute"])
        return response


_ENDED = {
    "idle": "You were signed out because you had not done anything for {minutes} minutes.",
    "absolute": "You were signed out because you signed in more than {hours} hours ago.",
}


def _session_end(request: HttpRequest, reason: str) -> None:
    from .services import audit_session_ended

    user = request.user
    if user.is_authenticated:
        site = "admin" if request.path.startswith("/admin/") else "case"
        audit_session_ended(user=user, reason=reason, site=site)
    logout(request)
    if reason in _ENDED and not request.path.startswith("/api/"):
        text = _ENDED[reason].format(
            minutes=settings.SESSION_IDLE_TIMEOUT // 60, hours=settings.SESSION_ABSOLUTE_TIMEOUT // 3600
        )
        messages.info(request, f"{text} Sign in again to carry on: anything you typed on the page is kept.")
