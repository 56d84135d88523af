"""A stand-in for the council's identity provider (as Microsoft Entra ID is): a second, small Django project serving
OpenID Connect with django-oauth-toolkit, started by the tests as its own process (tests/oidc_provider/serve.py).

Not our app: its database is SQLite in a temporary directory, thrown away when it stops; its RSA signing key is
generated at start. Its users, their passwords and the `amr` each one's id tokens carry come from the environment
(OIDC_PROVIDER_USERS), so a test chooses whether the provider "did multi-factor" for a user."""

import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DATA_DIR = os.environ["OIDC_PROVIDER_DIR"]
SECRET_KEY = os.urandom(32).hex()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(DATA_DIR, "provider.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Its cookies apart from the app's (both run on loopback addresses).
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a test stand-in: fast

_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode(),
    "SCOPES": {"openid": "OpenID Connect", "email": "Email address"},
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.AmrValidator",
    "PKCE_REQUIRED": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],  # the app under test is on plain loopback HTTP
}
# [{"username", "password", "email", "amr": [...]}]
PROVIDER_USERS = json.loads(os.environ.get("OIDC_PROVIDER_USERS", "[]"))
PROVIDER_AMR = {u["username"]: u.get("amr", ["pwd"]) for u in PROVIDER_USERS}
