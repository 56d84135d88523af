"""Reads for offers: the decision point a page offers at (its record, as its strand describes it), the offers
recorded there, and the strand's inbox (open FGDM-offer requests and offers awaiting the family's answer). Every read is
scoped: the decision point's children must all be in the user's whole-record scope, or it is 404."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import EpisodeLead, Person, User, WorkRequest
from cases.permissions import person_record_scope
from cases.registry import DecisionPoint, registry
from cases.selectors import work_request_get_for_user, work_request_inbox

from ..models import FgdmOffer, OfferResponse
from .scope import offers_visible


def all_in_scope(user: User, child_ids) -> bool:
    ids = set(child_ids)
    return bool(ids) and person_record_scope(user, relatives=False).filter(pk__in=ids).count() == len(ids)


def point_ref(obj) -> str:
    """The decision point's reference in the offer page's address (?point=<content type id>:<pk>)."""
    return f"{ContentType.objects.get_for_model(obj).pk}:{obj.pk}"


def _load(model_label: str, pk) -> object | None:
    if model_label.lower() not in registry.decision_point_models():
        return None
    app_label, model_name = model_label.lower().split(".", 1)
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except ContentType.DoesNotExist:
        return None
    if model is None:
        return None
    return model._default_manager.filter(pk=pk).first()


def decision_point_get(*, user: User, ref: str) -> tuple[object, DecisionPoint]:
    """The record and its description from a `point_ref`, for a user who may open every child it is about; else 404."""
    try:
        type_id, pk = (int(part) for part in (ref or "").split(":", 1))
        content_type = ContentType.objects.get_for_id(type_id)
    except (ValueError, ContentType.DoesNotExist):
        raise Http404("No such decision point") from None
    obj = _load(f"{content_type.app_label}.{content_type.model}", pk)
    described = registry.decision_point(obj) if obj is not None else None
    if described is None or not all_in_scope(user, described.children):
        raise Http404("No such decision point")
    return obj, described


def offer_request_get(*, user: User, request_id: int) -> tuple[WorkRequest, object | None, DecisionPoint | None]:
    """An FGDM-offer request its receiver may act on (cases' selector: 404 otherwise), with the decision point it was
    raised at when its strand describes one."""
    request = work_request_get_for_user(user=user, request_id=request_id)
    if request.kind != WorkRequest.Kind.FGDM_OFFER:
        raise Http404("No such request")
    obj = _load(request.source_type, request.source_id) if request.source_type and request.source_id else None
    described = registry.decision_point(obj) if obj is not None else None
    if described is not None and not all_in_scope(user, described.children):
        described = None  # an offer for the request's own child, without the decision point's other children
        obj = None
    return request, obj, described


def people_in_scope(*, user: User, ids) -> list[Person]:
    return list(person_record_scope(user, relatives=False).filter(pk__in=list(ids)).order_by("pk"))


def offers_at_point(*, user: User, point) -> QuerySet[FgdmOffer]:
    content_type = ContentType.objects.get_for_model(point)
    return (
        offers_visible(user)
        .filter(source_type=content_type, source_id=point.pk)
        .select_related("offered_by", "responded_by")
        .order_by("-offered_on", "-pk")
    )


def offer_requests_for_user(*, user: User) -> QuerySet[WorkRequest]:
    """The open FGDM-offer requests this user receives (the child's leads), about children whose record they open."""
    return work_request_inbox(user=user, kind=WorkRequest.Kind.FGDM_OFFER)


def offers_awaiting_for_user(*, user: User) -> QuerySet[FgdmOffer]:
    """Offers waiting for the family's answer that the user made, or about children they lead now."""
    led = EpisodeLead.objects.filter(user=user, ended_at__isnull=True, episode__closed_on__isnull=True).values(
        "episode__person_id"
    )
    about_led = FgdmOffer.children.through.objects.filter(person_id__in=led).values("fgdmoffer_id")
    return (
        offers_visible(user)
        .filter(response=OfferResponse.AWAITING)
        .filter(Q(offered_by=user) | Q(pk__in=about_led))
        .prefetch_related("children")
        .order_by("offered_on", "pk")
    )
