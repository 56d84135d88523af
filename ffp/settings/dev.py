"""Local development (make run): DEBUG on, embedded PostgreSQL and Redis supplied by ffp.devstack."""

from .base import *  # noqa: F403
from .env import env_database, env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
DATABASES = {"default": env_database("DATABASE_URL", "postgres://postgres@localhost:5432/ffp")}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
