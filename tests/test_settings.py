"""Production settings refuse to start without their configuration, and name what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "ffp.example.test",
    "DATABASE_URL": "postgres://ffp:secret@db.example.test:5432/ffp",
    "REDIS_URL": "redis://redis.example.test:6379/0",
}


def start_prod(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k != "DEBUG"}
    env.update(GOOD)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "ffp.settings.prod"
    code = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


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
    ("variable", "value"), [("DATABASE_URL", "mysql://a@b/c"), ("REDIS_URL", "http://x"), ("SECRET_KEY", "short")]
)
def test_invalid_variable_stops_production_start_naming_it(variable, value):
    result = start_prod({variable: value})
    assert result.returncode != 0
    assert variable in result.stderr.splitlines()[-1]


def test_debug_cannot_be_switched_on_in_production_by_the_environment():
    result = start_prod({"DEBUG": "true"})
    assert "DEBUG False" in result.stdout
