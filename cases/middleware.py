"""Request context for the audit trail, and no caching of anything shown to a signed-in user."""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


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
