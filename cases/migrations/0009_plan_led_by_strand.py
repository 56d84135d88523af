"""Each plan, and each frozen version of it, records which strand led it (issue 10). Every plan and version so far
was led by Family Help, so existing rows take family_help (the default fills them as the columns are added)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_family_plan"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="led_by_strand",
            field=models.CharField(
                choices=[
                    ("record", "Record"),
                    ("front_door", "Front door"),
                    ("family_help", "Family Help"),
                    ("macpt", "Child protection"),
                    ("fgdm", "Family group decision making"),
                ],
                default="family_help",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="planversion",
            name="led_by_strand",
            field=models.CharField(
                choices=[
                    ("record", "Record"),
                    ("front_door", "Front door"),
                    ("family_help", "Family Help"),
                    ("macpt", "Child protection"),
                    ("fgdm", "Family group decision making"),
                ],
                default="family_help",
                max_length=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(("led_by_strand__in", ["record", "front_door", "family_help", "macpt", "fgdm"])),
                name="plan_led_by_strand_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="planversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("led_by_strand__in", ["record", "front_door", "family_help", "macpt", "fgdm"])),
                name="plan_version_led_by_strand_valid",
            ),
        ),
    ]
