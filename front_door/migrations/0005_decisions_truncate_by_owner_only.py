"""TRUNCATE of the decisions table depends on who runs it (the table's owner or a superuser), not on the
`ffp.audit_maintenance` setting anyone may set; UPDATE and DELETE stay refused to everyone (as
cases/migrations/0021_audit_truncate_by_owner_only.py does for the audit)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION front_door_decision_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'front_door_decision is append-only: % refused (record a new decision instead)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

# 0002's function, as it was.
REVERSE = """
CREATE OR REPLACE FUNCTION front_door_decision_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ffp.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'front_door_decision is append-only: % refused (record a new decision instead)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("front_door", "0004_contact_idempotency_body_hash")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
