"""The default continuum of need (a council edits these as data in the admin).

Each level's census meaning is fixed; its name, description and rank are the council's.
"""

from django.db import migrations

LEVELS = [
    (
        "universal",
        "Universal services",
        10,
        "universal",
        "Needs met by universal services (school, GP, health visitor).",
    ),
    (
        "targeted_early_help",
        "Targeted early help",
        20,
        "early_help",
        "Additional needs: targeted Family Help with a lead practitioner and a family plan.",
    ),
    (
        "child_in_need",
        "Child in need (s17)",
        30,
        "child_in_need",
        "Complex needs: a child in need under section 17 of the Children Act 1989.",
    ),
    (
        "child_protection",
        "Child protection (s47)",
        40,
        "child_protection",
        "Reasonable cause to suspect significant harm: s47 enquiry or child protection plan.",
    ),
    (
        "pre_proceedings",
        "Pre-proceedings",
        50,
        "pre_proceedings",
        "Public Law Outline pre-proceedings: letter before proceedings sent.",
    ),
]


def create_levels(apps, schema_editor):
    NeedLevel = apps.get_model("cases", "NeedLevel")
    for code, name, rank, meaning, description in LEVELS:
        NeedLevel.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "census_meaning": meaning, "description": description}
        )


def remove_levels(apps, schema_editor):
    apps.get_model("cases", "NeedLevel").objects.filter(code__in=[lvl[0] for lvl in LEVELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_shared_record")]
    operations = [migrations.RunPython(create_levels, remove_levels)]
