"""The council identity provider's sign-in pages (issue 17; cases.oidc): "Sign in with <provider>" starts here and
the provider sends the browser back to the callback. Routed only when OIDC_ENABLED (ffp/urls.py): two more public
endpoints, both part of signing in."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from ..mfa import IDENTITY_PROVIDER, mark_verified
from ..oidc import passed_multi_factor
from ..services.audit import audit_sign_in, audit_sign_in_failed
from .home import SITE


class CouncilSignInView(OIDCAuthenticationRequestView):
    """Redirect to the provider's sign-in page (with state, nonce and ?next= kept in the session)."""


class CouncilSignInCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: sign in the matched account; its second factor is passed if the id token says the
    provider checked one."""

    def login_success(self):
        with transaction.atomic():
            response = super().login_success()  # auth.login: the session key rotates here
            audit_sign_in(user=self.user, site=SITE)
            if passed_multi_factor(self.user):
                mark_verified(self.request, method=IDENTITY_PROVIDER)
        return response

    def login_failure(self):
        # No account here for that email, a disabled one, a refused or failed sign-in at the provider.
        audit_sign_in_failed(attempted="", site=SITE, verb="auth.identity_provider_failed")
        messages.error(
            self.request,
            "You could not be signed in with your council account. If you have just been given access, ask your "
            "administrator to add you to FFP Case with this email address; or sign in with your password.",
        )
        return HttpResponseRedirect(reverse("login"))


urlpatterns = [
    path("accounts/council/", CouncilSignInView.as_view(), name="oidc_authentication_init"),
    path("accounts/council/callback/", CouncilSignInCallbackView.as_view(), name="oidc_authentication_callback"),
]
