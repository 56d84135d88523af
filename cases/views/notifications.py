"""The signed-in user's notifications (deadline alerts, answers, referral outcomes): newest first, unread
highlighted, and marked read with a POST (opening one marks it read too)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..selectors.notifications import (
    notification_get_for_user,
    notification_list_for_user,
    notification_unread_count,
)
from ..services import notification_mark_read
from ..web import paginate, safe_link

PAGE_SIZE = 50


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    pagination = paginate(request, notification_list_for_user(user=request.user), per_page=PAGE_SIZE)
    for notification in pagination.page.object_list:
        # A notification's link is data, never trusted as a URL: only a path on this site is shown.
        notification.safe_link = safe_link(notification.link)
    return render(
        request,
        "cases/notifications.html",
        {
            "page": pagination.page,
            "pagination": pagination,
            "unread_count": notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to what it is about. Another user's: 404."""
    notification = notification_get_for_user(user=request.user, notification_id=pk)
    notification_mark_read(notification=notification, actor=request.user)
    link = safe_link(notification.link)
    if request.POST.get("open") and link:
        return redirect(link)
    return redirect("cases:notifications")
