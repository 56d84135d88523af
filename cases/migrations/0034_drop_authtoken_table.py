"""Drop rest_framework.authtoken's table (issue 17): service accounts' hashed tokens (cases.ApiToken) replace it,
and its rows hold API keys in plain text, usable by whoever reads the table or a backup. The app is no longer
installed, so nothing else removes the table (and a table left referencing cases_user blocks a test database's
flush)."""

from django.db import migrations

FORWARD = """
DROP TABLE IF EXISTS authtoken_token CASCADE;
DELETE FROM django_migrations WHERE app = 'authtoken';
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0033_api_tokens_service_accounts")]

    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
