"""Family Help API: allocation, under /api/v1/family-help/.

- GET  allocation-requests/                   open allocation requests (team and front door managers)
- POST allocation-requests/<pk>/allocate/      allocate a lead practitioner   {"lead": id, "reason": "..."}
                                               If-Match: the request's `etag` from the list
- POST families/<pk>/lead/                     change the lead practitioner   {"lead": id, "reason": "..."}
                                               If-Match: the ETag of GET families/<pk>/allocations/
- GET  families/<pk>/allocations/              the family's leads, newest first (ETag: the current lead)
- GET  my-families/                            the families the caller leads or is in the team around

Scoped like the pages: anything the caller may not see or do is 404 (the project's choice: the front door's
API answers a role that may not act with 404 too); 401 only when not signed in. Writes go through
family_help.services.allocation; every response showing children writes one read-audit row.

Allocating and changing the lead are state changes, so each names what it read with If-Match (cases.api.
concurrency): 428 without it, 412 with what is current now if a colleague allocated or changed the lead first.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import policy
from cases.api.concurrency import (
    IF_MATCH,
    PRECONDITION_RESPONSES,
    PreconditionFailed,
    etag,
    etag_header,
    require_if_match,
    with_etag,
)
from cases.api.inputs import InputSerializer
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.models import User
from cases.selectors import user_find
from cases.services import Conflict
from cases.web import audit_shown
from ffp.api_errors import JSONParser

from ..models import Allocation
from ..selectors import allocation as sel
from ..selectors import family_case_get_for_user
from ..services.allocation import allocation_change_lead, allocation_create

TAGS = ["family help"]
_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see or do this to.")


# --- serializers -----------------------------------------------------------------------------------------------


class LeadPractitionerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")
    email = serializers.EmailField()
    agency = serializers.CharField(source="agency.name", default=None)
    agency_type = serializers.CharField(source="agency.type", default=None)
    qualification = serializers.CharField()


class AllocationRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    child_id = serializers.IntegerField(source="person_id")
    child_name = serializers.CharField(source="person.display_name")
    family_case_id = serializers.IntegerField(source="episode.family_case_id", default=None)
    family_name = serializers.CharField(source="episode.family_case.name", default=None)
    level = serializers.CharField(source="level_name", default=None)
    summary = serializers.CharField()
    urgent = serializers.BooleanField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField(source="created_at")
    etag = serializers.SerializerMethodField(help_text="Send as If-Match to allocate from this request.")

    def get_etag(self, row) -> str:
        return etag(row.status)


class AllocationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    family_case_id = serializers.IntegerField()
    family_name = serializers.CharField(source="family_case.name")
    lead = LeadPractitionerOutputSerializer()
    allocated_by = serializers.CharField(source="allocated_by.full_name", default=None)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    work_request_id = serializers.IntegerField(allow_null=True)
    letter_sent_at = serializers.DateTimeField(allow_null=True)


class AllocateInputSerializer(InputSerializer):
    lead = serializers.IntegerField(
        error_messages={
            "required": "Choose a lead practitioner",
            "null": "Choose a lead practitioner",
            "invalid": "Give the lead practitioner's id",
        }
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ChangeLeadInputSerializer(AllocateInputSerializer):
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        error_messages={"required": "Give the reason for changing the lead practitioner"},
    )


class FamilyDueOutputSerializer(serializers.Serializer):
    label = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    note = serializers.CharField()


class MyActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    description = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    overdue = serializers.BooleanField(source="is_overdue")


class FamilyChildOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    date_of_birth = serializers.DateField(allow_null=True)


class MyFamilyOutputSerializer(serializers.Serializer):
    family_case_id = serializers.IntegerField(source="family_case.pk")
    family_name = serializers.CharField(source="family_case.name")
    role = serializers.CharField()
    lead = LeadPractitionerOutputSerializer(allow_null=True)
    children = FamilyChildOutputSerializer(many=True)
    next_visit = FamilyDueOutputSerializer(allow_null=True)
    next_review = FamilyDueOutputSerializer(allow_null=True)
    actions = MyActionOutputSerializer(many=True)
    assessments = FamilyDueOutputSerializer(many=True)
    overdue_count = serializers.IntegerField()


# --- views -----------------------------------------------------------------------------------------------------


class FamilyHelpApi(APIView):
    parser_classes = [JSONParser]


def _lead(pk: int) -> User | None:
    return user_find(user_id=pk)


def _allocation(pk: int) -> Allocation:
    return sel.allocation_get(allocation_id=pk)


def _family_child_ids(family_case_id: int) -> list[int]:
    return sel.children_of_families(family_ids=[family_case_id])


def _current_allocation_id(family_case_id: int) -> int | None:
    return (
        Allocation.objects.filter(family_case_id=family_case_id, ended_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )


def _lead_token(family_case_id: int) -> str:
    """The family's lead as an ETag: the current allocation's id ("none" before the first)."""
    return str(_current_allocation_id(family_case_id) or "none")


class AllocationRequestListApi(FamilyHelpApi):
    @extend_schema(
        tags=TAGS,
        operation_id="family_help_allocation_requests",
        summary="Open Family Help allocation requests, urgent then oldest first (managers)",
        responses={200: AllocationRequestOutputSerializer(many=True), 401: _401, 404: _404},
    )
    def get(self, request: Request) -> Response:
        rows = list(sel.allocation_requests(user=request.user))
        body = AllocationRequestOutputSerializer(rows, many=True).data
        audit_shown(request, "fh_allocation_requests.listed", [r.person_id for r in rows])
        return Response(body)


class AllocateApi(FamilyHelpApi):
    @extend_schema(
        tags=TAGS,
        operation_id="family_help_allocate",
        request=AllocateInputSerializer,
        summary="Allocate a Family Help Lead Practitioner (of any agency) from a request",
        description="If-Match: the request's `etag` from the list. If a colleague allocated (or "
        "declined) it first, 412 with its status now, and nothing is saved.",
        parameters=[IF_MATCH, etag_header(201)],
        responses={201: AllocationOutputSerializer, 400: _400, 401: _401, 404: _404, **PRECONDITION_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_request = sel.allocation_request_get_for_user(user=request.user, request_id=pk)
        if not sel.can_allocate(request.user):
            raise NotFound
        require_if_match(request, token=work_request.status, current={"status": work_request.status})
        data = AllocateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            allocation = allocation_create(
                work_request=work_request,
                actor=request.user,
                lead=_lead(data.validated_data["lead"]),
                reason=data.validated_data["reason"],
            )
        except DjangoPermissionDenied:
            raise NotFound from None
        except Conflict as exc:  # a colleague allocated it between our read and the service's lock
            raise PreconditionFailed(token=exc.current["status"], detail=str(exc), current=exc.current) from None
        allocation = _allocation(allocation.pk)
        body = AllocationOutputSerializer(allocation).data
        audit_shown(request, "fh_allocation.viewed", _family_child_ids(allocation.family_case_id), target=allocation)
        return with_etag(Response(body, status=status.HTTP_201_CREATED), _lead_token(allocation.family_case_id))


class FamilyAllocationsApi(FamilyHelpApi):
    @extend_schema(
        tags=TAGS,
        operation_id="family_help_family_allocations",
        summary="The family's lead practitioners, newest first (the current one has no ended_at)",
        description="The ETag header names the current lead: send it as If-Match to change the lead.",
        parameters=[etag_header(200)],
        responses={200: AllocationOutputSerializer(many=True), 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family = family_case_get_for_user(user=request.user, family_case_id=pk)
        rows = sel.family_history(family_case=family)
        body = AllocationOutputSerializer(rows, many=True).data
        audit_shown(request, "fh_allocations.listed", _family_child_ids(family.pk), target=family)
        return with_etag(Response(body), _lead_token(family.pk))


class ChangeLeadApi(FamilyHelpApi):
    @extend_schema(
        tags=TAGS,
        operation_id="family_help_change_lead",
        request=ChangeLeadInputSerializer,
        summary="Change the family's lead practitioner (the old lead loses access at once)",
        description="If-Match: the ETag of the family's allocations. If the lead changed since, 412 "
        "with the current lead, and nothing is saved.",
        parameters=[IF_MATCH, etag_header(201)],
        responses={201: AllocationOutputSerializer, 400: _400, 401: _401, 404: _404, **PRECONDITION_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        family = family_case_get_for_user(user=request.user, family_case_id=pk)
        if not sel.can_allocate(request.user):
            raise NotFound
        current = _current_allocation_id(family.pk)
        require_if_match(request, token=current or "none", current={"allocation": current})
        data = ChangeLeadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            allocation = allocation_change_lead(
                family_case=family,
                actor=request.user,
                lead=_lead(data.validated_data["lead"]),
                reason=data.validated_data["reason"],
                expected_allocation_id=current,
            )
        except DjangoPermissionDenied:
            raise NotFound from None
        except Conflict as exc:  # the lead changed between our read and the service's lock
            raise PreconditionFailed(token=exc.current["allocation"], detail=str(exc), current=exc.current) from None
        allocation = _allocation(allocation.pk)
        body = AllocationOutputSerializer(allocation).data
        audit_shown(request, "fh_allocation.viewed", _family_child_ids(family.pk), target=allocation)
        return with_etag(Response(body, status=status.HTTP_201_CREATED), allocation.pk)


class MyFamiliesApi(FamilyHelpApi):
    @extend_schema(
        tags=TAGS,
        operation_id="family_help_my_families",
        summary="Families the caller leads or is in the team around, with what is due",
        responses={200: MyFamilyOutputSerializer(many=True), 401: _401, 404: _404},
    )
    def get(self, request: Request) -> Response:
        if request.user.roles <= policy.NEVER:  # a referrer in a team around a family sees that family
            raise NotFound
        rows = sel.my_families(user=request.user)
        body = MyFamilyOutputSerializer(rows, many=True).data
        audit_shown(request, "fh_my_families.listed", [cid for r in rows for cid in r.child_ids])
        return Response(body)


urlpatterns = [
    path("allocation-requests/", AllocationRequestListApi.as_view(), name="fh_api_allocation_requests"),
    path("allocation-requests/<int:pk>/allocate/", AllocateApi.as_view(), name="fh_api_allocate"),
    path("families/<int:pk>/allocations/", FamilyAllocationsApi.as_view(), name="fh_api_family_allocations"),
    path("families/<int:pk>/lead/", ChangeLeadApi.as_view(), name="fh_api_change_lead"),
    path("my-families/", MyFamiliesApi.as_view(), name="fh_api_my_families"),
]
