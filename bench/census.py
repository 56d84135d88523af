"""The CIN census at scale (issue 16 item 10): how long `write_census` takes for a collection year, the peak memory of
the process that writes it (and then checks it against the schema), and the ratio of its time to a COPY of the same
rows (the floor: what reading those rows out of PostgreSQL costs with no Python at all).

    DATABASE_URL=... python bench/census.py --scale large-la [--year 2025-26]
(bench/run.py runs it too, so `make bench SCALE=large-la` includes it). Results: bench/results/<date>-<scale>-census.md
and .json.

The census is written by a child process (`--child`), so its peak resident memory (VmHWM) is the census's own,
Django and the libraries included, and nothing the parent did before counts."""

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.bench")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LIMIT_MB = 300


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak so far) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(year: str) -> None:
    """Write the census to a temporary file, council-wide as the scheduled run does, then check it; print JSON."""
    from reporting.census import validate_xsd, write_census

    baseline = _status_mb("VmRSS")
    with tempfile.NamedTemporaryFile(suffix=".xml") as out:
        started = time.perf_counter()
        result = write_census(out, year=year, user=None)
        out.flush()
        written = time.perf_counter() - started
        peak_write = _status_mb("VmHWM")
        size = os.path.getsize(out.name)
        started = time.perf_counter()
        errors = validate_xsd(out.name, year)
        checked = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": round(written, 2),
                "xsd_seconds": round(checked, 2),
                "baseline_mb": round(baseline, 1),
                "peak_write_mb": round(peak_write, 1),
                "peak_mb": round(_status_mb("VmHWM"), 1),
                "bytes": size,
                "schema_errors": errors[:3],
                **result.summary(),
            }
        )
    )


def copy_querysets(year: str) -> list[tuple[str, object]]:
    """The rows write_census reads, as querysets over every child of the census at once."""
    from cases.models import CinPlanPeriod, CinReferral, Person
    from family_help.models import AssessmentChild
    from macpt.models import (
        ChildProtectionConference,
        ChildProtectionPlan,
        ConferenceChild,
        PreProceedings,
        PreProceedingsMeeting,
        S47Enquiry,
    )
    from reporting.census import collection_year

    start, end = collection_year(year)
    referrals = CinReferral.objects.filter(referral_date__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    ids = referrals.values("person_id")
    return [
        ("referrals", referrals.values("person_id", "referral_date", "source_code", "closed_on", "closure_reason")),
        (
            "people",
            Person.objects.filter(pk__in=ids).values(
                "pk", "la_child_id", "upn", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity"
            ),
        ),
        (
            "assessments",
            AssessmentChild.objects.filter(person_id__in=ids, assessment__started_on__lte=end)
            .filter(Q(assessment__authorised_on__isnull=True) | Q(assessment__authorised_on__gte=start))
            .values("person_id", "factors", "primary_need", "assessment__started_on", "assessment__authorised_on"),
        ),
        (
            "cin plans",
            CinPlanPeriod.objects.filter(episode__person_id__in=ids, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .values("episode__person_id", "start_date", "end_date"),
        ),
        (
            "s47",
            S47Enquiry.objects.filter(person_id__in=ids, start_date__lte=end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
            .values("pk", "person_id", "start_date", "icpc_target", "outcome"),
        ),
        (
            "initial conferences",
            ConferenceChild.objects.filter(
                person_id__in=ids, conference__status=ChildProtectionConference.Status.DECIDED
            )
            .exclude(conference__kind=ChildProtectionConference.Kind.REVIEW)
            .values("person_id", "conference__date", "conference__enquiry_id"),
        ),
        (
            "cp plans",
            ChildProtectionPlan.objects.filter(person_id__in=ids).values(
                "pk", "person_id", "start_date", "end_date", "initial_category", "latest_category"
            ),
        ),
        (
            "reviews",
            ConferenceChild.objects.filter(
                person_id__in=ids,
                conference__kind=ChildProtectionConference.Kind.REVIEW,
                conference__date__gte=start,
                conference__date__lte=end,
            ).values("plan_id", "conference__date"),
        ),
        ("pre-proceedings", PreProceedings.objects.filter(person_id__in=ids, start_date__lte=end).values()),
        (
            "pre-proceedings meetings",
            PreProceedingsMeeting.objects.filter(
                pre_proceedings__person_id__in=ids, pre_proceedings__start_date__lte=end
            ).values("pre_proceedings_id", "kind", "held_on"),
        ),
    ]


def copy_seconds(year: str) -> tuple[float, int]:
    """COPY each of the census's queries TO STDOUT, reading every byte: (seconds, bytes)."""
    total = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for _, queryset in copy_querysets(year):
            sql, params = queryset.query.sql_with_params()
            statement = connection.ops.compose_sql(sql, params)
            with raw.copy(f"COPY ({statement}) TO STDOUT") as copy:
                for block in copy:
                    total += len(block)
    return time.perf_counter() - started, total


def run(scale: str, year: str, runs: int) -> dict:
    measured = []
    for _ in range(runs):
        done = subprocess.run(  # noqa: S603  (this script, as a child)
            [sys.executable, __file__, "--child", "--year", year],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        measured.append(json.loads(done.stdout.strip().splitlines()[-1]))
    copies = [copy_seconds(year) for _ in range(max(3, runs))]
    best = min(measured, key=lambda m: m["seconds"])
    copy_best = min(s for s, _ in copies)
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "year": year,
        "runs": runs,
        "census_seconds": [m["seconds"] for m in measured],
        "xsd_seconds": best["xsd_seconds"],
        "peak_mb": max(m["peak_mb"] for m in measured),
        "peak_write_mb": max(m["peak_write_mb"] for m in measured),
        "baseline_mb": best["baseline_mb"],
        "limit_mb": LIMIT_MB,
        "file_bytes": best["bytes"],
        "schema_errors": best["schema_errors"],
        "copy_seconds": round(copy_best, 3),
        "copy_bytes": copies[0][1],
        "ratio": round(best["seconds"] / copy_best, 1) if copy_best else None,
        "census": {k: best[k] for k in ("children", "cin_details", "assessments", "cin_plans", "section47", "cp_plans")}
        | {"module5": best["module5"]},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }


def report(result: dict) -> list[str]:
    c = result["census"]
    seconds = result["census_seconds"]
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    check = "valid" if not result["schema_errors"] else "; ".join(result["schema_errors"])
    return [
        f"CIN census {result['year']} at {result['scale']}: {c['children']:,} children, "
        f"{c['cin_details']:,} CINdetails, "
        f"{c['assessments']:,} assessments, {c['cin_plans']:,} CIN plans, {c['section47']:,} s47, "
        f"{c['cp_plans']:,} CP plans, {c['module5']:,} module 5 blocks; file {result['file_bytes'] / 1e6:.1f} MB; "
        f"{result['machine']['cpus']} CPUs, Python {result['machine']['python']}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| census written (s), best of {len(seconds)} | {min(seconds):.2f} (all: {runs}) |",
        f"| peak memory of the process writing it (MB) | {result['peak_write_mb']:.0f} (limit {result['limit_mb']}) |",
        f"| peak memory, schema check included (MB) | {result['peak_mb']:.0f} |",
        f"| process after Django start-up (MB) | {result['baseline_mb']:.0f} |",
        f"| schema check, streamed (s) | {result['xsd_seconds']:.2f} ({check}) |",
        f"| COPY of the same rows (s), best | {result['copy_seconds']:.3f} ({result['copy_bytes'] / 1e6:.1f} MB) |",
        f"| ratio census / COPY | {result['ratio']} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "unknown"))
    parser.add_argument("--year", help="collection year (default: the last one that has ended)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.year is None:
        from reporting.builders import collection_years

        args.year = collection_years(timezone.localdate())[1][0]
    if args.child:
        child(args.year)
        return
    result = run(args.scale, args.year, args.runs)
    lines = report(result)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{timezone.localdate():%Y-%m-%d}-{args.scale}-census"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2))
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if result["peak_write_mb"] > LIMIT_MB:
        print(f"peak memory over {LIMIT_MB} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
