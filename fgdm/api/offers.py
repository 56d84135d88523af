"""FGDM offers at decision points (issue 15 items 1, 8), under /api/v1/family-group-decision-making/.

- GET  offers/                 the offers you may see, newest first (paged); ?response=awaiting|accepted|declined|
                               not_offered, ?child=<person id>, ?decision_point=<kind>
- GET  offers/<pk>/            one offer: the decision point (and its record), the children, who received it (those
                               with parental responsibility), the family's answer, the referral it led to
- POST offers/                 a lead practitioner or LCPP records an offer at a decision point (its record: `source`
                               app_label.model and `source_id`), to those with parental responsibility; or, with
                               `not_offered_rationale`, that it was not offered (not in the child's best interests)
- POST offers/<pk>/response/   the family's answer: accepted, declined (their reason) or not_offered (the rationale)

Writes go through fgdm.services.offers (its rules, its messages): "not offered" with no rationale, an offer in the
letter before proceedings that disagrees with the pre-proceedings record, a recipient without parental responsibility
are 400 with the reason by field; a child you may not open, or a role that does not offer, is 404.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.inputs import InputSerializer
from cases.models import Person
from cases.permissions import person_record_scope
from cases.registry import registry
from cases.selectors.work_requests import work_request_get_for_user
from cases.web.pagination import PagePagination

from ..models import DecisionPointKind, FgdmOffer, OfferResponse
from ..selectors.scope import offer_get, offers_visible
from ..services import offers as offer_services
from .base import (
    ERRORS,
    READ_ERRORS,
    TAGS,
    FgdmApi,
    FgdmPersonRefOutputSerializer,
    FgdmUserRefOutputSerializer,
    audit,
    valid,
)


class FgdmOfferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    decision_point = serializers.ChoiceField(choices=DecisionPointKind.choices)
    decision_point_label = serializers.CharField(source="get_decision_point_display")
    source_type = serializers.SerializerMethodField(help_text="The decision point's record: app_label.model.")
    source_id = serializers.IntegerField(allow_null=True)
    family_case_id = serializers.IntegerField(allow_null=True)
    children = FgdmPersonRefOutputSerializer(many=True)
    recipients = FgdmPersonRefOutputSerializer(
        many=True, help_text="Those with parental responsibility who received it."
    )
    offered_on = serializers.DateField()
    offered_by = FgdmUserRefOutputSerializer()
    response = serializers.ChoiceField(choices=OfferResponse.choices)
    responded_on = serializers.DateField(allow_null=True)
    responded_by = FgdmUserRefOutputSerializer(allow_null=True)
    decline_reason = serializers.CharField()
    not_offered_rationale = serializers.CharField()
    work_request_id = serializers.IntegerField(allow_null=True)
    referral_id = serializers.SerializerMethodField(help_text="The referral to the FGDM service, once referred.")

    def get_source_type(self, row) -> str | None:
        return f"{row.source_type.app_label}.{row.source_type.model}" if row.source_type_id else None

    def get_referral_id(self, row) -> int | None:
        return row.referral.pk if _has_referral(row) else None


def _has_referral(row: FgdmOffer) -> bool:
    try:
        return row.referral is not None
    except FgdmOffer.referral.RelatedObjectDoesNotExist:
        return False


def offers_for_output(qs):
    return qs.select_related("offered_by", "responded_by", "source_type", "referral").prefetch_related(
        "children", "recipients"
    )


def offer_children(offer: FgdmOffer) -> list[int]:
    return [c.pk for c in offer.children.all()]


def offer_response(request: Request, pk: int, *, created: bool = False) -> Response:
    offer = offer_get(user=request.user, pk=pk)
    offer = offers_for_output(FgdmOffer.objects.filter(pk=offer.pk)).get()
    body = FgdmOfferOutputSerializer(offer).data
    audit(request, "fgdm_offer.viewed", offer_children(offer), offer)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _required(message: str) -> dict:
    return {"required": message, "null": message, "blank": message}


class FgdmOfferMakeInputSerializer(InputSerializer):
    """Left to the service to require, with its messages by field: the date, the children, the recipients."""

    decision_point = serializers.ChoiceField(
        choices=DecisionPointKind.choices, error_messages=_required("Choose the decision point the offer was made at")
    )
    source = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="The decision point's record: app_label.model (e.g. cases.plan), with source_id.",
    )
    source_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    children = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    recipients = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Person ids of those with parental responsibility who received the offer.",
    )
    offered_on = serializers.DateField(required=False, allow_null=True, default=None)
    not_offered_rationale = serializers.CharField(
        max_length=5000,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Given (even blank): recorded as not offered, not in the child's best interests; the rationale "
        "is required.",
    )
    work_request = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The FGDM-offer request it answers (taken)."
    )


class FgdmOfferRespondInputSerializer(InputSerializer):
    response = serializers.ChoiceField(
        choices=[c for c in OfferResponse.choices if c[0] != OfferResponse.AWAITING],
        error_messages=_required("Choose the family's answer"),
    )
    responded_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Declined: the family's reason. Not offered: the rationale.",
    )


def _point(data: dict):
    """The decision point's record, if one is named: a model some strand describes as a decision point."""
    label, pk = data["source"].strip().lower(), data["source_id"]
    if not label and pk is None:
        return None
    if label not in registry.decision_point_models() or pk is None:
        raise serializers.ValidationError({"source": ["Name a decision point's record: app_label.model and its id"]})
    point = apps.get_model(label).objects.filter(pk=pk).first()
    if point is None:
        raise serializers.ValidationError({"source_id": ["No such decision point"]})
    return point


def _people(user, ids: list[int], *, scoped: bool) -> list[Person]:
    ids = list(dict.fromkeys(ids))
    qs = person_record_scope(user, relatives=False) if scoped else Person.objects.all()
    people = list(qs.filter(pk__in=ids))
    if len(people) != len(ids):
        if scoped:
            raise NotFound
        raise serializers.ValidationError({"recipients": ["No such person"]})
    return people


class OfferListApi(FgdmApi):
    pagination_class = PagePagination

    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_offers_list",
        summary="The FGDM offers you may see (every child's whole record), newest first",
        parameters=[
            OpenApiParameter("response", str, enum=OfferResponse.values, description="Only offers with this answer."),
            OpenApiParameter("decision_point", str, enum=DecisionPointKind.values),
            OpenApiParameter("child", int, description="Only offers about this child (person id)."),
        ],
        responses={200: FgdmOfferOutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        qs = offers_visible(request.user)
        if request.query_params.get("response") in OfferResponse.values:
            qs = qs.filter(response=request.query_params["response"])
        if request.query_params.get("decision_point") in DecisionPointKind.values:
            qs = qs.filter(decision_point=request.query_params["decision_point"])
        if (child := request.query_params.get("child", "")).isdigit():
            qs = qs.filter(pk__in=FgdmOffer.objects.filter(children=int(child)).values("pk"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(offers_for_output(qs).order_by("-offered_on", "-pk"), request, view=self)
        audit(request, "fgdm_offer.listed", [c for offer in page for c in offer_children(offer)], None)
        return paginator.get_paginated_response(FgdmOfferOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_offer_make",
        request=FgdmOfferMakeInputSerializer,
        summary="Record an FGDM offer at a decision point, or that it was not offered (lead practitioners, LCPPs)",
        description="An offer in the letter before proceedings (decision_point lbp) is made from the pre-proceedings "
        "record and dated the day the letter was sent; a recipient must hold parental responsibility for the "
        "children; not offered needs the rationale (400 by field with the reason).",
        responses={201: FgdmOfferOutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not offer_services.may_offer(request.user):
            raise NotFound
        data = valid(FgdmOfferMakeInputSerializer, request)
        children = _people(request.user, data["children"], scoped=True)
        recipients = _people(request.user, data["recipients"], scoped=False)
        work_request = None
        if data["work_request"] is not None:
            work_request = work_request_get_for_user(user=request.user, request_id=data["work_request"])
        offer = offer_services.offer_make(
            actor=request.user,
            point=_point(data),
            decision_point=data["decision_point"],
            children=children,
            recipients=recipients,
            offered_on=data["offered_on"],
            work_request=work_request,
            not_offered_rationale=data["not_offered_rationale"],
        )
        return offer_response(request, offer.pk, created=True)


class OfferApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_offer",
        summary="An FGDM offer: the decision point, the children, who received it and the family's answer",
        responses={200: FgdmOfferOutputSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return offer_response(request, pk)


class OfferRespondApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_offer_respond",
        request=FgdmOfferRespondInputSerializer,
        summary="The family's answer to an offer: accepted, declined (their reason) or not offered (the rationale)",
        description="Once: an answer already recorded is a 400 with the reason.",
        responses={200: FgdmOfferOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        offer = offer_get(user=request.user, pk=pk)
        if not offer_services.may_offer(request.user):
            raise NotFound
        data = valid(FgdmOfferRespondInputSerializer, request)
        offer_services.offer_respond(actor=request.user, offer=offer, **data)
        return offer_response(request, pk)


urlpatterns = [
    path("offers/", OfferListApi.as_view(), name="fgdm_api_offers"),
    path("offers/<int:pk>/", OfferApi.as_view(), name="fgdm_api_offer"),
    path("offers/<int:pk>/response/", OfferRespondApi.as_view(), name="fgdm_api_offer_respond"),
]
