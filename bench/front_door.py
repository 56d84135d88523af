"""Triage queue, contact page and dashboard over the demo data: p50/p95 and SQL query counts.

DATABASE_URL=... python bench/front_door.py      (seeds the demo data first if it is missing)
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.bench")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from bench.signin import sign_in  # noqa: E402
from cases.models import User  # noqa: E402
from front_door.models import Contact  # noqa: E402

RUNS = 50


def measure(client: Client, path: str) -> tuple[float, float, int]:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    connection.force_debug_cursor = True
    reset_queries()
    client.get(path)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))], queries


def main() -> None:
    if not Contact.objects.exists():
        call_command("seed_demo")
    client = Client(HTTP_HOST="localhost")
    sign_in(client, User.objects.get(email="frontdoor.manager@demo.test"))
    contact = Contact.objects.exclude(status="decided").order_by("decision_due_at").first()
    print(f"contacts: {Contact.objects.count()} ({Contact.objects.exclude(status='decided').count()} open)")
    print(f"{'page':32} {'p50':>8} {'p95':>8} {'queries':>8}")
    for label, path in (
        ("triage queue", "/front-door/"),
        ("contact page", f"/front-door/contacts/{contact.pk}/"),
        ("front-door dashboard", "/front-door/dashboard/"),
    ):
        p50, p95, queries = measure(client, path)
        print(f"{label:32} {p50:6.1f}ms {p95:6.1f}ms {queries:8d}")


if __name__ == "__main__":
    main()
