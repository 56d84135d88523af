"""An address can be marked a safe address (issue 11): its detail is then read under the safe-address tag's rule
(council social care and the agency that recorded it). recorded_by says who recorded it; earlier addresses have
no recorder, and none of them is safe."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_chronologyentry_tags_from_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="address",
            name="safe_address",
            field=models.BooleanField(
                default=False, help_text="Only council social care and the recording agency may see where this is."
            ),
        ),
        migrations.AddField(
            model_name="address",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
