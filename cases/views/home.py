"""Sign in, sign out and the home page."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from ..auth import sign_in_username
from ..forms import (
    SignInForm,
)
from ..middleware import LAST_SEEN
from ..models import (
    Role,
    User,
)
from ..registry import registry
from ..services import audit_sign_in, audit_sign_in_failed, audit_sign_in_locked, audit_sign_out

logger = logging.getLogger(__name__)

# The site named in sign-in audit rows (the Django admin's rows name "admin").
SITE = "case"


class SignInView(auth_views.LoginView):
    """GOV.UK sign-in. Every attempt, good or bad, leaves an audit row."""

    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # "Sign in with <the council's identity provider>" only when one is configured (cases.views.oidc).
        name = settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""
        return super().get_context_data(**kwargs, identity_provider_name=name)

    def get_success_url(self) -> str:
        """The password is the first factor: next, the code page (which sends a user without an authenticator app to
        set one up), then where the user was going (issue 17 item 1)."""
        from .. import mfa

        target = super().get_success_url()
        if mfa.is_verified(self.request):
            return target
        return f"{reverse('mfa_verify')}?{urlencode({'next': target})}"

    def form_valid(self, form: SignInForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_sign_in(user=form.get_user(), site=SITE)
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        if form.is_bound and not (form.has_error("username") or form.has_error("password")):
            audit_sign_in_failed(attempted=form.data.get("username", ""), site=SITE)
        return super().form_invalid(form)


def sign_in_locked(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """What a locked account's sign-in gets, on the case system and the admin alike (django-axes'
    AXES_LOCKOUT_CALLABLE, issue 12 item 7): one page, the same for a known and an unknown email. The attempt that
    reached the limit leaves an auth.locked_out row (its failure is audited by the sign-in view already)."""
    from ffp.admin_site import ADMIN_SITE

    site = ADMIN_SITE if request.path.startswith("/admin/") else SITE
    if getattr(request, "axes_failures_since_start", None) is not None:  # counted now: this attempt locked it
        event = audit_sign_in_locked(attempted=sign_in_username(request, credentials) or "", site=site)
        logger.warning(
            "Sign-in locked for %s minutes after %s failures (audit event %s)",
            int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            settings.AXES_FAILURE_LIMIT,
            event.pk,
        )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        if was_signed_in:
            audit_sign_out(user=request.user, site=SITE)
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, "You have signed out.")
        return response


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay signed in" (issue 12 item 8): a request that counts as activity. Its script
    asks for JSON (the seconds left); without JavaScript the button is a form that comes back to its page."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session[LAST_SEEN] = timezone.now().timestamp()
    if "application/json" in request.headers.get("Accept", ""):
        lifetime = getattr(request, "session_lifetime", {})
        absolute = lifetime.get("absolute", settings.SESSION_ABSOLUTE_TIMEOUT)
        return JsonResponse({"idle": settings.SESSION_IDLE_TIMEOUT, "absolute": absolute})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("home")
    return redirect(back)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    labels = dict(Role.choices)
    return render(
        request,
        "home.html",
        {
            "teams": user.team_names,
            "role_labels": sorted(labels[r] for r in user.roles if r in labels),
            "panels": _home_panels(user),
        },
    )


def _home_panels(user: User) -> list[dict]:
    """The panels apps registered (cases.registry) that this user's roles allow and that have something to
    show: each as its template and the context it renders with (as `panel`)."""
    panels = []
    for panel in registry.home_panels():
        if panel.roles is not None and not user.has_role(*panel.roles):
            continue  # asked before context(), so users without the roles cost no query
        context = panel.context(user)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return panels
