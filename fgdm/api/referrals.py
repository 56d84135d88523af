"""Referrals to the FGDM service, the independent facilitator and preparation (issue 15 items 2, 3, 8), under
/api/v1/family-group-decision-making/.

- GET  referrals/              the referrals you may see (paged); ?status=awaiting|preparing|held|closed,
                               ?facilitator=me (your caseload) or a user id
- GET  referrals/<pk>/         one referral: meeting type, reason, status, the facilitator, the co-design of the
                               meeting (venue, language, interpreter, who the family wants there and who not), the
                               dated preparation steps (the child's wishes in their own words) and the family network
- POST offers/<pk>/referral/   the lead practitioner or LCPP refers an accepted offer  {meeting_type, reason}
- POST referrals/<pk>/allocation/   a manager allocates an independent facilitator  {facilitator}: never the family's
                               own lead practitioner or LCPP (400 with the reason)
- POST referrals/<pk>/close/   a manager or the facilitator closes it  {reason}
- POST referrals/<pk>/steps/   the facilitator records a dated preparation step  {kind, date, person, notes,
                               child_wishes, child_taking_part}
- PATCH referrals/<pk>/co-design/   the meeting as the family designed it (only the fields sent)
- POST referrals/<pk>/network/      invite someone in the child's network, or record why not  {person, invited,
                                    not_invited_reason}
- POST referrals/<pk>/network/new/  someone the family name who is not in the record yet: a person and their
                                    relationship to the children in the shared record, invited

Writes go through fgdm.services.referrals and preparation (their rules and messages): 400 by field with the reason,
404 for a family or an action that is not the caller's.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.inputs import InputSerializer
from cases.models import Person, RelationshipType, User
from cases.web.pagination import PagePagination

from ..models import FgdmReferral, MeetingType, NetworkInvitee, PreparationStep
from ..selectors.preparation import CO_DESIGN_FIELDS
from ..selectors.scope import offer_get, referral_get, referrals_visible
from ..services import preparation as preparation_services
from ..services import referrals as referral_services
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
    referral = (  # scoped: found, through referral_get's scope, read again with what the body shows
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


def _required(message: str) -> dict:
    return {"required": message, "null": message, "blank": message}


class FgdmReferralCreateInputSerializer(InputSerializer):
    meeting_type = serializers.ChoiceField(
        choices=MeetingType.choices, error_messages=_required("Choose the kind of meeting")
    )
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class FgdmAllocationInputSerializer(InputSerializer):
    facilitator = serializers.IntegerField(
        error_messages={**_required("Choose the facilitator"), "invalid": "Give the facilitator's user id"}
    )


class FgdmCloseInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class FgdmStepInputSerializer(InputSerializer):
    """Left to the service to require, with its messages by field: the kind, the date, who (the child's step)."""

    kind = serializers.ChoiceField(choices=PreparationStep.Kind.choices, required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None)
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    child_wishes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    child_taking_part = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class FgdmCoDesignInputSerializer(InputSerializer):
    """Only the fields sent are changed."""

    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.CharField(max_length=100, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    interpreter_language = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_wants_there = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    family_does_not_want_there = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class FgdmInviteeInputSerializer(InputSerializer):
    person = serializers.IntegerField(error_messages=_required("Choose someone in the family's network"))
    invited = serializers.BooleanField(default=True)
    not_invited_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class FgdmNetworkMemberInputSerializer(InputSerializer):
    """A new person in the shared record and their relationship to the chosen children (all, if none chosen)."""

    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    type = serializers.ChoiceField(choices=RelationshipType.choices, required=False, allow_blank=True, default="")
    parental_responsibility = serializers.BooleanField(default=False)
    children = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


def _person(pk: int | None, field: str) -> Person | None:
    if pk is None:
        return None
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise serializers.ValidationError({field: ["No such person"]})
    return person


class ReferralCreateApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_referral_create",
        request=FgdmReferralCreateInputSerializer,
        summary="Refer an accepted offer to the FGDM service (the family's lead practitioner or LCPP)",
        description="The managers who allocate are sent the FGDM-referral hand-off. An offer not accepted, or "
        "already referred, is a 400 with the reason.",
        responses={201: FgdmReferralOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        offer = offer_get(user=request.user, pk=pk)
        if not referral_services.may_refer(request.user):
            raise NotFound
        data = valid(FgdmReferralCreateInputSerializer, request)
        referral = referral_services.referral_create(offer=offer, actor=request.user, **data)
        return referral_response(request, referral.pk, created=True)


class AllocationApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_referral_allocate",
        request=FgdmAllocationInputSerializer,
        summary="Allocate an independent facilitator (managers)",
        description="Never the family's own lead practitioner or LCPP, checked against the children's leads and "
        "involvements: a 400 on facilitator with the reason.",
        responses={200: FgdmReferralOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not referral_services.may_allocate(request.user):
            raise NotFound
        data = valid(FgdmAllocationInputSerializer, request)
        facilitator = User.objects.filter(pk=data["facilitator"], is_active=True).first()
        if facilitator is None:
            raise serializers.ValidationError({"facilitator": ["No such facilitator"]})
        referral_services.referral_allocate(referral=referral, actor=request.user, facilitator=facilitator)
        return referral_response(request, pk)


class CloseApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_referral_close",
        request=FgdmCloseInputSerializer,
        summary="Close a referral with the reason (a manager, or its facilitator)",
        responses={200: FgdmReferralOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not referral_services.may_close(request.user, referral):
            raise NotFound
        data = valid(FgdmCloseInputSerializer, request)
        referral_services.referral_close(referral=referral, actor=request.user, reason=data["reason"])
        return referral_response(request, pk)


class StepApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_preparation_step_add",
        request=FgdmStepInputSerializer,
        summary="Record a dated preparation step (the allocated facilitator)",
        description="A date in the future, a child's step without the child, a person outside the family's network "
        "are 400 with the reason.",
        responses={201: FgdmReferralOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not preparation_services.is_facilitator_of(request.user, referral):
            raise NotFound
        data = dict(valid(FgdmStepInputSerializer, request))
        data["person"] = _person(data["person"], "person")
        preparation_services.preparation_step_add(referral=referral, actor=request.user, data=data)
        return referral_response(request, pk, created=True)


class CoDesignApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_co_design",
        request=FgdmCoDesignInputSerializer,
        summary="The meeting as the family designed it: venue, language, interpreter, who they want there and not",
        responses={200: FgdmReferralOutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not preparation_services.is_facilitator_of(request.user, referral):
            raise NotFound
        data = valid(FgdmCoDesignInputSerializer, request)
        preparation_services.co_design_save(
            referral=referral, actor=request.user, data={k: v for k, v in data.items() if k in CO_DESIGN_FIELDS}
        )
        return referral_response(request, pk)


class InviteeApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_network_invite",
        request=FgdmInviteeInputSerializer,
        summary="Invite someone in the child's network to the meeting, or record why they are not invited",
        responses={200: FgdmReferralOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not preparation_services.is_facilitator_of(request.user, referral):
            raise NotFound
        data = valid(FgdmInviteeInputSerializer, request)
        preparation_services.network_invitee_set(
            referral=referral,
            actor=request.user,
            person=_person(data["person"], "person"),
            invited=data["invited"],
            reason=data["not_invited_reason"],
        )
        return referral_response(request, pk)


class NetworkMemberApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_network_member_add",
        request=FgdmNetworkMemberInputSerializer,
        summary="Someone the family name who is not in the record yet: a new person and relationship, invited",
        description="Made in the shared record (a person, and a relationship to each chosen child): no re-typing "
        "later. Names and the relationship are required (400 by field).",
        responses={201: FgdmReferralOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not preparation_services.is_facilitator_of(request.user, referral):
            raise NotFound
        data = valid(FgdmNetworkMemberInputSerializer, request)
        preparation_services.network_member_add(referral=referral, actor=request.user, data=dict(data))
        return referral_response(request, pk, created=True)


urlpatterns = [
    path("referrals/", ReferralListApi.as_view(), name="fgdm_api_referrals"),
    path("referrals/<int:pk>/", ReferralApi.as_view(), name="fgdm_api_referral"),
    path("offers/<int:pk>/referral/", ReferralCreateApi.as_view(), name="fgdm_api_referral_create"),
    path("referrals/<int:pk>/allocation/", AllocationApi.as_view(), name="fgdm_api_referral_allocate"),
    path("referrals/<int:pk>/close/", CloseApi.as_view(), name="fgdm_api_referral_close"),
    path("referrals/<int:pk>/steps/", StepApi.as_view(), name="fgdm_api_preparation_step_add"),
    path("referrals/<int:pk>/co-design/", CoDesignApi.as_view(), name="fgdm_api_co_design"),
    path("referrals/<int:pk>/network/", InviteeApi.as_view(), name="fgdm_api_network_invite"),
    path("referrals/<int:pk>/network/new/", NetworkMemberApi.as_view(), name="fgdm_api_network_member_add"),
]
