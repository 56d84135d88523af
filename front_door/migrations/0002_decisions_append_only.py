"""Decisions are append-only in the database (a change is a new decision), and contact references come
from a sequence that never hands out a number twice."""

from django.db import migrations

FORWARD = """
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
CREATE TRIGGER front_door_decision_no_update_delete
    BEFORE UPDATE OR DELETE ON front_door_decision
    FOR EACH ROW EXECUTE FUNCTION front_door_decision_refuse_change();
CREATE TRIGGER front_door_decision_no_truncate
    BEFORE TRUNCATE ON front_door_decision
    FOR EACH STATEMENT EXECUTE FUNCTION front_door_decision_refuse_change();
CREATE SEQUENCE IF NOT EXISTS front_door_contact_reference_seq START 1000;
"""

REVERSE = """
DROP TRIGGER IF EXISTS front_door_decision_no_truncate ON front_door_decision;
DROP TRIGGER IF EXISTS front_door_decision_no_update_delete ON front_door_decision;
DROP FUNCTION IF EXISTS front_door_decision_refuse_change();
DROP SEQUENCE IF EXISTS front_door_contact_reference_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("front_door", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, REVERSE)]
