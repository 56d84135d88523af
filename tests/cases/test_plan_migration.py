"""The plan's move from family_help to cases (issue 10) keeps every row: on the generated `small` data set, the
migrations taken back to before the move and forward again leave every plan, version, outcome, rating, action,
review, team member and CIN plan period with identical field values, under the old table names in between and the
new ones after. (The generator writes the current tables, so the data is made at the latest state, then the
migrations go back and forward over it: both directions of the move run over a council's worth of plans.)"""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

NAMED = import_module("family_help.migrations.0003_plan_moves_to_cases").NAMED

pytestmark = pytest.mark.django_db

# Each table's columns as they were in family_help (the move adds led_by_strand; nothing else changes).
COLUMNS = {
    "plan": [
        "id",
        "created_at",
        "updated_at",
        "family_case_id",
        "status",
        "worries",
        "working_well",
        "family_views",
        "professional_notes",
        "next_review_on",
        "created_by_id",
        "closed_on",
        "version",
    ],
    "planversion": ["id", "plan_id", "number", "created_at", "created_by_id", "reason", "snapshot"],
    "outcome": [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "child_id",
        "what_will_be_different",
        "measure",
        "scale_max",
        "baseline",
        "target",
        "current",
        "not_for_family",
        "achieved_on",
        "removed_at",
    ],
    "outcomerating": ["id", "outcome_id", "plan_version_id", "rating", "rated_on", "rated_by_id", "comment"],
    "action": [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "outcome_id",
        "description",
        "owner_id",
        "owner_agency_id",
        "due_on",
        "status",
        "progress",
        "not_for_family",
        "completed_on",
        "updated_by_id",
        "version",
    ],
    "tafmember": [
        "id",
        "created_at",
        "updated_at",
        "family_case_id",
        "user_id",
        "agency_id",
        "role",
        "added_by_id",
        "added_at",
        "removed_by_id",
        "removed_at",
    ],
    "review": [
        "id",
        "created_at",
        "updated_at",
        "plan_id",
        "held_on",
        "attendees",
        "summary",
        "family_views",
        "next_review_on",
        "plan_version_id",
        "reviewed_by_id",
    ],
    "cinplanperiod": ["id", "created_at", "updated_at", "episode_id", "plan_id", "start_date", "end_date"],
}
BEFORE_THE_MOVE = [
    ("family_help", "0002_assessment_voice_not_gathered_reason"),
    ("cases", "0007_partner_practitioner_role"),
]


def _rows(prefix: str) -> dict[str, list[tuple]]:
    rows = {}
    with connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            cursor.execute(f"SELECT {', '.join(columns)} FROM {prefix}{table} ORDER BY id")  # noqa: S608  (ours)
            rows[table] = cursor.fetchall()
    return rows


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _named(names: list[str]) -> int:
    """How many of these names exist as an index or a constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT name) FROM (SELECT relname::text AS name FROM pg_class UNION ALL "
            "SELECT conname::text FROM pg_constraint) AS found WHERE name = ANY(%s)",
            [names],
        )
        return cursor.fetchone()[0]


def _migrate(targets) -> None:
    # Django's foreign keys are checked at commit; ALTER TABLE refuses a table with checks pending, so run them now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.as_owner  # runs migrations: the owner
def test_the_move_keeps_every_row_of_the_small_data_set_both_ways(small_dataset):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    moved = _rows("cases_")
    counts = {table: len(rows) for table, rows in moved.items()}
    print("rows moved:", counts)
    assert counts["plan"] > 100 and counts["planversion"] > counts["plan"]
    assert all(counts[t] > 0 for t in COLUMNS), counts
    try:
        _migrate(BEFORE_THE_MOVE)
        tables = _tables()
        assert {f"family_help_{t}" for t in COLUMNS} <= tables
        assert not {f"cases_{t}" for t in COLUMNS} & tables
        assert _rows("family_help_") == moved
        assert _named([old for _, old, _ in NAMED]) == len(NAMED)
    finally:
        _migrate(latest)
    assert _rows("cases_") == moved
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT led_by_strand FROM cases_planversion UNION SELECT DISTINCT led_by_strand FROM cases_plan"
        )
        assert [row[0] for row in cursor.fetchall()] == ["family_help"]
        # The tables' keys, indexes, constraints and sequences moved with them: none keeps an old name.
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE ANY(%s) OR relname = ANY(%s)",
            [[f"family\\_help\\_{t}%" for t in COLUMNS], [old for _, old, _ in NAMED]],
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT conname FROM pg_constraint WHERE conname = ANY(%s)", [[old for _, old, _ in NAMED]])
        assert cursor.fetchall() == []
        assert _named([new for _, _, new in NAMED]) == len(NAMED)
        cursor.execute("SELECT pg_get_serial_sequence('cases_plan', 'id')")
        assert cursor.fetchone()[0] == "public.cases_plan_id_seq"
