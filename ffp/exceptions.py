"""One place that turns service exceptions into API responses with a reason (never a 500)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class InvalidTransition(Exception):  # noqa: N818  (named for what it is, as in CONVENTIONS)
    """A workflow was asked to move from a state that does not allow it (or a colleague moved it first)."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"Cannot move from {old!r} to {new!r}.")
        self.old, self.new = old, new


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, InvalidTransition):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc) or "You do not have permission to do that."},
                        status=status.HTTP_403_FORBIDDEN)
    return exception_handler(exc, context)
