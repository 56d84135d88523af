"""The audit names changed fields (`fields`) and related ids (`related`); what a field used to say moves to the
record's own history (RecordHistory), which retention can dispose of. Adding the columns with a constant default
rewrites no row (the append-only trigger is not involved); 0011 moves the old values and 0012 drops the columns
that held them."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_plan_led_by_strand"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="fields",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=100), blank=True, default=list, size=None
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="related",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.CreateModel(
            name="RecordHistory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("target_type", models.CharField(max_length=100)),
                ("target_id", models.CharField(max_length=64)),
                ("field", models.CharField(max_length=100)),
                ("old_value", models.JSONField(blank=True, null=True)),
                ("new_value", models.JSONField(blank=True, null=True)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("changed_by_id", models.BigIntegerField(blank=True, null=True)),
                ("audit_event_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="history", to="cases.person"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "record history",
                "ordering": ["person", "-changed_at", "-id"],
                "indexes": [models.Index(fields=["person", "changed_at"], name="record_history_person_idx")],
            },
        ),
    ]
