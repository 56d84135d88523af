from django.db import migrations, models


class Migration(migrations.Migration):
    """The received_at index covers the decision times, so the dashboard's timeliness figures read the index
    alone (an index-only scan of the quarter) instead of every contact's row."""

    dependencies = [
        ("front_door", "0002_decisions_append_only"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="contact", name="contact_received_idx"),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["received_at"], include=("decision_due_at", "decided_at"), name="contact_received_idx"
            ),
        ),
    ]
