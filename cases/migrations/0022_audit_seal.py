"""Seals over the append-only tables (issue 12 item 2; cases.services.seals), append-only themselves: a trigger
refuses UPDATE and DELETE, and TRUNCATE as for the audit (0002)."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION cases_auditseal_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ffp.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'cases_auditseal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER cases_auditseal_no_update_delete
    BEFORE UPDATE OR DELETE ON cases_auditseal
    FOR EACH ROW EXECUTE FUNCTION cases_auditseal_refuse_change();

CREATE TRIGGER cases_auditseal_no_truncate
    BEFORE TRUNCATE ON cases_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION cases_auditseal_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS cases_auditseal_no_truncate ON cases_auditseal;
DROP TRIGGER IF EXISTS cases_auditseal_no_update_delete ON cases_auditseal;
DROP FUNCTION IF EXISTS cases_auditseal_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_audit_client_request_id")]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stream", models.CharField(max_length=100)),
                ("first_id", models.BigIntegerField()),
                ("last_id", models.BigIntegerField()),
                ("row_count", models.PositiveIntegerField()),
                (
                    "columns",
                    django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=100), size=None),
                ),
                ("row_index", models.BinaryField()),
                ("rows_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("sealed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "previous",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.auditseal",
                    ),
                ),
            ],
            options={
                "ordering": ["stream", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("previous__isnull", True)),
                        fields=("stream",),
                        name="audit_seal_one_first_per_stream",
                    ),
                    models.UniqueConstraint(fields=("stream", "first_id"), name="audit_seal_unique_start"),
                    models.CheckConstraint(
                        condition=models.Q(("last_id__gte", models.F("first_id"))), name="audit_seal_range_valid"
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
