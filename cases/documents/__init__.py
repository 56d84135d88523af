"""WeasyPrint: our own templates to PDF.

The renderer fetches nothing from the network or the file system except our own static files (a
summary typed by a practitioner can never make the server fetch a URL), and rendering stops after a
time limit so that one huge document cannot hold a web worker.
"""

import contextlib
import mimetypes
import signal
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in our templates resolve against this address; it is never fetched (.invalid cannot
# resolve): only its STATIC_URL paths are served, from our static files on disk.
BASE_URL = "https://ffp-case.invalid/"
TIME_LIMIT_SECONDS = 30


class PdfTimeout(Exception):
    """Rendering took longer than TIME_LIMIT_SECONDS."""


def _static_file(name: str) -> Path | None:
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            candidate = Path(safe_join(str(settings.STATIC_ROOT), name))
        except SuspiciousFileOperation:
            return None
        if candidate.is_file():
            return candidate
    return None


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files to WeasyPrint and refuses every other URL (http, file, data and the rest)."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(static_prefix):
            raise ValueError(f"Refused to fetch {url!r}: a PDF may only use our own static files")
        path = _static_file(unquote(parts.path[len(static_prefix) :]))
        if path is None:
            raise ValueError(f"No static file for {url!r}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


@contextlib.contextmanager
def _time_limit(seconds: float):
    """SIGALRM-based limit; only the main thread can take signals, so elsewhere (a test server's thread)
    the web server's own worker timeout is the backstop."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise PdfTimeout(f"PDF rendering took longer than {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render one of our templates to an A4 PDF (the template's @page rule sets the page)."""
    html = render_to_string(template_name, context)
    with _time_limit(TIME_LIMIT_SECONDS):
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
