"""Pages of the shared record: sign in and out, home, and the health check."""

import logging

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import SignInForm
from .models import AuditEvent, Role
from .selectors import worker_heartbeat_latest
from .services import audit_record

logger = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    """GOV.UK sign-in. Every attempt, good or bad, leaves an audit row."""

    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(actor=form.get_user(), verb="auth.sign_in", kind=AuditEvent.Kind.AUTH)
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        if form.is_bound and not (form.has_error("username") or form.has_error("password")):
            audit_record(
                actor=None,
                verb="auth.sign_in_failed",
                kind=AuditEvent.Kind.AUTH,
                after={"email": form.data.get("username", "")[:254]},
            )
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        if was_signed_in:
            audit_record(actor=request.user, verb="auth.sign_out", kind=AuditEvent.Kind.AUTH)
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, "You have signed out.")
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    labels = dict(Role.choices)
    return render(
        request,
        "home.html",
        {
            "teams": user.teams.all(),
            "role_labels": sorted(labels[r] for r in user.roles if r in labels),
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and a worker heartbeat no older than HEARTBEAT_STALE_SECONDS; 503 otherwise."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:  # any failure means unhealthy; the reason goes to the log, not the page
        logger.warning("healthz: database check failed: %s", exc)
        checks["database"] = {"ok": False}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        checks["redis"] = {"ok": bool(client.ping())}
    except Exception as exc:  # noqa: BLE001  (same as above)
        logger.warning("healthz: redis check failed: %s", exc)
        checks["redis"] = {"ok": False}
    latest = worker_heartbeat_latest() if checks["database"]["ok"] else None
    age = (timezone.now() - latest).total_seconds() if latest else None
    checks["worker"] = {
        "ok": age is not None and age <= settings.HEARTBEAT_STALE_SECONDS,
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "stale_after_seconds": settings.HEARTBEAT_STALE_SECONDS,
    }
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)
