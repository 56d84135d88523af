"""Names typed into search never reach the access log (issue 12 item 3): the dev stack's own gunicorn command,
serving the test database, and its access log as written."""

import logging
import socket
import subprocess
import sys
import urllib.request

import pytest
from django.test import Client

from ffp.devstack import web_command
from tests.conftest import ROOT, _worker_env
from tests.support import WorkerProcess, wait_until

SYNTHETIC_NAME = "Zebedee Quartermaine-Fictitious"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def web_server(transactional_db):
    port = _free_port()
    # The dev stack's command, with one worker (the test makes a handful of requests).
    server = WorkerProcess(
        subprocess.Popen(
            [*web_command(sys.executable, port), "--workers", "1"],
            cwd=ROOT,
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    )

    def up() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
        except OSError:
            return False
        return True

    try:
        assert wait_until(up, timeout=60), server.output
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.stop()


def test_a_search_by_name_leaves_no_name_in_the_access_log(web_server, triage_officer, settings):
    base, server = web_server
    browser = Client()
    browser.force_login(triage_officer)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    query = urllib.parse.urlencode({"name": SYNTHETIC_NAME})
    request = urllib.request.Request(  # noqa: S310  (local)
        f"{base}/cases/people/search/?{query}",
        # The next page's request would carry the search's URL as its referrer.
        headers={"Cookie": cookie, "Referer": f"{base}/cases/people/search/?{query}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (local)
        assert response.status == 200
        body = response.read().decode()
        request_id = response.headers["X-Request-ID"]
    assert "Quartermaine" in body  # the search ran with the name (the form shows it back)
    assert wait_until(lambda: f"rid={request_id}" in server.output, timeout=10), server.output
    line = next(line for line in server.output.splitlines() if f"rid={request_id}" in line)
    assert '"GET /cases/people/search/ HTTP/1.1" 200' in line
    for word in ("Zebedee", "Quartermaine", "Fictitious", "name="):
        assert word not in server.output


def test_the_development_servers_request_lines_lose_their_query_strings(caplog):
    # runserver logs each request line to django.server; the filter is in LOGGING.
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /cases/people/search/?name={SYNTHETIC_NAME.replace(' ', '+')} HTTP/1.1", "200", "512"
        )
    assert caplog.messages == ['"GET /cases/people/search/ HTTP/1.1" 200 512']
