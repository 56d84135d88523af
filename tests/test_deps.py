"""The dependency freshness gate (B20, ffp/deps.py) on registry answers written here, and the SBOM of the real locks.

No network: the registry documents are what PyPI's simple JSON API (PEP 691) and the npm registry return, built in the
tests and passed through the gate's own parsing; the only socket opened is a refused one on loopback, for the
"registry cannot be reached" failure. `make deps-check` (.ci/run) is the run against the real registries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from ffp import deps

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days_ago(n: float) -> str:
    return (NOW - dt.timedelta(days=n)).isoformat().replace("+00:00", "Z")


def pypi_doc(name: str, releases: dict[str, tuple[float, bool]]) -> dict:
    """A PEP 691 project page: each release as a wheel and an sdist, uploaded `age` days ago, yanked or not."""
    files = []
    for version, (age, yanked) in releases.items():
        stem = f"{name.replace('-', '_')}-{version}"
        for filename in (f"{stem}-py3-none-any.whl", f"{stem}.tar.gz"):
            files.append({"filename": filename, "upload-time": days_ago(age), "yanked": yanked, "hashes": {}})
    return {"meta": {"api-version": "1.1"}, "name": name, "versions": list(releases), "files": files}


def npm_doc(name: str, releases: dict[str, tuple[float, bool]]) -> dict:
    """The npm registry's abbreviated document: versions (deprecated or not) and their publication times."""
    versions = {v: ({"deprecated": "do not use"} if dep else {}) for v, (_, dep) in releases.items()}
    return {"name": name, "versions": versions, "time": {v: days_ago(age) for v, (age, _) in releases.items()}}


def run_check(locked, docs, *, exceptions: Path, grace_days: int = 7) -> deps.Report:
    """The gate's check() with each package's registry answer taken from `docs` (by name)."""

    def fetch(p: deps.Locked):
        doc = docs[p.name]
        return deps.pypi_releases(doc) if p.ecosystem == "pypi" else deps.npm_releases(doc)

    return deps.check(locked, exceptions_path=exceptions, grace_days=grace_days, now=NOW, fetch=fetch)


DJANGO = deps.Locked("pypi", "django", "5.2.19", deps.PYPI_SIMPLE)
DJANGO_DOC = pypi_doc("django", {"5.2.19": (30, False)})


@pytest.fixture
def no_exceptions(tmp_path):
    return tmp_path / "none.toml"


def test_behind_the_newest_patch_of_its_series_fails_and_a_newer_minor_does_not(no_exceptions):
    locked = [DJANGO, deps.Locked("pypi", "pypdf", "7.1.0", deps.PYPI_SIMPLE)]
    doc = pypi_doc("pypdf", {"7.0.9": (90, False), "7.1.0": (60, False), "7.1.1": (18, False), "7.2.0": (10, False)})
    report = run_check(locked, {"django": DJANGO_DOC, "pypdf": doc}, exceptions=no_exceptions)
    assert not report.ok
    assert report.failures == ["pypdf 7.1.0 -> 7.1.1 (released 2026-11-18)"]

    # At the newest patch of 7.1, with 7.2.0 out: fresh (a new minor is a choice, not a lag).
    locked[1] = deps.Locked("pypi", "pypdf", "7.1.1", deps.PYPI_SIMPLE)
    assert run_check(locked, {"django": DJANGO_DOC, "pypdf": doc}, exceptions=no_exceptions).ok


def test_series_of_short_and_calendar_versions():
    releases = deps.pypi_releases(pypi_doc("x", {"6": (40, False), "6.0.1": (30, False), "6.1": (20, False)}))
    assert deps.newest_in_series("6", releases, "pypi").version == "6.0.1"
    cal = deps.pypi_releases(
        pypi_doc("side", {"2026.10.1": (40, False), "2026.10.4": (30, False), "2026.11.1": (9, False)})
    )
    assert deps.newest_in_series("2026.10.1", cal, "pypi").version == "2026.10.4"
    assert deps.newest_in_series("2026.10.4", cal, "pypi") is None
    # A post-release of the same version is a newer release of that series.
    post = deps.pypi_releases(pypi_doc("dateutil", {"2.9.0": (400, False), "2.9.0.post0": (300, False)}))
    assert deps.newest_in_series("2.9.0", post, "pypi").version == "2.9.0.post0"


def test_pre_releases_are_never_the_newest(no_exceptions):
    doc = pypi_doc("django", {"5.2.19": (30, False), "5.2.20rc1": (20, False), "5.2.20.dev1": (20, False)})
    assert run_check([DJANGO], {"django": doc}, exceptions=no_exceptions).ok
    npm = npm_doc("axe-core", {"4.11.4": (60, False), "4.11.5-canary.f019068": (30, False), "4.14.1": (20, False)})
    assert run_check(
        [DJANGO, deps.Locked("npm", "axe-core", "4.11.4", deps.NPM_REGISTRY)],
        {"django": DJANGO_DOC, "axe-core": npm},
        exceptions=no_exceptions,
    ).ok


def test_yanked_and_deprecated_releases_are_never_the_newest_and_a_yanked_lock_fails(no_exceptions):
    doc = pypi_doc("redis", {"8.1.0": (60, False), "8.1.1": (30, True)})
    # Only one of 8.1.2's two files yanked: the release stands.
    doc2 = pypi_doc("redis", {"8.1.2": (20, False)})
    doc2["files"][0]["yanked"] = "broken wheel"
    locked = [DJANGO, deps.Locked("pypi", "redis", "8.1.0", deps.PYPI_SIMPLE)]
    assert run_check(locked, {"django": DJANGO_DOC, "redis": doc}, exceptions=no_exceptions).ok
    merged = {**doc, "versions": [*doc["versions"], "8.1.2"], "files": doc["files"] + doc2["files"]}
    assert run_check(locked, {"django": DJANGO_DOC, "redis": merged}, exceptions=no_exceptions).failures == [
        f"redis 8.1.0 -> 8.1.2 (released {(NOW - dt.timedelta(days=20)).date()})"
    ]

    npm = npm_doc("sass", {"1.93.3": (60, False), "1.93.4": (30, True)})
    assert run_check(
        [DJANGO, deps.Locked("npm", "sass", "1.93.3", deps.NPM_REGISTRY)],
        {"django": DJANGO_DOC, "sass": npm},
        exceptions=no_exceptions,
    ).ok

    # The locked version itself yanked: fails, naming the release to move to.
    report = run_check(
        [DJANGO, deps.Locked("pypi", "redis", "8.1.1", deps.PYPI_SIMPLE)],
        {"django": DJANGO_DOC, "redis": doc},
        exceptions=no_exceptions,
    )
    assert [f.status for f in report.findings] == ["ok", "withdrawn"]
    assert not report.ok


def test_a_patch_younger_than_the_grace_period_is_reported_but_does_not_fail(no_exceptions):
    locked = [DJANGO, deps.Locked("pypi", "hypothesis", "6.170.15", deps.PYPI_SIMPLE)]
    young = pypi_doc("hypothesis", {"6.170.15": (40, False), "6.170.27": (5.9, False)})
    report = run_check(locked, {"django": DJANGO_DOC, "hypothesis": young}, exceptions=no_exceptions)
    assert report.ok
    assert any(n.startswith("hypothesis 6.170.15 -> 6.170.27: released 5.9 days ago") for n in report.notes)
    # The same release a week and a bit later, or with no grace at all: behind.
    old = pypi_doc("hypothesis", {"6.170.15": (40, False), "6.170.27": (7.1, False)})
    assert not run_check(locked, {"django": DJANGO_DOC, "hypothesis": old}, exceptions=no_exceptions).ok
    assert not run_check(locked, {"django": DJANGO_DOC, "hypothesis": young}, exceptions=no_exceptions, grace_days=0).ok


def write_exception(path: Path, *, version="7.1.0", added=TODAY, expires=TODAY + dt.timedelta(days=30)) -> Path:
    path.write_text(
        f'[[exception]]\npackage = "pypdf"\nversion = "{version}"\nreason = "7.1.1 breaks the letters"\n'
        f"added = {added}\nexpires = {expires}\n"
    )
    return path


def test_exceptions_excuse_for_at_most_30_days_and_fail_once_expired(tmp_path):
    locked = [DJANGO, deps.Locked("pypi", "pypdf", "7.1.0", deps.PYPI_SIMPLE)]
    docs = {"django": DJANGO_DOC, "pypdf": pypi_doc("pypdf", {"7.1.0": (60, False), "7.1.1": (18, False)})}
    path = tmp_path / "deps-exceptions.toml"

    report = run_check(locked, docs, exceptions=write_exception(path))
    assert report.ok, report.failures
    assert [f.status for f in report.findings] == ["ok", "excepted"]

    expired = run_check(
        locked,
        docs,
        exceptions=write_exception(path, added=TODAY - dt.timedelta(days=31), expires=TODAY - dt.timedelta(days=1)),
    )
    assert any("expired on" in f for f in expired.failures)
    assert "pypdf 7.1.0 -> 7.1.1 (released 2026-11-18)" in expired.failures

    too_long = run_check(locked, docs, exceptions=write_exception(path, expires=TODAY + dt.timedelta(days=31)))
    assert any("31 days after it was added" in f for f in too_long.failures)

    future = run_check(locked, docs, exceptions=write_exception(path, added=TODAY + dt.timedelta(days=5)))
    assert any("in the future" in f for f in future.failures)

    # An exception for another version excuses nothing (and is reported as stale).
    other = run_check(locked, docs, exceptions=write_exception(path, version="7.0.9"))
    assert other.failures == ["pypdf 7.1.0 -> 7.1.1 (released 2026-11-18)"]
    assert any("no longer matches the lock" in n for n in other.notes)


def test_the_project_exceptions_file_is_valid():
    _, problems = deps.read_exceptions(deps.EXCEPTIONS, today=dt.datetime.now(dt.UTC).date())
    assert problems == []


@pytest.mark.parametrize(
    ("version", "today", "expect"),
    [
        ("5.2.19", TODAY, None),
        ("5.2.19", dt.date(2028, 5, 1), "5.2 LTS support ended on 2028-04-30"),
        ("6.0.3", TODAY, "6.0 is not an LTS"),
        ("4.2.30", TODAY, "4.2 LTS support ended on 2026-04-30"),
        ("7.0", TODAY, "series 7.0 is not in ffp/deps.py DJANGO_SERIES"),
    ],
)
def test_django_must_be_on_a_supported_lts(version, today, expect):
    failures, notes = deps.django_problems([deps.Locked("pypi", "django", version, deps.PYPI_SIMPLE)], today=today)
    if expect is None:
        assert failures == [] and notes == [f"Django {version}: 5.2 LTS, supported until 2028-04-30"]
    else:
        assert len(failures) == 1 and expect in failures[0]


def test_lts_end_close_is_noted():
    _, notes = deps.django_problems([DJANGO], today=dt.date(2028, 1, 1))
    assert any("ends in 120 days" in n for n in notes)


def test_reads_every_package_of_the_real_uv_lock_and_package_lock():
    text = deps.UV_LOCK.read_text()
    blocks = text.split("[[package]]")[1:]
    expected = set()
    for block in blocks:
        name = re.search(r'^name = "([^"]+)"', block, re.M)[1]
        version = re.search(r'^version = "([^"]+)"', block, re.M)
        if 'source = { registry = "' in block:
            expected.add((name, version[1]))
    found = {(p.name, p.version) for p in deps.read_uv_lock()}
    assert found == expected
    assert len(found) == len(blocks) - 1  # every package but the project itself (virtual)
    assert len(tomllib.loads(text)["package"]) == len(blocks)
    assert any(n == "django" for n, _ in found)
    assert all(p.registry == deps.PYPI_SIMPLE for p in deps.read_uv_lock())

    lock = json.loads(deps.PACKAGE_LOCK.read_text())
    npm = {(p.name, p.version) for p in deps.read_package_lock()}
    installed = {(k.rsplit("node_modules/", 1)[1], v["version"]) for k, v in lock["packages"].items() if k}
    assert npm == installed
    direct = {**lock["packages"][""].get("dependencies", {}), **lock["packages"][""].get("devDependencies", {})}
    assert set(direct) <= {n for n, _ in npm}
    assert {p.registry for p in deps.read_package_lock()} == {deps.NPM_REGISTRY}


def test_an_unreachable_registry_fails_naming_it(no_exceptions):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    locked = [deps.Locked("pypi", "django", "5.2.19", "http://127.0.0.1:9/simple")]
    report = deps.check(locked, exceptions_path=no_exceptions, now=NOW)
    assert not report.ok
    assert len(report.failures) == 1
    assert report.failures[0].startswith("PyPI registry (127.0.0.1:9) could not be reached for 1 package(s)")


def test_sdist_and_wheel_file_names():
    assert deps._version_from_filename("zope-interface", "zope.interface-7.2.tar.gz") == "7.2"
    assert deps._version_from_filename("pyyaml", "PyYAML-6.0.4.tar.gz") == "6.0.4"
    assert deps._version_from_filename("pyyaml", "pyyaml-6.0.4-cp311-cp311-manylinux_2_17_x86_64.whl") == "6.0.4"
    assert deps._version_from_filename("x", "x-1.0.egg") is None


def uv_command() -> list[str]:
    uv = shutil.which("uv")
    return [uv] if uv else ["python3", "-m", "uv"]


def test_sbom_lists_every_locked_package_with_its_version(tmp_path):
    python = json.loads(deps.sbom_python(tmp_path, uv=uv_command(), validate=False).read_text())
    npm = json.loads(deps.sbom_npm(tmp_path, validate=True).read_text())
    for bom in (python, npm):
        assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    assert python["metadata"]["component"]["name"] == "ffp-case"

    listed = {c["purl"] for c in python["components"]}
    assert listed == {f"pkg:pypi/{p.name}@{p.version}" for p in deps.read_uv_lock()}
    assert all(c["externalReferences"][0]["hashes"] for c in python["components"])

    npm_listed = {c["purl"] for c in npm["components"]}
    expected = set()
    for p in deps.read_package_lock():
        scope, _, short = p.name.rpartition("/")
        expected.add(f"pkg:npm/{scope.replace('@', '%40') + '/' if scope else ''}{short}@{p.version}")
    assert npm_listed == expected
    assert all(c["hashes"][0]["alg"] == "SHA-512" for c in npm["components"])
