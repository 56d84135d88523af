"""Content-Security-Policy on every response, from settings.SECURE_CSP (issue 12 item 9).

The policy has no 'unsafe-inline' and no nonce: every script and style is a static file (the GOV.UK Frontend
start in static/build/app.mjs, page modules beside it), so an injected <script>, style="..." or onclick="..."
never runs. The header is the same for every response, so it is written once, when the middleware is made:
a request costs one header assignment (django-csp 4.0 rebuilt its policy on every response, about 0.1 ms here).

SECURE_CSP has the shape of Django 6.0's setting of that name ({"directive": [sources]}): on Django 6 the
built-in django.middleware.csp.ContentSecurityPolicyMiddleware can take this one's place in MIDDLEWARE.
"""

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_header(directives: Mapping[str, Sequence[str]], **extra: Sequence[str]) -> str:
    """The header's value; `extra` adds sources to a directive (keyword names with _ for -: img_src=["data:"])."""
    merged = {name: list(sources) for name, sources in directives.items()}
    for key, sources in extra.items():
        # A directive the policy leaves out falls back to default-src: widening it starts from there.
        current = merged.setdefault(key.replace("_", "-"), list(merged.get("default-src", [])))
        current.extend(source for source in sources if source not in current)
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in merged.items())


def policy_with(**extra: Sequence[str]) -> str:
    """This deployment's policy with more sources for one view (e.g. the API docs' data: images)."""
    return policy_header(settings.SECURE_CSP, **extra)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that has none of its own (a view may set a wider one for itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_header(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(HEADER, self.header)
        return response
