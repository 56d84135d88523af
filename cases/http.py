"""What every page does with a refusal: it looks like a missing page (policy: 404, never 403), so that a
person out of scope cannot tell a record they may not see from one that does not exist.

`require(condition)` refuses as not found. A service's PermissionDenied needs nothing: every page's is answered
with the 404 page by the one page helper, cases.web.refusal.refused (ffp.urls.handler403)."""

from django.http import Http404


def require(condition: bool) -> None:
    """Refuse, as not found, unless the condition holds."""
    if not condition:
        raise Http404
