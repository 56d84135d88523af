"""One place that turns service exceptions into API responses with a reason (never a 500).

- a refusal (Django's PermissionDenied) and a missing row (Http404, ObjectDoesNotExist) are 404 with the
  same body, so a user out of scope cannot tell a record they may not see from one that does not exist;
- a service's ValidationError is 400, keyed by field (or `non_field_errors`);
- a stale version (StaleEdit: the If-Match was current when checked but a colleague saved first) is 412
  with the version saved now; any other Conflict (a refused state change, already decided) is 409;
- a missing or stale If-Match (PreconditionFailed) is 428 or 412 with the current ETag;
- DRF's own exceptions (authentication 401/403, throttling, parse errors, its ValidationError) keep DRF's answer.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.api.concurrency import PreconditionFailed, etag
from cases.services.state import Conflict, InvalidTransition, StaleEdit

__all__ = ["InvalidTransition", "api_exception_handler", "validation_detail"]

NOT_FOUND = {"detail": "Not found."}


def validation_detail(exc: DjangoValidationError) -> dict:
    """A service's ValidationError as the API's 400 body."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404 | ObjectDoesNotExist | PermissionDenied):
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
