"""DfE's validator over the census of a data set (issue 16 item 2): the census written council-wide for a year, checked
by csc-validator-be-cin and the module 5 checks, with a readable account of every row when one is an ERROR."""

import io

from reporting.census import write_census
from reporting.quality.validator import ValidatorResult, validate_census

YEARS = ["2025-26", "2026-27"]


def validated(year: str) -> ValidatorResult:
    out = io.BytesIO()
    write_census(out, year=year, user=None)
    return validate_census(out.getvalue())


def account(result: ValidatorResult) -> str:
    """The rows by type and rule, and the first rows of each ERROR rule (what a failing test prints)."""
    summary = result.summary()
    lines = [f"{summary['errors']} ERROR rows {summary['errors_by_rule']}; QUERY rows {summary['queries_by_rule']}"]
    shown: dict[str, int] = {}
    for row in result.errors:
        shown[row["rule"]] = shown.get(row["rule"], 0) + 1
        if shown[row["rule"]] <= 3:
            lines.append(
                f"  {row['rule']} {row['LAchildID']} {row['table']}.{row['column']}={row['value']}: {row['message']}"
            )
    lines.extend(f"  FAILED RULE {failure}" for failure in result.rules_failed)
    return "\n".join(lines)


def assert_no_errors(year: str) -> ValidatorResult:
    result = validated(year)
    assert result.rules_failed == [], account(result)
    assert result.errors == [], account(result)
    return result
