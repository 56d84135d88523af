"""Signing in through the council's identity provider (issue 17 item 1): OpenID Connect with mozilla-django-oidc.

- Users are matched by email to an existing, active person's account; none is ever created from the provider's
  claims. What someone may see comes from the teams, roles and agency the council's administrators give their
  account here (cases.policy): an account made at first sign-in would have none of them, and creating accounts from
  a directory's claims would let anyone the directory knows (guests, contractors, other services) in.
- A service account never signs in this way (it uses API tokens).
- Two-factor: the id token's authentication-method claim `amr` (RFC 8176; Entra ID sends ["pwd", "mfa"] after a
  multi-factor sign-in) containing "mfa" means the provider checked a second factor, and the callback marks the
  session verified (cases.mfa.mark_verified, method IDENTITY_PROVIDER); without it the user goes on to our own TOTP
  step like a password sign-in. The claim is read from the id token, whose signature is checked against the
  provider's published keys, never from the userinfo response.
"""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .auth import UserBackend
from .models import User

# The amr values (RFC 8176) that mean the provider checked more than one factor.
MULTI_FACTOR_AMR = frozenset({"mfa"})


class CouncilIdentityBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching by email to existing accounts only."""

    def filter_users_by_claims(self, claims):
        email = str(claims.get("email") or "").strip().lower()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True, is_service_account=False)

    def create_user(self, claims):  # OIDC_CREATE_USER is False too: never reached, and never creates
        return None

    def update_user(self, user, claims):
        return user  # names and teams are the council's administrators' to set here, not the directory's

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            # payload is the verified id token's claims: the callback view reads this to pass two-factor.
            amr = payload.get("amr") or []
            user.identity_provider_amr = [str(v) for v in amr] if isinstance(amr, list) else [str(amr)]
        return user

    def get_user(self, user_id):
        return UserBackend().get_user(user_id)  # the request's user with their roles, as for a password sign-in


def passed_multi_factor(user: User) -> bool:
    return bool(MULTI_FACTOR_AMR.intersection(getattr(user, "identity_provider_amr", ())))
