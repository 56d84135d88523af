"""The family's plan in the API (/api/v1/families/<id>/plan/...): its outcomes, actions, reviews and versions, and
the team around the family (/api/v1/families/<id>/team/...). Until issue 10 these were under
/api/v1/family-help/...; those addresses answer 308 to these (cases.moved).

Scoped like the pages: a family outside the user's scope is 404, and so is a change the user may not make (the
plan's editors are its lead practitioner and managers; an action's owner may PATCH only its status and progress):
the services' PermissionDenied is answered 404 by the one API exception handler (ffp.exceptions). A team-around-
the-family member sees the plan (the summary level, cases.policy); the children's records are not here.
The plan and each action answer with an ETag (their version); a change sends it back as If-Match (cases.api.
concurrency): the plan's for its text and its outcomes, the action's for an action. 428 without it; 412 with the
current version if someone changed it since, and nothing is saved. Every response that shows a child's data
writes one read-audit row."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ffp.api_errors import JSONParser

from ..models import Action, ActionStatus, FamilyCase, Outcome, Plan, PlanVersion, Review, User
from ..selectors import plans as sel
from ..selectors.families import family_case_get_for_user, family_children
from ..services import plans as services
from ..web import audit_family_shown
from .concurrency import IF_MATCH, PRECONDITION_RESPONSES, etag_header, require_if_match, with_etag
from .inputs import InputSerializer
from .serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer

TAGS = ["family plan"]
_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such family or plan, or not one you may see or change.")


# --- serializers ---------------------------------------------------------------------------------------------


class PlanRatingOutputSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    rated_on = serializers.DateField()
    version = serializers.IntegerField(source="plan_version.number", allow_null=True, default=None)


class PlanOutcomeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    child_name = serializers.CharField(source="child.full_name")
    what_will_be_different = serializers.CharField()
    measure = serializers.CharField()
    scale_max = serializers.IntegerField()
    baseline = serializers.IntegerField()
    target = serializers.IntegerField()
    current = serializers.IntegerField()
    not_for_family = serializers.BooleanField()
    achieved_on = serializers.DateField(allow_null=True)
    ratings = PlanRatingOutputSerializer(many=True, source="ratings.all")


class PlanActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    owner_id = serializers.IntegerField()
    owner_name = serializers.CharField(source="owner.full_name")
    owner_agency = serializers.CharField(source="owner_agency.name")
    outcome_id = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = serializers.CharField(allow_blank=True)
    not_for_family = serializers.BooleanField()
    completed_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class TafMemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    agency = serializers.CharField(source="agency.name")
    role = serializers.CharField()
    added_at = serializers.DateTimeField()


class PlanReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    attendees = serializers.CharField(allow_blank=True)
    summary = serializers.CharField()
    family_views = serializers.CharField(allow_blank=True)
    next_review_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(source="plan_version.number")


class PlanVersionSummaryOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.full_name")
    reason = serializers.CharField()


class PlanVersionOutputSerializer(PlanVersionSummaryOutputSerializer):
    snapshot = serializers.JSONField()


class PlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    family_case_id = serializers.IntegerField()
    status = serializers.CharField()
    worries = serializers.CharField(allow_blank=True)
    working_well = serializers.CharField(allow_blank=True)
    family_views = serializers.CharField(allow_blank=True)
    professional_notes = serializers.CharField(allow_blank=True)
    next_review_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    outcomes = PlanOutcomeOutputSerializer(many=True)
    actions = PlanActionOutputSerializer(many=True)
    team = TafMemberOutputSerializer(many=True)
    versions = PlanVersionSummaryOutputSerializer(many=True)


class PlanInputSerializer(InputSerializer):
    worries = serializers.CharField(required=False, allow_blank=True)
    working_well = serializers.CharField(required=False, allow_blank=True)
    family_views = serializers.CharField(required=False, allow_blank=True)
    professional_notes = serializers.CharField(required=False, allow_blank=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class PlanOutcomeInputSerializer(InputSerializer):
    child_id = serializers.IntegerField()
    what_will_be_different = serializers.CharField(allow_blank=True)
    measure = serializers.CharField(required=False, allow_blank=True, default="")
    scale_max = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)
    baseline = serializers.IntegerField(min_value=0)
    target = serializers.IntegerField(min_value=0)
    current = serializers.IntegerField(required=False, min_value=0)
    not_for_family = serializers.BooleanField(required=False, default=False)


class PlanOutcomePatchInputSerializer(InputSerializer):
    what_will_be_different = serializers.CharField(required=False, allow_blank=True)
    measure = serializers.CharField(required=False, allow_blank=True)
    scale_max = serializers.IntegerField(required=False, min_value=1, max_value=100)
    baseline = serializers.IntegerField(required=False, min_value=0)
    target = serializers.IntegerField(required=False, min_value=0)
    current = serializers.IntegerField(required=False, min_value=0)
    not_for_family = serializers.BooleanField(required=False)


class PlanActionInputSerializer(InputSerializer):
    description = serializers.CharField(allow_blank=True)
    owner_id = serializers.IntegerField(required=False, allow_null=True)
    outcome_id = serializers.IntegerField(required=False, allow_null=True)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, default=ActionStatus.NOT_STARTED)
    progress = serializers.CharField(required=False, allow_blank=True, default="")
    not_for_family = serializers.BooleanField(required=False, default=False)


class PlanActionPatchInputSerializer(InputSerializer):
    description = serializers.CharField(required=False, allow_blank=True)
    owner_id = serializers.IntegerField(required=False, allow_null=True)
    outcome_id = serializers.IntegerField(required=False, allow_null=True)
    due_on = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    progress = serializers.CharField(required=False, allow_blank=True)
    not_for_family = serializers.BooleanField(required=False)


class TafInputSerializer(InputSerializer):
    user_id = serializers.IntegerField()
    role = serializers.CharField(allow_blank=True, max_length=200)


class PlanReviewInputSerializer(InputSerializer):
    held_on = serializers.DateField()
    attendees = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(allow_blank=True)
    family_views = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_on = serializers.DateField()
    ratings = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        help_text="Each active outcome's id (as a string) and its rating at this review.",
    )


# --- helpers -------------------------------------------------------------------------------------------------


class PlanApi(APIView):
    parser_classes = [JSONParser]


def _family(request: Request, pk: int) -> FamilyCase:
    return family_case_get_for_user(user=request.user, family_case_id=pk)


def _plan(request: Request, pk: int) -> tuple[FamilyCase, Plan]:
    family_case = _family(request, pk)
    plan = sel.plan_for_family(family_case=family_case)
    if plan is None:
        raise NotFound("This family has no plan yet")
    return family_case, plan


def _plan_body(plan: Plan, user: User) -> dict:
    visible = sel.plan_visible_child_ids(family_case=plan.family_case, user=user)
    return PlanOutputSerializer(
        {
            **{
                name: getattr(plan, name)
                for name in (
                    "id",
                    "family_case_id",
                    "status",
                    "worries",
                    "working_well",
                    "family_views",
                    "professional_notes",
                    "next_review_on",
                    "created_at",
                    "version",
                )
            },
            "outcomes": sel.plan_outcomes_for_user(plan=plan, visible=visible),
            "actions": sel.plan_actions_for_user(plan=plan, visible=visible),
            "team": sel.taf_members(family_case=plan.family_case),
            "versions": sel.plan_versions(plan=plan),
        }
    ).data


def _user(pk, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).select_related("agency").first()
    if user is None:
        raise ApiValidationError({field: ["No such practitioner"]})
    return user


def _outcome(plan: Plan, pk) -> Outcome | None:
    if pk is None:
        return None
    outcome = plan.outcomes.filter(pk=pk, removed_at__isnull=True).first()
    if outcome is None:
        raise ApiValidationError({"outcome_id": ["Choose an outcome from this plan"]})
    return outcome


def _plan_response(request: Request, plan: Plan, family_case: FamilyCase, code: int = status.HTTP_200_OK) -> Response:
    body = _plan_body(plan, request.user)
    audit_family_shown(request, "family_help.plan_viewed", family_case, target=plan)
    return with_etag(Response(body, status=code), plan.version)


# --- the plan ------------------------------------------------------------------------------------------------


class PlanResourceApi(PlanApi):
    @extend_schema(
        operation_id="plan_read",
        tags=TAGS,
        summary="The family's plan",
        description="The ETag header holds the plan's version: send it as If-Match to change the plan "
        "or one of its outcomes. Each action carries its own `version` (its ETag, in quotes).",
        parameters=[etag_header(200)],
        responses={200: PlanOutputSerializer, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        return _plan_response(request, plan, family_case)

    @extend_schema(
        operation_id="plan_start",
        tags=TAGS,
        summary="Start the family's plan (version 1)",
        request=PlanInputSerializer,
        parameters=[etag_header(201)],
        responses={201: PlanOutputSerializer, 400: _400, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        family_case = _family(request, pk)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_start(family_case=family_case, actor=request.user, data=data.validated_data)
        return _plan_response(request, plan, family_case, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="plan_update",
        tags=TAGS,
        summary="Change the plan's text or next review",
        request=PlanInputSerializer,
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: PlanOutputSerializer, 400: _400, 404: _404, **PRECONDITION_RESPONSES},
    )
    def patch(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        if not sel.plan_can_edit(user=request.user, family_case=family_case):
            raise NotFound
        require_if_match(request, token=plan.version)
        data = PlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # A colleague's save between the check and ours is a StaleEdit: 412, as a stale If-Match.
        plan = services.plan_update(
            plan=plan, actor=request.user, data=dict(data.validated_data), expected_version=plan.version
        )
        return _plan_response(request, plan, family_case)


# --- outcomes ------------------------------------------------------------------------------------------------


class OutcomeCollectionApi(PlanApi):
    @extend_schema(
        operation_id="plan_outcomes_list",
        tags=TAGS,
        summary="The plan's outcomes",
        responses={200: PlanOutcomeOutputSerializer(many=True), 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        visible = sel.plan_visible_child_ids(family_case=family_case, user=request.user)
        body = PlanOutcomeOutputSerializer(sel.plan_outcomes_for_user(plan=plan, visible=visible), many=True).data
        audit_family_shown(request, "family_help.outcomes_listed", family_case, target=plan)
        return Response(body)

    @extend_schema(
        operation_id="plan_outcomes_create",
        tags=TAGS,
        summary="Add a measurable outcome for a child",
        request=PlanOutcomeInputSerializer,
        responses={201: PlanOutcomeOutputSerializer, 400: _400, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        data = PlanOutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        child_id = values.pop("child_id")
        values["child"] = next(
            (c for c in family_children(family_case=family_case, user=request.user) if c.pk == child_id), None
        )
        if values["child"] is None:
            raise ApiValidationError({"child_id": ["Choose one of this family's children"]})
        outcome = _api_errors(lambda: services.outcome_add(plan=plan, actor=request.user, data=values))
        body = PlanOutcomeOutputSerializer(next(o for o in sel.plan_outcomes(plan=plan) if o.pk == outcome.pk)).data
        audit_family_shown(request, "family_help.outcome_viewed", family_case, target=plan)
        return Response(body, status=status.HTTP_201_CREATED)


class OutcomeResourceApi(PlanApi):
    @extend_schema(
        operation_id="plan_outcomes_update",
        tags=TAGS,
        summary="Change an outcome",
        description="If-Match: the plan's ETag (an outcome is part of what the plan says).",
        request=PlanOutcomePatchInputSerializer,
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: PlanOutcomeOutputSerializer, 400: _400, 404: _404, **PRECONDITION_RESPONSES},
    )
    def patch(self, request: Request, pk: int, outcome_pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        outcome = sel.outcome_get(
            plan=plan,
            outcome_id=outcome_pk,
            visible=sel.plan_visible_child_ids(family_case=family_case, user=request.user),
        )
        if not sel.plan_can_edit(user=request.user, family_case=family_case):
            raise NotFound
        require_if_match(request, token=plan.version)
        data = PlanOutcomePatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.outcome_update(
            outcome=outcome, actor=request.user, data=dict(data.validated_data), expected_version=plan.version
        )
        body = PlanOutcomeOutputSerializer(next(o for o in sel.plan_outcomes(plan=plan) if o.pk == outcome.pk)).data
        audit_family_shown(request, "family_help.outcome_viewed", family_case, target=outcome)
        plan.refresh_from_db(fields=["version"])
        return with_etag(Response(body), plan.version)

    @extend_schema(
        operation_id="plan_outcomes_remove",
        tags=TAGS,
        summary="Take an outcome out of the plan (earlier versions keep it)",
        description="If-Match: the plan's ETag.",
        parameters=[IF_MATCH, etag_header(204)],
        responses={204: None, 404: _404, **PRECONDITION_RESPONSES},
    )
    def delete(self, request: Request, pk: int, outcome_pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        outcome = sel.outcome_get(
            plan=plan,
            outcome_id=outcome_pk,
            visible=sel.plan_visible_child_ids(family_case=family_case, user=request.user),
        )
        if not sel.plan_can_edit(user=request.user, family_case=family_case):
            raise NotFound
        require_if_match(request, token=plan.version)
        services.outcome_update(
            outcome=outcome, actor=request.user, data={"remove": True}, expected_version=plan.version
        )
        plan.refresh_from_db(fields=["version"])
        return with_etag(Response(status=status.HTTP_204_NO_CONTENT), plan.version)


# --- actions -------------------------------------------------------------------------------------------------


_API_NAMES = {"owner": "owner_id", "outcome": "outcome_id", "child": "child_id", "user": "user_id"}


def _api_errors(call):
    """Run a service call; its field errors come back under the API's own field names (owner -> owner_id)."""
    try:
        return call()
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ApiValidationError({_API_NAMES.get(k, k): v for k, v in exc.message_dict.items()}) from None


def _action_values(plan: Plan, validated: dict) -> dict:
    values = dict(validated)
    if "owner_id" in values:
        values["owner"] = _user(values.pop("owner_id"), "owner_id")
    if "outcome_id" in values:
        values["outcome"] = _outcome(plan, values.pop("outcome_id"))
    return values


def _action_body(action_id: int) -> dict:
    # scoped: the id of an action just added to or changed in a plan read through the scope (sel.plan_get/action_get)
    action = Action.objects.select_related("owner", "owner_agency").get(pk=action_id)
    return PlanActionOutputSerializer(action).data


def _action_response(action_id: int, code: int = status.HTTP_200_OK) -> Response:
    body = _action_body(action_id)
    return with_etag(Response(body, status=code), body["version"])


class ActionCollectionApi(PlanApi):
    @extend_schema(
        operation_id="plan_actions_list",
        tags=TAGS,
        summary="The plan's actions",
        responses={200: PlanActionOutputSerializer(many=True), 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        visible = sel.plan_visible_child_ids(family_case=family_case, user=request.user)
        body = PlanActionOutputSerializer(sel.plan_actions_for_user(plan=plan, visible=visible), many=True).data
        audit_family_shown(request, "family_help.actions_listed", family_case, target=plan)
        return Response(body)

    @extend_schema(
        operation_id="plan_actions_create",
        tags=TAGS,
        summary="Add an action with an owner",
        request=PlanActionInputSerializer,
        responses={201: PlanActionOutputSerializer, 400: _400, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        if not sel.plan_can_edit(user=request.user, family_case=family_case):
            raise NotFound
        data = PlanActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = _action_values(plan, data.validated_data)
        values.setdefault("owner", None)
        action = _api_errors(lambda: services.action_add(plan=plan, actor=request.user, data=values))
        body = _action_body(action.pk)
        audit_family_shown(request, "family_help.action_viewed", family_case, target=action)
        return Response(body, status=status.HTTP_201_CREATED)


class ActionResourceApi(PlanApi):
    @extend_schema(
        operation_id="plan_actions_update",
        tags=TAGS,
        summary="Change an action (its owner: status and progress only)",
        description="If-Match: the action's version (its `version`, in quotes).",
        request=PlanActionPatchInputSerializer,
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: PlanActionOutputSerializer, 400: _400, 404: _404, **PRECONDITION_RESPONSES},
    )
    def patch(self, request: Request, pk: int, action_pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        action = sel.action_get(
            plan=plan,
            action_id=action_pk,
            visible=sel.plan_visible_child_ids(family_case=family_case, user=request.user),
        )
        if not sel.action_can_update(user=request.user, action=action):
            raise NotFound
        require_if_match(request, token=action.version)
        data = PlanActionPatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = _action_values(plan, data.validated_data)
        action = _api_errors(
            lambda: services.action_update(
                action=action, actor=request.user, data=values, expected_version=action.version
            )
        )
        response = _action_response(action.pk)
        audit_family_shown(request, "family_help.action_viewed", family_case, target=action)
        return response


# --- the team around the family ------------------------------------------------------------------------------


class TafCollectionApi(PlanApi):
    @extend_schema(
        operation_id="plan_team_list",
        tags=TAGS,
        summary="The team around the family",
        responses={200: TafMemberOutputSerializer(many=True), 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family_case = _family(request, pk)
        body = TafMemberOutputSerializer(sel.taf_members(family_case=family_case), many=True).data
        audit_family_shown(request, "family_help.taf_viewed", family_case)
        return Response(body)

    @extend_schema(
        operation_id="plan_team_add",
        tags=TAGS,
        summary="Add a practitioner: they can see this family at once",
        request=TafInputSerializer,
        responses={201: TafMemberOutputSerializer, 400: _400, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        family_case = _family(request, pk)
        data = TafInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = _user(data.validated_data["user_id"], "user_id")
        member = _api_errors(
            lambda: services.taf_add(
                family_case=family_case, actor=request.user, user=user, role=data.validated_data["role"]
            )
        )
        audit_family_shown(request, "family_help.taf_viewed", family_case, target=member)
        return Response(TafMemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)


class TafResourceApi(PlanApi):
    @extend_schema(
        operation_id="plan_team_remove",
        tags=TAGS,
        summary="Remove a practitioner: their access to this family ends at once",
        responses={204: None, 404: _404},
    )
    def delete(self, request: Request, pk: int, member_pk: int) -> Response:
        family_case = _family(request, pk)
        member = sel.taf_member_get(family_case=family_case, member_id=member_pk)
        services.taf_remove(member=member, actor=request.user, reason=str(request.query_params.get("reason", "")))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reviews and versions ------------------------------------------------------------------------------------


class ReviewCollectionApi(PlanApi):
    @extend_schema(
        operation_id="plan_reviews_list",
        tags=TAGS,
        summary="The plan's reviews",
        responses={200: PlanReviewOutputSerializer(many=True), 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        body = PlanReviewOutputSerializer(sel.plan_reviews(plan=plan), many=True).data
        audit_family_shown(request, "family_help.reviews_listed", family_case, target=plan)
        return Response(body)

    @extend_schema(
        operation_id="plan_reviews_create",
        tags=TAGS,
        summary="Record a review: each outcome re-rated, a new version of the plan",
        request=PlanReviewInputSerializer,
        responses={201: PlanReviewOutputSerializer, 400: _400, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        data = PlanReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        raw = values.pop("ratings")
        try:
            ratings = {int(k): v for k, v in raw.items()}
        except ValueError:
            raise ApiValidationError({"ratings": ["Key each rating by the outcome's id"]}) from None
        with transaction.atomic():
            review = services.review_add(plan=plan, actor=request.user, data=values, ratings=ratings)
        review = Review.objects.select_related("plan_version").get(pk=review.pk)  # scoped: the review just added
        audit_family_shown(request, "family_help.review_viewed", family_case, target=review)
        return Response(PlanReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)


class VersionListApi(PlanApi):
    @extend_schema(
        operation_id="plan_versions_list",
        tags=TAGS,
        summary="Every version of the plan",
        responses={200: PlanVersionSummaryOutputSerializer(many=True), 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        family_case, plan = _plan(request, pk)
        body = PlanVersionSummaryOutputSerializer(sel.plan_versions(plan=plan), many=True).data
        audit_family_shown(request, "family_help.plan_versions_listed", family_case, target=plan)
        return Response(body)


class VersionDetailApi(PlanApi):
    @extend_schema(
        operation_id="plan_versions_read",
        tags=TAGS,
        summary="One version of the plan, as it was frozen",
        responses={200: PlanVersionOutputSerializer, 404: _404},
    )
    def get(self, request: Request, pk: int, number: int) -> Response:
        family_case, plan = _plan(request, pk)
        version: PlanVersion = sel.plan_version_get(plan=plan, number=number)
        snapshot = sel.plan_snapshot_for_user(
            snapshot=version.snapshot, visible=sel.plan_visible_child_ids(family_case=family_case, user=request.user)
        )
        body = PlanVersionOutputSerializer(
            {
                "number": version.number,
                "created_at": version.created_at,
                "created_by": version.created_by,
                "reason": version.reason,
                "snapshot": snapshot,
            }
        ).data
        audit_family_shown(request, "family_help.plan_version_viewed", family_case, target=version)
        return Response(body)


urlpatterns = [
    path("families/<int:pk>/plan/", PlanResourceApi.as_view(), name="plan"),
    path("families/<int:pk>/plan/outcomes/", OutcomeCollectionApi.as_view(), name="plan_outcomes"),
    path("families/<int:pk>/plan/outcomes/<int:outcome_pk>/", OutcomeResourceApi.as_view(), name="plan_outcome"),
    path("families/<int:pk>/plan/actions/", ActionCollectionApi.as_view(), name="plan_actions"),
    path("families/<int:pk>/plan/actions/<int:action_pk>/", ActionResourceApi.as_view(), name="plan_action"),
    path("families/<int:pk>/plan/reviews/", ReviewCollectionApi.as_view(), name="plan_reviews"),
    path("families/<int:pk>/plan/versions/", VersionListApi.as_view(), name="plan_versions"),
    path("families/<int:pk>/plan/versions/<int:number>/", VersionDetailApi.as_view(), name="plan_version"),
    path("families/<int:pk>/team/", TafCollectionApi.as_view(), name="plan_team"),
    path("families/<int:pk>/team/<int:member_pk>/", TafResourceApi.as_view(), name="plan_team_member"),
]
