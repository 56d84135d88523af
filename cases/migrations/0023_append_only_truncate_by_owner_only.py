"""TRUNCATE of the shared record's append-only tables (the audit, its seals) depends on who runs it, not on a
setting anyone may set.

Until now the triggers of 0002 and 0022 let TRUNCATE through when the session set `ffp.audit_maintenance=on`: a
custom setting that any role with table grants could set. Now only the table's owner (the owner role, which runs the
migrations and flushes the test database) or a superuser may truncate; UPDATE and DELETE stay refused to everyone.
The application role is not granted TRUNCATE, UPDATE or DELETE on these tables in the first place (cases.append_only,
cases.database_roles): the triggers are the second line, should such a grant ever be given by mistake.
"""

from django.db import migrations

TABLES = ("cases_auditevent", "cases_auditseal")

# The role running the statement (current_user) must be, or act with the rights of, the role owning the table.
FUNCTION = """
CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

# The functions of 0002 and 0022, as they were.
OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ffp.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_audit_seal")]
    operations = [migrations.RunSQL(FUNCTION.format(table=table), OLD_FUNCTION.format(table=table)) for table in TABLES]
