"""Production: everything from the environment; a missing variable stops the start with its name."""

from .base import *  # noqa: F403
from .env import env_bool, env_database_roles, env_int, env_list, env_redis, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
# Django's deploy check (security.W009) asks for 50 characters of at least 5 different ones: a key that starts
# must also pass `manage.py check --deploy --fail-level WARNING`.
if SECRET_KEY != "build-only" and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):  # noqa: S105  (image build)
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 characters long, of at least 5 different characters, in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ",".join(f"https://{h}" for h in ALLOWED_HOSTS))
# DATABASE_URL: the application role (web, worker, beat); the one-shot migrate gets DATABASE_OWNER_URL as well and
# connects as the owner (README, "Two database roles").
_database, DATABASE_APP_ROLE = env_database_roles()
DATABASES = {"default": _database}
REDIS_URL = env_redis("REDIS_URL")
TEST_CLOCK = False  # ffp.clock: production's time is never moved (not even from the environment)
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)  # noqa: F405
CACHES = {"default": {"BACKEND": "ffp.cache.RedisCache", "LOCATION": REDIS_URL}}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers and the container health check probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
