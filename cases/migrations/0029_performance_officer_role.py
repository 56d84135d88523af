"""The performance officer role (issue 16 item 9): prepares the returns and exports child-level data for them."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="performance_officer")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="performance_officer").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0028_fgdm_referral_kind")]
    operations = [migrations.RunPython(create_group, remove_group)]
