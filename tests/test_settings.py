"""Production settings refuse to start without their configuration, and name what is missing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    # Dummy values: nothing connects to these hosts. The key is shaped like a real one (50+ characters, many
    # different ones) because the deploy check (security.W009) and prod.py refuse weaker keys.
    "SECRET_KEY": "dummy-Kq3vZ8rT1mW6yB0nJ4xH7cF2sL9pD5gA-not-a-real-secret",
    "ALLOWED_HOSTS": "ffp.example.test",
    "DATABASE_URL": "postgres://ffp:secret@db.example.test:5432/ffp",
    "REDIS_URL": "redis://redis.example.test:6379/0",
}


def prod_env(env_overrides: dict[str, str | None]) -> dict[str, str]:
    # As a deployment starts: without the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    # (and without the test run's owner connection: a deployment gives DATABASE_OWNER_URL to migrate only).
    skipped = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_OWNER_URL")
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k not in skipped}
    env.update(GOOD)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "ffp.settings.prod"
    return env


def start_prod(env_overrides: dict[str, str | None], code: str = "") -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; " + (
        code or "print('DEBUG', settings.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=prod_env(env_overrides), capture_output=True, text=True, timeout=60
    )


def test_production_settings_start_with_everything_set_and_debug_off():
    result = start_prod({})
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_missing_variable_stops_production_start_naming_it(variable):
    result = start_prod({variable: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://a@b/c"),
        ("REDIS_URL", "http://x"),
        ("SECRET_KEY", "short"),
        ("SECRET_KEY", "x" * 60),  # long, but 1 different character: Django's deploy check refuses it
        ("SECRET_KEY", "a-key-of-forty-nine-characters-which-is-too-short"),
    ],
)
def test_invalid_variable_stops_production_start_naming_it(variable, value):
    result = start_prod({variable: value})
    assert result.returncode != 0
    assert variable in result.stderr.splitlines()[-1]


def test_debug_cannot_be_switched_on_in_production_by_the_environment():
    result = start_prod({"DEBUG": "true"})
    assert "DEBUG False" in result.stdout


def test_deploy_checks_pass_with_production_settings(settings):
    """`manage.py check --deploy --fail-level WARNING` finds nothing (issue 12, Done when; battery B15)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=prod_env({}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Silenced: only the shared settings' own, each with its reason there, and never one of Django's security checks.
    assert f"System check identified no issues ({len(settings.SILENCED_SYSTEM_CHECKS)} silenced)." in result.stdout
    assert [check for check in settings.SILENCED_SYSTEM_CHECKS if check.startswith("security.")] == []


def test_deploy_checks_fail_when_production_security_is_weakened():
    """The check above can fail: without HTTPS redirect and HSTS the same command reports warnings."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=prod_env({"SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="ffp.example.test")
secure = client.get("/api/v1/people/", secure=True)  # refused (not signed in): no database needed
plain = client.get("/accounts/login/")  # redirected to HTTPS before anything else runs
print(json.dumps({"secure": dict(secure.headers), "plain": dict(plain.headers), "plain_status": plain.status_code}))
"""


def test_production_responses_carry_hsts_for_a_year_with_subdomains_and_the_policy():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=prod_env({}), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    headers = seen["secure"]
    hsts = dict(
        part.strip().partition("=")[::2] for part in headers["Strict-Transport-Security"].split(";") if part.strip()
    )
    assert int(hsts["max-age"]) >= 31_536_000
    assert "includeSubDomains" in hsts
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # Plain HTTP is sent to HTTPS; even that answer carries the policy.
    assert seen["plain_status"] == 301
    assert seen["plain"]["Location"].startswith("https://")
    assert "Content-Security-Policy" in seen["plain"]


# --- the two database roles (README, "Two database roles") -------------------------------------------------

ROLES = "d = settings.DATABASES['default']; print(d['USER'], d['PASSWORD'], settings.DATABASE_APP_ROLE)"


def test_production_runs_as_the_application_role_of_database_url():
    result = start_prod({"DATABASE_URL": "postgres://ffp_app:app-secret@db.example.test:5432/ffp"}, ROLES)
    assert result.stdout.split() == ["ffp_app", "app-secret", "ffp_app"], result.stderr


def test_a_process_given_the_owner_url_connects_as_the_owner_and_grants_the_application_role():
    """The one-shot migrate: it connects as the owner and grants DATABASE_URL's user what the application needs."""
    result = start_prod(
        {
            "DATABASE_URL": "postgres://ffp_app:app-secret@db.example.test:5432/ffp",
            "DATABASE_OWNER_URL": "postgres://ffp_owner:owner-secret@db.example.test:5432/ffp",
        },
        ROLES,
    )
    assert result.stdout.split() == ["ffp_owner", "owner-secret", "ffp_app"], result.stderr


def test_an_invalid_owner_url_stops_the_start_naming_it():
    result = start_prod({"DATABASE_OWNER_URL": "mysql://a@b/c"})
    assert result.returncode != 0
    assert "DATABASE_OWNER_URL" in result.stderr.splitlines()[-1]
