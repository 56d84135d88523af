"""One concurrency convention for the API: every editable resource answers GET with an `ETag`, and every
change to it (PATCH, and a POST that moves its state) must send that tag back as `If-Match`.

- no If-Match (or only `*`, which names no version): 428 Precondition Required, with the reason;
- a tag that is not the resource's current one: 412 Precondition Failed, with the current version (and the
  current ETag header), and nothing saved;
- a colleague's change that lands between that check and the save is caught by the service's compare-and-set
  (cases.services.state) and answered the same way: a StaleEdit is a 412 (ffp.exceptions).

A tag is strong and opaque: a versioned record's version (`"3"`), or what changes whenever the resource does
(the current allocation's id for a family's lead, the current levels for a family's continuum). A weak tag
(`W/"3"`) is accepted as the same version, because a proxy that compresses the response weakens it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from .serializers import DetailOutputSerializer


def etag(token: object) -> str:
    """The ETag header value for a resource whose current state is `token` (a version, an id)."""
    return f'"{token}"'


def with_etag(response: Response, token: object) -> Response:
    response["ETag"] = etag(token)
    return response


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Say which version you are changing: send the ETag from your last GET of this resource as an "
        "If-Match header, so that a colleague's changes are never overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    """The If-Match tag is not the resource's current one: 412 with `body` and the current ETag header."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Someone else changed this after the version you sent. Your changes have not been saved: get "
        "it again, check their changes, then send yours with the current ETag as If-Match."
    )
    default_code = "precondition_failed"

    def __init__(self, *, token: object, detail: str = "", current: dict | None = None) -> None:
        super().__init__(detail or self.default_detail)
        self.etag = etag(token)
        self.body = {"detail": str(self.detail), "current_version": token, **({"current": current} if current else {})}


def if_match_tokens(request: Request) -> set[str]:
    """The opaque tags an If-Match header names, without W/ and quotes ("*" names no version)."""
    tokens = set()
    for raw in request.headers.get("If-Match", "").split(","):
        tag = raw.strip().removeprefix("W/").strip().strip('"')
        if tag and tag != "*":
            tokens.add(tag)
    return tokens


def require_if_match(request: Request, *, token: object, current: dict | None = None) -> None:
    """428 when the request names no version; 412 (with `current`) when the one it names is not `token`."""
    tokens = if_match_tokens(request)
    if not tokens:
        raise PreconditionRequired
    if str(token) not in tokens:
        raise PreconditionFailed(token=token, current=current)


# --- schema ------------------------------------------------------------------------------------------------


class PreconditionFailedOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.JSONField(help_text="The resource's current ETag, without the quotes.")
    current = serializers.DictField(required=False, help_text="The state it is in now, where that helps.")


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from your last GET of this resource, e.g. "3". Without it: 428; if it is not the '
    "current one (someone changed it since): 412, and nothing is saved.",
)

PRECONDITION_RESPONSES = {
    412: OpenApiResponse(
        PreconditionFailedOutputSerializer,
        description="Someone changed it since the version in "
        "If-Match: nothing was saved. The ETag header holds the current version.",
    ),
    428: OpenApiResponse(DetailOutputSerializer, description="No If-Match header: send the ETag from your last GET."),
}


def etag_header(*codes: int) -> OpenApiParameter:
    """The ETag response header, for the schema of an operation that returns the resource."""
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(codes) or [200],
        description="The resource's current version: send it back as If-Match to change it.",
    )


class ConflictOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="The state it is in now (e.g. its status, the decision that stands).")
