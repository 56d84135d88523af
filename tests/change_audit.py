"""B9's oracle: which transactions changed a child's data, seen by PostgreSQL itself, not by the code under test.

`ChangeLog.install()` puts three statement-level AFTER triggers (INSERT, UPDATE, DELETE, each with its transition
table) on every child-data table (tests/test_static_analysis.py's list, with the many-to-many tables of those models)
and on the audit table. Each statement copies the rows it changed, with `txid_current()`, the table and the operation,
into a test-only table, `b9_change`, in the statement's own transaction: a transaction that rolls back takes its rows
with it, so the log holds committed work only. `ChangeLog.take()` reads and empties the log; `verdicts()` groups it by
transaction and says, for each transaction that changed child data, whether it wrote an audit row that names the actor
and is about what changed.

The triggers are the owner's (only a table's owner may add one), SECURITY DEFINER so the application role writes the
log without a grant on it; they are dropped when the test ends (and again before installing, should an interrupted run
have left them in a reused database).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection
from psycopg import sql

from tests.support import owner_connection

LOG = "b9_change"
FUNCTION = "b9_change_record"
AUDIT_TABLE = "cases_auditevent"
# Child-data models the oracle does not watch, with the reason.
NOT_WATCHED = {
    "AuditEvent": "the audit itself: its rows are the events, watched on their own",
}


@dataclass(frozen=True)
class Table:
    """What the oracle needs to know of one watched table: its primary key, the tables its foreign keys point at, and
    which of its columns name a person."""

    name: str
    pk: str
    refs: dict[str, str]  # column -> table it points at
    person_columns: tuple[str, ...]


def watched_tables() -> dict[str, Table]:
    from cases.models import Person
    from tests.test_static_analysis import child_data_models

    names = child_data_models() - set(NOT_WATCHED)
    models = [m for m in apps.get_models() if m.__name__ in names and m._meta.app_label in _record_apps()]
    # The many-to-many tables of those models (a legal hold's people, a plan item's children...).
    models += [
        f.remote_field.through
        for m in list(models)
        for f in m._meta.local_many_to_many
        if f.remote_field.through._meta.auto_created
    ]
    tables = {}
    for model in models:
        refs = {
            f.column: f.related_model._meta.db_table
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
        person_columns = tuple(c for c, t in refs.items() if t == Person._meta.db_table)
        if model is Person:
            person_columns += (model._meta.pk.column,)
        tables[model._meta.db_table] = Table(model._meta.db_table, model._meta.pk.column, refs, person_columns)
    return tables


def _record_apps() -> tuple[str, ...]:
    from tests.test_static_analysis import RECORD_APPS

    return RECORD_APPS


def table_of_label() -> dict[str, str]:
    """`app_label.model` (an audit row's target_type) -> its table."""
    return {m._meta.label_lower: m._meta.db_table for m in apps.get_models(include_auto_created=True)}


class ChangeLog:
    def __init__(self) -> None:
        self.tables = watched_tables()
        self.labels = table_of_label()

    def _triggers(self, table: str) -> list[sql.Composed]:
        t = sql.Identifier(table)
        f = sql.Identifier(FUNCTION)
        return [
            sql.SQL(
                "CREATE TRIGGER b9_ins AFTER INSERT ON {} REFERENCING NEW TABLE AS new_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(t, f),
            sql.SQL(
                "CREATE TRIGGER b9_upd AFTER UPDATE ON {} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(t, f),
            sql.SQL(
                "CREATE TRIGGER b9_del AFTER DELETE ON {} REFERENCING OLD TABLE AS old_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(t, f),
        ]

    def install(self) -> None:
        self.uninstall()
        app_role = sql.Identifier(settings.DATABASES["default"]["USER"])
        with owner_connection() as owner:
            owner.execute(
                sql.SQL(
                    "CREATE TABLE {} (id bigserial PRIMARY KEY, txid bigint NOT NULL, tbl text NOT NULL, "
                    "op text NOT NULL, old jsonb, new jsonb)"
                ).format(sql.Identifier(LOG))
            )
            owner.execute(sql.SQL("GRANT SELECT, DELETE ON {} TO {}").format(sql.Identifier(LOG), app_role))
            # One row per changed row: an UPDATE's old and new versions side by side (by position in the
            # transition tables, which PostgreSQL fills in the same order).
            owner.execute(
                sql.SQL("""
                CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                    INSERT INTO {log} (txid, tbl, op, new)
                      SELECT txid_current(), TG_TABLE_NAME, TG_OP, to_jsonb(n) FROM new_rows n;
                  ELSIF TG_OP = 'UPDATE' THEN
                    INSERT INTO {log} (txid, tbl, op, old, new)
                      SELECT txid_current(), TG_TABLE_NAME, TG_OP, o.j, n.j
                      FROM (SELECT to_jsonb(r) j, row_number() OVER () k FROM old_rows r) o
                      JOIN (SELECT to_jsonb(r) j, row_number() OVER () k FROM new_rows r) n USING (k);
                  ELSE
                    INSERT INTO {log} (txid, tbl, op, old)
                      SELECT txid_current(), TG_TABLE_NAME, TG_OP, to_jsonb(o) FROM old_rows o;
                  END IF;
                  RETURN NULL;
                END $$""").format(fn=sql.Identifier(FUNCTION), log=sql.Identifier(LOG))
            )
            for table in [*self.tables, AUDIT_TABLE]:
                for statement in self._triggers(table) if table != AUDIT_TABLE else self._triggers(table)[:1]:
                    owner.execute(statement)

    def uninstall(self) -> None:
        with owner_connection() as owner:
            # DROP FUNCTION ... CASCADE drops every trigger that calls it.
            owner.execute(sql.SQL("DROP FUNCTION IF EXISTS {} CASCADE").format(sql.Identifier(FUNCTION)))
            owner.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(LOG)))

    def take(self) -> list[tuple[int, str, str, dict | None, dict | None]]:
        """Read and empty the log (committed transactions only), on the application's connection."""
        assert not connection.in_atomic_block, "the oracle reads committed work: call it between transactions"
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DELETE FROM {} RETURNING id, txid, tbl, op, old, new")
                .format(sql.Identifier(LOG))
                .as_string(connection.connection)
            )
            rows = sorted(cursor.fetchall())
        return [(txid, tbl, op, _json(old), _json(new)) for _, txid, tbl, op, old, new in rows]

    def transactions(self, rows) -> list[Transaction]:
        by_txid: dict[int, Transaction] = {}
        for txid, tbl, op, old, new in rows:
            tx = by_txid.setdefault(txid, Transaction(txid))
            if tbl == AUDIT_TABLE:
                tx.audits.append(new)
                continue
            tx.changes[(tbl, op)] += 1
            table = self.tables[tbl]
            for row in (old, new):
                if row is None:
                    continue
                tx.rows.add((tbl, str(row[table.pk])))
                for column, target in table.refs.items():
                    if row.get(column) is not None:
                        tx.rows.add((target, str(row[column])))
                tx.children.update(int(row[c]) for c in table.person_columns if row.get(c) is not None)
        return list(by_txid.values())

    def verdict(self, tx: Transaction, actor_id: int | None) -> str:
        """'' if the transaction is a mutation with a matching audit row (or no mutation at all), else why not."""
        if not tx.changes:
            return ""
        if not tx.audits:
            return "no audit row in the transaction"
        for audit in tx.audits:
            if audit["kind"] not in ("write", "auth"):
                continue
            if actor_id is not None and audit["actor_id"] != actor_id:
                continue
            if actor_id is None and audit["actor_id"] is not None:
                continue
            target = (self.labels.get(audit["target_type"], audit["target_type"]), audit["target_id"])
            if target in tx.rows or set(audit["child_ids"] or []) & tx.children:
                return ""
        return "no audit row names the actor and what changed: " + json.dumps(
            [
                {k: a[k] for k in ("verb", "kind", "actor_id", "target_type", "target_id", "child_ids")}
                for a in tx.audits
            ]
        )


@dataclass
class Transaction:
    txid: int
    changes: defaultdict = field(default_factory=lambda: defaultdict(int))  # (table, op) -> rows
    rows: set = field(default_factory=set)  # (table, pk) changed, or pointed at by a changed row
    children: set = field(default_factory=set)  # person ids in the changed rows
    audits: list = field(default_factory=list)

    def describe(self) -> str:
        return ", ".join(f"{op} {n} {tbl}" for (tbl, op), n in sorted(self.changes.items()))


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
