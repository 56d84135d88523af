"""One place that turns service exceptions into API responses with a reason (never a 500)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.api.concurrency import PreconditionFailed, etag
from cases.services.state import Conflict, InvalidTransition, StaleEdit

__all__ = ["InvalidTransition", "api_exception_handler"]


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEdit):
        # The version the request named (If-Match) was current when checked, but a colleague saved first.
        response = Response({"detail": str(exc), "current_version": exc.current_version},
                            status=status.HTTP_412_PRECONDITION_FAILED)
        response["ETag"] = etag(exc.current_version)
        return response
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc), "current": exc.current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PreconditionFailed):
        response = Response(exc.body, status=exc.status_code)
        response["ETag"] = exc.etag
        return response
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or "You do not have permission to do that."},
                        status=status.HTTP_403_FORBIDDEN)
    return exception_handler(exc, context)
