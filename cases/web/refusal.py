"""The one page helper for a refusal: every page's PermissionDenied is the 404 page, with status 404.

ffp.urls sets it as handler403, so a page that refuses (a role check, a service's PermissionDenied, a view that
caught nothing) answers exactly as a page that is not there: a user cannot tell a record
they may not see, or may see but not change, from one that does not exist (issue 11: refusal is one answer). The
API's refusals are answered in its one place too (ffp.exceptions). Signing in is not a refusal: login_required
still sends a signed-out user to the sign-in page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


def refused(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The refusal's own message is never shown: it could say what exists ("only the lead practitioner may...").
    return page_not_found(request, Http404())
