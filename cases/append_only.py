"""The append-only tables: the one list of them.

Rows in these tables are only ever added (the audit trail, the front door's decisions; a change is a new row).
The database holds them to that twice:

1. Grants. The application role (web, worker, beat) gets SELECT and INSERT on these tables and nothing else: no
   UPDATE, DELETE or TRUNCATE; and as it owns no table it cannot ALTER TABLE ... DISABLE TRIGGER either. The grants
   are applied after every `migrate` by the owner role, reading this list (cases.database_roles).
2. Triggers, as defence in depth, written by each table's migration: UPDATE and DELETE are refused to everyone, and
   TRUNCATE to everyone but the table's owner (cases/migrations/0002_audit_append_only.py and its successors).

To make a table append-only: if it is the shared record's (cases), add its name to APPEND_ONLY_TABLES below; from
another app, call `register("<db_table>")` in its AppConfig.ready() (front_door does, for its decisions). Then give
it the two triggers in its migration, as cases' audit table has them.
"""

from __future__ import annotations

# The shared record's own append-only tables (other apps add theirs with register()).
APPEND_ONLY_TABLES: set[str] = {"cases_auditevent", "cases_auditseal"}


def register(*tables: str) -> None:
    """Another app's append-only tables (database table names), from its AppConfig.ready()."""
    APPEND_ONLY_TABLES.update(tables)


def append_only_tables() -> list[str]:
    return sorted(APPEND_ONLY_TABLES)
