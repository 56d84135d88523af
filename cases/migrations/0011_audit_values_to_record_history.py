"""Move the personal values the audit held into the record's history, and clear them from the audit.

Until now each audit row could carry `before`/`after` values (a child's name, date of birth, NHS number,
postcode...): a second copy of the record that nothing could delete. This migration, in one transaction:

1. copies every key of every row's before/after into RecordHistory, once for each child the row names that still
   has a record (old value, new value, when, who, and the audit row's id), so nothing is lost and retention can
   now dispose of it with the record;
2. writes the names of those keys into the row's `fields`, moves the email a failed sign-in tried (the only value
   in those rows, a staff user's) into `actor_email` where the new code keeps it, and sets before/after to NULL.

Step 2 is an UPDATE, which the append-only trigger (0002) refuses. The migration runs as the table's owner and
switches that one trigger off for its own statement only:
- the migration first takes an ACCESS EXCLUSIVE lock on the audit table (as ALTER TABLE ... DISABLE TRIGGER
  would), held until its transaction ends: no other session can read or write the audit meanwhile, so no row is
  written unguarded, nor between the copy and the clearing;
- the trigger is enabled again straight after the UPDATE, and checked to be enabled before the migration ends
  (otherwise it raises, and everything here rolls back);
- the migration is atomic: if any step fails, the trigger was never off and no row changed.
The TRUNCATE trigger is untouched. 0012 then drops the emptied columns. Reversing is a no-op: the values stay in
the record history (putting them back would recreate the copy this removes).
"""

from django.db import migrations

# A row's before/after as JSON objects (NULL, or anything but an object, counts as {}).
COPY_TO_HISTORY = """
WITH e AS (
    SELECT id, target_type, target_id, child_ids, occurred_at, actor_id,
           CASE WHEN jsonb_typeof(before) = 'object' THEN before ELSE '{}'::jsonb END AS old,
           CASE WHEN jsonb_typeof(after) = 'object' THEN after ELSE '{}'::jsonb END AS new
    FROM cases_auditevent
    WHERE before IS NOT NULL OR after IS NOT NULL
)
INSERT INTO cases_recordhistory
    (created_at, updated_at, person_id, target_type, target_id, field, old_value, new_value, changed_at,
     changed_by_id, audit_event_id)
SELECT now(), now(), p.id, e.target_type, e.target_id, left(k.key, 100), e.old -> k.key, e.new -> k.key,
       e.occurred_at, e.actor_id, e.id
FROM e
CROSS JOIN LATERAL jsonb_object_keys(e.old || e.new) AS k(key)
JOIN cases_person p ON p.id = ANY (e.child_ids)
"""

CLEAR_VALUES = """
WITH e AS (
    SELECT id, verb,
           CASE WHEN jsonb_typeof(before) = 'object' THEN before ELSE '{}'::jsonb END AS old,
           CASE WHEN jsonb_typeof(after) = 'object' THEN after ELSE '{}'::jsonb END AS new
    FROM cases_auditevent
    WHERE before IS NOT NULL OR after IS NOT NULL
)
UPDATE cases_auditevent a SET
    fields = CASE WHEN e.verb = 'auth.sign_in_failed' THEN '{}'::varchar(100)[]
        ELSE ARRAY(SELECT left(k, 100) FROM jsonb_object_keys(e.old || e.new) AS k ORDER BY 1)::varchar(100)[] END,
    actor_email = CASE WHEN e.verb = 'auth.sign_in_failed' AND a.actor_email = ''
        THEN left(lower(trim(coalesce(e.new ->> 'email', ''))), 254) ELSE a.actor_email END,
    before = NULL,
    after = NULL
FROM e
WHERE a.id = e.id
"""

TRIGGER = "cases_auditevent_no_update_delete"


def move_values(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        # First, so that no row is written between the copy and the clearing (and none while the trigger is off).
        cursor.execute("LOCK TABLE cases_auditevent IN ACCESS EXCLUSIVE MODE")
        cursor.execute(COPY_TO_HISTORY)
        cursor.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER cases_auditevent_no_update_delete")
        cursor.execute(CLEAR_VALUES)
        cursor.execute("ALTER TABLE cases_auditevent ENABLE TRIGGER cases_auditevent_no_update_delete")
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = %s AND tgrelid = 'cases_auditevent'::regclass", [TRIGGER]
        )
        row = cursor.fetchone()
        if row is None or row[0] != "O":
            raise RuntimeError(f"{TRIGGER} is not enabled after clearing the audit's values: rolling back")
        cursor.execute("SELECT count(*) FROM cases_auditevent WHERE before IS NOT NULL OR after IS NOT NULL")
        if cursor.fetchone()[0]:
            raise RuntimeError("Audit rows still hold values: rolling back")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_record_history")]

    operations = [migrations.RunPython(move_values, migrations.RunPython.noop, elidable=False)]
