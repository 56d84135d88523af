"""Local development (make run): DEBUG on, embedded PostgreSQL and Redis supplied by ffp.devstack."""

from .base import *  # noqa: F403
from .env import env_database_roles, env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# DATABASE_URL: the application role; DATABASE_OWNER_URL as well: this process is the owner (migrate, seed_demo).
_database, DATABASE_APP_ROLE = env_database_roles("postgres://ffp_app@localhost:5432/ffp")
DATABASES = {"default": _database}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Demo users' shared authenticator secret (issue 17 item 1): development only, like the demo password. README
# "Demo users" says how to get the code (`manage.py demo_totp`).
DEMO_TOTP_SECRET = env_str("DEMO_TOTP_SECRET", "JBSWY3DPEHPK3PXPFFPCASEDEMOONLY2")
