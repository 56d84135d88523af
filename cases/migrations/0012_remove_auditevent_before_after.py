"""Drop the audit's value columns, emptied by 0011 (dropping a column is not an UPDATE: the trigger allows it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_audit_values_to_record_history")]

    operations = [
        migrations.RemoveField(model_name="auditevent", name="after"),
        migrations.RemoveField(model_name="auditevent", name="before"),
    ]
