"""Annex A and the SSD extract at scale (issue 16 items 5, 8, 10): how long each takes to write, council-wide as a
scheduled run reads, the rows it holds and the peak memory of the process that writes it (a child process each, so
its peak resident memory, VmHWM, is the export's own, Django and the libraries included).

    DATABASE_URL=... python bench/exports.py --scale large-la
(bench/run.py runs it too, so `make bench SCALE=large-la` includes it). Results: bench/results/<date>-<scale>-exports.md
and .json."""

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

from django.utils import timezone  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LIMIT_MB = 300


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(export: str) -> None:
    """Write one export to a temporary file and print what it cost as JSON."""
    from reporting.annex_a.periods import window
    from reporting.annex_a.workbook import write_annex_a
    from reporting.ssd.extract import write_ssd

    baseline = _status_mb("VmRSS")
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        if export == "annex_a":
            counts = write_annex_a(out, window=window(f"12m-{timezone.localdate().isoformat()}"), user=None)
        else:
            counts = write_ssd(out, user=None)
        seconds = time.perf_counter() - started
        size = out.tell()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(_status_mb("VmHWM"), 1),
                "bytes": size,
                "rows": sum(counts.values()),
                "counts": counts,
            }
        )
    )


def run(scale: str, runs: int) -> dict:
    result = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "scale": scale, "runs": runs}
    for export in ("annex_a", "ssd"):
        measured = []
        for _ in range(runs):
            done = subprocess.run(  # noqa: S603  (this script, as a child)
                [sys.executable, __file__, "--child", export],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ,
            )
            measured.append(json.loads(done.stdout.strip().splitlines()[-1]))
        best = min(measured, key=lambda m: m["seconds"])
        result[export] = best | {"all_seconds": [m["seconds"] for m in measured]}
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    return result


def report(result: dict) -> list[str]:
    lines = [
        f"Annex A (the 12 months to the day) and the SSD extract at {result['scale']}, council-wide; "
        f"{result['machine']['cpus']} CPUs, Python {result['machine']['python']}",
        "",
        "| export | rows | file (MB) | written (s), best of runs | peak memory (MB) | after start-up (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for export, label in (("annex_a", "Annex A (XLSX)"), ("ssd", "SSD (zip of CSVs)")):
        r = result[export]
        runs = ", ".join(f"{s:.2f}" for s in r["all_seconds"])
        lines.append(
            f"| {label} | {r['rows']:,} | {r['bytes'] / 1e6:.1f} | {r['seconds']:.2f} ({runs}) | "
            f"{r['peak_mb']:.0f} (limit {LIMIT_MB}) | {r['baseline_mb']:.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "unknown"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["annex_a", "ssd"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    result = run(args.scale, args.runs)
    lines = report(result)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{timezone.localdate():%Y-%m-%d}-{args.scale}-exports"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2))
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
