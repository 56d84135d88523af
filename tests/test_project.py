"""The project's own checks, so that `make test` alone catches a missing migration."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_django_system_checks_pass():
    call_command("check", fail_level="WARNING")


def test_the_apps_of_the_design_are_installed(settings):
    for app in ("cases", "front_door", "family_help", "macpt", "fgdm", "reporting", "guardian", "rest_framework"):
        assert app in settings.INSTALLED_APPS
    assert settings.AUTH_USER_MODEL == "cases.User"
