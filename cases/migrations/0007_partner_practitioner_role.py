"""The partner practitioner role (a school, health or housing worker in a team around the family)."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="partner_practitioner")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="partner_practitioner").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_calendar_notifications_deadlines_work_requests")]
    operations = [migrations.RunPython(create_group, remove_group)]
