"""The provider's id tokens and userinfo carry the user's email and the `amr` the test chose for them."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class AmrValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request):
        user = request.user
        return {"email": user.email, "amr": settings.PROVIDER_AMR.get(user.get_username(), ["pwd"])}
