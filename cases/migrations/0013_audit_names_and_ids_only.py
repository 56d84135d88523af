"""The database itself keeps values out of the audit's new columns, whatever writes to it (the ORM, raw SQL, a
shell): `related` holds ids only (numbers, or lists of numbers), `fields` holds field names only (lower-case words
and underscores, one optional dotted part). audit_record checks the same in Python, with a clearer message.

`related` is checked for every row (all rows before this hold {}). `fields` is NOT VALID: enforced for every row
written from now on, without failing a deployment over a key an old row's before/after happened to use (0011
copied those key names in as they were). Adding a constraint rewrites no row, so the append-only trigger is not
involved.
"""

from django.db import migrations

FORWARD = r"""
ALTER TABLE cases_auditevent ADD CONSTRAINT audit_related_ids_only CHECK (
    jsonb_typeof(related) = 'object' AND NOT jsonb_path_exists(related, 'lax $.*[*] ? (@.type() != "number")')
);
ALTER TABLE cases_auditevent ADD CONSTRAINT audit_fields_names_only CHECK (
    array_to_string(fields, ',') ~ '^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?(,|$))*$'
) NOT VALID;
"""

REVERSE = """
ALTER TABLE cases_auditevent DROP CONSTRAINT IF EXISTS audit_fields_names_only;
ALTER TABLE cases_auditevent DROP CONSTRAINT IF EXISTS audit_related_ids_only;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_remove_auditevent_before_after")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
