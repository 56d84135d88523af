"""The new columns take database defaults (no tags; not a safe address) as well as the models' own, so the data
generators' bulk loads (COPY naming the columns they fill) and any other writer that leaves them out still work."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_address_safe_address"),
    ]

    operations = [
        migrations.AlterField(
            model_name="address",
            name="safe_address",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Only council social care and the recording agency may see where this is.",
            ),
        ),
        migrations.AlterField(
            model_name="chronologyentry",
            name="tags",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=20), blank=True, db_default=[], default=list, size=None
            ),
        ),
    ]
