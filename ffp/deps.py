"""Dependency freshness gate (B20): every locked package at the newest patch of its series, Django on a supported LTS.

    python -m ffp.deps check [--grace-days 7] [--exceptions deps-exceptions.toml]   # `make deps-check`

Reads every package locked in uv.lock (direct and transitive) and in package-lock.json (every npm package it
installs), asks the registries they were locked from which releases exist (PyPI's simple API in its JSON form, the
index uv installs from; the npm registry's abbreviated metadata, the one npm installs from), and fails on:

- a package not at the newest release of its major.minor series ("1.4.2" while "1.4.5" exists). Pre-releases,
  yanked releases (PyPI: every file of the release yanked) and deprecated npm versions are never the newest. A newer
  patch out for fewer than --grace-days days (default 7, env DEPS_GRACE_DAYS) is reported but does not fail, so a
  run is not broken by a release of an hour ago: upgrade it within the week.
- a locked version that its registry has yanked or deprecated.
- Django's locked series not an LTS, past its end of support, or missing from DJANGO_SERIES below.
- an exception (deps-exceptions.toml) that has expired, runs more than 30 days from the day it was written, or is
  written in the future; an exception for a version no longer locked is reported so it can be removed.

A registry that cannot be reached fails the check with its name: the check's answer is never "fresh" by default.
It reads only what the registries publish about releases: known vulnerabilities are pip-audit's job, run against the
advisory database in a connected pipeline before a release (README, "Dependencies").
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
UV_LOCK = ROOT / "uv.lock"
PACKAGE_LOCK = ROOT / "package-lock.json"
EXCEPTIONS = ROOT / "deps-exceptions.toml"

PYPI_SIMPLE = "https://pypi.org/simple"
NPM_REGISTRY = "https://registry.npmjs.org"
GRACE_DAYS = 7
MAX_EXCEPTION_DAYS = 30
TIMEOUT = 20  # seconds for one registry answer
WORKERS = 16

# Django's release series: (LTS, end of support). From https://www.djangoproject.com/download/ "Supported versions";
# a new series must be added here before the lock may take it (the check fails on a series it does not know).
DJANGO_SERIES: dict[str, tuple[bool, dt.date]] = {
    "4.2": (True, dt.date(2026, 4, 30)),
    "5.0": (False, dt.date(2025, 4, 2)),
    "5.1": (False, dt.date(2025, 12, 31)),
    "5.2": (True, dt.date(2028, 4, 30)),
    "6.0": (False, dt.date(2027, 4, 30)),
    "6.1": (False, dt.date(2027, 12, 31)),
}
DJANGO_WARN_DAYS = 180  # say so when the LTS's end is this close


# --- Versions ---------------------------------------------------------------------------------------------------


_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True, order=True)
class SemVer:
    """An npm version: major.minor.patch, with a pre-release tag if any (ordering is used only among releases)."""

    major: int
    minor: int
    patch: int
    pre: str = ""

    @classmethod
    def parse(cls, text: str) -> SemVer:
        m = _SEMVER.match(text.strip())
        if not m:
            raise ValueError(f"not a semver version: {text!r}")
        return cls(int(m[1]), int(m[2]), int(m[3]), m[4] or "")

    @property
    def is_prerelease(self) -> bool:
        return bool(self.pre)

    @property
    def series(self) -> tuple[int, int]:
        return (self.major, self.minor)


def parse_version(ecosystem: str, text: str) -> Version | SemVer | None:
    """The version, or None where the registry lists something neither PEP 440 nor semver (never the newest)."""
    try:
        return Version(text) if ecosystem == "pypi" else SemVer.parse(text)
    except (InvalidVersion, ValueError):
        return None


def series_of(version: Version | SemVer) -> tuple[int, int]:
    """The major.minor series ("6" is 6.0; a calendar version 2026.10.1 is the 2026.10 series)."""
    if isinstance(version, SemVer):
        return version.series
    release = (*version.release, 0)
    return (release[0], release[1])


# --- What is locked ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Locked:
    ecosystem: str  # "pypi" or "npm"
    name: str
    version: str
    registry: str  # base URL the lock resolved it from


def read_uv_lock(path: Path = UV_LOCK) -> list[Locked]:
    """Every registry package in uv.lock (the project itself, virtual, is not one); a package locked at two versions
    (uv forks the resolution by Python version or platform) appears twice."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for pkg in data.get("package", []):
        registry = pkg.get("source", {}).get("registry")
        if not registry or "version" not in pkg:
            continue  # virtual, editable, path, git, direct URL: no registry to ask
        out.append(Locked("pypi", pkg["name"], pkg["version"], registry.rstrip("/")))
    return out


def read_package_lock(path: Path = PACKAGE_LOCK) -> list[Locked]:
    """Every package npm installs from package-lock.json (lockfileVersion 2 or 3), direct and transitive."""
    data = json.loads(path.read_text(encoding="utf-8"))
    seen: set[tuple[str, str]] = set()
    out = []
    for key, pkg in data.get("packages", {}).items():
        if not key or pkg.get("link") or "version" not in pkg:
            continue  # the project itself, or a workspace link
        name = pkg.get("name") or key.rsplit("node_modules/", 1)[-1]
        resolved = pkg.get("resolved", "")
        if resolved and not resolved.startswith(("https://", "http://")):
            continue  # git, file or tarball path: not a registry release
        registry = NPM_REGISTRY
        if resolved and "/-/" in resolved:
            # https://registry.npmjs.org/@scope/name/-/name-1.2.3.tgz -> the registry's base
            base = resolved.split("/-/", 1)[0]
            registry = base[: -len(name)].rstrip("/") if base.endswith(name) else NPM_REGISTRY
        if (name, pkg["version"]) not in seen:
            seen.add((name, pkg["version"]))
            out.append(Locked("npm", name, pkg["version"], registry))
    return out


# --- What the registries have -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    version: str
    released: dt.datetime | None  # first upload; None if the registry does not say
    withdrawn: bool  # PyPI: every file yanked; npm: deprecated


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def pypi_releases(doc: dict) -> dict[str, Release]:
    """Releases from a PEP 691 JSON project page: a release is withdrawn when all its files are yanked."""
    by_version: dict[str, list[dict]] = {v: [] for v in doc.get("versions", [])}
    name = re.sub(r"[-_.]+", "-", doc.get("name", "")).lower()
    for f in doc.get("files", []):
        version = _version_from_filename(name, f.get("filename", ""))
        if version is not None:
            by_version.setdefault(version, []).append(f)
    out = {}
    for version, files in by_version.items():
        if not files:
            continue  # listed with no files: nothing to install
        times = [t for t in (_parse_time(f.get("upload-time")) for f in files) if t]
        withdrawn = all(bool(f.get("yanked")) for f in files)
        out[version] = Release(version, min(times) if times else None, withdrawn)
    return out


def _version_from_filename(name: str, filename: str) -> str | None:
    """The version in a wheel or sdist file name (PEP 427 / 625 names, and older sdists with any separators)."""
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        return parts[1] if len(parts) >= 5 else None
    for ext in (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar"):
        if filename.endswith(ext):
            stem = filename[: -len(ext)]
            # The project name in the file may use any of - _ . and any case: match it as a normalized prefix.
            for i, ch in enumerate(stem):
                if ch == "-" and re.sub(r"[-_.]+", "-", stem[:i]).lower() == name:
                    return stem[i + 1 :]
            return None
    return None  # .egg, .exe and the like: not what uv installs


def npm_releases(doc: dict) -> dict[str, Release]:
    """Releases from the npm registry's package document (abbreviated or full): deprecated versions are withdrawn."""
    times = doc.get("time", {})
    return {
        version: Release(version, _parse_time(times.get(version)), bool(meta.get("deprecated")))
        for version, meta in doc.get("versions", {}).items()
    }


class RegistryError(Exception):
    pass


def _get_json(url: str, accept: str) -> dict:
    if urllib.parse.urlparse(url).scheme not in ("https", "http"):
        raise RegistryError(f"{url}: not an http(s) registry URL")
    headers = {"Accept": accept, "Accept-Encoding": "gzip", "User-Agent": "ffp-deps"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http(s) only, checked above)
    last: Exception | None = None
    for attempt in range(2):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) only)  # nosec B310
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                return json.loads(body)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise RegistryError(f"{url}: 404, not on the registry") from exc
            last = exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            last = exc
        if attempt == 0:
            time.sleep(1)
    raise RegistryError(f"{url}: {last}")


def fetch_releases(locked: Locked) -> dict[str, Release]:
    if locked.ecosystem == "pypi":
        url = f"{locked.registry}/{locked.name}/"
        return pypi_releases(_get_json(url, "application/vnd.pypi.simple.v1+json"))
    url = f"{locked.registry}/{urllib.parse.quote(locked.name, safe='@')}"
    return npm_releases(_get_json(url, "application/vnd.npm.install-v1+json"))


# --- The comparison ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exception_:
    name: str
    version: str
    reason: str
    added: dt.date
    expires: dt.date
    ecosystem: str = "pypi"


@dataclass
class Finding:
    locked: Locked
    newest: str | None = None  # newest release of the locked series, when newer than the lock
    released: dt.datetime | None = None
    status: str = "ok"  # ok | behind | grace | excepted | withdrawn | error
    detail: str = ""


def newest_in_series(locked_version: str, releases: dict[str, Release], ecosystem: str) -> Release | None:
    """The newest release in the locked version's major.minor series that is not a pre-release or withdrawn, if it is
    newer than the locked version; else None."""
    current = parse_version(ecosystem, locked_version)
    if current is None:
        return None
    series = series_of(current)
    best: tuple[Version | SemVer, Release] | None = None
    for text, release in releases.items():
        v = parse_version(ecosystem, text)
        if v is None or v.is_prerelease or release.withdrawn or series_of(v) != series:
            continue
        if isinstance(v, Version) and v.local:
            continue
        if v > current and (best is None or v > best[0]):
            best = (v, release)
    return best[1] if best else None


def assess(
    locked: Locked,
    releases: dict[str, Release],
    *,
    now: dt.datetime,
    grace_days: int = GRACE_DAYS,
    exceptions: dict[tuple[str, str, str], Exception_] | None = None,
) -> Finding:
    """One locked package against what its registry has."""
    finding = Finding(locked)
    mine = releases.get(locked.version)
    if mine is None and locked.ecosystem == "pypi":
        # PyPI lists "1.0" for a lock's "1.0.0" and the like: compare as versions.
        want = parse_version("pypi", locked.version)
        mine = next((r for t, r in releases.items() if parse_version("pypi", t) == want), None)
    newer = newest_in_series(locked.version, releases, locked.ecosystem)
    exception = (exceptions or {}).get((locked.ecosystem, locked.name, locked.version))
    if mine is not None and mine.withdrawn:
        finding.status, finding.detail = "withdrawn", "the locked version is yanked/deprecated on its registry"
        if newer:
            finding.newest, finding.released = newer.version, newer.released
    elif newer is not None:
        finding.newest, finding.released = newer.version, newer.released
        age = (now - newer.released) if newer.released else None
        if age is not None and age < dt.timedelta(days=grace_days):
            finding.status = "grace"
            finding.detail = f"released {age.total_seconds() / 86400:.1f} days ago (grace {grace_days} days)"
        else:
            finding.status = "behind"
    if finding.status in ("behind", "withdrawn") and exception is not None:
        finding.status, finding.detail = "excepted", f"until {exception.expires}: {exception.reason}"
    return finding


# --- Exceptions -------------------------------------------------------------------------------------------------


def read_exceptions(path: Path, *, today: dt.date) -> tuple[dict[tuple[str, str, str], Exception_], list[str]]:
    """deps-exceptions.toml's [[exception]] tables, and the problems that fail the check (expired, over 30 days,
    written in the future, fields missing)."""
    if not path.exists():
        return {}, []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    valid: dict[tuple[str, str, str], Exception_] = {}
    problems = []
    for i, entry in enumerate(data.get("exception", []), start=1):
        label = f"{path.name} exception {i} ({entry.get('package', '?')} {entry.get('version', '?')})"
        missing = [k for k in ("package", "version", "reason", "added", "expires") if not entry.get(k)]
        if missing:
            problems.append(f"{label}: missing {', '.join(missing)}")
            continue
        added, expires = entry["added"], entry["expires"]
        if not isinstance(added, dt.date) or not isinstance(expires, dt.date):
            problems.append(f"{label}: added and expires must be TOML dates (2026-12-06, unquoted)")
            continue
        ecosystem = entry.get("ecosystem", "pypi")
        if ecosystem not in ("pypi", "npm"):
            problems.append(f"{label}: ecosystem must be pypi or npm, not {ecosystem!r}")
            continue
        if added > today:
            problems.append(f"{label}: added {added} is in the future")
        elif (expires - added).days > MAX_EXCEPTION_DAYS:
            problems.append(
                f"{label}: expires {expires}, {(expires - added).days} days after it was added ({added}); "
                f"an exception may run at most {MAX_EXCEPTION_DAYS} days: look again and write a new one"
            )
        elif expires < today:
            problems.append(f"{label}: expired on {expires}: upgrade, or look again and write a new one")
        else:
            name = entry["package"] if ecosystem == "npm" else re.sub(r"[-_.]+", "-", entry["package"]).lower()
            valid[(ecosystem, name, str(entry["version"]))] = Exception_(
                name, str(entry["version"]), entry["reason"], added, expires, ecosystem
            )
    return valid, problems


# --- Django -----------------------------------------------------------------------------------------------------


def django_problems(locked: list[Locked], *, today: dt.date) -> tuple[list[str], list[str]]:
    """(failures, notes) for every Django version in the lock."""
    failures, notes = [], []
    versions = [p.version for p in locked if p.ecosystem == "pypi" and p.name == "django"]
    if not versions:
        return ["Django is not in uv.lock"], []
    for text in versions:
        v = Version(text)
        series = f"{v.major}.{v.minor}"
        if series not in DJANGO_SERIES:
            failures.append(f"Django {text}: series {series} is not in ffp/deps.py DJANGO_SERIES (add its dates)")
            continue
        lts, end = DJANGO_SERIES[series]
        if not lts:
            failures.append(f"Django {text}: {series} is not an LTS (supported until {end}); stay on an LTS")
        elif end < today:
            failures.append(f"Django {text}: {series} LTS support ended on {end}")
        else:
            notes.append(f"Django {text}: {series} LTS, supported until {end}")
            if (end - today).days <= DJANGO_WARN_DAYS:
                notes.append(f"Django {series}'s support ends in {(end - today).days} days: plan the next LTS")
    return failures, notes


# --- The check --------------------------------------------------------------------------------------------------


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def registry_label(locked: Locked) -> str:
    host = urllib.parse.urlparse(locked.registry).netloc
    return f"{'PyPI' if locked.ecosystem == 'pypi' else 'npm'} registry ({host})"


def check(
    locked: list[Locked],
    *,
    exceptions_path: Path = EXCEPTIONS,
    grace_days: int = GRACE_DAYS,
    now: dt.datetime | None = None,
    fetch=fetch_releases,
) -> Report:
    now = now or dt.datetime.now(dt.UTC)
    today = now.date()
    report = Report()
    for eco in ("pypi", "npm"):
        report.counts[eco] = len({p.name for p in locked if p.ecosystem == eco})
    exceptions, problems = read_exceptions(exceptions_path, today=today)
    report.failures += problems
    fails, notes = django_problems(locked, today=today)
    report.failures += fails
    report.notes += notes

    def one(p: Locked) -> Finding:
        try:
            return assess(p, fetch(p), now=now, grace_days=grace_days, exceptions=exceptions)
        except RegistryError as exc:
            return Finding(p, status="error", detail=str(exc))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        report.findings = list(pool.map(one, locked))

    errors = [f for f in report.findings if f.status == "error"]
    for f in errors:
        if "404" in f.detail:
            report.failures.append(f"{f.locked.name} {f.locked.version}: {f.detail}")
    for label in sorted({registry_label(f.locked) for f in errors if "404" not in f.detail}):
        down = [f for f in errors if registry_label(f.locked) == label and "404" not in f.detail]
        report.failures.append(
            f"{label} could not be reached for {len(down)} package(s), so they cannot be said to be fresh "
            f"(first: {down[0].detail})"
        )
    for f in report.findings:
        where = "npm " if f.locked.ecosystem == "npm" else ""
        if f.status == "behind":
            when = f" (released {f.released.date()})" if f.released else ""
            report.failures.append(f"{where}{f.locked.name} {f.locked.version} -> {f.newest}{when}")
        elif f.status == "withdrawn":
            newest = f"; newest of the series {f.newest}" if f.newest else ""
            report.failures.append(f"{where}{f.locked.name} {f.locked.version}: {f.detail}{newest}")
        elif f.status == "grace":
            report.notes.append(f"{where}{f.locked.name} {f.locked.version} -> {f.newest}: {f.detail}")
        elif f.status == "excepted":
            report.notes.append(f"{where}{f.locked.name} {f.locked.version} (newest {f.newest}) excepted {f.detail}")
    in_lock = {(p.ecosystem, p.name, p.version) for p in locked}
    for key, exc in exceptions.items():
        if key not in in_lock:
            report.notes.append(f"exception for {exc.name} {exc.version} no longer matches the lock: remove it")
    return report


# --- SBOM -------------------------------------------------------------------------------------------------------

SBOM_DIR = ROOT / "build" / "sbom"


def sbom_python(out: Path, *, uv: list[str], validate: bool = True) -> Path:
    """CycloneDX 1.6 JSON of every package in uv.lock (all groups, every platform), with its hashes: uv exports the
    lock as pinned requirements and cyclonedx-py (cyclonedx-bom) writes, and by default schema-validates, the SBOM."""
    out.mkdir(parents=True, exist_ok=True)
    requirements = out / "python-requirements.txt"
    export = [*uv, "export", "--frozen", "--all-groups", "--no-emit-project", "--format", "requirements.txt"]
    subprocess.run([*export, "--quiet", "--output-file", str(requirements)], cwd=ROOT, check=True)  # noqa: S603
    target = out / "python.cdx.json"
    command = [sys.executable, "-m", "cyclonedx_py", "requirements", "--pyproject", str(ROOT / "pyproject.toml")]
    command += ["--mc-type", "application", "--sv", "1.6", "--of", "JSON", "--output-reproducible"]
    command += ["--validate" if validate else "--no-validate", "-o", str(target), str(requirements)]
    # cyclonedx-py warns that a requirements file has no dependency graph: known, and not the SBOM's purpose here.
    env = {**os.environ, "PYTHONWARNINGS": "ignore::UserWarning"}
    subprocess.run(command, cwd=ROOT, check=True, env=env, stderr=None if validate else subprocess.DEVNULL)  # noqa: S603
    requirements.unlink()
    return target


def sbom_npm(out: Path, *, package_lock: Path = PACKAGE_LOCK, validate: bool = True) -> Path:
    """CycloneDX 1.6 JSON of every package in package-lock.json, with its integrity hash, written with
    cyclonedx-python-lib (what cyclonedx-bom is built on): cyclonedx-npm would add 176 packages to the lock."""
    import base64

    from cyclonedx.model import HashAlgorithm, HashType, Property
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from packageurl import PackageURL

    data = json.loads(package_lock.read_text(encoding="utf-8"))
    algorithms = {"sha512": HashAlgorithm.SHA_512, "sha384": HashAlgorithm.SHA_384, "sha256": HashAlgorithm.SHA_256}
    components = []
    for p in read_package_lock(package_lock):
        entry = next(
            v for k, v in data["packages"].items() if k and v.get("version") == p.version and k.endswith(p.name)
        )
        namespace, _, short = p.name.rpartition("/")
        hashes = []
        for item in entry.get("integrity", "").split():
            alg, _, b64 = item.partition("-")
            if alg in algorithms:
                hashes.append(HashType(alg=algorithms[alg], content=base64.b64decode(b64).hex()))
        components.append(
            Component(
                name=short,
                group=namespace or None,
                version=p.version,
                bom_ref=f"{p.name}@{p.version}",
                purl=PackageURL("npm", namespace or None, short, p.version),
                hashes=hashes,
                properties=[Property(name="cdx:npm:package:development", value="true")] if entry.get("dev") else [],
            )
        )
    name = data.get("name") or "frontend"
    root = Component(name=name, version=data.get("version"), type=ComponentType.APPLICATION, bom_ref=name)
    bom = Bom(components=components, metadata=BomMetaData(component=root))
    top = data["packages"].get("", {})
    direct = {**top.get("dependencies", {}), **top.get("devDependencies", {})}
    by_path = {f"node_modules/{c.purl.namespace + '/' if c.purl.namespace else ''}{c.name}": c for c in components}
    bom.register_dependency(root, [by_path[f"node_modules/{d}"] for d in direct if f"node_modules/{d}" in by_path])
    for path, entry in data["packages"].items():
        if path in by_path:
            needs = [
                by_path[f"node_modules/{d}"] for d in entry.get("dependencies", {}) if f"node_modules/{d}" in by_path
            ]
            bom.register_dependency(by_path[path], needs)
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    if validate and (error := JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)):
        raise ValueError(f"npm SBOM is not valid CycloneDX 1.6: {error}")
    out.mkdir(parents=True, exist_ok=True)
    target = out / "npm.cdx.json"
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ffp.deps", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("check", help="fail if a locked package is behind its series' newest patch, or Django's LTS")
    run.add_argument("--grace-days", type=int, default=int(os.environ.get("DEPS_GRACE_DAYS", GRACE_DAYS)))
    run.add_argument("--exceptions", type=Path, default=EXCEPTIONS)
    run.add_argument("--uv-lock", type=Path, default=UV_LOCK)
    run.add_argument("--package-lock", type=Path, default=PACKAGE_LOCK)
    bom = sub.add_parser("sbom", help="CycloneDX SBOMs of uv.lock and package-lock.json into build/sbom/")
    bom.add_argument("--out", type=Path, default=SBOM_DIR)
    bom.add_argument("--uv", default=os.environ.get("UV", "uv"), help="how to run uv (default: uv, or $UV)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    if args.command == "sbom":
        written = [sbom_python(args.out, uv=shlex.split(args.uv)), sbom_npm(args.out)]
        for path in written:
            count = len(json.loads(path.read_text(encoding="utf-8")).get("components", []))
            print(f"sbom: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {count} components")
        print(f"sbom: written and validated in {time.monotonic() - started:.1f} s")
        return 0

    locked = read_uv_lock(args.uv_lock)
    if args.package_lock.exists():
        locked += read_package_lock(args.package_lock)
    report = check(locked, exceptions_path=args.exceptions, grace_days=args.grace_days)
    took = time.monotonic() - started
    for line in report.notes:
        print(f"deps: {line}")
    for line in report.failures:
        print(f"deps: FAIL {line}")
    behind = sum(1 for f in report.findings if f.status in ("behind", "withdrawn"))
    print(
        f"deps-check: {report.counts.get('pypi', 0)} Python and {report.counts.get('npm', 0)} npm packages; "
        f"{behind} behind, {sum(f.status == 'grace' for f in report.findings)} in grace, "
        f"{sum(f.status == 'excepted' for f in report.findings)} excepted; "
        f"{'passed' if report.ok else f'{len(report.failures)} failure(s)'} in {took:.1f} s"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
