"""The signed-in user's notifications (deadline alerts, answers, referral outcomes): newest first, unread
highlighted, and marked read with a POST (opening one marks it read too)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from ..models import Notification
from ..moved import current_link
from ..services import notification_mark_read

PAGE_SIZE = 50


def _safe_link(link: str) -> str:
    """Only a path on this site is followed (a notification's link is data, never trusted as a URL); one written
    before its page moved goes to the new address (cases.moved)."""
    if link and link.startswith("/") and not link.startswith("//") and url_has_allowed_host_and_scheme(
            link, allowed_hosts=None):
        return current_link(link)
    return ""


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=request.user)
    page = Paginator(mine.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    page_range = [n if isinstance(n, int) else None
                  for n in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]
    for notification in page.object_list:
        notification.safe_link = _safe_link(notification.link)
    return render(request, "cases/notifications.html", {
        "page": page, "page_range": page_range, "unread_count": mine.filter(read_at__isnull=True).count()})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to what it is about. Another user's: 404."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(notification=notification, actor=request.user)
    link = _safe_link(notification.link)
    if request.POST.get("open") and link:
        return redirect(link)
    return redirect("cases:notifications")
