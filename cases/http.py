"""What every page does with a refusal: it looks like a missing page (policy: 404, never 403), so that a
person out of scope cannot tell a record they may not see from one that does not exist."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse


def require(condition: bool) -> None:
    """Refuse, as not found, unless the condition holds."""
    if not condition:
        raise Http404


def denied_is_not_found(view):
    """A service's PermissionDenied is shown as a missing page, like every other refusal."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    return wrapper
