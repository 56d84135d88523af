"""FGDM meetings, the family's plan and its reviews (issue 15 items 4, 5, 8), under
/api/v1/family-group-decision-making/.

- GET  meetings/<pk>/          the meeting: date, private family time, attendees, what professionals shared (only what
                               you may read under the information tags), the family's plan (what, who, when,
                               contingency), the professionals' view of whether it keeps the child safe, the support
                               asked for (a Family Network Support Package with its cost), the review date and the
                               reviews held
- POST referrals/<pk>/meetings/     the facilitator records the meeting held: date, private family time (start and
                                    end: professionals record nothing during it), who came  {held_on,
                                    private_time_start, private_time_end, family: [person], professionals: [user]}
- POST meetings/<pk>/attendees/     another attendee  {person | user | name, agency}
- POST meetings/<pk>/information/   what a professional shared  {shared_by: attendee, text, tags, shared_at}
- POST meetings/<pk>/plan-items/    a line of the family's plan, in the family's words  {what, who, when,
                                    contingency, not_for_family}
- POST meetings/<pk>/support/       support asked for  {kind, description, family_network_support_package, cost}
- POST meetings/<pk>/agreement/     the plan agreed, the professionals' view of its safety (why not), the review date
- POST meetings/<pk>/reviews/       the review of the family's plan  {held_on, outcome, notes, family_views,
                                    next_review_date}

Writes go through fgdm.services.meetings and reviews (their rules and messages): a meeting with no private family
time, a review before the meeting are 400 with the reason by field; a family or an action not the caller's is 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.inputs import InputSerializer
from cases.models import Agency, Person, User, VisibilityTag

from ..models import FamilyPlanReview, FgdmMeeting, MeetingAttendee, MeetingType, SupportRequest
from ..selectors.meetings import information_for_user
from ..selectors.scope import meeting_get, referral_get
from ..services import meetings as meeting_services
from ..services import reviews as review_services
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


class FgdmAttendeeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="family (the family network) or professional.")
    person = FgdmPersonRefOutputSerializer(allow_null=True)
    user = FgdmUserRefOutputSerializer(allow_null=True)
    agency = serializers.CharField(source="agency.name", default=None, allow_null=True)
    name = serializers.CharField(source="__str__")


class FgdmSharedInformationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    shared_by_id = serializers.IntegerField(allow_null=True, help_text="The attendee who shared it.")
    shared_at = serializers.TimeField(allow_null=True, help_text="Never during private family time.")
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

    @extend_schema_field(FgdmSharedInformationOutputSerializer(many=True))
    def get_information(self, row) -> list[dict]:
        return FgdmSharedInformationOutputSerializer(self.context["information"], many=True).data


def meeting_children(meeting: FgdmMeeting) -> list[int]:
    return [c.pk for c in meeting.referral.offer.children.all()]


def meeting_response(request: Request, pk: int, *, created: bool = False) -> Response:
    found = meeting_get(user=request.user, pk=pk)
    meeting = (  # scoped: found, through meeting_get's scope, read again with what the body shows
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
    information = information_for_user(meeting=meeting, user=request.user)
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


class FgdmMeetingRecordInputSerializer(InputSerializer):
    """Left to the service to require, with its messages by field: the date and private family time."""

    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    private_time_start = serializers.TimeField(required=False, allow_null=True, default=None)
    private_time_end = serializers.TimeField(required=False, allow_null=True, default=None)
    family = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    professionals = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class FgdmAttendeeInputSerializer(InputSerializer):
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    agency = serializers.IntegerField(required=False, allow_null=True, default=None)


class FgdmInformationInputSerializer(InputSerializer):
    shared_by = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The attendee who shared it."
    )
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=VisibilityTag.choices), required=False, default=list
    )
    shared_at = serializers.TimeField(required=False, allow_null=True, default=None)


class FgdmPlanItemInputSerializer(InputSerializer):
    what = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    who = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    when = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contingency = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    not_for_family = serializers.BooleanField(default=False)


class FgdmSupportInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=SupportRequest.Kind.choices, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    family_network_support_package = serializers.BooleanField(default=False)
    cost = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True, default=None)


class FgdmAgreementInputSerializer(InputSerializer):
    plan_agreed = serializers.BooleanField()
    keeps_child_safe = serializers.BooleanField(required=False, allow_null=True, default=None)
    not_safe_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    review_date = serializers.DateField(required=False, allow_null=True, default=None)


class FgdmReviewInputSerializer(InputSerializer):
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(
        choices=FamilyPlanReview.Outcome.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    family_views = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    next_review_date = serializers.DateField(required=False, allow_null=True, default=None)


def _one(model, pk: int | None, field: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: ["Not found"]})
    return found


def _facilitated(request: Request, pk: int) -> FgdmMeeting:
    meeting = meeting_get(user=request.user, pk=pk)
    if not meeting_services.may_facilitate(request.user, meeting.referral):
        raise NotFound
    return meeting


class MeetingRecordApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting_record",
        request=FgdmMeetingRecordInputSerializer,
        summary="Record the meeting held: its date, private family time and who came (the allocated facilitator)",
        description="No private family time (or an end before its start), a date in the future or before the "
        "referral: 400 with the reason by field.",
        responses={201: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        referral = referral_get(user=request.user, pk=pk)
        if not meeting_services.may_facilitate(request.user, referral):
            raise NotFound
        data = valid(FgdmMeetingRecordInputSerializer, request)
        family = [_one(Person, p, "family") for p in data["family"]]
        professionals = [_one(User, u, "professionals") for u in data["professionals"]]
        meeting = meeting_services.meeting_record(
            referral=referral,
            actor=request.user,
            held_on=data["held_on"],
            private_time_start=data["private_time_start"],
            private_time_end=data["private_time_end"],
            family=family,
            professionals=professionals,
        )
        return meeting_response(request, meeting.pk, created=True)


class AttendeeApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting_attendee_add",
        request=FgdmAttendeeInputSerializer,
        summary="Add someone who came: a person in the network, a practitioner (user), or a name and agency",
        responses={201: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _facilitated(request, pk)
        data = valid(FgdmAttendeeInputSerializer, request)
        meeting_services.meeting_attendee_add(
            meeting=meeting,
            actor=request.user,
            person=_one(Person, data["person"], "person"),
            user=_one(User, data["user"], "user"),
            name=data["name"],
            agency=_one(Agency, data["agency"], "agency"),
        )
        return meeting_response(request, pk, created=True)


class InformationApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting_information_add",
        request=FgdmInformationInputSerializer,
        summary="What a professional shared at the meeting, tagged by its source (information tags apply)",
        responses={201: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _facilitated(request, pk)
        data = valid(FgdmInformationInputSerializer, request)
        shared_by = None
        if data["shared_by"] is not None:
            shared_by = meeting.attendees.filter(pk=data["shared_by"]).first()
            if shared_by is None:
                raise serializers.ValidationError({"shared_by": ["Choose someone at the meeting"]})
        meeting_services.meeting_information_add(
            meeting=meeting,
            actor=request.user,
            shared_by=shared_by,
            text=data["text"],
            tags=data["tags"],
            shared_at=data["shared_at"],
        )
        return meeting_response(request, pk, created=True)


class PlanItemApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting_plan_item_add",
        request=FgdmPlanItemInputSerializer,
        summary="A line of the family's plan, in the family's words: what, who, when, and what if not",
        responses={201: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _facilitated(request, pk)
        data = valid(FgdmPlanItemInputSerializer, request)
        meeting_services.meeting_plan_item_add(meeting=meeting, actor=request.user, **data)
        return meeting_response(request, pk, created=True)


class SupportApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting_support_add",
        request=FgdmSupportInputSerializer,
        summary="Support the family asked for: practical, financial (a Family Network Support Package, its cost), "
        "or a service",
        responses={201: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _facilitated(request, pk)
        data = valid(FgdmSupportInputSerializer, request)
        meeting_services.meeting_support_add(meeting=meeting, actor=request.user, **data)
        return meeting_response(request, pk, created=True)


class AgreementApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_meeting_agree",
        request=FgdmAgreementInputSerializer,
        summary="The outcome: the family's plan agreed, whether it keeps the children safe (why not), the review date",
        description="An agreed plan joins the family's one plan in the shared record; the children's leads are told.",
        responses={200: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = _facilitated(request, pk)
        data = valid(FgdmAgreementInputSerializer, request)
        meeting_services.meeting_plan_agree(meeting=meeting, actor=request.user, **data)
        return meeting_response(request, pk)


class ReviewApi(FgdmApi):
    @extend_schema(
        tags=TAGS,
        operation_id="fgdm_review_record",
        request=FgdmReviewInputSerializer,
        summary="The review of the family's plan, with its outcome (the facilitator, lead practitioner or LCPP)",
        description="A review before the meeting, or in the future, is a 400 with the reason.",
        responses={201: FgdmMeetingOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_get(user=request.user, pk=pk)
        if not meeting_services.may_review(request.user):
            raise NotFound
        data = valid(FgdmReviewInputSerializer, request)
        review_services.review_record(meeting=meeting, actor=request.user, **data)
        return meeting_response(request, pk, created=True)


urlpatterns = [
    path("meetings/<int:pk>/", MeetingApi.as_view(), name="fgdm_api_meeting"),
    path("referrals/<int:pk>/meetings/", MeetingRecordApi.as_view(), name="fgdm_api_meeting_record"),
    path("meetings/<int:pk>/attendees/", AttendeeApi.as_view(), name="fgdm_api_meeting_attendee_add"),
    path("meetings/<int:pk>/information/", InformationApi.as_view(), name="fgdm_api_meeting_information_add"),
    path("meetings/<int:pk>/plan-items/", PlanItemApi.as_view(), name="fgdm_api_meeting_plan_item_add"),
    path("meetings/<int:pk>/support/", SupportApi.as_view(), name="fgdm_api_meeting_support_add"),
    path("meetings/<int:pk>/agreement/", AgreementApi.as_view(), name="fgdm_api_meeting_agree"),
    path("meetings/<int:pk>/reviews/", ReviewApi.as_view(), name="fgdm_api_review_record"),
]
