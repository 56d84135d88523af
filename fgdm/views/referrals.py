"""Referral pages (issue 15 item 2): refer an accepted offer (the lead practitioner or LCPP), the referral, the
FGDM-referral hand-off's allocation page (a manager allocates or reallocates an independent facilitator) and closing
a referral. Selector -> form -> one service -> redirect; out of scope or not theirs is 404; every page that shows a
child writes one read-audit row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import User, WorkRequest
from cases.services import Conflict
from cases.web import audit_shown

from ..facilitation_forms import AllocateForm, CloseForm, ReferralForm
from ..models import FgdmReferral
from ..selectors.preparation import network_for, next_step
from ..selectors.scope import offer_get, referral_get, referrals_visible
from ..services.preparation import is_facilitator_of
from ..services.referrals import (
    facilitators_for,
    may_allocate,
    may_close,
    may_refer,
    referral_allocate,
    referral_children,
    referral_close,
    referral_create,
)


@login_required
@require_http_methods(["GET", "POST"])
def referral_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer an offer the family accepted to the FGDM service."""
    user = request.user
    offer = offer_get(user=user, pk=pk)
    if not may_refer(user):
        raise Http404
    existing = FgdmReferral.objects.filter(offer=offer).first()
    if existing is not None:
        return redirect("fgdm:referral", existing.pk)
    children = list(offer.children.order_by("pk"))
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(offer=offer, actor=user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Referred to the FGDM service: a manager will allocate a facilitator")
            return redirect("fgdm:referral", referral.pk)
    audit_shown(request, "fgdm.referral_form.viewed", children, target=offer)
    return render(request, "fgdm/referral_create.html", {"offer": offer, "children": children, "form": form})


def _referral_context(user: User, referral: FgdmReferral) -> dict:
    children = referral_children(referral)
    return {
        "referral": referral,
        "children": children,
        "may_allocate": may_allocate(user) and referral.status != FgdmReferral.Status.CLOSED,
        "may_close": may_close(user, referral) and referral.status != FgdmReferral.Status.CLOSED,
        "is_facilitator": is_facilitator_of(user, referral),
        "next_step": next_step(referral),
    }


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = referral_get(user=request.user, pk=pk)
    context = _referral_context(request.user, referral)
    context["network"] = network_for(referral)
    context["steps"] = list(referral.steps.select_related("person"))
    audit_shown(request, "fgdm.referral.viewed", context["children"], target=referral)
    return render(request, "fgdm/referral_detail.html", context)


def _request_referral(user: User, pk: int) -> FgdmReferral:
    """The referral a FGDM-referral hand-off is for, for a manager who may open it; else 404."""
    if not may_allocate(user):
        raise Http404
    request = WorkRequest.objects.filter(pk=pk, kind=WorkRequest.Kind.FGDM_REFERRAL).first()
    if request is None:
        raise Http404
    referral = referrals_visible(user).filter(work_request=request).values_list("pk", flat=True).first()
    if referral is None:
        raise Http404
    return referral_get(user=user, pk=referral)


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """The FGDM-referral hand-off's page: a manager allocates (or reallocates) an independent facilitator."""
    user = request.user
    referral = _request_referral(user, pk)
    candidates = facilitators_for(referral=referral)
    form = AllocateForm(request.POST if request.method == "POST" else None, candidates=candidates)
    is_open = referral.status != FgdmReferral.Status.CLOSED
    if request.method == "POST" and is_open and form.is_valid():
        chosen = next((u for u, _ in candidates if u.pk == form.cleaned_data["facilitator"]), None)
        try:
            if chosen is None:
                raise ValidationError({"facilitator": ["Choose a facilitator"]})
            referral = referral_allocate(referral=referral, actor=user, facilitator=chosen)
        except PermissionDenied:
            raise Http404 from None
        except Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{chosen.full_name} is the family's facilitator: they and the leads are told")
            return redirect("fgdm:referral", referral.pk)
    context = _referral_context(user, referral)
    context.update({"form": form, "is_open": is_open, "work_request": referral.work_request, "candidates": candidates})
    audit_shown(request, "fgdm.allocation.viewed", context["children"], target=referral)
    return render(request, "fgdm/allocate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    referral = referral_get(user=user, pk=pk)
    if not (may_close(user, referral) and referral.status != FgdmReferral.Status.CLOSED):
        raise Http404
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_close(referral=referral, actor=user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "The referral is closed; the facilitator's access to the family has ended")
            return redirect("fgdm:referral", referral.pk) if may_allocate(user) else redirect("fgdm:caseload")
    children = referral_children(referral)
    audit_shown(request, "fgdm.referral_close.viewed", children, target=referral)
    return render(request, "fgdm/referral_close.html", {"referral": referral, "children": children, "form": form})


urlpatterns = [
    path("offers/<int:pk>/refer/", referral_create_view, name="referral_create"),
    path("referrals/<int:pk>/", referral_detail, name="referral"),
    path("referrals/<int:pk>/close/", referral_close_view, name="referral_close"),
    path("referral-requests/<int:pk>/", allocate, name="allocate"),
]
