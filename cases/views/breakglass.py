"""Break-glass into a child's record, and the privacy officer's review queue (issue 17 items 2 and 5)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from .. import mfa, permissions, policy
from ..forms.breakglass import BreakGlassForm, PrivacyAlertReviewForm
from ..http import require
from ..models import Person, PrivacyAlert
from ..selectors.breakglass import break_glass_reads, privacy_alerts
from ..services.breakglass import break_glass_candidates, break_glass_start, privacy_alert_review
from ..web import audit_shown, paginate
from .mfa import step_up_code_field, step_up_with_code

# The reason given for a whole-council search, kept in the session for the record the user then opens.
BREAK_GLASS_REASON_KEY = "break_glass_search_reason"
ALERTS_PAGE_SIZE = 50


class BreakGlassStepUpForm(BreakGlassForm):
    """The reason, and the second factor again (cases.mfa's step-up, battery B6): a session that signed in with an
    authenticator app types a code with every break-glass; one signed in through the council's identity provider has
    no code box and must have signed in there within the last 5 minutes."""

    code = step_up_code_field()

    def __init__(self, *args, by_code: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not by_code:
            del self.fields["code"]


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the reason, prove the second factor again, and open the record for an hour. 404 for anyone who may not
    break glass, and for a record break-glass never opens (restricted, merged away, missing). A wrong code keeps the
    reason on the page; a session signed in through the identity provider too long ago is sent to sign in there
    again, the reason kept in the session for this page."""
    user = request.user
    require(permissions.may_break_glass(user))
    person = get_object_or_404(break_glass_candidates(), pk=pk)
    if permissions.person_record_scope(user, relatives=False).filter(pk=person.pk).exists():
        # Already theirs to see (their work, or an hour already started): no glass to break.
        return redirect("cases:person_detail", pk=person.pk)
    by_code = not mfa.signed_in_through_identity_provider(request)
    if request.method == "POST":
        form = BreakGlassStepUpForm(request.POST, by_code=by_code)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            if by_code:
                error = step_up_with_code(request, form.cleaned_data["code"], purpose="break_glass")
                if error:
                    form.add_error("code", error)
            else:
                again = mfa.require_recent_second_factor(
                    request, purpose="break_glass", next_url=request.get_full_path()
                )
                if again is not None:
                    request.session[BREAK_GLASS_REASON_KEY] = reason  # kept for this page, after the provider
                    return again
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
        form = BreakGlassStepUpForm(
            initial={"reason": request.session.get(BREAK_GLASS_REASON_KEY, "")}, by_code=by_code
        )
    # The page names the child (name and date of birth): a read, audited like the search that found them.
    audit_shown(request, "break_glass.confirm_viewed", [person.pk], target=person)
    return render(
        request,
        "cases/breakglass/start.html",
        {
            "person": person,
            "form": form,
            "by_code": by_code,
            "provider_recent": not by_code and mfa.has_recent_second_factor(request),
            "minutes": mfa.STEP_UP_SECONDS // 60,
        },
    )


def _alert_children(request: HttpRequest, alerts) -> dict[int, Person]:
    """The children the alerts are about that this privacy officer may see (a restricted child off their list is
    counted, never named)."""
    ids = {child for alert in alerts for child in alert.child_ids}
    if not ids:
        return {}
    return {p.pk: p for p in permissions.person_record_scope(request.user, relatives=False).filter(pk__in=ids)}


def _alert_exports(alert: PrivacyAlert) -> list[dict]:
    """An export-volume alert's exports, the one asked for last, with their times as datetimes."""
    if alert.kind != PrivacyAlert.Kind.EXPORT_VOLUME:
        return []
    details = alert.details or {}
    rows = [*details.get("exports", []), {**details.get("asked", {}), "asked": True}]
    out = []
    for row in rows:
        try:
            when = dt.datetime.fromisoformat(row.get("at", ""))
        except (TypeError, ValueError):
            when = None
        out.append({**row, "when": when})
    return out


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
    exports = _alert_exports(alert)
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
            "exports": exports,
        },
    )


urlpatterns = [
    path("people/<int:pk>/break-glass/", break_glass_start_view, name="break_glass_start"),
    path("privacy/alerts/", privacy_alerts_view, name="privacy_alerts"),
    path("privacy/alerts/<int:pk>/", privacy_alert_view, name="privacy_alert"),
]
