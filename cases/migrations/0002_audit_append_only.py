"""Make the audit table append-only in the database itself, so that no code path (ORM, raw SQL, the
admin, a shell) can rewrite or remove the record of who did what.

UPDATE and DELETE are always refused. TRUNCATE is refused unless the connection carries
`ffp.audit_maintenance=on`, which only the test settings set (Django empties tables between
transactional tests). Stronger separation (a login role without TRUNCATE or trigger rights) is
the production deployment's job and is described in README.md.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION cases_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ffp.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'cases_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER cases_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON cases_auditevent
    FOR EACH ROW EXECUTE FUNCTION cases_auditevent_refuse_change();

CREATE TRIGGER cases_auditevent_no_truncate
    BEFORE TRUNCATE ON cases_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION cases_auditevent_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS cases_auditevent_no_truncate ON cases_auditevent;
DROP TRIGGER IF EXISTS cases_auditevent_no_update_delete ON cases_auditevent;
DROP FUNCTION IF EXISTS cases_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
