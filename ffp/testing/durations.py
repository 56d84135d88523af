"""`python -m ffp.testing.durations junit.xml [...]`: tests/durations.json, each work unit's seconds in a whole run.

The test run's scheduler (ffp.testing.services) hands the longest units out first. Refresh the file after a run that
changed the suite's shape: `make test PYTEST_ADDOPTS=--junitxml=/tmp/junit.xml`, then this with that file. Several
files are averaged (runs differ by a few per cent). Units are test files, or a split file's parts.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET  # (reads the junit XML our own test run wrote)  # nosec B405
from collections import defaultdict
from pathlib import Path

from ffp.testing.services import DURATIONS_FILE, work_unit


def nodeid(classname: str, name: str) -> str:
    """The pytest node id of a junit testcase: classname tests.cases.test_x[.TestClass], name test_y[params]."""
    parts = classname.split(".")
    module = max(i for i, part in enumerate(parts) if part.startswith("test_"))
    return "::".join(["/".join(parts[: module + 1]) + ".py", *parts[module + 1 :], name])


def unit_times(junit: Path) -> dict[str, float]:
    times: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314 (our own test run's file)  # nosec B314
        times[work_unit(nodeid(case.get("classname", ""), case.get("name", "")))] += float(case.get("time") or 0)
    return times


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    runs = [unit_times(Path(file)) for file in argv]
    units = sorted({unit for run in runs for unit in run})
    seconds = {unit: round(sum(run.get(unit, 0.0) for run in runs) / len(runs), 1) for unit in units}
    DURATIONS_FILE.write_text(json.dumps(dict(sorted(seconds.items())), indent=0) + "\n")
    total = sum(seconds.values())
    print(f"{DURATIONS_FILE}: {len(seconds)} units, {total:.0f} s in all ({total / 2 / 60:.1f} min on 2 workers)")
    for unit, took in sorted(seconds.items(), key=lambda item: -item[1])[:15]:
        print(f"{took:8.1f}  {unit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
