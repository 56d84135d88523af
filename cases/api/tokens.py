"""`Authorization: Bearer ffp_…`: a service account's API token (issue 17 item 1; cases.services.api_tokens).

Replaces rest_framework.authtoken's TokenAuthentication: tokens are stored hashed, scoped, expiring and revocable.
A missing or unknown, expired or revoked token is a 401 with `WWW-Authenticate: Bearer` (RFC 6750); a read-only
token sending a write is a 403 whose body says so (RFC 6750's insufficient_scope): the token is good, the request
is beyond it, and saying so reveals nothing about any record."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from ..auth import UserBackend
from ..services.api_tokens import token_authenticate

KEYWORD = "Bearer"


class InsufficientScope(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "This API token is read-only: a write needs a token with the write scope."
    default_code = "insufficient_scope"


class ApiTokenAuthentication(BaseAuthentication):
    """A service account's token in the Authorization header. The account is loaded as the session's user is
    (cases.auth.UserBackend: roles, teams and agency in one query; a disabled account is no user), on each request,
    so a token stops working the moment its account is disabled or loses a team (battery B7)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: Bearer followed by one token.")
        try:
            plaintext = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = token_authenticate(plaintext)
        user = UserBackend().get_user(token.account_id) if token is not None else None
        if user is None or not user.is_service_account:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if request.method not in SAFE_METHODS and not token.can_write:
            raise InsufficientScope()
        return user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for the token (drf-spectacular): HTTP bearer."""

    target_class = ApiTokenAuthentication
    name = "serviceAccountToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A service account's API token (`manage.py api_token issue`): `Bearer ffp_…`.",
        }
