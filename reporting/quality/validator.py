"""DfE's CIN census validator from the application (issue 16 item 2): runs reporting/quality/cin_runner.py in the
validator's own venv (.venv-cin: Python 3.11, csc-validator-be-cin, numpy<2; `make .venv-cin`) over a census file and
reads back its rows, module 5's own checks (reporting/quality/module5.py) among them.

The venv is found at settings.CIN_VALIDATOR_PYTHON (default .venv-cin/bin/python in the project). A missing venv is an
error that says how to make it, never a silent pass."""

import json
import os
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RUNNER = Path(__file__).resolve().parent / "cin_runner.py"
ERROR = "Error"
QUERY = "Query"


class ValidatorUnavailable(RuntimeError):
    """The validator's venv is not there (or does not run)."""


class ValidatorFailed(RuntimeError):
    """The validator ran but did not give a result (the file could not be read, or it crashed)."""


@dataclass
class ValidatorResult:
    ruleset: str
    validator: str
    rules_run: int
    rows: list[dict] = field(default_factory=list)
    # Rules that raised inside the validator: they checked nothing, so a result with any is not a pass.
    rules_failed: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [row for row in self.rows if row["type"] == ERROR]

    @property
    def queries(self) -> list[dict]:
        return [row for row in self.rows if row["type"] == QUERY]

    def by_rule(self, kind: str | None = None) -> dict[str, int]:
        """rule -> rows (of one type when given), by rule code."""
        counts = Counter(row["rule"] for row in self.rows if kind is None or row["type"] == kind)
        return dict(sorted(counts.items()))

    def for_child(self, la_child_id: str) -> list[dict]:
        return [row for row in self.rows if row["LAchildID"] == la_child_id]

    def summary(self) -> dict:
        """What a run's page and the closing note show: the validator, its rule set, and rows by type and rule."""
        return {
            "validator": self.validator,
            "ruleset": self.ruleset,
            "rules_run": self.rules_run,
            "errors": len(self.errors),
            "queries": len(self.queries),
            "errors_by_rule": self.by_rule(ERROR),
            "queries_by_rule": self.by_rule(QUERY),
            "rules_failed": self.rules_failed,
        }


def validator_python() -> Path:
    configured = getattr(settings, "CIN_VALIDATOR_PYTHON", "") or os.environ.get("CIN_VALIDATOR_PYTHON", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / ".venv-cin" / "bin" / "python"


def available() -> bool:
    return validator_python().exists()


def validate_census(source: str | os.PathLike | bytes, *, ruleset: str | None = None) -> ValidatorResult:
    """Every row DfE's validator (and the module 5 checks) give for a census file: a path, or the file's bytes."""
    python = validator_python()
    if not python.exists():
        raise ValidatorUnavailable(
            f"DfE's CIN validator is not installed at {python}: run `make .venv-cin/.synced` (or `make test`)"
        )
    if isinstance(source, bytes | bytearray):
        with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
            handle.write(source)
            handle.flush()
            return _run(python, handle.name, ruleset)
    return _run(python, os.fspath(source), ruleset)


def _run(python: Path, path: str, ruleset: str | None) -> ValidatorResult:
    command = [str(python), "-W", "ignore", str(RUNNER), path]
    if ruleset:
        command += ["--ruleset", ruleset]
    timeout = getattr(settings, "CIN_VALIDATOR_TIMEOUT_SECONDS", 3600)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    except OSError as error:
        raise ValidatorUnavailable(f"DfE's CIN validator did not start: {error}") from error
    if done.returncode != 0:
        raise ValidatorFailed(f"DfE's CIN validator failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise ValidatorFailed(f"DfE's CIN validator gave no result: {done.stdout[-500:]!r}") from error
    return ValidatorResult(
        ruleset=result["ruleset"],
        validator=result["validator"],
        rules_run=result["rules_run"],
        rows=result["rows"],
        rules_failed=result["rules_failed"],
    )
