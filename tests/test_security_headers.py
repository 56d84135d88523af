"""Every URL pattern answers with the security headers (issue 12 item 9, battery B15): a Content-Security-Policy
without 'unsafe-inline', X-Frame-Options DENY, nosniff, a Referrer-Policy, and `Cache-Control: no-store` when
someone is signed in; and no HTML page carries inline script or style that the policy would block.

The URL patterns are the permission matrix's, filled with its world's objects (tests/matrix_world.py), so a new
page is checked as soon as it exists. Each is asked by several signed-in personas (who see different pages: the
admin, the front door, Family Help, the police as a partner referrer) and by an anonymous visitor.
HSTS is a production header (HTTPS only): tests/test_settings.py checks it under ffp/settings/prod.py.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client

from cases.demo.planning import ADMIN, FD_MANAGER, FHLP_SW, POLICE, TRIAGE
from tests.matrix_world import build_world
from tests.test_permission_matrix import PUBLIC_ALLOWLIST, concrete_path, url_patterns

pytestmark = pytest.mark.django_db

PERSONAS = [TRIAGE, FD_MANAGER, FHLP_SW, POLICE, ADMIN]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


def parse_csp(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name.lower()] = sources
    return policy


def problems_with_headers(response, *, signed_in: bool) -> list[str]:
    found = []
    header = response.get("Content-Security-Policy")
    if not header:
        return ["no Content-Security-Policy"]
    policy = parse_csp(header)
    for directive in ("script-src", "style-src"):
        sources = policy.get(directive, policy.get("default-src"))
        if sources != ["'self'"]:
            found.append(f"{directive} is {sources}, not 'self' alone")
    if policy.get("default-src") != ["'self'"]:
        found.append(f"default-src is {policy.get('default-src')}")
    unsafe = [s for sources in policy.values() for s in sources if s in UNSAFE]
    if unsafe:
        found.append(f"the policy allows {unsafe}")
    for directive, expected in (("frame-ancestors", ["'none'"]), ("object-src", ["'none'"]), ("base-uri", ["'none'"])):
        if policy.get(directive) != expected:
            found.append(f"{directive} is {policy.get(directive)}")
    expected_headers = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    for name, value in expected_headers.items():
        if response.get(name) != value:
            found.append(f"{name} is {response.get(name)!r}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        found.append(f"Cache-Control is {response.get('Cache-Control')!r} for a signed-in user")
    return found


class InlineCode(HTMLParser):
    """What a strict policy would block in a page: inline scripts and styles, event handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        # A JSON data block is not run, so the policy does not apply to it.
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.found.append(f"inline <script {attributes}>")
        if tag == "style":
            self.found.append("a <style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f'<{tag} {name}="{value}">')


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def test_parse_and_inline_checks_catch_what_they_look_for():
    """The checks below can fail: a loose policy and inline code are each reported."""
    from django.http import HttpResponse

    loose = HttpResponse("x")
    loose["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    found = problems_with_headers(loose, signed_in=True)
    assert any("script-src" in f for f in found)
    assert any("unsafe-inline" in f for f in found)
    assert any("frame-ancestors" in f for f in found)
    assert any("Cache-Control" in f for f in found)
    page = (
        '<script>alert(1)</script><script type="module" src="/a.mjs"></script><p style="color:red">'
        '<a href="javascript:void(0)" onclick="x()">x</a><style>p{}</style>'
        '<script type="application/json" id="d">{}</script>'
    )
    assert len(inline_code(page)) == 5


def test_every_url_pattern_answers_every_persona_with_the_security_headers(world):
    started = time.monotonic()
    # As a browser asks (so an API endpoint answers as it would in a browser tab: JSON, not DRF's HTML pages).
    clients: dict[str | None, Client] = {None: Client(HTTP_ACCEPT=BROWSER_ACCEPT)}
    for email in PERSONAS:
        clients[email] = Client(HTTP_ACCEPT=BROWSER_ACCEPT)
        clients[email].force_login(world.personas[email])
    problems: list[str] = []
    html_pages = set()
    responses = 0
    for route, ident in url_patterns():
        if ident == "logout":
            continue  # signing out ends the session the next requests use (it is checked anonymously below)
        path = concrete_path(world, route, ident) if ident not in PUBLIC_ALLOWLIST else None
        if path is None:
            from django.urls import reverse

            path = reverse(ident)
        for email, client in clients.items():
            response = client.get(path)
            responses += 1
            where = f"{email or 'anonymous'} GET {path} ({ident}) {response.status_code}"
            problems += [f"{where}: {p}" for p in problems_with_headers(response, signed_in=email is not None)]
            if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
                html_pages.add(ident)
                problems += [f"{where}: {p}" for p in inline_code(response.content.decode())]
    response = Client().post("/accounts/logout/")
    problems += [f"anonymous POST logout: {p}" for p in problems_with_headers(response, signed_in=False)]
    print(f"\n{responses} responses, {len(html_pages)} HTML pages at 200, {time.monotonic() - started:.0f} s")
    assert problems == [], "\n".join(problems[:40])
    # The sweep reached the pages that matter (a world that built nothing would check only 404s).
    assert len(html_pages) >= 40, sorted(html_pages)
    assert {"home", "cases:person_detail", "admin:index", "api-docs"} <= html_pages


def test_an_api_call_with_a_token_is_not_cached(world):
    from tests.api_tokens import bearer_like

    response = Client().get("/api/v1/people/", HTTP_AUTHORIZATION=bearer_like(world.personas[TRIAGE]))
    assert response.status_code == 200
    assert problems_with_headers(response, signed_in=True) == []


def test_the_policy_is_one_header_made_once(rf, settings):
    """The middleware writes a header made when it starts: no work per request beyond setting it."""
    from django.http import HttpResponse

    from ffp.csp import ContentSecurityPolicyMiddleware

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("x"))
    settings.SECURE_CSP = {"default-src": ["'none'"]}  # read at start only
    assert middleware(rf.get("/"))["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    started = time.perf_counter()
    for _ in range(10_000):
        middleware(rf.get("/"))
    print(f"\n10,000 requests through the middleware: {time.perf_counter() - started:.3f} s")


def test_widening_one_directive_for_a_view_keeps_what_default_src_allowed(settings):
    from ffp.csp import policy_with

    settings.SECURE_CSP = {"default-src": ["'self'"], "script-src": ["'self'"]}
    assert policy_with(img_src=["data:"]) == "default-src 'self'; script-src 'self'; img-src 'self' data:"
    assert policy_with(script_src=["'self'"]) == "default-src 'self'; script-src 'self'"
