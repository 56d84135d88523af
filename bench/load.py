"""A bounded mixed load from other processes on loopback: the triage queue, child records, person search
and referral submissions (API), against gunicorn serving the benchmark database.

    DATABASE_URL=... python bench/load.py [--seconds 30] [--clients 4]

Reports requests per second and p50/p95 latency overall and per kind. Loopback only; stops by itself.
"""

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.bench")


def prepare() -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from bench.signin import mark_second_factor
    from cases.middleware import LAST_SEEN, SIGNED_IN_AT
    from cases.models import Person, User

    user = User.objects.get(email="frontdoor.manager@demo.test")
    session = import_module(settings.SESSION_ENGINE).SessionStore()  # as the app signs someone in
    session[SESSION_KEY] = str(user.pk)
    # The backend a password sign-in records: the first that loads users (django-axes' backend, first in the list,
    # only refuses locked-out sign-ins).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = time.time()  # the sign-in's clock (cases.middleware.SessionLifetimeMiddleware ends a session without one)
    session[SIGNED_IN_AT] = session[LAST_SEEN] = now
    mark_second_factor(session)  # and the code page's step (bench/signin.py)
    session.create()
    # The API is used by partner systems with a service account's token (issue 17): one like the manager.
    from cases.services.api_tokens import service_account_create, token_issue

    account = User.objects.filter(email="bench.system@demo.test").first() or service_account_create(
        email="bench.system@demo.test",
        full_name="Bench partner system",
        agency=user.agency,
        teams=user.teams.all(),
        roles=user.roles,
        created_by=None,
        reason="bench/load.py",
    )
    _, token = token_issue(
        account=account,
        issued_by=None,
        scopes=["read", "write"],
        expires_at=timezone.now() + dt.timedelta(days=1),
        reason="bench/load.py",
    )
    people = list(
        Person.objects.filter(nhs_number__isnull=False)
        .order_by("id")
        .values_list("pk", "first_name", "last_name")[:500]
    )
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "token": token, "people": people}


def client_loop(port: int, seconds: float, shared: dict, seed: int, out) -> None:
    rng = random.Random(seed)  # noqa: S311  (load mix, not security)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    results = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind = rng.choices(["queue", "record", "search", "submit"], [40, 30, 20, 10])[0]
        pk, first, last = rng.choice(shared["people"])
        headers = {"Cookie": shared["cookie"], "Host": "localhost"}
        body = None
        method = "GET"
        if kind == "queue":
            path = "/front-door/"
        elif kind == "record":
            path = f"/cases/people/{pk}/"
        elif kind == "search":
            path = f"/cases/people/search/?name={first}e+{last}"
        else:
            method, path = "POST", "/api/v1/contacts/"
            headers = {
                "Authorization": f"Bearer {shared['token']}",
                "Content-Type": "application/json",
                "Host": "localhost",
            }
            body = json.dumps(
                {
                    "referrer_name": "Load",
                    "source_code": "2A",
                    "worry": "Load test",
                    "consent": "knows_and_agrees",
                    "children": [{"person_id": pk}],
                }
            )
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        results.append((kind, (time.perf_counter() - start) * 1000, response.status))
    out.put(results)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    shared = prepare()
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ffp.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ}, start_new_session=True)  # noqa: S603
    try:
        # The socket is bound before the workers have loaded the app: wait for answers, so that the load
        # measures requests, not the workers starting (tens of seconds on a busy 2-core machine).
        deadline, answered = time.monotonic() + 180, 0
        while answered < 8 and time.monotonic() < deadline:
            try:
                warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                warm.request("GET", "/accounts/login/", headers={"Host": "localhost"})
                warm.getresponse().read()
                warm.close()
                answered += 1
            except OSError:
                time.sleep(0.2)
        queue = multiprocessing.Queue()
        procs = [
            multiprocessing.Process(target=client_loop, args=(port, args.seconds, shared, i, queue))
            for i in range(args.clients)
        ]
        for p in procs:
            p.start()
        results = [r for _ in procs for r in queue.get()]
        for p in procs:
            p.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    errors = [r for r in results if r[2] not in (200, 201)]  # a redirect (to sign in) is not a page served
    latencies = sorted(r[1] for r in results)
    print(
        f"{len(results)} requests in {args.seconds:.0f} s from {args.clients} clients: "
        f"{len(results) / args.seconds:.1f} req/s, p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, errors {len(errors)}"
    )
    for kind in ("queue", "record", "search", "submit"):
        values = sorted(r[1] for r in results if r[0] == kind)
        if values:
            print(
                f"  {kind:7} {len(values):5d} requests, p50 {statistics.median(values):.0f} ms, "
                f"p95 {values[int(0.95 * (len(values) - 1))]:.0f} ms"
            )


if __name__ == "__main__":
    main()
