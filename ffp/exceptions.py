"""One place that turns service exceptions into API responses with a reason (never a 500).

- a refusal is 404, whatever raised it: a service's PermissionDenied (Django's), a view's or permission class's
  (DRF's PermissionDenied, for a signed-in user), a missing row (Http404, ObjectDoesNotExist; DRF's NotFound is
  404 already), all with the same body, so a user out of scope cannot tell a record they may not see from one
  that does not exist, nor from one they may see but not change (issue 11: refusal is one answer);
- not signed in (DRF's NotAuthenticated or AuthenticationFailed, and the CSRF check of a session that is not
  signed in) keeps DRF's 401/403: needing to sign in says nothing about a record;
- a service's ValidationError is 400, keyed by field (or `non_field_errors`);
- a stale version (StaleEdit: the If-Match was current when checked but a colleague saved first) is 412
  with the version saved now; any other Conflict (a refused state change, already decided) is 409;
- a missing or stale If-Match (PreconditionFailed) is 428 or 412 with the current ETag;
- DRF's other exceptions (throttling, parse errors, its ValidationError) keep DRF's answer;
- every error body is an object with a stable `code` (ffp.api_errors.CODES; DRF's own code where it names one,
  e.g. not_authenticated, parse_error; `invalid` beside the fields of a 400), so that a client branches on it.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.api.concurrency import PreconditionFailed, etag
from cases.services.state import Conflict, InvalidTransition, StaleEdit

from .api_errors import code_for

__all__ = ["InvalidTransition", "api_exception_handler", "validation_detail"]

NOT_FOUND = {"detail": "Not found."}


def validation_detail(exc: DjangoValidationError) -> dict:
    """A service's ValidationError as the API's 400 body."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def _signed_in(context: dict) -> bool:
    request = context.get("request")
    # request.user, not request._request.user: DRF's authentication (session or token) is the one that counts.
    user = getattr(request, "user", None) if request is not None else None
    return bool(user is not None and user.is_authenticated)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    response = _handle(exc, context)
    if response is not None:
        response.data = _with_code(response.data, exc, response.status_code)
    return response


def _with_code(data, exc: Exception, status_code: int) -> dict:
    """The body with its stable `code` (an existing one is kept)."""
    if isinstance(data, list):
        data = {"non_field_errors": data}
    if not isinstance(data, dict):
        data = {"detail": str(data)}
    if "code" in data:
        return data
    if isinstance(exc, drf.ValidationError | DjangoValidationError):
        code = "invalid"
    elif isinstance(exc, StaleEdit):
        code = "stale_edit"
    elif isinstance(exc, drf.APIException) and status_code not in (404,):
        code = exc.default_code
    else:
        code = code_for(status_code)
    return {"code": code, **data}


def _handle(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404 | ObjectDoesNotExist | PermissionDenied):
        return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, drf.PermissionDenied) and _signed_in(context):
        return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEdit):
        # The version the request named (If-Match) was current when checked, but a colleague saved first.
        response = Response(
            {"detail": str(exc), "current_version": exc.current_version}, status=status.HTTP_412_PRECONDITION_FAILED
        )
        response["ETag"] = etag(exc.current_version)
        return response
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc), "current": exc.current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PreconditionFailed):
        response = Response(exc.body, status=exc.status_code)
        response["ETag"] = exc.etag
        return response
    return exception_handler(exc, context)
