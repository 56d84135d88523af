"""Issue 16 item 2 on the demo data (seed_demo): the census of the current collection year (2026-27, with module 5)
has no ERROR row from DfE's csc-validator-be-cin (nor from the module 5 checks). The demo's records begin in that year:
its 2025-26 census holds no child, so there is nothing there for the validator to check (its rule 2886Q divides by
the number of children), which the second test keeps true."""

import pytest

from .census_checks import census_bytes
from .validator_checks import account, assert_no_errors

pytestmark = pytest.mark.django_db


def test_the_census_of_the_demo_has_no_error_row_from_dfes_validator(seeded_demo):
    result = assert_no_errors("2026-27")
    print(f"seed_demo 2026-27: {account(result)}")


def test_the_demo_has_no_child_in_the_2025_26_census(seeded_demo):
    assert census_bytes("2025-26")[1].children == 0
