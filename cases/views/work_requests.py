"""The work-request inbox (issue 13 item 1): the open hand-offs a user receives, with due time and RAG; one
request's page, where its receiver accepts it or hands it back with a reason, and an LCPP closes it with a reason.

Selector -> form -> one service -> redirect. Out of scope is 404, never 403 (a service's PermissionDenied too).
Every page that shows a child's data writes one read-audit row with every child shown."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import policy
from ..forms import GovukFormMixin
from ..models import User, WorkRequest
from ..registry import registry
from ..selectors import (
    people_restricted_for_user,
    receives_work_requests,
    work_request_get_for_user,
    work_request_inbox,
    work_request_inbox_counts,
    work_request_rag,
)
from ..selectors.work_requests import user_receives
from ..services import Conflict, work_request_accept, work_request_close, work_request_hand_back
from ..web import audit_shown


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why"},
    )

    def __init__(self, *args, label: str, required_message: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


def _hand_back_form(data=None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix="hand_back",
        label="Why are you handing this request back?",
        required_message="Say why you are handing this request back",
    )


def _close_form(data=None) -> ReasonForm:
    return ReasonForm(
        data,
        prefix="close",
        label="Why is this request no longer needed?",
        required_message="Say why this request is being closed",
    )


def _kinds_for(user: User) -> list:
    """The kinds this user receives: the inbox's views, one per receiving team or role."""
    return [k for k in registry.work_request_kinds() if user.has_role(*k.receiving_roles)]


@login_required
@require_GET
def work_requests(request: HttpRequest) -> HttpResponse:
    """The inbox: open requests of the kinds the user receives, urgent first, then soonest due. `?kind=` is one
    team's view (the Family Help waiting list is this inbox's view for Family Help)."""
    user = request.user
    if not receives_work_requests(user):
        raise Http404
    kinds = _kinds_for(user)
    chosen = request.GET.get("kind", "")
    if chosen and chosen not in {k.kind for k in kinds}:
        chosen = ""
    rows = list(work_request_inbox(user=user, kind=chosen or None, include_restricted=True))
    restricted_ids = people_restricted_for_user(user=user, people=[r.person for r in rows])
    now = timezone.now()
    for row in rows:
        row.rag = work_request_rag(row, now)
        row.hidden = row.person_id in restricted_ids
    audit_shown(request, "work_requests.viewed", [r.person_id for r in rows if not r.hidden])
    return render(
        request,
        "cases/work_requests.html",
        {
            "rows": rows,
            "kinds": kinds,
            "chosen": chosen,
            "chosen_label": next((k.label for k in kinds if k.kind == chosen), ""),
        },
    )


def _page(request: HttpRequest, work_request: WorkRequest, *, hand_back=None, close=None) -> HttpResponse:
    user = request.user
    kind = registry.work_request_kind(work_request.kind)
    is_open = work_request.status == WorkRequest.Status.OPEN
    receives = is_open and user_receives(user=user, request=work_request)
    audit_shown(request, "work_request.viewed", [work_request.person_id], target=work_request)
    return render(
        request,
        "cases/work_request.html",
        {
            "work_request": work_request,
            "kind": kind,
            "rag": work_request_rag(work_request),
            "is_open": is_open,
            "receives": receives,
            # The kinds the shared record handles are accepted here; a strand's kind on its own page.
            "accept_here": receives and kind is not None and kind.url_name == "cases:work_request",
            "accept_url": reverse(kind.url_name, args=[work_request.pk]) if receives and kind else "",
            "may_close": is_open and policy.may(user, policy.CLOSE_WORK_REQUEST),
            "hand_back_form": hand_back or _hand_back_form(),
            "close_form": close or _close_form(),
            "error_form": hand_back or close,
        },
    )


@login_required
@require_GET
def work_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, work_request_get_for_user(user=request.user, request_id=pk))


@login_required
@require_POST
def work_request_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    work_request = work_request_get_for_user(user=user, request_id=pk)
    try:
        work_request_accept(request=work_request, actor=user)
    except PermissionDenied:
        raise Http404 from None
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("cases:work_request", pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:work_request", pk)
    messages.success(request, f"You accepted the {work_request.get_kind_display().lower()} request")
    return redirect("cases:work_request", pk)


def _ending(request: HttpRequest, pk: int, *, make_form, service, done: str, form_key: str) -> HttpResponse:
    user = request.user
    work_request = work_request_get_for_user(user=user, request_id=pk)
    form = make_form(request.POST)
    if form.is_valid():
        try:
            service(request=work_request, actor=user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("cases:work_request", pk)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("cases:work_requests")
    return _page(request, work_request, **{form_key: form})


@login_required
@require_http_methods(["POST"])
def work_request_hand_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ending(
        request,
        pk,
        make_form=_hand_back_form,
        service=work_request_hand_back,
        done="You handed the request back",
        form_key="hand_back",
    )


@login_required
@require_http_methods(["POST"])
def work_request_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ending(
        request, pk, make_form=_close_form, service=work_request_close, done="You closed the request", form_key="close"
    )


def work_requests_panel(user: User) -> dict | None:
    """The home page's panel: how many requests wait and how many are overdue (counts only, no child named: not a
    read of anyone's record, so nothing to audit)."""
    if not receives_work_requests(user):
        return None
    return {**work_request_inbox_counts(user=user), "url": reverse("cases:work_requests")}
