"""FGDM offers at decision points (issue 15 items 1, 8), under /api/v1/family-group-decision-making/.

- GET  offers/                 the offers you may see, newest first (paged); ?response=awaiting|accepted|declined|
                               not_offered, ?child=<person id>, ?decision_point=<kind>
- GET  offers/<pk>/            one offer: the decision point (and its record), the children, who received it (those
                               with parental responsibility), the family's answer, the referral it led to
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.web.pagination import PagePagination

from ..models import DecisionPointKind, FgdmOffer, OfferResponse
from ..selectors.scope import offer_get, offers_visible
from .base import READ_ERRORS, TAGS, FgdmApi, FgdmPersonRefOutputSerializer, FgdmUserRefOutputSerializer, audit


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


class OfferApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_offer",
        summary="An FGDM offer: the decision point, the children, who received it and the family's answer",
        responses={200: FgdmOfferOutputSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return offer_response(request, pk)


urlpatterns = [
    path("offers/", OfferListApi.as_view(), name="fgdm_api_offers"),
    path("offers/<int:pk>/", OfferApi.as_view(), name="fgdm_api_offer"),
]
