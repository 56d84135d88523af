"""The audit keeps a client's own X-Request-ID apart from the request id the server generates (issue 12 item 3).

Adding a column with a constant default is a catalogue change in PostgreSQL (no row is rewritten), so the
append-only trigger is not involved."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_team_around_the_family_summary_level")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="client_request_id",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
    ]
