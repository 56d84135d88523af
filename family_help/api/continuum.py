"""Family Help API: the continuum of need (change level, step up, step down, close) and supervision.

Scoped like the pages: a family out of the user's scope is 404, and so is one in scope but not theirs to move (a
team-around-the-family member: the service's PermissionDenied, which the exception handler answers with 404).
Supervision records exist only for managers and the supervised practitioner (404 for anyone else). Every
response showing children writes one read-audit row.

A family's continuum answers GET with an ETag naming its current levels; every change (level, step up, step
down, close) sends it back as If-Match (cases.api.concurrency): 428 without it, 412 with the state now if
someone else changed the family's levels since, and nothing is saved.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import policy
from cases.api.concurrency import (
    IF_MATCH,
    PRECONDITION_RESPONSES,
    PreconditionFailed,
    etag_header,
    require_if_match,
    with_etag,
)
from cases.api.inputs import InputSerializer
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.codes import closure_reason_choices, referral_source_choices
from cases.models import FamilyCase, User
from cases.selectors import users_by_id
from cases.web import audit_shown
from ffp.api_errors import JSONParser

from ..permissions import SUPERVISED
from ..selectors import continuum as sel
from ..selectors import family_case_find, family_case_get_for_user, family_children
from ..services import continuum as services
from ..services.supervision import supervision_record

TAGS = ["family help"]
_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(
    DetailOutputSerializer,
    description="No such family, or not one you may see or change (e.g. a team-around-the-family member).",
)


class ContinuumApi(APIView):
    parser_classes = [JSONParser]


# --- output ------------------------------------------------------------------------------------------------


class LevelStepOutputSerializer(serializers.Serializer):
    level = serializers.CharField(source="level.code")
    level_name = serializers.CharField(source="level.name")
    census_meaning = serializers.CharField(source="level.census_meaning")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class CinPlanPeriodOutputSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class ChildContinuumOutputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.full_name")
    episode_id = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    history = LevelStepOutputSerializer(many=True)
    cin_plan_periods = CinPlanPeriodOutputSerializer(many=True, source="cin_periods")
    closed_on = serializers.SerializerMethodField()
    closure_reason = serializers.SerializerMethodField()

    def get_episode_id(self, row) -> int | None:
        episode = row.episode or row.last_closed
        return episode.pk if episode else None

    def get_level(self, row) -> str | None:
        return row.level.code if row.level else None

    def get_closed_on(self, row) -> str | None:
        return row.last_closed.closed_on.isoformat() if row.last_closed else None

    def get_closure_reason(self, row) -> str | None:
        return row.last_closed.closure_reason if row.last_closed else None


class WorkRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    person_id = serializers.IntegerField()
    episode_id = serializers.IntegerField()
    urgent = serializers.BooleanField()
    summary = serializers.CharField()


class ContinuumOutputSerializer(serializers.Serializer):
    family_case_id = serializers.IntegerField()
    state = serializers.CharField(help_text="The family's current levels, as in the ETag header.")
    children = ChildContinuumOutputSerializer(many=True)
    work_requests = WorkRequestOutputSerializer(many=True, required=False)


def _continuum_response(
    request: Request,
    family: FamilyCase,
    *,
    code=status.HTTP_200_OK,
    work_requests=None,
    verb: str = "family_help.continuum_viewed",
) -> Response:
    rows = sel.family_continuum(family_case=family, user=request.user)
    state = sel.continuum_state(family_case=family)
    body = {"family_case_id": family.pk, "state": state, "children": rows}
    if work_requests is not None:
        body["work_requests"] = work_requests
    data = ContinuumOutputSerializer(body).data
    audit_shown(request, verb, [r.person.pk for r in rows], target=family)
    return with_etag(Response(data, status=code), state)


# --- input -------------------------------------------------------------------------------------------------


class _ChildrenInput(InputSerializer):
    children = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, help_text="Person ids of the family's children to change."
    )


def _referral_source() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=referral_source_choices(),
        required=False,
        help_text="Census ReferralSource (1A-10); required when a child steps up from targeted early help (a new "
        "referral to children's social care, dated the step-up).",
    )


def _closure_reason(help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=closure_reason_choices(), required=False, help_text=help_text)


class ChangeLevelInputSerializer(_ChildrenInput):
    to = serializers.ChoiceField(choices=[sel.EARLY_HELP, sel.CHILD_IN_NEED])
    reason = serializers.CharField(max_length=4000)
    changed_on = serializers.DateField(required=False, allow_null=True)
    referral_source = _referral_source()
    reason_code = _closure_reason(
        "RC1-RC9; required when a child moves from child in need to targeted early help (the referral closes)."
    )


class StepUpInputSerializer(_ChildrenInput):
    worry = serializers.CharField(max_length=8000)
    reason = serializers.CharField(max_length=4000)
    urgent = serializers.BooleanField(required=False, default=False)
    referral_source = _referral_source()


class StepDownInputSerializer(_ChildrenInput):
    to = serializers.ChoiceField(choices=list(services.STEP_DOWN_TARGETS))
    reason = serializers.CharField(max_length=4000)
    changed_on = serializers.DateField(required=False, allow_null=True)
    reason_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=3,
        help_text="RC1-RC9, the census reason for closure; required when stepping down to universal services or "
        "out of child in need / child protection to targeted early help (the referral closes with it).",
    )
    summary = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class CloseInputSerializer(_ChildrenInput):
    children = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Person ids; leave out to close for every child with an open episode.",
    )
    reason_code = serializers.ChoiceField(choices=closure_reason_choices())
    summary = serializers.CharField(max_length=8000)
    closed_on = serializers.DateField(required=False, allow_null=True)


def _chosen(family: FamilyCase, user: User, ids: list[int] | None) -> list:
    children = family_children(family_case=family, user=user)
    if ids is None:
        open_ids = set(sel.open_episodes(family_case=family))
        return [c for c in children if c.pk in open_ids]
    by_id = {c.pk: c for c in children}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ValidationError({"children": [f"Not a child of this family: {', '.join(map(str, unknown))}"]})
    return [by_id[i] for i in dict.fromkeys(ids)]


def _run(request: Request, pk: int, serializer_class, service, verb: str, code=status.HTTP_200_OK) -> Response:
    family = family_case_get_for_user(user=request.user, family_case_id=pk)
    if not sel.can_change_continuum(user=request.user, family_case=family):  # refused (404) before asking for a version
        raise PermissionDenied("Only the family's lead practitioner, a manager or an LCPP can change its level of need")
    state = sel.continuum_state(family_case=family)
    require_if_match(request, token=state)
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    children = _chosen(family, request.user, values.pop("children", None))
    try:
        result = service(family_case=family, actor=request.user, children=children, expected_state=state, **values)
    except services.StaleContinuum as exc:  # changed between our read and the service's lock
        raise PreconditionFailed(token=exc.current["state"], detail=str(exc)) from None
    requests = None
    if service is services.continuum_step_up:
        requests = WorkRequestOutputSerializer(result, many=True).data
    return _continuum_response(request, family, code=code, work_requests=requests, verb=verb)


class FamilyContinuumApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_continuum_retrieve",
        tags=TAGS,
        summary="Each child's level of need, its dated history and CIN plan periods",
        description="The ETag header names the family's current levels: send it as If-Match to change them.",
        parameters=[etag_header(200)],
        responses={200: ContinuumOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family = family_case_get_for_user(user=request.user, family_case_id=pk)
        return _continuum_response(request, family)


class ChangeLevelApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_level_change",
        tags=TAGS,
        request=ChangeLevelInputSerializer,
        summary="Move children between targeted early help and child in need on the same episode",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: ContinuumOutputSerializer, 400: _400, 401: _401, 404: _404, **PRECONDITION_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _run(
            request, pk, ChangeLevelInputSerializer, services.continuum_change_level, "family_help.level_change_viewed"
        )


class StepUpApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_step_up",
        tags=TAGS,
        request=StepUpInputSerializer,
        summary="Step up to child protection: a strategy-discussion request per child, LCPPs told",
        parameters=[IF_MATCH, etag_header(201)],
        responses={201: ContinuumOutputSerializer, 400: _400, 401: _401, 404: _404, **PRECONDITION_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _run(
            request,
            pk,
            StepUpInputSerializer,
            services.continuum_step_up,
            "family_help.step_up_viewed",
            code=status.HTTP_201_CREATED,
        )


class StepDownApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_step_down",
        tags=TAGS,
        request=StepDownInputSerializer,
        summary="Step down to child in need, targeted early help or universal services (closes)",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: ContinuumOutputSerializer, 400: _400, 401: _401, 404: _404, **PRECONDITION_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _run(request, pk, StepDownInputSerializer, services.continuum_step_down, "family_help.step_down_viewed")


class CloseApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_close",
        tags=TAGS,
        request=CloseInputSerializer,
        summary="Close Family Help for some or all of the children (RC1-RC9 and a summary)",
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: ContinuumOutputSerializer, 400: _400, 401: _401, 404: _404, **PRECONDITION_RESPONSES},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _run(request, pk, CloseInputSerializer, services.continuum_close, "family_help.close_viewed")


# --- supervision -------------------------------------------------------------------------------------------


class SupervisionActionSerializer(InputSerializer):
    id = serializers.IntegerField(read_only=True)
    description = serializers.CharField(max_length=2000)
    owner_id = serializers.IntegerField()
    due_on = serializers.DateField()
    done_on = serializers.DateField(read_only=True, allow_null=True)


class SupervisionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    practitioner_id = serializers.IntegerField()
    practitioner_name = serializers.CharField(source="practitioner.full_name")
    supervisor_id = serializers.IntegerField()
    family_case_id = serializers.IntegerField(allow_null=True)
    held_on = serializers.DateField()
    reflection = serializers.CharField()
    decisions = serializers.CharField()
    next_due_on = serializers.DateField()
    actions = SupervisionActionSerializer(many=True, source="actions.all")


class SupervisionInputSerializer(InputSerializer):
    practitioner_id = serializers.IntegerField()
    family_case_id = serializers.IntegerField(required=False, allow_null=True)
    held_on = serializers.DateField()
    reflection = serializers.CharField(max_length=20000)
    decisions = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    next_due_on = serializers.DateField(required=False, allow_null=True)
    actions = SupervisionActionSerializer(many=True, required=False)


class SupervisionListQuerySerializer(serializers.Serializer):
    practitioner_id = serializers.IntegerField(required=False)


def _require_supervision_reader(user: User) -> None:
    if not (sel.is_manager(user) or policy.may(user, SUPERVISED)):
        raise NotFound


class SupervisionListApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_supervisions_list",
        tags=TAGS,
        parameters=[SupervisionListQuerySerializer],
        summary="Supervision records: every one for a manager, your own for a practitioner",
        responses={200: SupervisionOutputSerializer(many=True), 400: _400, 401: _401, 404: _404},
    )
    def get(self, request: Request) -> Response:
        _require_supervision_reader(request.user)
        query = SupervisionListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        records = list(
            sel.supervision_list_for_user(
                user=request.user, practitioner_id=query.validated_data.get("practitioner_id")
            )[:200]
        )
        audit_shown(
            request,
            "family_help.supervision_listed",
            sel.supervision_child_ids(records),
            target_type="family_help.supervision",
            target_id=",".join(str(r.pk) for r in records),
        )
        return Response(SupervisionOutputSerializer(records, many=True).data)


class SupervisionCreateApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_supervisions_create",
        tags=TAGS,
        request=SupervisionInputSerializer,
        summary="Record a supervision (managers)",
        responses={201: SupervisionOutputSerializer, 400: _400, 401: _401, 404: _404},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not sel.is_manager(user):
            raise NotFound
        data = SupervisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        practitioner = sel.practitioner_get(practitioner_id=values.pop("practitioner_id"))
        family = None
        family_id = values.pop("family_case_id", None)
        if family_id is not None:
            family = family_case_find(family_case_id=family_id)
            if family is None:
                raise ValidationError({"family_case_id": ["No such family"]})
        actions = []
        owners = users_by_id(user_ids=[a["owner_id"] for a in values.get("actions", [])], active_only=True)
        for number, action in enumerate(values.pop("actions", []), start=1):
            actions.append(
                {
                    "description": action["description"],
                    "due_on": action["due_on"],
                    "owner": owners.get(action["owner_id"]),
                }
            )
            if action["owner_id"] not in owners:
                raise ValidationError({"actions": [f"Action {number}: unknown owner"]})
        try:
            record = supervision_record(
                actor=user, practitioner=practitioner, family_case=family, actions=actions, **values
            )
        except PermissionDenied:
            raise NotFound from None
        record = sel.supervision_get_for_user(user=user, supervision_id=record.pk, with_actions=True)
        audit_shown(request, "family_help.supervision_viewed", sel.supervision_child_ids([record]), target=record)
        return Response(SupervisionOutputSerializer(record).data, status=status.HTTP_201_CREATED)


class SupervisionCollectionApi(SupervisionListApi, SupervisionCreateApi):
    """GET lists, POST records."""


class SupervisionDetailApi(ContinuumApi):
    @extend_schema(
        operation_id="family_help_supervisions_retrieve",
        tags=TAGS,
        summary="One supervision record (managers and the supervised practitioner only)",
        responses={200: SupervisionOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        record = sel.supervision_get_for_user(user=request.user, supervision_id=pk, with_actions=True)
        audit_shown(request, "family_help.supervision_viewed", sel.supervision_child_ids([record]), target=record)
        return Response(SupervisionOutputSerializer(record).data)


urlpatterns = [
    path("families/<int:pk>/continuum/", FamilyContinuumApi.as_view(), name="fh_api_continuum"),
    path("families/<int:pk>/level/", ChangeLevelApi.as_view(), name="fh_api_change_level"),
    path("families/<int:pk>/step-up/", StepUpApi.as_view(), name="fh_api_step_up"),
    path("families/<int:pk>/step-down/", StepDownApi.as_view(), name="fh_api_step_down"),
    path("families/<int:pk>/close/", CloseApi.as_view(), name="fh_api_close"),
    path("supervisions/", SupervisionCollectionApi.as_view(), name="fh_api_supervisions"),
    path("supervisions/<int:pk>/", SupervisionDetailApi.as_view(), name="fh_api_supervision_detail"),
]
