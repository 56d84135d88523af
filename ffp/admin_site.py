"""The Django admin: configuration only (agencies, teams, users, levels, settings; no model that holds a child's
data is registered), and signing in to it leaves the same audit rows as signing in to the case system, with the
site named ("admin")."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

ADMIN_SITE = "admin"


class FfpAdminSite(admin.AdminSite):
    site_header = "FFP Case administration"
    site_title = "FFP Case administration"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff who have passed their second factor (issue 17 item 1): a password-only session is sent to the code
        page by cases.mfa.SecondFactorMiddleware first, and refused here as well should it ever get past."""
        from cases import mfa

        return super().has_permission(request) and mfa.is_verified(request)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        from cases.services import audit_sign_in, audit_sign_in_failed

        if request.method != "POST":
            return super().login(request, extra_context)
        with transaction.atomic():
            response = super().login(request, extra_context)
            form = response.context_data.get("form") if isinstance(response, TemplateResponse) else None
            if form is not None:
                # The form was refused: wrong pair, or right pair but not staff. A box left empty is not an attempt
                # (as on the case system's sign-in page).
                if form.is_bound and not (form.has_error("username") or form.has_error("password")):
                    audit_sign_in_failed(attempted=form.data.get("username", ""), site=ADMIN_SITE)
            elif response.status_code == 302 and request.user.is_authenticated:
                audit_sign_in(user=request.user, site=ADMIN_SITE)
        return response

    def logout(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        from cases.services import audit_sign_out

        if request.method == "POST" and request.user.is_authenticated:
            audit_sign_out(user=request.user, site=ADMIN_SITE)
        return super().logout(request, extra_context)


class FfpAdminConfig(AdminConfig):
    """Installs FfpAdminSite as `admin.site`, so every app's admin.py registers on it."""

    default_site = "ffp.admin_site.FfpAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin.py
        # Two-factor devices (issue 17 item 1) stay out of the admin: django-otp's pages show a user's secret as a QR
        # code, which would let an administrator pass anyone's second factor. A lost phone is reset with
        # `manage.py mfa_reset <email>` (README).
        from django.contrib import admin as django_admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if django_admin.site.is_registered(model):
                django_admin.site.unregister(model)
