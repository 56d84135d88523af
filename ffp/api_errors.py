"""Every answer under /api/ is JSON, with a stable `code` a client can branch on (issue 12 item 4).

Three pieces, each in one place for every API URL:
- `JSONParser` (DRF's DEFAULT_PARSER_CLASSES and each API view's parser): a body nested deeper than MAX_JSON_DEPTH,
  or so deep it exhausts Python's recursion, is a 400 `parse_error`, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE
  (also when sent without a Content-Length) a 413 `request_too_large`, never a 500;
- `ApiErrorMiddleware`: before a view runs, an over-long URL is a 414, a declared body over the limit a 413, and a
  URL missing only its trailing slash a 308 to the right one (Django's APPEND_SLASH would be a 500 for a POST with
  DEBUG on, and a 301 that silently turns it into a GET with DEBUG off); after, any error under /api/ that is not
  JSON yet (Django's 404 page, its 400 for a SuspiciousOperation, its 500 page or DEBUG's technical pages) is
  replaced by a JSON body with the same status and the code for it. The detail of a 500 is never shown;
- ffp.exceptions.api_exception_handler adds the `code` to DRF's own error bodies.

Pages outside /api/ keep their HTML pages. Nothing here queries the database.
"""

import codecs
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import is_valid_path
from django.utils.http import escape_leading_slashes
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json

API_PREFIX = "/api/"
# gunicorn refuses a request line over 4094 bytes with its own page; below that, the answer is ours.
MAX_URL_LENGTH = 4000
# The deepest legitimate body is a contact's children (3 levels); anything much deeper is an attack.
MAX_JSON_DEPTH = 32

# The stable codes for a status when no more precise one is known (DRF's default_code where it has one).
CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "request_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "unprocessable",
    428: "precondition_required",
    429: "throttled",
    500: "server_error",
}
DETAILS = {
    400: "Bad request.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request body is too large.",
    414: "The URL is too long.",
    500: "Something went wrong on our side. It has been logged; try again later.",
}


def code_for(status_code: int) -> str:
    return CODES.get(status_code, f"http_{status_code}")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status_code: int, code: str = "", detail: str = "", **extra) -> JsonResponse:
    body = {"code": code or code_for(status_code), "detail": detail or DETAILS.get(status_code, "Error."), **extra}
    return JsonResponse(body, status=status_code)


def _body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"

    def __init__(self) -> None:
        limit = _body_limit()
        super().__init__(f"The request body is larger than {limit} bytes." if limit else None)


def _too_deep(value: object) -> bool:
    """Whether a parsed document nests deeper than MAX_JSON_DEPTH (iteratively: no recursion of our own)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, bounded: the body's size and its depth (see the module's docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        limit = _body_limit()
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep") from None
        except ValueError as exc:  # UnicodeDecodeError is a ValueError
            raise ParseError(f"JSON parse error - {exc}") from None
        if _too_deep(data):
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep")
        return data


class ApiErrorMiddleware:
    """See the module's docstring. Runs before CommonMiddleware, so that the API's missing slash is answered here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            return self.get_response(request)
        early = self._refuse_early(request)
        response = early if early is not None else self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            response = self._as_json(response)
        return response

    @staticmethod
    def _refuse_early(request: HttpRequest) -> HttpResponse | None:
        full_path = request.get_full_path()
        if len(full_path) > MAX_URL_LENGTH:
            return json_error(414, detail=f"The URL is longer than {MAX_URL_LENGTH} characters.")
        limit = _body_limit()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(400, detail="The Content-Length header is not a number.")
        if limit is not None and length > limit:
            return json_error(413, detail=f"The request body is larger than {limit} bytes.")
        path = request.path_info
        if settings.APPEND_SLASH and not path.endswith("/"):
            urlconf = getattr(request, "urlconf", None)
            if not is_valid_path(path, urlconf) and is_valid_path(f"{path}/", urlconf):
                location = escape_leading_slashes(request.get_full_path(force_append_slash=True))
                # 308, not 301: a client that follows it repeats the same method with the same body.
                response = json_error(
                    308, "trailing_slash", f"This URL ends with a slash: {location}", location=location
                )
                response["Location"] = location
                return response
        return None

    @staticmethod
    def _as_json(response: HttpResponse) -> HttpResponse:
        replacement = json_error(response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After", "Location", "X-Request-ID"):
            if header in response:
                replacement[header] = response[header]
        return replacement
