"""Referrals to the FGDM service, the independent facilitator and preparation (issue 15 items 2, 3, 8), under
/api/v1/family-group-decision-making/.

- GET  referrals/              the referrals you may see (paged); ?status=awaiting|preparing|held|closed,
                               ?facilitator=me (your caseload) or a user id
- GET  referrals/<pk>/         one referral: meeting type, reason, status, the facilitator, the co-design of the
                               meeting (venue, language, interpreter, who the family wants there and who not), the
                               dated preparation steps (the child's wishes in their own words) and the family network
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.web.pagination import PagePagination

from ..models import FgdmReferral, MeetingType, NetworkInvitee, PreparationStep
from ..selectors.scope import referral_get, referrals_visible
from .base import READ_ERRORS, TAGS, FgdmApi, FgdmPersonRefOutputSerializer, FgdmUserRefOutputSerializer, audit


class FgdmPreparationStepOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(
        help_text="professionals, parent, child, wider_family or co_design (PreparationStep.Kind)."
    )
    kind_label = serializers.CharField(source="get_kind_display")
    date = serializers.DateField()
    person = FgdmPersonRefOutputSerializer(allow_null=True)
    notes = serializers.CharField()
    child_wishes = serializers.CharField(help_text="The child's wishes, in their own words.")
    child_taking_part = serializers.CharField(help_text="How the child will take part in the meeting.")
    recorded_by = FgdmUserRefOutputSerializer()


class FgdmNetworkInviteeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person = FgdmPersonRefOutputSerializer()
    relationship = serializers.CharField()
    invited = serializers.BooleanField()
    not_invited_reason = serializers.CharField()


class FgdmReferralSummaryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    offer_id = serializers.IntegerField()
    children = FgdmPersonRefOutputSerializer(source="offer.children.all", many=True)
    meeting_type = serializers.ChoiceField(choices=MeetingType.choices)
    referred_on = serializers.DateField()
    status = serializers.ChoiceField(choices=FgdmReferral.Status.choices)
    facilitator = FgdmUserRefOutputSerializer(allow_null=True)
    allocated_on = serializers.DateField(allow_null=True)


class FgdmReferralOutputSerializer(FgdmReferralSummaryOutputSerializer):
    referred_by = FgdmUserRefOutputSerializer()
    reason = serializers.CharField()
    allocated_by = FgdmUserRefOutputSerializer(allow_null=True)
    work_request_id = serializers.IntegerField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    closed_reason = serializers.CharField()
    venue = serializers.CharField()
    language = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    interpreter_language = serializers.CharField()
    family_wants_there = serializers.CharField()
    family_does_not_want_there = serializers.CharField()
    steps = FgdmPreparationStepOutputSerializer(many=True)
    network = FgdmNetworkInviteeOutputSerializer(many=True)
    meeting_ids = serializers.SerializerMethodField()

    def get_meeting_ids(self, row) -> list[int]:
        return [m.pk for m in row.meetings.all()]


def referral_children(referral: FgdmReferral) -> list[int]:
    return [c.pk for c in referral.offer.children.all()]


def referral_response(request: Request, pk: int, *, created: bool = False) -> Response:
    found = referral_get(user=request.user, pk=pk)
    referral = (
        FgdmReferral.objects.filter(pk=found.pk)
        .select_related("offer", "referred_by", "facilitator", "allocated_by")
        .prefetch_related(
            "offer__children",
            Prefetch("steps", PreparationStep.objects.select_related("person", "recorded_by").order_by("date", "pk")),
            Prefetch("network", NetworkInvitee.objects.select_related("person").order_by("pk")),
            "meetings",
        )
        .get()
    )
    body = FgdmReferralOutputSerializer(referral).data
    audit(request, "fgdm_referral.viewed", referral_children(referral), referral)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ReferralListApi(FgdmApi):
    pagination_class = PagePagination

    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_referrals_list",
        summary="The referrals to the FGDM service you may see; ?facilitator=me is your caseload",
        parameters=[
            OpenApiParameter("status", str, enum=FgdmReferral.Status.values),
            OpenApiParameter("facilitator", str, description="`me`, or a facilitator's user id."),
        ],
        responses={200: FgdmReferralSummaryOutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        qs = referrals_visible(request.user)
        if request.query_params.get("status") in FgdmReferral.Status.values:
            qs = qs.filter(status=request.query_params["status"])
        facilitator = request.query_params.get("facilitator", "")
        if facilitator == "me":
            qs = qs.filter(facilitator=request.user)
        elif facilitator.isdigit():
            qs = qs.filter(facilitator_id=int(facilitator))
        qs = qs.select_related("facilitator").prefetch_related("offer__children").order_by("-referred_on", "-pk")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        audit(request, "fgdm_referral.listed", [c for r in page for c in referral_children(r)], None)
        return paginator.get_paginated_response(FgdmReferralSummaryOutputSerializer(page, many=True).data)


class ReferralApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_referral",
        summary="A referral to the FGDM service: the facilitator, the co-design, preparation steps and network",
        responses={200: FgdmReferralOutputSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return referral_response(request, pk)


urlpatterns = [
    path("referrals/", ReferralListApi.as_view(), name="fgdm_api_referrals"),
    path("referrals/<int:pk>/", ReferralApi.as_view(), name="fgdm_api_referral"),
]
