"""Backfill: every chronology entry made from a case note takes that note's information tags, so a tagged note
written before entries carried tags stops reaching, through its chronology summary, the readers its tags refuse.
The tag values themselves are unchanged (police, health, third_party, not_for_family; safe_address is new)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast


def copy_note_tags(apps, schema_editor):
    ChronologyEntry = apps.get_model("cases", "ChronologyEntry")
    CaseNote = apps.get_model("cases", "CaseNote")
    # target_id is text (entries point at records of every kind): compare it with the note's id as text.
    notes = CaseNote.objects.annotate(id_text=Cast("pk", models.CharField())).exclude(visibility_tags=[])
    ChronologyEntry.objects.filter(target_type="cases.casenote", target_id__in=notes.values("id_text")).update(
        tags=Subquery(notes.filter(id_text=OuterRef("target_id")).values("visibility_tags")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_chronologyentry_tags"),
    ]

    operations = [
        migrations.RunPython(copy_note_tags, migrations.RunPython.noop),
    ]
