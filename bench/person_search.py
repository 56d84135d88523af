"""Person search over the demo data: p50/p95 of the search page and of the selector alone.

    DATABASE_URL=... python bench/person_search.py     (seeds the demo data first if it is missing)

Issue 5 grows this into `make bench` with a generated council-scale data set.
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
from django.test import Client  # noqa: E402

from bench.signin import sign_in  # noqa: E402
from cases.models import Person, User  # noqa: E402
from cases.selectors import SearchCriteria, person_search  # noqa: E402

QUERIES = [
    {"name": "Jon Smyth"},
    {"name": "Kasper Nowak"},
    {"name": "Hollis"},
    {"name": "Amara Okafor", "dob": "2014-03-07"},
    {"postcode": "ZZ1 1AA"},
    {"nhs_number": "9990000000"},
]
RUNS = 40


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    if not Person.objects.exists():
        call_command("seed_demo")
    user = User.objects.get(email="triage@demo.test")
    client = Client(HTTP_HOST="localhost")
    sign_in(client, user)
    print(f"people: {Person.objects.count()}")
    print(f"{'query':40} {'selector p50':>12} {'p95':>8} {'page p50':>10} {'p95':>8}")
    for query in QUERIES:
        criteria = SearchCriteria(
            name=query.get("name", ""), nhs_number=query.get("nhs_number", ""), postcode=query.get("postcode", "")
        )
        selector_ms, page_ms = [], []
        for _ in range(RUNS):
            t = time.perf_counter()
            person_search(user=user, criteria=criteria)
            selector_ms.append((time.perf_counter() - t) * 1000)
        params = {k: v for k, v in query.items() if k != "dob"}
        for _ in range(RUNS):
            t = time.perf_counter()
            response = client.get("/cases/people/search/", params)
            page_ms.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"search page answered {response.status_code}")
        label = ", ".join(f"{k}={v}" for k, v in query.items())
        print(
            f"{label:40} {statistics.median(selector_ms):10.1f}ms {pct(selector_ms, 95):6.1f}ms "
            f"{statistics.median(page_ms):8.1f}ms {pct(page_ms, 95):6.1f}ms"
        )


if __name__ == "__main__":
    main()
