"""Child protection API: strategy discussions and s47 enquiries, under /api/v1/child-protection/.

- GET   children/<person>/                           the child's child protection record: discussions, enquiries
- POST  strategy-discussions/                         an LCPP starts a discussion  {team, children, held_at, ...}
- GET   strategy-discussions/<pk>/                    the discussion: children and decisions, attendees, information
- POST  strategy-discussions/<pk>/attendees/          an attendee  {agency | user, name, attendance}
- POST  strategy-discussions/<pk>/absence/            why the police or health did not take part
- POST  strategy-discussions/<pk>/information/        what the caller's agency shares  {text, person, tags}
- PATCH strategy-information/<pk>/                    correct it (its own agency only)  {text}
- POST  strategy-discussions/<pk>/children/<child>/decision/   the decision for one child (an s47 starts here)
- POST  strategy-discussions/<pk>/share/              share the record with the attendees
- GET   s47-enquiries/<pk>/                           the enquiry with the agencies' information
- POST  s47-enquiries/<pk>/child-seen/                {seen_on}
- POST  s47-enquiries/<pk>/information/               what the caller's agency gathered  {text, tags}
- PATCH s47-information/<pk>/                         correct it (its own agency only)  {text}
- POST  s47-enquiries/<pk>/outcome/                   {outcome, outcome_date, reason}

Scoped exactly as the pages, through the same selectors and services (macpt.selectors.strategy,
macpt.services.strategy / enquiries): a discussion opens for a user who may open the whole record of every child it is
about, an enquiry for one who may open its child's, and the agencies' information is read under the information tags'
rules. Anything the caller may not see or do is 404 (never 403); bad input is 400 with the reason by field (a police
officer correcting what health shared, a decision before the police and health took part or gave their reason); 401
only when not signed in. Every response that shows children writes one read-audit row.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.inputs import InputSerializer
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.models import Agency, VisibilityTag
from cases.permissions import person_record_scope
from cases.selectors import person_get_for_user, user_find
from cases.web import audit_shown
from ffp.api_errors import JSONParser

from ..models import Attendance, DiscussionForm, NextStep, S47Outcome, StrategyDecision
from ..selectors import conference as conference_sel
from ..selectors import emergency as emergency_sel
from ..selectors import pre_proceedings as pp_sel
from ..selectors import strategy as sel
from ..services import enquiries as enquiry_services
from ..services import strategy as strategy_services

TAGS = ["child protection"]
_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see or do this to.")
ERRORS = {400: _400, 401: _401, 404: _404}


# --- output -----------------------------------------------------------------------------------------------------


class PersonRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")


class AgencyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    type = serializers.CharField()


class StrategyChildOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The child's row in the discussion (for the decision).")
    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.display_name")
    decision = serializers.CharField(help_text="s47_single, s47_joint, immediate_protection, no_s47; blank: not yet.")
    next_step = serializers.CharField(help_text="With no_s47: family_help, fgdm_offer or nfa; otherwise blank.")
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    enquiry_id = serializers.SerializerMethodField(help_text="The s47 enquiry started at this discussion, if any.")

    def get_enquiry_id(self, row) -> int | None:
        enquiry = self.context.get("enquiries", {}).get(row.person_id)
        return enquiry.pk if enquiry else None


class AttendeeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    agency = AgencyOutputSerializer()
    user_id = serializers.IntegerField(allow_null=True)
    name = serializers.SerializerMethodField()
    attendance = serializers.ChoiceField(choices=Attendance.choices)

    def get_name(self, row) -> str:
        return row.name or (row.user.full_name if row.user else "")


class InformationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    agency = AgencyOutputSerializer()
    person_id = serializers.IntegerField(allow_null=True, required=False, help_text="None: about the whole family.")
    text = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    author = serializers.CharField(source="author.full_name")
    recorded_at = serializers.DateTimeField(source="created_at")


class EnquiryRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    start_date = serializers.DateField()
    joint_with_police = serializers.BooleanField()
    outcome = serializers.CharField(
        help_text="not_substantiated, substantiated_no_conference, conference_needed; blank while open."
    )
    outcome_date = serializers.DateField(allow_null=True)
    icpc_target = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)


class DiscussionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name")
    team_id = serializers.IntegerField()
    held_at = serializers.DateTimeField()
    form = serializers.ChoiceField(choices=DiscussionForm.choices)
    chair = PersonRefOutputSerializer()
    work_request_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    police_absence_reason = serializers.CharField()
    health_absence_reason = serializers.CharField()
    record_shared_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.SerializerMethodField(help_text="What stops the decisions (police or health not there).")
    children = StrategyChildOutputSerializer(many=True)
    attendees = AttendeeOutputSerializer(many=True)
    information = serializers.SerializerMethodField()

    def get_reference(self, row) -> str:
        return strategy_services.discussion_reference(row)

    def get_missing(self, row) -> list[str]:
        return strategy_services.missing_agencies(row)

    @extend_schema_field(InformationOutputSerializer(many=True))
    def get_information(self, row) -> list[dict]:
        return InformationOutputSerializer(self.context["information"], many=True).data


class DiscussionSummaryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    held_at = serializers.DateTimeField()
    form = serializers.ChoiceField(choices=DiscussionForm.choices)
    team = serializers.CharField(source="team.name")
    chair = serializers.CharField(source="chair.full_name")
    record_shared_at = serializers.DateTimeField(allow_null=True)


class EnquiryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.SerializerMethodField()
    person_id = serializers.IntegerField()
    child_name = serializers.CharField(source="person.display_name")
    team = serializers.CharField(source="team.name")
    started_at_discussion_id = serializers.IntegerField()
    start_date = serializers.DateField(help_text="Census S47ActualStartDate.")
    lead = PersonRefOutputSerializer()
    joint_with_police = serializers.BooleanField()
    child_seen_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(
        help_text="not_substantiated, substantiated_no_conference, conference_needed; blank while open."
    )
    outcome_date = serializers.DateField(allow_null=True)
    outcome_reason = serializers.CharField()
    icpc_target = serializers.DateField(help_text="Census InitialCPCtarget: 15 working days after the discussion.")
    ended_on = serializers.DateField(allow_null=True)
    information = serializers.SerializerMethodField()

    def get_reference(self, row) -> str:
        return enquiry_services.enquiry_reference(row)

    @extend_schema_field(InformationOutputSerializer(many=True))
    def get_information(self, row) -> list[dict]:
        return InformationOutputSerializer(self.context["information"], many=True).data


class RecordRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(required=False)
    date = serializers.DateField(required=False)


class PlanRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    start_date = serializers.DateField()
    latest_category = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)


class PreProceedingsRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    start_date = serializers.DateField()
    step_decision_date = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()


class EmergencyRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class ChildRecordOutputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.display_name")
    strategy_discussions = DiscussionSummaryOutputSerializer(many=True)
    s47_enquiries = EnquiryRefOutputSerializer(many=True)
    conferences = RecordRefOutputSerializer(many=True, help_text="Those the caller may open (every child in scope).")
    plans = PlanRefOutputSerializer(many=True)
    pre_proceedings = PreProceedingsRefOutputSerializer(many=True)
    emergency_actions = EmergencyRefOutputSerializer(many=True)


# --- input ------------------------------------------------------------------------------------------------------


def _required(message: str) -> dict:
    return {"required": message, "null": message, "blank": message}


class DiscussionStartInputSerializer(InputSerializer):
    team = serializers.IntegerField(error_messages={**_required("Choose the MACPT"), "invalid": "Give the team's id"})
    children = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, error_messages=_required("Choose the children")
    )
    held_at = serializers.DateTimeField(error_messages=_required("Enter when the discussion was held"))
    form = serializers.ChoiceField(choices=DiscussionForm.choices, default=DiscussionForm.DISCUSSION)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class AttendeeInputSerializer(InputSerializer):
    agency = serializers.IntegerField(required=False, allow_null=True, default=None)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    attendance = serializers.ChoiceField(choices=Attendance.choices, default=Attendance.ATTENDED)


class AbsenceInputSerializer(InputSerializer):
    police_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    health_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InformationInputSerializer(InputSerializer):
    text = serializers.CharField(max_length=20000, error_messages=_required("Enter the information"))
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=VisibilityTag.choices), required=False, default=list
    )


class S47InformationInputSerializer(InputSerializer):
    text = serializers.CharField(max_length=20000, error_messages=_required("Enter the information"))
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=VisibilityTag.choices), required=False, default=list
    )


class TextInputSerializer(InputSerializer):
    text = serializers.CharField(max_length=20000, error_messages=_required("Enter the information"))


class StrategyDecisionInputSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=StrategyDecision.choices, error_messages=_required("Choose a decision"))
    next_step = serializers.ChoiceField(choices=NextStep.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    lead = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The s47's lead (an LCPP); default: the chair."
    )


class NoInputSerializer(InputSerializer):
    """No fields: any key sent is refused by name."""


class ChildSeenInputSerializer(InputSerializer):
    seen_on = serializers.DateField(error_messages=_required("Enter the day the child was seen"))


class OutcomeInputSerializer(InputSerializer):
    outcome = serializers.ChoiceField(choices=S47Outcome.choices, error_messages=_required("Choose the outcome"))
    outcome_date = serializers.DateField(error_messages=_required("Enter the date of the outcome"))
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- views ------------------------------------------------------------------------------------------------------


class MacptApi(APIView):
    parser_classes = [JSONParser]


def _valid(serializer_class, request: Request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _discussion_response(request: Request, discussion_id: int, *, created: bool = False) -> Response:
    discussion = sel.discussion_get_for_user(user=request.user, discussion_id=discussion_id)
    information = sel.discussion_information(discussion=discussion, user=request.user)
    body = DiscussionOutputSerializer(
        discussion,
        context={"information": information, "enquiries": sel.enquiries_for_discussion(discussion=discussion)},
    ).data
    audit_shown(
        request, "strategy_discussion.viewed", [c.person_id for c in discussion.children.all()], target=discussion
    )
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _enquiry_response(request: Request, enquiry_id: int, *, created: bool = False) -> Response:
    enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=enquiry_id)
    information = sel.enquiry_information(enquiry=enquiry, user=request.user)
    body = EnquiryOutputSerializer(enquiry, context={"information": information}).data
    audit_shown(request, "s47_enquiry.viewed", [enquiry.person_id], target=enquiry)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ChildRecordApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_child",
        summary="The child's child protection record: strategy discussions and s47 enquiries, newest first",
        responses={200: ChildRecordOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_get_for_user(user=request.user, person_id=pk)
        # A discussion about brothers and sisters is listed only for a user who may open it (every child in scope).
        discussions = list(sel.discussions_for_person(person=person).order_by("-held_at", "-id"))
        openable = _discussions_openable(request, discussions)
        enquiries = list(person.s47_enquiries.order_by("-start_date", "-id"))
        conferences = list(
            conference_sel.conference_scope(request.user)
            .filter(children__person=person)
            .order_by("-date", "-id")
            .only("pk", "kind", "date")
        )
        body = ChildRecordOutputSerializer(
            {
                "person": person,
                "strategy_discussions": openable,
                "s47_enquiries": enquiries,
                "conferences": conferences,
                "plans": list(person.cp_plans.order_by("-start_date", "-id")),
                "pre_proceedings": list(pp_sel.pre_proceedings_for_person(person=person)),
                "emergency_actions": list(emergency_sel.emergency_actions_for_person(person=person)),
            }
        ).data
        audit_shown(request, "child_protection.viewed", [person.pk], target=person)
        return Response(body)


def _discussions_openable(request: Request, discussions: list) -> list:
    """The discussions this user may open (every child of each in their scope), in one query for all."""
    from ..models import StrategyChild

    if not discussions:
        return []
    children: dict[int, set[int]] = {}
    for discussion_id, person_id in StrategyChild.objects.filter(discussion__in=discussions).values_list(
        "discussion_id", "person_id"
    ):
        children.setdefault(discussion_id, set()).add(person_id)
    everyone = set().union(*children.values())
    seen = set(person_record_scope(request.user, relatives=False).filter(pk__in=everyone).values_list("pk", flat=True))
    return [d for d in discussions if children.get(d.pk, set()) <= seen]


class DiscussionStartApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_start",
        request=DiscussionStartInputSerializer,
        summary="Start a strategy discussion or meeting for a child and any brothers and sisters (LCPPs)",
        description="The MACPT works with each child from now on; the record is due within the configured working "
        "days (deadline macpt.strategy_record).",
        responses={201: DiscussionOutputSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not sel.may_chair(request.user):
            raise NotFound
        data = _valid(DiscussionStartInputSerializer, request)
        team = next((t for t in sel.chair_teams(user=request.user) if t.pk == data["team"]), None)
        if team is None:
            raise serializers.ValidationError({"team": ["Choose a multi-agency child protection team"]})
        people = list(person_record_scope(request.user, relatives=False).filter(pk__in=data["children"]))
        if {p.pk for p in people} != set(data["children"]):
            raise NotFound  # a child the caller may not see looks like no child at all
        discussion = strategy_services.strategy_discussion_start(
            actor=request.user,
            team=team,
            children=people,
            held_at=data["held_at"],
            form=data["form"],
            reason=data["reason"],
        )
        return _discussion_response(request, discussion.pk, created=True)


class DiscussionApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy",
        summary="A strategy discussion: its children and decisions, attendees, and the information you may read",
        responses={200: DiscussionOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _discussion_response(request, pk)


class AttendeeAddApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_attendee_add",
        request=AttendeeInputSerializer,
        summary="Record an attendee by agency, attended or apologies (the chair)",
        responses={201: DiscussionOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
        data = _valid(AttendeeInputSerializer, request)
        agency = Agency.objects.filter(pk=data["agency"]).first() if data["agency"] else None
        if data["agency"] and agency is None:
            raise serializers.ValidationError({"agency": ["Choose the attendee's agency"]})
        user = user_find(user_id=data["user"], active_only=True)
        if data["user"] and user is None:
            raise serializers.ValidationError({"user": ["Choose a practitioner with an account"]})
        strategy_services.strategy_attendee_add(
            discussion=discussion,
            actor=request.user,
            agency=agency,
            user=user,
            name=data["name"],
            attendance=data["attendance"],
        )
        return _discussion_response(request, discussion.pk, created=True)


class AbsenceApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_absence",
        request=AbsenceInputSerializer,
        summary="Record why the police or health did not take part (the chair)",
        responses={200: DiscussionOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
        data = _valid(AbsenceInputSerializer, request)
        strategy_services.strategy_absence_record(
            discussion=discussion,
            actor=request.user,
            police_reason=data["police_reason"],
            health_reason=data["health_reason"],
        )
        return _discussion_response(request, discussion.pk)


class InformationAddApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_information_add",
        request=InformationInputSerializer,
        summary="Share your agency's information, about one child or the whole family (police and health "
        "information carries its tag whoever types it)",
        responses={201: InformationOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
        data = _valid(InformationInputSerializer, request)
        person = None
        if data["person"] is not None:
            person = next((c.person for c in discussion.children.all() if c.person_id == data["person"]), None)
            if person is None:
                raise serializers.ValidationError({"person": ["Choose one of the children the discussion is about"]})
        item = strategy_services.strategy_information_add(
            discussion=discussion, actor=request.user, text=data["text"], person=person, tags=data["tags"]
        )
        item = sel.information_get_for_user(user=request.user, item_id=item.pk)
        audit_shown(
            request, "strategy_information.viewed", [c.person_id for c in discussion.children.all()], target=item
        )
        return Response(InformationOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class InformationUpdateApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_information_update",
        request=TextInputSerializer,
        summary="Correct what your agency shared (never another agency's item: 400 with the reason)",
        responses={200: InformationOutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        item = sel.information_get_for_user(user=request.user, item_id=pk)
        data = _valid(TextInputSerializer, request)
        strategy_services.strategy_information_update(item=item, actor=request.user, text=data["text"])
        item = sel.information_get_for_user(user=request.user, item_id=pk)
        discussion = sel.discussion_get_for_user(user=request.user, discussion_id=item.discussion_id)
        audit_shown(
            request, "strategy_information.viewed", [c.person_id for c in discussion.children.all()], target=item
        )
        return Response(InformationOutputSerializer(item).data)


class DecisionApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_decide",
        request=StrategyDecisionInputSerializer,
        summary="The chair's decision for one child: an s47 (single agency or joint with the police), immediate "
        "protective action, or no s47 with the next step",
        description="Refused (400, with the reason) until the police and health took part or their reason is "
        "recorded. An s47 decision starts the child's enquiry (its ICPC target 15 working days after this "
        "discussion).",
        responses={201: DiscussionOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, child_pk: int) -> Response:
        discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
        child = next((c for c in discussion.children.all() if c.pk == child_pk), None)
        if child is None:
            raise NotFound
        data = _valid(StrategyDecisionInputSerializer, request)
        lead = user_find(user_id=data["lead"], active_only=True)
        if data["lead"] and lead is None:
            raise serializers.ValidationError({"lead": ["Choose a Lead Child Protection Practitioner"]})
        child.discussion = discussion
        strategy_services.strategy_decide(
            child=child,
            actor=request.user,
            decision=data["decision"],
            next_step=data["next_step"],
            reason=data["reason"],
            lead=lead,
        )
        return _discussion_response(request, discussion.pk, created=True)


class ShareApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_strategy_share",
        request=None,
        summary="Share the record with the attendees (every child decided first); its deadline is met",
        responses={200: DiscussionOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        discussion = sel.discussion_get_for_user(user=request.user, discussion_id=pk)
        _valid(NoInputSerializer, request)
        strategy_services.strategy_record_share(discussion=discussion, actor=request.user)
        return _discussion_response(request, discussion.pk)


class EnquiryApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_s47",
        summary="An s47 enquiry: dates, lead, outcome, the ICPC target and the information you may read",
        responses={200: EnquiryOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _enquiry_response(request, pk)


class ChildSeenApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_s47_child_seen",
        request=ChildSeenInputSerializer,
        summary="Record the day the child was seen",
        responses={200: EnquiryOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=pk)
        data = _valid(ChildSeenInputSerializer, request)
        enquiry_services.s47_child_seen(enquiry=enquiry, actor=request.user, seen_on=data["seen_on"])
        return _enquiry_response(request, pk)


class S47InformationAddApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_s47_information_add",
        request=S47InformationInputSerializer,
        summary="Add what your agency gathered for the enquiry (tagged by its source)",
        responses={201: InformationOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=pk)
        data = _valid(S47InformationInputSerializer, request)
        item = enquiry_services.s47_information_add(
            enquiry=enquiry, actor=request.user, text=data["text"], tags=data["tags"]
        )
        item = sel.s47_information_get_for_user(user=request.user, item_id=item.pk)
        audit_shown(request, "s47_information.viewed", [enquiry.person_id], target=item)
        return Response(InformationOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class S47InformationUpdateApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_s47_information_update",
        request=TextInputSerializer,
        summary="Correct what your agency gathered (never another agency's item: 400 with the reason)",
        responses={200: InformationOutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        item = sel.s47_information_get_for_user(user=request.user, item_id=pk)
        data = _valid(TextInputSerializer, request)
        enquiry_services.s47_information_update(item=item, actor=request.user, text=data["text"])
        item = sel.s47_information_get_for_user(user=request.user, item_id=pk)
        audit_shown(request, "s47_information.viewed", [item.enquiry.person_id], target=item)
        return Response(InformationOutputSerializer(item).data)


class OutcomeApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_s47_outcome",
        request=OutcomeInputSerializer,
        summary="Record the enquiry's outcome, which ends it (conference needed keeps the ICPC deadline; any other "
        "outcome is the census's ICPCnotRequired)",
        responses={200: EnquiryOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        enquiry = sel.enquiry_get_for_user(user=request.user, enquiry_id=pk)
        data = _valid(OutcomeInputSerializer, request)
        enquiry_services.s47_outcome_record(
            enquiry=enquiry,
            actor=request.user,
            outcome=data["outcome"],
            outcome_date=data["outcome_date"],
            reason=data["reason"],
        )
        return _enquiry_response(request, pk)


urlpatterns = [
    path("children/<int:pk>/", ChildRecordApi.as_view(), name="macpt_api_child"),
    path("strategy-discussions/", DiscussionStartApi.as_view(), name="macpt_api_strategy_start"),
    path("strategy-discussions/<int:pk>/", DiscussionApi.as_view(), name="macpt_api_strategy"),
    path("strategy-discussions/<int:pk>/attendees/", AttendeeAddApi.as_view(), name="macpt_api_strategy_attendee_add"),
    path("strategy-discussions/<int:pk>/absence/", AbsenceApi.as_view(), name="macpt_api_strategy_absence"),
    path(
        "strategy-discussions/<int:pk>/information/",
        InformationAddApi.as_view(),
        name="macpt_api_strategy_information_add",
    ),
    path(
        "strategy-information/<int:pk>/", InformationUpdateApi.as_view(), name="macpt_api_strategy_information_update"
    ),
    path(
        "strategy-discussions/<int:pk>/children/<int:child_pk>/decision/",
        DecisionApi.as_view(),
        name="macpt_api_strategy_decide",
    ),
    path("strategy-discussions/<int:pk>/share/", ShareApi.as_view(), name="macpt_api_strategy_share"),
    path("s47-enquiries/<int:pk>/", EnquiryApi.as_view(), name="macpt_api_s47"),
    path("s47-enquiries/<int:pk>/child-seen/", ChildSeenApi.as_view(), name="macpt_api_s47_child_seen"),
    path("s47-enquiries/<int:pk>/information/", S47InformationAddApi.as_view(), name="macpt_api_s47_information_add"),
    path("s47-information/<int:pk>/", S47InformationUpdateApi.as_view(), name="macpt_api_s47_information_update"),
    path("s47-enquiries/<int:pk>/outcome/", OutcomeApi.as_view(), name="macpt_api_s47_outcome"),
]
