"""A chronology entry carries the information tags of what it was made from (issue 11 finding 3): the entry is
read under the same rules as its source. Existing entries start untagged; 0015 copies their notes' tags."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_audit_names_and_ids_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="chronologyentry",
            name="tags",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=20), blank=True, default=list, size=None
            ),
        ),
    ]
