"""Start the stand-in identity provider: migrate its throwaway database, create its users and one confidential
client (authorization code, RS256 id tokens, the app's callback as its only redirect URI), then serve on the port
given. Run by the tests (tests/oidc_provider/conftest fixture `identity_provider`) as its own process:

    OIDC_PROVIDER_DIR=/tmp/x OIDC_PROVIDER_USERS='[...]' DJANGO_SETTINGS_MODULE=tests.oidc_provider.settings \\
        python -m tests.oidc_provider.serve PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
"""

import sys

import django
from django.core.management import call_command


def main(port: str, client_id: str, client_secret: str, redirect_uri: str) -> None:
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for u in settings.PROVIDER_USERS:
        User.objects.create_user(username=u["username"], password=u["password"], email=u["email"])
    Application.objects.create(
        name="FFP Case",
        client_id=client_id,
        client_secret=client_secret,  # kept hashed by DOT
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,  # the council's own app: no consent page
    )
    print("provider ready", flush=True)
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
