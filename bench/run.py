"""`make bench`: p50/p95, SQL query count and a floor for each operation, over a generated data set.

    DATABASE_URL=... python bench/run.py [--runs 100]
(generate the data first with manage.py generate_dataset; `make bench SCALE=...` does both)

The floor is the same SQL the operation ran, executed directly on the same connection, each statement
committed as the app commits it: its reads and its read-audit INSERT (replaying that adds audit rows to the
benchmark database, as every measured request does). It is the database's share of the time; ratio = p95 /
floor p95. Operations that write more than the audit row (submissions, decisions, the sweep) have no floor.
Results: bench/results/<date>-<scale>.json and .md.
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.bench")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.signin import sign_in  # noqa: E402
from cases.models import ChronologyEntry, Person, User  # noqa: E402
from cases.services import deadline_sweep  # noqa: E402
from front_door.models import Contact  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
MINIMAL_PAGE = "home page (signed in, nothing on it)"
ONLY = ""  # --only: measure just the operations whose name contains this


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def floor_once(queries: list[dict]) -> float:
    """Time the captured SQL once, run directly: SELECTs and the audit row's INSERT, in autocommit as the app runs
    them."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for q in queries:
            cursor.execute(q["sql"])
            if cursor.description:
                cursor.fetchall()
    return (time.perf_counter() - start) * 1000


def measure(name: str, operation, runs: int, *, floor: bool) -> dict | None:
    """p50/p95 of the operation and of its floor, measured alternately (one run of each in turn), so that whatever
    else the machine does at the time weighs on both alike and the ratio compares like with like."""
    if ONLY and ONLY not in name:
        return None
    operation()  # warm up
    reset_queries()  # a full query log (9,000 entries) would make the capture below look empty
    with CaptureQueriesContext(connection) as captured:
        operation()
    queries = [
        q for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "SET "))
    ]
    replayable = [
        q
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        or q["sql"].lstrip().startswith('INSERT INTO "cases_auditevent"')
    ]
    floor = floor and bool(replayable)
    timings, floor_timings = [], []
    if floor:
        floor_once(replayable)  # warm up
    for _ in range(runs):
        start = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - start) * 1000)
        if floor:
            floor_timings.append(floor_once(replayable))
    row = {
        "operation": name,
        "runs": runs,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "queries": len(queries),
    }
    if floor:
        row["floor_p50_ms"] = round(statistics.median(floor_timings), 1)
        row["floor_p95_ms"] = round(percentile(floor_timings, 95), 1)
        row["ratio"] = round(row["p95_ms"] / row["floor_p95_ms"], 1) if row["floor_p95_ms"] else None
    return row


def _table(rows: list[dict]) -> list[str]:
    lines = ["| operation | p50 ms | p95 ms | queries | floor p95 ms | ratio |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['operation']} | {r['p50_ms']} | {r['p95_ms']} | {r['queries']} | "
            f"{r.get('floor_p95_ms', '')} | {r.get('ratio', '')} |"
        )
    minimal = next((r for r in rows if r["operation"] == MINIMAL_PAGE and "floor_p50_ms" in r), None)
    if minimal:
        lines += [
            "",
            f"Fixed cost of a signed-in page (the {MINIMAL_PAGE.split(' (')[0]}'s p50 less its floor's p50, "
            f"the time outside the database): {minimal['p50_ms'] - minimal['floor_p50_ms']:.1f} ms.",
        ]
    return lines


def family_help_rows(runs: int) -> list[dict]:
    """The Family Help operations, as the demo lead practitioner (a caseload of 18 generated families):
    their caseload page, the plan page and the plan PDF of their family with the fullest plan."""
    from django.urls import reverse

    from cases.models import Plan

    fhlp = User.objects.get(email="fhlp@demo.test")
    client = Client(HTTP_HOST="localhost")
    sign_in(client, fhlp)
    plan = (
        Plan.objects.filter(
            family_case__fh_allocations__lead=fhlp,
            family_case__fh_allocations__ended_at=None,
            status=Plan.Status.ACTIVE,
        )
        .annotate(
            n=django.db.models.Count("outcomes", distinct=True) + django.db.models.Count("actions", distinct=True)
        )
        .order_by("-n", "id")
        .first()
    )
    if plan is None:
        raise SystemExit("the data set has no Family Help plan for fhlp@demo.test: generate it again")

    def get(path):
        def run():
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")

        return run

    family = plan.family_case_id
    return [
        measure("Family Help: my families", get(reverse("family_help:my_families")), runs, floor=True),
        measure("Family Help: plan page", get(reverse("cases:plan", args=[family])), runs, floor=True),
        measure("Family Help: plan PDF", get(reverse("cases:plan_pdf", args=[family])), min(runs, 10), floor=False),
    ]


def child_protection_rows(runs: int) -> list[dict]:
    """The child protection operations (issue 14), as the demo LCPP (lcpp@demo.test, who leads a typical caseload of
    the generated child protection work): the oversight dashboard of every child in an s47 enquiry or on a plan, its
    first page (the whole council) and one MACPT's; the busiest conference's page and its minutes PDF once the
    conference pages exist (their URL names: macpt:conference, macpt:conference_minutes_pdf)."""
    from django.urls import NoReverseMatch, reverse

    lcpp = User.objects.get(email="lcpp@demo.test")
    client = Client(HTTP_HOST="localhost")
    sign_in(client, lcpp)

    def get(path, params=None):
        def run():
            response = client.get(path, params or {})
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")

        return run

    from cases.models import Team

    team = Team.objects.filter(multi_agency=True, involvements__end_date__isnull=True).order_by("id").first()
    rows = [
        measure("Child protection: oversight dashboard", get(reverse("macpt:oversight")), runs, floor=True),
        measure(
            "Child protection: oversight dashboard, one MACPT",
            get(reverse("macpt:oversight"), {"team": team.pk} if team else None),
            runs,
            floor=True,
        ),
    ]
    try:
        from macpt.models import ChildProtectionConference  # the conference strand's model (issue 14 item 4)
    except ImportError:
        return rows
    conference = (
        ChildProtectionConference.objects.annotate(n=django.db.models.Count("invitees", distinct=True))
        .order_by("-n", "-id")
        .first()
    )
    if conference is None:
        raise SystemExit("the data set has no child protection conference: generate it again")
    for name, url_name, pdf in (
        ("Child protection: conference page", "macpt:conference", False),
        ("Child protection: conference minutes PDF", "macpt:conference_minutes_pdf", True),
    ):
        try:
            path = reverse(url_name, args=[conference.pk])
        except NoReverseMatch:
            continue
        rows.append(measure(name, get(path), min(runs, 10) if pdf else runs, floor=not pdf))
    return rows


def fgdm_rows(runs: int) -> list[dict]:
    """Family group decision making (issue 15), as the demo facilitator (fgdm@demo.test, who holds a typical share of
    the generated referrals): their caseload page, and the page of the busiest meeting they facilitated (the most
    attendees, plan lines and information shared), once the pages exist (fgdm:caseload, fgdm:meeting). The meeting
    through the API too (fgdm_api_meeting)."""
    from django.urls import NoReverseMatch, reverse

    from fgdm.models import FgdmMeeting

    facilitator = User.objects.filter(email="fgdm@demo.test").first()
    if facilitator is None:
        return []
    client = Client(HTTP_HOST="localhost")
    sign_in(client, facilitator)

    def get(path):
        def run():
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")

        return run

    meeting = (
        FgdmMeeting.objects.filter(referral__facilitator=facilitator, referral__status__in=["preparing", "held"])
        .annotate(
            n=django.db.models.Count("attendees", distinct=True)
            + django.db.models.Count("plan_items", distinct=True)
            + django.db.models.Count("information", distinct=True)
        )
        .order_by("-n", "-id")
        .first()
    )
    if meeting is None:  # a data set generated before the strand: say so, and measure the rest
        print("FGDM rows skipped: the data set has no FGDM meeting for the demo facilitator (generate it again)")
        return []
    rows = []
    for name, url_name, args in (
        ("FGDM: facilitator's caseload", "fgdm:caseload", []),
        ("FGDM: meeting page", "fgdm:meeting", [meeting.pk]),
        ("FGDM: meeting (API)", "fgdm_api_meeting", [meeting.pk]),
    ):
        try:
            path = reverse(url_name, args=args)
        except NoReverseMatch:
            continue
        rows.append(measure(name, get(path), runs, floor=True))
    return rows


def dashboards_rows(runs: int) -> list[dict]:
    """The managers' dashboards (issue 16 item 7), as the demo front-door manager (a dashboards reader): the current
    collection year for all teams, and its first quarter for the team with the most members. A fixed number of queries
    whatever the data (tests/reporting/test_dashboards_dataset.py); here, how long they take at this scale."""
    from django.urls import NoReverseMatch, reverse

    from cases.models import Team
    from fgdm.selectors.counts import period_current_year

    reader = User.objects.filter(email="frontdoor.manager@demo.test").first()
    try:
        path = reverse("reporting:dashboards")
    except NoReverseMatch:
        return []
    if reader is None:
        return []
    client = Client(HTTP_HOST="localhost")
    sign_in(client, reader)
    year = period_current_year(timezone.localdate())
    team = Team.objects.annotate(n=django.db.models.Count("members")).order_by("-n", "pk").first()

    def get(params):
        def run():
            response = client.get(path, params)
            if response.status_code != 200:
                raise SystemExit(f"{path} {params} answered {response.status_code}")

        return run

    rows = [measure("dashboards: collection year, all teams", get({"period": year.key}), runs, floor=True)]
    if team is not None:
        params = {"period": f"{year.key}-Q1", "team": str(team.pk)}
        rows.append(measure("dashboards: a quarter, one team", get(params), runs, floor=True))
    return rows


def ffp_return_rows(runs: int) -> list[dict]:
    """The FFP quarterly return (issue 16 items 4 and 10) for the last whole quarter, council-wide as the schedule runs
    it: its figures (a fixed number of queries whatever the data: tests/reporting/test_ffp_return_dataset.py), and the
    three files written from them (the workbook, the CSV and the one-page PDF; fewer runs: WeasyPrint dominates)."""
    from reporting.ffp_return.figures import ffp_figures
    from reporting.ffp_return.writers import write_csv, write_pdf, write_xlsx
    from reporting.periods import previous_quarter

    quarter = previous_quarter(timezone.localdate())
    figures = ffp_figures(quarter)

    def files():
        write_xlsx(figures, draft=True)
        write_csv(figures)
        write_pdf(figures)

    return [
        measure(f"FFP quarterly return: figures ({quarter})", lambda: ffp_figures(quarter), runs, floor=True),
        measure("FFP quarterly return: XLSX + CSV + PDF", files, max(5, runs // 10), floor=False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)  # p95 of 100: the 5th-slowest, not the 2nd
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "unknown"))
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY"),  # `BENCH_ONLY=... make bench`
        help="run only the operations whose name contains this; nothing is written",
    )
    args = parser.parse_args()
    global ONLY  # a command-line switch, set once
    ONLY = args.only or ""
    runs = args.runs
    triage = User.objects.get(email="frontdoor.manager@demo.test")  # triage officer and manager
    client = Client(HTTP_HOST="localhost")
    sign_in(client, triage)
    contact = Contact.objects.exclude(status="decided").order_by("decision_due_at").first()
    long_story = (
        ChronologyEntry.objects.values("person_id")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()["person_id"]
    )
    child = Person.objects.filter(nhs_number__isnull=False).order_by("id").first()
    address = child.addresses.first()

    def get(path, params=None):
        def run():
            response = client.get(path, params or {})
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")

        return run

    body = {
        "referrer_name": "Bench",
        "source_code": "2A",
        "worry": "Benchmark contact",
        "consent": "knows_and_agrees",
        "children": [{"person_id": child.pk}],
    }

    def submit():
        response = client.post(
            "/api/v1/contacts/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
        if response.status_code != 201:
            raise SystemExit(f"submission answered {response.status_code}: {response.content[:200]}")
        submit.last = response.json()["id"]

    def decide():
        submit()
        response = client.post(
            f"/api/v1/contacts/{submit.last}/decision/",
            {"outcome": 7, "level": "targeted_early_help", "rationale": "Benchmark"},
            content_type="application/json",
        )
        if response.status_code != 201:
            raise SystemExit(f"decision answered {response.status_code}: {response.content[:200]}")

    rows = [
        # The fixed cost every page pays: session, user and roles, navigation, the base template, middleware.
        measure(MINIMAL_PAGE, get("/"), runs, floor=True),
        measure("triage queue", get("/front-door/"), runs, floor=True),
        measure("contact detail", get(f"/front-door/contacts/{contact.pk}/"), runs, floor=True),
        measure("child record", get(f"/cases/people/{child.pk}/"), runs, floor=True),
        measure("chronology (300 entries)", get(f"/cases/people/{long_story}/chronology/"), runs, floor=True),
        measure(
            "person search: fuzzy name",
            get("/cases/people/search/", {"name": f"{child.first_name}e {child.last_name}"}),
            runs,
            floor=True,
        ),
        measure(
            "person search: NHS number",
            get("/cases/people/search/", {"nhs_number": child.nhs_number}),
            runs,
            floor=True,
        ),
        measure(
            "person search: postcode", get("/cases/people/search/", {"postcode": address.postcode}), runs, floor=True
        ),
        measure("referral submission (API)", submit, runs, floor=False),
        measure("submission + decision (API)", decide, runs, floor=False),
        measure("deadline sweep, all open", lambda: deadline_sweep(now=timezone.now()), runs, floor=False),
        measure("front-door dashboard", get("/front-door/dashboard/"), runs, floor=True),
        *family_help_rows(runs),
        *child_protection_rows(runs),
        *fgdm_rows(runs),
        *dashboards_rows(runs),
        *ffp_return_rows(runs),
    ]
    rows = [r for r in rows if r is not None]
    if not ONLY or "census" in ONLY:  # the CIN census (issue 16 item 10): its own child processes and result files
        subprocess.run([sys.executable, str(Path(__file__).with_name("census.py")), "--scale", args.scale], check=True)  # noqa: S603
    if not ONLY or "exports" in ONLY:  # Annex A and the SSD extract (issue 16 items 5, 8, 10): child processes too
        subprocess.run([sys.executable, str(Path(__file__).with_name("exports.py")), "--scale", args.scale], check=True)  # noqa: S603
    if ONLY:
        print("\n".join(_table(rows)))
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    meta = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "people": Person.objects.count(),
        "contacts": Contact.objects.count(),
        "database_size": size,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{timezone.localdate():%Y-%m-%d}-{args.scale}"
    stem.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    lines = [
        f"Scale {args.scale}: {meta['people']:,} people, {meta['contacts']:,} contacts, database {size}; "
        f"{meta['machine']['cpus']} CPUs, Python {meta['machine']['python']}",
        "",
        *_table(rows),
    ]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
