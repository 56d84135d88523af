"""CIN census code lists (2025-26, from DfE's schema via liiatools), shipped with the app as data.

Choices come from `data/cin_codelists_2025-26.csv`, so a new census year is a new file, not code.
"""

import csv
from functools import cache
from pathlib import Path

CODELISTS = Path(__file__).resolve().parent / "data" / "cin_codelists_2025-26.csv"


@cache
def codelist(simple_type: str) -> tuple[tuple[str, str], ...]:
    """(code, description) pairs for one census simple type, in file order."""
    with CODELISTS.open(newline="", encoding="utf-8") as handle:
        rows = [
            (r["code"], (r["description"] or r["code"]).strip())
            for r in csv.DictReader(handle)
            if r["simple_type"] == simple_type
        ]
    if not rows:
        raise KeyError(f"no CIN code list called {simple_type!r}")
    return tuple(rows)


def ethnicity_choices() -> list[tuple[str, str]]:
    return list(codelist("ethnicitytype"))


def disability_choices() -> list[tuple[str, str]]:
    return list(codelist("disabilitytype"))


def closure_reason_choices() -> list[tuple[str, str]]:
    return list(codelist("reasonforclosuretype"))


def referral_source_choices() -> list[tuple[str, str]]:
    return list(codelist("referralsourcetype"))


def valid_codes(simple_type: str) -> frozenset[str]:
    return frozenset(code for code, _ in codelist(simple_type))
