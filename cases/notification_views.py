"""The signed-in user's notifications (deadline alerts, referral outcomes, requests)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .services import notification_mark_read


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user=request.user).order_by("-created_at", "-id"),
                     50).get_page(request.GET.get("page"))
    return render(request, "cases/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's notification is not found, never forbidden.
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(notification=notification, actor=request.user)
    if notification.link.startswith("/") and not notification.link.startswith("//"):
        return redirect(notification.link)
    return redirect("cases:notifications")
