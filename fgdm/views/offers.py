"""Offer pages: make an offer at a decision point (?point=<content type id>:<pk>, linked from the prompt on that
record's page) or from an FGDM-offer work request (its accept page), record the family's answer, an offer's page, and
the strand's inbox (open FGDM-offer requests and offers waiting for an answer).

Who: policy OFFER (lead practitioners, LCPPs), about children whose whole record they may open; anyone else is told the
page is not there (404). Selector -> form -> one service call -> redirect; a refusal is shown on the form, with what
was typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from cases.registry import DecisionPoint, registry
from cases.services import Conflict
from cases.web import audit_shown

from ..forms.offers import OfferAnswerForm, OfferForm
from ..models import DecisionPointKind, FgdmOffer, OfferResponse
from ..selectors.offers import (
    decision_point_get,
    offer_request_get,
    offer_requests_for_user,
    offers_at_point,
    offers_awaiting_for_user,
    people_in_scope,
)
from ..selectors.scope import offer_get
from ..services.offers import KINDS_AT, may_offer, offer_make, offer_respond, parental_responsibility_holders


def _require_offer(request: HttpRequest) -> None:
    if not may_offer(request.user):
        raise Http404


def _service(form, call):
    """Run one service call; its refusal goes onto the form (the page is shown again with what was typed)."""
    try:
        return call()
    except PermissionDenied:
        raise Http404 from None
    except Conflict as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_service_errors(exc)
    return None


def _kinds(described: DecisionPoint | None) -> list[str]:
    if described is None:
        return [k for k in DecisionPointKind.values if k != DecisionPointKind.LETTER_BEFORE_PROCEEDINGS]
    return [k for k in DecisionPointKind.values if k in KINDS_AT.get(described.kind, {described.kind})]


def _offer_page(request: HttpRequest, *, point, described: DecisionPoint | None, work_request=None) -> HttpResponse:
    user = request.user
    child_ids = list(described.children) if described is not None else [work_request.person_id]
    children = people_in_scope(user=user, ids=child_ids)
    if len(children) != len(set(child_ids)):
        raise Http404
    holders = parental_responsibility_holders(children=children)
    kinds = _kinds(described)
    initial = {
        "children": [str(p.pk) for p in children],
        "recipients": [str(p.pk) for p in holders],
        "kind": kinds[0] if len(kinds) == 1 or described is not None else "",
    }
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        kinds=kinds,
        children=children,
        holders=holders,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["children"]}
        by_pk = {p.pk: p for p in [*children, *holders]}
        not_offered = data["made"] == "not_offered"
        offer = _service(
            form,
            lambda: offer_make(
                actor=user,
                point=point,
                decision_point=data["kind"] or (kinds[0] if len(kinds) == 1 else ""),
                children=[by_pk[pk] for pk in chosen],
                recipients=[by_pk[int(pk)] for pk in data["recipients"]],
                offered_on=data["offered_on"],
                work_request=work_request,
                not_offered_rationale=data["rationale"] if not_offered else None,
            ),
        )
        if offer is not None:
            messages.success(
                request, "Recorded: not offered" if not_offered else "Offer recorded: waiting for the family's answer"
            )
            return redirect("fgdm:offer", offer.pk)
    audit_shown(request, "fgdm.offer_form.viewed", [p.pk for p in children], target=work_request)
    return render(
        request,
        "fgdm/offer_form.html",
        {
            "form": form,
            "described": described,
            "work_request": work_request,
            "children": children,
            "holders": holders,
            "earlier": list(offers_at_point(user=user, point=point)) if point is not None else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    """Make an offer (or record why not) at the decision point in ?point=."""
    _require_offer(request)
    point, described = decision_point_get(user=request.user, ref=request.GET.get("point", ""))
    return _offer_page(request, point=point, described=described)


@login_required
@require_http_methods(["GET", "POST"])
def offer_from_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The FGDM-offer work request's accept page: making the offer (or recording why not) takes the request."""
    _require_offer(request)
    work_request, point, described = offer_request_get(user=request.user, request_id=pk)
    if work_request.status != work_request.Status.OPEN:
        done = FgdmOffer.objects.filter(work_request=work_request).values_list("pk", flat=True).first()
        if done is not None:
            return redirect("fgdm:offer", done)
        raise Http404
    return _offer_page(request, point=point, described=described, work_request=work_request)


def _referral_url(offer: FgdmOffer) -> str:
    """Helper B's referral page, once it exists: an accepted offer is referred to the FGDM service."""
    if offer.response != OfferResponse.ACCEPTED:
        return ""
    try:
        return reverse("fgdm:referral_create", args=[offer.pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get(user=request.user, pk=pk)
    children = list(offer.children.order_by("pk"))
    audit_shown(request, "fgdm.offer.viewed", [c.pk for c in children], target=offer)
    return render(
        request,
        "fgdm/offer_detail.html",
        {
            "offer": offer,
            "children": children,
            "recipients": list(offer.recipients.order_by("last_name", "first_name")),
            "point_url": _point_url(offer),
            "may_answer": may_offer(request.user) and offer.response == OfferResponse.AWAITING,
            "referral_url": _referral_url(offer) if may_offer(request.user) else "",
        },
    )


def _point_url(offer: FgdmOffer) -> str:
    if offer.source_type_id is None:
        return ""
    model = offer.source_type.model_class()
    obj = model._default_manager.filter(pk=offer.source_id).first() if model is not None else None
    described = registry.decision_point(obj) if obj is not None else None
    return described.url if described is not None else ""


@login_required
@require_http_methods(["GET", "POST"])
def offer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the family's answer: accepted, declined (their reason), or not offered after all (the rationale)."""
    _require_offer(request)
    offer = offer_get(user=request.user, pk=pk)
    if offer.response != OfferResponse.AWAITING:
        return redirect("fgdm:offer", offer.pk)
    form = OfferAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answered = _service(
            form,
            lambda: offer_respond(
                actor=request.user,
                offer=offer,
                response=data["response"],
                responded_on=data["responded_on"],
                reason=data["rationale"] if data["response"] == OfferResponse.NOT_OFFERED else data["reason"],
            ),
        )
        if answered is not None:
            messages.success(request, f"Answer recorded: {answered.get_response_display().lower()}")
            return redirect("fgdm:offer", offer.pk)
    children = list(offer.children.order_by("pk"))
    audit_shown(request, "fgdm.offer_answer_form.viewed", [c.pk for c in children], target=offer)
    return render(request, "fgdm/offer_answer.html", {"offer": offer, "children": children, "form": form})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The strand's inbox: FGDM-offer requests to act on and offers waiting for the family's answer."""
    _require_offer(request)
    user = request.user
    requests = list(offer_requests_for_user(user=user))
    awaiting = list(offers_awaiting_for_user(user=user))
    shown = [r.person_id for r in requests] + [c.pk for o in awaiting for c in o.children.all()]
    audit_shown(request, "fgdm.inbox.viewed", list(dict.fromkeys(shown)))
    return render(request, "fgdm/inbox.html", {"requests": requests, "awaiting": awaiting})


urlpatterns = [
    path("", inbox, name="inbox"),
    path("offers/new/", offer_create, name="offer_create"),
    path("offers/<int:pk>/", offer_detail, name="offer"),
    path("offers/<int:pk>/answer/", offer_answer, name="offer_respond"),
    path("requests/<int:pk>/offer/", offer_from_request, name="offer_from_request"),
]
