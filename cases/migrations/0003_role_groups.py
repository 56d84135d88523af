"""Create the role groups in every environment (not only in demo data): roles are groups by name."""

from django.db import migrations

ROLES = [
    "triage_officer",
    "front_door_manager",
    "fhlp",
    "lcpp",
    "macpt_member",
    "fgdm_facilitator",
    "partner_referrer",
    "manager",
    "privacy_officer",
    "admin",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_audit_append_only"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
