"""FGDM meetings, the family's plan and its reviews (issue 15 items 4, 5, 8), under
/api/v1/family-group-decision-making/.

- GET  meetings/<pk>/          the meeting: date, private family time, attendees, what professionals shared (only what
                               you may read under the information tags), the family's plan (what, who, when,
                               contingency), the professionals' view of whether it keeps the child safe, the support
                               asked for (a Family Network Support Package with its cost), the review date and the
                               reviews held
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import FamilyPlanReview, FgdmMeeting, MeetingAttendee, MeetingType, SupportRequest
from ..selectors.information import meeting_information
from ..selectors.scope import meeting_get
from .base import READ_ERRORS, TAGS, FgdmApi, FgdmPersonRefOutputSerializer, FgdmUserRefOutputSerializer, audit


class FgdmAttendeeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="family (the family network) or professional.")
    person = FgdmPersonRefOutputSerializer(allow_null=True)
    user = FgdmUserRefOutputSerializer(allow_null=True)
    agency = serializers.CharField(source="agency.name", default=None)
    name = serializers.CharField(source="__str__")


class FgdmSharedInformationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    agency = serializers.CharField(source="agency.name")
    author = serializers.CharField(source="author.full_name")
    text = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    recorded_at = serializers.DateTimeField(source="created_at")


class FgdmPlanItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    what = serializers.CharField()
    who = serializers.CharField()
    when = serializers.CharField()
    contingency = serializers.CharField()
    not_for_family = serializers.BooleanField(help_text="Left out of the family's PDF.")
    order = serializers.IntegerField()


class FgdmSupportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="practical, financial or service.")
    description = serializers.CharField()
    family_network_support_package = serializers.BooleanField()
    cost = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    agreed = serializers.BooleanField(allow_null=True)


class FgdmReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    held_on = serializers.DateField()
    outcome = serializers.CharField(help_text="working, partly, not_working or ended.")
    outcome_label = serializers.CharField(source="get_outcome_display")
    notes = serializers.CharField()
    family_views = serializers.CharField()
    next_review_date = serializers.DateField(allow_null=True)
    recorded_by = FgdmUserRefOutputSerializer()


class FgdmMeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    referral_id = serializers.IntegerField()
    meeting_type = serializers.ChoiceField(source="referral.meeting_type", choices=MeetingType.choices)
    children = FgdmPersonRefOutputSerializer(source="referral.offer.children.all", many=True)
    held_on = serializers.DateField()
    private_time_start = serializers.TimeField(help_text="Private family time: professionals record nothing during it.")
    private_time_end = serializers.TimeField()
    family_plan_id = serializers.IntegerField(
        source="plan_id", allow_null=True, help_text="The family's one plan (cases.Plan) the family's plan is on."
    )
    plan_agreed = serializers.BooleanField()
    keeps_child_safe = serializers.BooleanField(allow_null=True)
    not_safe_reason = serializers.CharField()
    review_date = serializers.DateField(allow_null=True)
    recorded_by = FgdmUserRefOutputSerializer()
    attendees = FgdmAttendeeOutputSerializer(many=True)
    information = serializers.SerializerMethodField(help_text="Only what you may read under the information tags.")
    plan_items = FgdmPlanItemOutputSerializer(many=True, help_text="The family's plan, in the family's words.")
    support = FgdmSupportOutputSerializer(many=True)
    reviews = FgdmReviewOutputSerializer(many=True)

    def get_information(self, row) -> list[dict]:
        return FgdmSharedInformationOutputSerializer(self.context["information"], many=True).data


def meeting_children(meeting: FgdmMeeting) -> list[int]:
    return [c.pk for c in meeting.referral.offer.children.all()]


def meeting_response(request: Request, pk: int, *, created: bool = False) -> Response:
    found = meeting_get(user=request.user, pk=pk)
    meeting = (
        FgdmMeeting.objects.filter(pk=found.pk)
        .select_related("referral", "referral__offer", "recorded_by")
        .prefetch_related(
            "referral__offer__children",
            Prefetch("attendees", MeetingAttendee.objects.select_related("person", "user", "agency").order_by("pk")),
            "plan_items",
            Prefetch("support", SupportRequest.objects.order_by("pk")),
            Prefetch("reviews", FamilyPlanReview.objects.select_related("recorded_by").order_by("held_on", "pk")),
        )
        .get()
    )
    information = list(meeting_information(meeting=meeting, user=request.user))
    body = FgdmMeetingOutputSerializer(meeting, context={"information": information}).data
    audit(request, "fgdm_meeting.viewed", meeting_children(meeting), meeting)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MeetingApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting",
        summary="An FGDM meeting with private family time, the family's plan, support asked for and its reviews",
        responses={200: FgdmMeetingOutputSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return meeting_response(request, pk)


urlpatterns = [
    path("meetings/<int:pk>/", MeetingApi.as_view(), name="fgdm_api_meeting"),
]
