"""What the application role may do in the database, applied by the owner role after every `migrate`.

Two roles (README, "Two database roles"): the **owner** owns every table, runs the migrations and maintenance
(VACUUM, the data generator); the **application** role (web, worker, beat) is not a superuser, owns nothing and
holds only these grants:

- every table and view in the public schema: SELECT, INSERT, UPDATE, DELETE (never TRUNCATE, REFERENCES, TRIGGER);
- the append-only tables (cases.append_only): SELECT and INSERT only;
- every sequence: USAGE and SELECT (nextval, never setval).

The grants are applied whole after each `migrate` (post_migrate), so a table a later migration adds, or a table
added to the append-only list, is granted correctly by the next migrate; default privileges cover a table created
between two runs. The application role is settings.DATABASE_APP_ROLE (the user of DATABASE_URL). When the
migration runs as that same role (a single-role setup), there is nothing to grant and nothing is done.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from psycopg import sql

from .append_only import append_only_tables

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY_PRIVILEGES = "SELECT, INSERT"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"


def grant_statements(app_role: str, append_only: list[str]) -> list[sql.Composed]:
    role = sql.Identifier(app_role)
    statements = [
        # Start from nothing, so that a privilege given by hand (or by an older version of this list) goes.
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(role),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(role),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL(f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {{}}").format(role),
        sql.SQL(f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA public TO {{}}").format(role),
        # Tables the owner creates later (a migration between two grant runs) start with the ordinary grants.
        sql.SQL(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {TABLE_PRIVILEGES} ON TABLES TO {{}}").format(role),
        sql.SQL(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {{}}").format(
            role
        ),
    ]
    for table in append_only:
        statements.append(sql.SQL("REVOKE UPDATE, DELETE ON TABLE {} FROM {}").format(sql.Identifier(table), role))
    return statements


def grant_application_role(using: str = "default") -> bool:
    """Apply the application role's grants on `using` (a connection as the owner). False when there is no
    separate application role to grant to."""
    app_role = getattr(settings, "DATABASE_APP_ROLE", "")
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        current = cursor.fetchone()[0]
        if not app_role or app_role == current:
            return False
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        row = cursor.fetchone()
        if row is None:
            raise ImproperlyConfigured(
                f"The application database role {app_role!r} (the user in DATABASE_URL) does not exist: create it "
                "(LOGIN, not a superuser, owning nothing; README, 'Two database roles') and run migrate again."
            )
        if row[0]:
            raise ImproperlyConfigured(
                f"The application database role {app_role!r} is a superuser: it could disable the audit's "
                "triggers. Use a role that is not (README, 'Two database roles')."
            )
        tables = set(connection.introspection.table_names(cursor))
        append_only = [table for table in append_only_tables() if table in tables]
        with transaction.atomic(using=using):
            for statement in grant_statements(app_role, append_only):
                cursor.execute(statement.as_string(connection.connection))
    return True


def grant_after_migrate(sender, *, using: str = "default", plan=None, **kwargs) -> None:
    """post_migrate receiver (cases' only, so once per migrate). A flush sends post_migrate too, without a plan:
    it changes no table, so the grants stand."""
    if plan is None:
        return
    grant_application_role(using)
