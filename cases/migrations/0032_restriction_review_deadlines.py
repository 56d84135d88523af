"""A review deadline for every record already restricted (issue 17 item 2): 90 days from now, reminding the privacy
officers (as cases.services.restriction.restriction_review_schedule sets for a record restricted from now on)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def schedule(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    Deadline = apps.get_model("cases", "Deadline")
    due = timezone.now() + dt.timedelta(days=90)
    for pk in Person.objects.filter(restricted=True).values_list("pk", flat=True):
        Deadline.objects.get_or_create(
            kind="cases.restriction_review",
            target_type="cases.person",
            target_id=str(pk),
            state="open",
            defaults={
                "label": "Review who may see a restricted record",
                "due_at": due,
                "warn_at": due - dt.timedelta(days=14),
                "person_ids": [pk],
                "remind_role": "privacy_officer",
                "link": f"/cases/restricted/{pk}/review/",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0031_retention_rules_legal_holds_restricted_access_expiry")]

    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
