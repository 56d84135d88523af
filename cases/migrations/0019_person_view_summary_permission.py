"""Person gets the summary level's permission (view_person_summary), granted per object to a member of the team
around the family (cases.permissions)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_agency_liaison_team"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["last_name", "first_name", "id"],
                "permissions": [("view_person_summary", "Can see the summary of a child in a family's plan")],
            },
        ),
    ]
