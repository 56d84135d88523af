"""Issue 16 item 1: the CIN census is schema-valid for a second seed of the generated `small` data set (seed 11; the CI
seed 7 is test_census_small.py), for the 2025-26 and 2026-27 collections."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from psycopg import sql

from tests.conftest import APPLICATION, OWNER, connect_as

from .census_checks import assert_valid_census
from .validator_checks import YEARS, account, assert_no_errors

pytestmark = pytest.mark.django_db
SEED = 11


@pytest.fixture(scope="module")
def small_dataset_seed2(django_db_setup, django_db_blocker):
    """The `small` data set for SEED, loaded as tests/conftest.py's small_dataset loads seed 7 (as the owner, then the
    module's tests as the application role), rolled back after the module."""
    with django_db_blocker.unblock():
        connect_as(OWNER)
        try:
            with transaction.atomic(), pytest.MonkeyPatch.context() as env:
                env.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
                call_command("generate_dataset", "--scale", "small", "--seed", str(SEED), stdout=io.StringIO())
                connection.check_constraints()
                with connection.cursor() as cursor:
                    cursor.execute(
                        sql.SQL("SET ROLE {}")
                        .format(sql.Identifier(APPLICATION["USER"]))
                        .as_string(connection.connection)
                    )
                yield SEED
                transaction.set_rollback(True)
        finally:
            connect_as(APPLICATION)


@pytest.mark.parametrize("year", ["2025-26", "2026-27"])
def test_the_census_of_a_second_seed_of_the_small_data_set_is_schema_valid(small_dataset_seed2, year):
    root, result = assert_valid_census(year)
    assert result.assessments and result.section47 and result.cp_plans
    if year == "2026-27":
        assert result.module5 == len(root.findall(".//PreProceedingsandFGDM"))


@pytest.mark.parametrize("year", YEARS)
def test_the_census_of_a_second_seed_has_no_error_row_from_dfes_validator(small_dataset_seed2, year):
    """Issue 16 item 2: no ERROR row from DfE's csc-validator-be-cin (nor from the module 5 checks)."""
    result = assert_no_errors(year)
    print(f"small seed {SEED} {year}: {account(result)}")
