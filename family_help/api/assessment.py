"""Family Help API: the whole-family assessment, under /api/v1/family-help/.

  GET  families/<pk>/assessments/           the family's assessments, newest first
  POST families/<pk>/assessments/           start one (referral_date optional: the front door's date)
  GET  assessments/<pk>/                    one assessment with the child sections you may see
  PATCH assessments/<pk>/                   save the draft
  POST assessments/<pk>/submit/             submit for authorisation (required parts checked: 400 lists them)
  POST assessments/<pk>/authorise/          a manager authorises (authorised_on: the census date)
  POST assessments/<pk>/return/             a manager returns it to draft with a reason

An assessment's ETag is its version: every change (PATCH and the three POSTs) sends it as If-Match (428
without it; 412 and nothing saved if someone changed it since; 409 if it is no longer in a state that allows
the change, e.g. a draft submitted meanwhile).

Scoped like the pages: a family or assessment you may not see is 404, and so is one you may see but not change
(a refusal is one answer: ffp.exceptions answers the PermissionDenied below with 404).
Every response that shows a child's data writes one read-audit row; writes go only through the services.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.concurrency import IF_MATCH, PRECONDITION_RESPONSES, etag_header, require_if_match, with_etag
from cases.api.inputs import InputSerializer
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.web import audit_shown
from ffp.api_errors import JSONParser

from ..models import Assessment, AssessmentOutcome
from ..selectors import family_case_get_for_user
from ..selectors.assessment import (
    Timescale,
    assessment_get,
    assessment_get_for_user,
    assessment_sections,
    assessment_timescale,
    assessment_timescales,
    assessments_for_family,
    visible_sections,
)
from ..services import assessment as services

TAGS = ["family help: assessment"]
_400 = OpenApiResponse(
    FIELD_ERRORS_SCHEMA,
    description="Invalid input: reasons keyed by field (a child section's reasons under children -> section id).",
)
_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see or change.")
_409 = OpenApiResponse(
    DetailOutputSerializer,
    description="The assessment is no longer in a state that allows this "
    "(e.g. submitted meanwhile); nothing was saved.",
)
_CHANGE = {**PRECONDITION_RESPONSES, 409: _409}


# --- serializers ------------------------------------------------------------------------------------------


class SectionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    child_name = serializers.CharField()
    child_voice = serializers.CharField()
    voice_not_gathered_reason = serializers.CharField()
    needs = serializers.CharField()
    factors = serializers.ListField(child=serializers.CharField())
    primary_need = serializers.CharField()


class TimescaleOutputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    working_days_left = serializers.IntegerField()
    rag = serializers.CharField()
    text = serializers.CharField()


class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    family_case_id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    referral_date = serializers.DateField()
    started_on = serializers.DateField()
    due_on = serializers.DateField()
    author = serializers.CharField()
    domestic_abuse = serializers.CharField()
    substance_misuse = serializers.CharField()
    mental_health = serializers.CharField()
    housing = serializers.CharField()
    income = serializers.CharField()
    other_needs = serializers.CharField()
    strengths = serializers.CharField()
    risks = serializers.CharField()
    analysis = serializers.CharField()
    outcome = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    authorised_on = serializers.DateField(allow_null=True)
    authorised_by = serializers.CharField(allow_null=True)
    returned_reason = serializers.CharField()
    last_saved_at = serializers.DateTimeField(allow_null=True)
    timescale = TimescaleOutputSerializer()
    children = SectionOutputSerializer(many=True)
    url = serializers.CharField()


class SectionInputSerializer(InputSerializer):
    id = serializers.IntegerField()
    child_voice = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    voice_not_gathered_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    needs = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    factors = serializers.ListField(child=serializers.CharField(max_length=10), required=False)
    primary_need = serializers.CharField(required=False, allow_blank=True, max_length=10)


class DraftInputSerializer(InputSerializer):
    domestic_abuse = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    substance_misuse = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    mental_health = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    housing = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    income = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    other_needs = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    strengths = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    risks = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    analysis = serializers.CharField(required=False, allow_blank=True, max_length=40000)
    outcome = serializers.ChoiceField(required=False, allow_blank=True, choices=AssessmentOutcome.choices)
    children = SectionInputSerializer(many=True, required=False)


class StartInputSerializer(InputSerializer):
    referral_date = serializers.DateField(required=False)


class AuthoriseInputSerializer(InputSerializer):
    authorised_on = serializers.DateField()


class ReturnInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=5000)


class SubmitInputSerializer(InputSerializer):
    """Submitting takes no fields: any key sent (a `status`, an `authorised_by`) is refused by name, never dropped."""


# --- helpers ------------------------------------------------------------------------------------------------


def _represent(assessment: Assessment, sections, timescale: Timescale) -> dict:
    data = {
        name: getattr(assessment, name)
        for name in (
            "id",
            "family_case_id",
            "status",
            "version",
            "referral_date",
            "started_on",
            "due_on",
            "domestic_abuse",
            "substance_misuse",
            "mental_health",
            "housing",
            "income",
            "other_needs",
            "strengths",
            "risks",
            "analysis",
            "outcome",
            "submitted_at",
            "authorised_on",
            "returned_reason",
            "last_saved_at",
        )
    }
    data.update(
        {
            "author": assessment.author.full_name,
            "authorised_by": assessment.authorised_by.full_name if assessment.authorised_by_id else None,
            "timescale": {
                "due_on": timescale.due_on,
                "working_days_left": timescale.working_days_left,
                "rag": timescale.rag,
                "text": timescale.text,
            },
            "children": [
                {
                    "id": s.pk,
                    "person_id": s.person_id,
                    "child_name": s.person.full_name,
                    "child_voice": s.child_voice,
                    "voice_not_gathered_reason": s.voice_not_gathered_reason,
                    "needs": s.needs,
                    "factors": list(s.factors),
                    "primary_need": s.primary_need,
                }
                for s in sections
            ],
            "url": reverse("family_help:assessment", args=[assessment.pk]),
        }
    )
    return data


def _respond(request: Request, assessment: Assessment, verb: str, code: int = status.HTTP_200_OK) -> Response:
    assessment = assessment_get(assessment_id=assessment.pk)
    sections = assessment_sections(assessment=assessment, user=request.user)
    body = _represent(assessment, sections, assessment_timescale(assessment=assessment))
    audit_shown(request, verb, [s.person_id for s in sections], target=assessment)
    return with_etag(Response(body, status=code), assessment.version)


def _if_match(request: Request, assessment: Assessment) -> int:
    """The version the request changes: 428 without If-Match, 412 if it is not the current one."""
    require_if_match(
        request, token=assessment.version, current={"status": assessment.status, "version": assessment.version}
    )
    return assessment.version


def _require_writer(request: Request, assessment: Assessment) -> None:
    """Refused (404) before the version is asked for: someone who may not change it learns nothing from a 428."""
    if not services.can_write_assessment(user=request.user, family_case=assessment.family_case):
        raise PermissionDenied("Only the family's practitioners or a manager can change this assessment")


def _require_manager(request: Request) -> None:
    if not services.can_authorise_assessment(user=request.user):
        raise PermissionDenied("Only a manager can authorise or return an assessment")


def _nested_errors(exc: DjangoValidationError) -> dict:
    """Service errors keyed `child-<id>-<field>` become {"children": {"<id>": {"<field>": [...]}}}."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    out: dict = {}
    for key, found in exc.message_dict.items():
        if key.startswith("child-"):
            section_id, _, field = key[len("child-") :].partition("-")
            out.setdefault("children", {}).setdefault(section_id, {})[field] = found
        else:
            out[key] = found
    return out


class AssessmentApi(APIView):
    parser_classes = [JSONParser]


# --- views ----------------------------------------------------------------------------------------------------


class FamilyAssessmentsApi(AssessmentApi):
    @extend_schema(
        operation_id="family_help_assessments_list",
        tags=TAGS,
        summary="A family's assessments, newest first",
        responses={200: AssessmentOutputSerializer(many=True), 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family = family_case_get_for_user(user=request.user, family_case_id=pk)
        assessments = assessments_for_family(family_case=family)
        sections = visible_sections(assessments=assessments, user=request.user)
        timescales = assessment_timescales(assessments=assessments)
        body = [_represent(a, sections[a.pk], timescales[a.pk]) for a in assessments]
        shown = {s.person_id for found in sections.values() for s in found}
        audit_shown(request, "family_help.assessment.listed", shown, target=family)
        return Response(body)

    @extend_schema(
        operation_id="family_help_assessment_start",
        tags=TAGS,
        request=StartInputSerializer,
        summary="Start the family's assessment",
        description="A section for each current child; due 45 "
        "working days after the referral date (by default, the front door's decision date).",
        parameters=[etag_header(201)],
        responses={201: AssessmentOutputSerializer, 400: _400, 401: _401, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        family = family_case_get_for_user(user=request.user, family_case_id=pk)
        data = StartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.assessment_start(family_case=family, actor=request.user, **data.validated_data)
        return _respond(request, assessment, "family_help.assessment.viewed", status.HTTP_201_CREATED)


class AssessmentDetailApi(AssessmentApi):
    @extend_schema(
        operation_id="family_help_assessment_get",
        tags=TAGS,
        summary="One assessment",
        description="The ETag header holds its version: send it back as If-Match to change it.",
        parameters=[etag_header(200)],
        responses={200: AssessmentOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
        return _respond(request, assessment, "family_help.assessment.viewed")

    @extend_schema(
        operation_id="family_help_assessment_save_draft",
        tags=TAGS,
        request=DraftInputSerializer,
        summary="Save the draft",
        description="Only the fields sent change. Send the ETag you read as "
        "If-Match: if someone has saved since, nothing is saved and the answer is 412 with the current "
        "version.",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: AssessmentOutputSerializer, 400: _400, 401: _401, 404: _404, **_CHANGE},
    )
    def patch(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
        _require_writer(request, assessment)
        version = _if_match(request, assessment)
        data = DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        sections = {s.pop("id"): dict(s) for s in values.pop("children", [])}
        try:
            assessment = services.assessment_save_draft(
                assessment=assessment, actor=request.user, expected_version=version, data=values, sections=sections
            )
        except DjangoValidationError as exc:
            return Response(_nested_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return _respond(request, assessment, "family_help.assessment.viewed")


class AssessmentSubmitApi(AssessmentApi):
    @extend_schema(
        operation_id="family_help_assessment_submit",
        tags=TAGS,
        request=None,
        summary="Submit for authorisation",
        description="Needs the analysis, the outcome, and for each "
        "child their voice (or why it could not be gathered) and at least one factor code. If-Match: "
        "the version you read.",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: AssessmentOutputSerializer, 400: _400, 401: _401, 404: _404, **_CHANGE},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
        _require_writer(request, assessment)
        SubmitInputSerializer(data=request.data).is_valid(raise_exception=True)
        version = _if_match(request, assessment)
        try:
            services.assessment_submit(assessment=assessment, actor=request.user, expected_version=version)
        except DjangoValidationError as exc:
            return Response(_nested_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return _respond(request, assessment, "family_help.assessment.viewed")


class AssessmentAuthoriseApi(AssessmentApi):
    @extend_schema(
        operation_id="family_help_assessment_authorise",
        tags=TAGS,
        request=AuthoriseInputSerializer,
        summary="Authorise (managers)",
        description="`authorised_on` is the census authorisation date: "
        "not before the assessment started, not in the future. If-Match: the version you read.",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: AssessmentOutputSerializer, 400: _400, 401: _401, 404: _404, **_CHANGE},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
        _require_manager(request)
        version = _if_match(request, assessment)
        data = AuthoriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_authorise(
            assessment=assessment, actor=request.user, expected_version=version, **data.validated_data
        )
        return _respond(request, assessment, "family_help.assessment.viewed")


class AssessmentReturnApi(AssessmentApi):
    @extend_schema(
        operation_id="family_help_assessment_return",
        tags=TAGS,
        request=ReturnInputSerializer,
        summary="Return to draft (managers)",
        description="If-Match: the version you read.",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: AssessmentOutputSerializer, 400: _400, 401: _401, 404: _404, **_CHANGE},
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for_user(user=request.user, assessment_id=pk)
        _require_manager(request)
        version = _if_match(request, assessment)
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_return(
            assessment=assessment, actor=request.user, reason=data.validated_data["reason"], expected_version=version
        )
        return _respond(request, assessment, "family_help.assessment.viewed")


urlpatterns = [
    path("families/<int:pk>/assessments/", FamilyAssessmentsApi.as_view(), name="fh_api_family_assessments"),
    path("assessments/<int:pk>/", AssessmentDetailApi.as_view(), name="fh_api_assessment"),
    path("assessments/<int:pk>/submit/", AssessmentSubmitApi.as_view(), name="fh_api_assessment_submit"),
    path("assessments/<int:pk>/authorise/", AssessmentAuthoriseApi.as_view(), name="fh_api_assessment_authorise"),
    path("assessments/<int:pk>/return/", AssessmentReturnApi.as_view(), name="fh_api_assessment_return"),
]
