"""Run DfE's CIN census validator (csc-validator-be-cin) and our module 5 checks over one census XML file, and print
what they find as JSON (issue 16 item 2).

This script runs inside .venv-cin (Python 3.11, pandas 1.x: `make .venv-cin`), never inside the application: it
imports nothing of Django or of the project but module5.py beside it (standard library only). The application calls
it through reporting.quality.validator; by hand, `make validate-census FILE=census.xml`.

Output (stdout, one JSON document):
    {"ruleset": "cin2025_26", "validator": "csc-validator-be-cin 0.1.13", "rules_run": 109,
     "rules_failed": [{"rule": "...", "error": "..."}],   # a rule that raised: it checked nothing
     "rows": [{"rule": "8875", "type": "Error" | "Query", "LAchildID": "..." | null, "table": "Section47" | null,
               "column": "DateOfInitialCPC" | null, "value": "2025-06-07" | null, "message": "...",
               "source": "csc-validator-be-cin" | "module5" | "ffp"}]}
A row with no LAchildID is a council-level one (the return as a whole). `--summary` prints the counts by rule instead
and exits 1 when there is an Error row or a rule failed.
"""

import argparse
import contextlib
import importlib
import io
import json
import math
import re
import sys
import warnings
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import module5  # beside this file: the module 5 rules the released validator lacks
import own_queries  # beside this file: our own queries (what passes only because the record says nothing)

SOURCE = "csc-validator-be-cin"
_FAILED = re.compile(r"^Error with rule (?P<rule>\S+): (?P<error>.*)$")


def ruleset_for(root: ET.Element) -> str:
    """The validator's rule set for the file's collection: the header's Year is the year the collection ends (2026 ->
    the 2025-26 census, rule set cin2025_26)."""
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    if not year.isdigit():
        return "cin2025_26"
    ending = int(year)
    name = f"cin{ending - 1}_{str(ending)[2:]}"
    try:
        importlib.import_module(f"cin_validator.rules.{name}")
    except ModuleNotFoundError:
        return "cin2025_26"
    return name


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value)
    return None if text in {"", "nan", "NaT", "None"} else text


def validate(path: str, ruleset: str | None = None) -> dict:
    from cin_validator import cin_validator

    root = ET.parse(path).getroot()  # noqa: S314  (our own census file, as the validator itself reads it)  # nosec B314
    ruleset = ruleset or ruleset_for(root)
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    kinds = {str(rule.code): rule.rule_type.value for _, rule in registry.items()}
    messages = {str(rule.code): rule.message for _, rule in registry.items()}
    data = cin_validator.process_data(cin_validator.convert_data(root))
    printed = io.StringIO()
    # The validator prints a rule that raised instead of failing: catch those lines (and keep stdout for our JSON).
    with contextlib.redirect_stdout(printed):
        checked = cin_validator.CinValidator(data, registry)
    failed = []
    for line in printed.getvalue().splitlines():
        if found := _FAILED.match(line.strip()):
            failed.append({"rule": found["rule"], "error": found["error"]})
    rows = []
    report = checked.user_report
    if len(report):
        for record in report.to_dict("records"):
            rule = _text(record.get("rule_code"))
            if rule is None:
                continue
            rows.append(
                {
                    "rule": rule,
                    "type": kinds.get(rule, "Error"),
                    "LAchildID": _text(record.get("LAchildID")),
                    "table": _text(record.get("tables_affected")),
                    "column": _text(record.get("columns_affected")),
                    "value": _text(record.get("value_flagged")),
                    "message": _text(record.get("rule_description")) or messages.get(rule) or "",
                    "source": SOURCE,
                }
            )
    seen = {(row["rule"], row["LAchildID"], row["table"], row["column"], row["value"]) for row in rows}
    council = checked.multichild_issues
    if len(council):
        for record in council.to_dict("records"):
            rule = _text(record.get("rule_code"))
            key = (rule, None, None, None, None)
            if rule is None or key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "rule": rule,
                    "type": kinds.get(rule, "Error"),
                    "LAchildID": None,
                    "table": None,
                    "column": None,
                    "value": None,
                    "message": _text(record.get("rule_description")) or messages.get(rule) or "",
                    "source": SOURCE,
                }
            )
    rows.extend(module5.check(root))
    rows.extend(own_queries.check(root))
    return {
        "ruleset": ruleset,
        "validator": f"{SOURCE} {metadata.version(SOURCE)}",
        "rules_run": len(registry),
        "rules_failed": failed,
        "rows": rows,
    }


def summary(result: dict) -> tuple[str, int]:
    """A reader's account of the result: rows by type and rule; exit status 1 on any Error row or failed rule."""
    counts: dict[tuple[str, str], int] = {}
    messages = {}
    for row in result["rows"]:
        key = (row["type"], row["rule"])
        counts[key] = counts.get(key, 0) + 1
        messages[key] = row["message"]
    lines = [f"{result['validator']}, rule set {result['ruleset']} ({result['rules_run']} rules) and module 5 checks"]
    errors = sum(n for (kind, _), n in counts.items() if kind == "Error")
    queries = sum(n for (kind, _), n in counts.items() if kind == "Query")
    lines.append(f"{errors} ERROR rows, {queries} QUERY rows")
    for (kind, rule), n in sorted(counts.items()):
        lines.append(f"  {kind.upper():5} {rule:6} {n:6}  {messages[(kind, rule)][:100]}")
    for failure in result["rules_failed"]:
        lines.append(f"  FAILED {failure['rule']}: {failure['error'][:200]}")
    return "\n".join(lines), 1 if errors or result["rules_failed"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the census XML file")
    parser.add_argument("--ruleset", help="the validator's rule set (default: from the header's Year)")
    parser.add_argument("--summary", action="store_true", help="counts by rule instead of JSON; exit 1 on an Error")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # pandas' FutureWarnings from inside the rules: noise, not findings
    result = validate(args.file, args.ruleset)
    if args.summary:
        text, status = summary(result)
        print(text)
        return status
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
