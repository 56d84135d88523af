"""Break-glass into a child's record, and the privacy officer's review queue (issue 17 items 2 and 5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from .. import permissions, policy
from ..forms.breakglass import BreakGlassForm, PrivacyAlertReviewForm
from ..http import require
from ..models import Person, PrivacyAlert
from ..selectors.breakglass import break_glass_reads, privacy_alerts
from ..services.breakglass import break_glass_candidates, break_glass_start, privacy_alert_review
from ..web import audit_shown, paginate

# The reason given for a whole-council search, kept in the session for the record the user then opens.
BREAK_GLASS_REASON_KEY = "break_glass_search_reason"
ALERTS_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the reason and open the record for an hour. 404 for anyone who may not break glass, and for a record
    break-glass never opens (restricted, merged away, missing)."""
    user = request.user
    require(permissions.may_break_glass(user))
    person = get_object_or_404(break_glass_candidates(), pk=pk)
    if permissions.person_record_scope(user, relatives=False).filter(pk=person.pk).exists():
        # Already theirs to see (their work, or an hour already started): no glass to break.
        return redirect("cases:person_detail", pk=person.pk)
    if request.method == "POST":
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            try:
                grant = break_glass_start(user=user, person=person, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session.pop(BREAK_GLASS_REASON_KEY, None)
                messages.success(
                    request,
                    f"You can see this record until {grant.expires_at.astimezone():%H:%M}. Every page you open is "
                    "recorded, and the privacy officer has been told.",
                )
                return redirect("cases:person_detail", pk=person.pk)
    else:
        form = BreakGlassForm(initial={"reason": request.session.get(BREAK_GLASS_REASON_KEY, "")})
    # The page names the child (name and date of birth): a read, audited like the search that found them.
    audit_shown(request, "break_glass.confirm_viewed", [person.pk], target=person)
    return render(request, "cases/breakglass/start.html", {"person": person, "form": form})


def _alert_children(request: HttpRequest, alerts) -> dict[int, Person]:
    """The children the alerts are about that this privacy officer may see (a restricted child off their list is
    counted, never named)."""
    ids = {child for alert in alerts for child in alert.child_ids}
    if not ids:
        return {}
    return {p.pk: p for p in permissions.person_record_scope(request.user, relatives=False).filter(pk__in=ids)}


@login_required
@require_GET
def privacy_alerts_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.REVIEW_PRIVACY_ALERTS))
    show_all = request.GET.get("show") == "all"
    pagination = paginate(request, privacy_alerts(open_only=not show_all), per_page=ALERTS_PAGE_SIZE)
    alerts = list(pagination.page.object_list)
    children = _alert_children(request, [a for a in alerts if a.kind == PrivacyAlert.Kind.BREAK_GLASS])
    rows = [
        {"alert": alert, "child": children.get(alert.child_ids[0]) if alert.child_ids else None} for alert in alerts
    ]
    audit_shown(request, "privacy_alerts.viewed", children.values(), target_type="cases.privacyalert")
    return render(
        request,
        "cases/breakglass/alerts.html",
        {"rows": rows, "page_obj": pagination.page, "pagination": pagination, "show_all": show_all},
    )


@login_required
@require_http_methods(["GET", "POST"])
def privacy_alert_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(policy.may(user, policy.REVIEW_PRIVACY_ALERTS))
    # scoped: alerts are the privacy officer's (REVIEW_PRIVACY_ALERTS, council-wide), checked above
    alert = get_object_or_404(PrivacyAlert.objects.select_related("user", "break_glass", "reviewed_by"), pk=pk)
    form = PrivacyAlertReviewForm(request.POST or None)
    if request.method == "POST" and alert.status == PrivacyAlert.Status.OPEN and form.is_valid():
        try:
            privacy_alert_review(alert=alert, actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Alert {alert.reference} recorded as {alert.Status(form.cleaned_data['status']).label.lower()}.",
            )
            return redirect("cases:privacy_alerts")
    children = _alert_children(request, [alert])
    reads = list(break_glass_reads(grant=alert.break_glass)[:500]) if alert.break_glass_id else []
    audit_shown(request, "privacy_alert.viewed", children.values(), target=alert)
    return render(
        request,
        "cases/breakglass/alert.html",
        {
            "alert": alert,
            "form": form,
            "children": [children[c] for c in alert.child_ids if c in children],
            "hidden_children": len([c for c in alert.child_ids if c not in children]),
            "reads": reads,
        },
    )


urlpatterns = [
    path("people/<int:pk>/break-glass/", break_glass_start_view, name="break_glass_start"),
    path("privacy/alerts/", privacy_alerts_view, name="privacy_alerts"),
    path("privacy/alerts/<int:pk>/", privacy_alert_view, name="privacy_alert"),
]
