"""Child protection API: conferences, plans, pre-proceedings and emergency action (reads), under
/api/v1/child-protection/.

- GET conferences/<pk>/          a conference: kind, date, chair, the children and decisions, invitees and attendance,
                                 the agencies' reports the caller may read (tag rules), the family's views, the minutes
                                 (the part not for the family only where the caller reads the whole record)
- GET plans/<pk>/                a child protection plan: dates, categories, end and reason, NumberOfPreviousCPP, core
                                 groups, statutory visits, review conferences (CPPreviewDate)
- GET pre-proceedings/<pk>/      the module 5 dates, the FGDM answer, outcome, meetings, kinship assessments
- GET emergency-actions/<pk>/    police protection or an EPO: when, who, outcome
- POST children/<person>/emergency-actions/   an LCPP records police protection or an EPO (and its end if over);
                                 with `work_request`, the emergency-action request it answers is accepted
- POST emergency-actions/<pk>/end/             how and when it ended (once)
- POST families/<family>/conferences/          an LCPP arranges a conference (initial, unborn, transfer in, review)
- POST conferences/<pk>/decision/              the decisions, per child: plan or not and the category; at a review
                                               ending a plan, the end reason and step down to
- POST plans/<pk>/core-groups/                 a core group for the family's children on a plan (the page's too),
                                               with the actions on the family's plan it reviewed or agreed
- POST plans/<pk>/visits/                      a statutory visit: seen, seen alone
- POST plans/<pk>/end/                         an LCPP ends the plan without a conference where the statute allows
- POST children/<person>/pre-proceedings/      start pre-proceedings (the legal planning meeting's date)
- PATCH pre-proceedings/<pk>/                  record or correct the steps (letter and FGDM answer, decision and
                                               outcome, court application, letter initiating); `version` optional
- POST pre-proceedings/<pk>/meetings/          a meeting held: the initial one, then reviews
- POST pre-proceedings/<pk>/kinship-assessments/  a kinship or connected-person assessment (carer from the network)
- POST conferences/<pk>/invitees/              invite a family member (person) or a practitioner (user / agency)
- POST conferences/<pk>/attendance/            who came: [{invitee, attendance}]
- POST conferences/<pk>/reports/               the caller's agency's report (tagged by its source)
- POST conferences/<pk>/minutes/               the family's views and the minutes (the part not for the family apart)

Writes call the same services as the pages (macpt.services.emergency ...): a service's PermissionDenied is 404, its
ValidationError a 400 keyed by field with the service's message, an already-ended action 409.

Scoped exactly as the pages, through the same selectors (macpt.selectors.conference, pre_proceedings, emergency): a
conference opens for a user who may open the whole record of every child it is about, a plan, pre-proceedings or an
emergency action for one who may open its child's; anything else is 404 (never 403). Every response that shows
children writes one read-audit row.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases import policy
from cases.api.inputs import InputSerializer
from cases.api.serializers import DetailOutputSerializer
from cases.models import Action, Agency, Person, Role, User, VisibilityTag
from cases.permissions import person_record_scope
from cases.selectors import family_network, person_get_for_user
from cases.selectors.families import family_case_get_for_user
from cases.selectors.work_requests import user_receives
from cases.web import audit_shown

from ..models import (
    CategoryOfAbuse,
    ConferenceKind,
    EmergencyKind,
    EmergencyOutcome,
    InviteeAttendance,
    KinshipKind,
    KinshipOutcome,
    MeetingKind,
    PlanEndReason,
    PPOutcome,
    S47Enquiry,
)
from ..permissions import CHAIR
from ..selectors import conference as conference_sel
from ..selectors import emergency as emergency_sel
from ..selectors import pre_proceedings as pp_sel
from ..services import conference as conference_services
from ..services import cp_plans as plan_services
from ..services import emergency as emergency_services
from ..services import pre_proceedings as pp_services
from .strategy import ERRORS, TAGS, AgencyOutputSerializer, MacptApi, _valid

_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see.")
_409 = OpenApiResponse(DetailOutputSerializer, description="Already done (by you or a colleague): the reason.")


class ConferenceChildOutputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.display_name")
    plan_id = serializers.IntegerField(allow_null=True)
    plan_decided = serializers.BooleanField(allow_null=True)
    category = serializers.CharField()
    reason = serializers.CharField()


class InviteeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    role = serializers.CharField()
    person_id = serializers.IntegerField(allow_null=True)
    agency = serializers.CharField(source="agency.name", default=None, allow_null=True)
    user_id = serializers.IntegerField(allow_null=True)
    attendance = serializers.CharField()


class ReportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    agency = AgencyOutputSerializer()
    author = serializers.CharField(source="author.full_name")
    text = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())


class ConferenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    status = serializers.CharField()
    date = serializers.DateField()
    family_case_id = serializers.IntegerField()
    chair = serializers.CharField(source="chair_name")
    team = serializers.CharField(source="team.name", default=None)
    enquiry_id = serializers.IntegerField(allow_null=True)
    expected_birth_date = serializers.DateField(allow_null=True)
    transferring_council = serializers.CharField()
    previous_plans_elsewhere = serializers.IntegerField()
    family_views = serializers.CharField()
    minutes = serializers.CharField()
    minutes_not_for_family = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    children = serializers.SerializerMethodField()
    invitees = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    @extend_schema_field(ConferenceChildOutputSerializer(many=True))
    def get_children(self, row) -> list[dict]:
        return ConferenceChildOutputSerializer(self.context["children"], many=True).data

    @extend_schema_field(InviteeOutputSerializer(many=True))
    def get_invitees(self, row) -> list[dict]:
        return InviteeOutputSerializer(self.context["invitees"], many=True).data

    @extend_schema_field(ReportOutputSerializer(many=True))
    def get_reports(self, row) -> list[dict]:
        return ReportOutputSerializer(self.context["reports"], many=True).data


class DatedOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    date = serializers.DateField()


class CoreGroupOutputSerializer(DatedOutputSerializer):
    attendees = serializers.CharField()
    apologies = serializers.CharField()
    summary = serializers.CharField()
    action_ids = serializers.SerializerMethodField()

    def get_action_ids(self, row) -> list[int]:
        return [a.pk for a in row.actions.all()]


class VisitOutputSerializer(DatedOutputSerializer):
    seen = serializers.BooleanField()
    seen_alone = serializers.BooleanField()
    by = serializers.CharField(source="by.full_name")


class CpPlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person_id = serializers.IntegerField()
    child_name = serializers.CharField(source="person.display_name")
    family_plan_id = serializers.IntegerField(help_text="The family's one plan (cases.Plan) it wraps.")
    conference_id = serializers.IntegerField(help_text="The initial conference that started it.")
    start_date = serializers.DateField(help_text="Census CPPstartDate: the ICPC's date.")
    initial_category = serializers.CharField()
    latest_category = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    number_of_previous_plans = serializers.SerializerMethodField(help_text="Census NumberOfPreviousCPP.")
    core_groups = serializers.SerializerMethodField()
    visits = serializers.SerializerMethodField()
    review_conferences = serializers.SerializerMethodField(help_text="Census CPPreviewDate: their dates.")

    def get_number_of_previous_plans(self, row) -> int:
        return conference_sel.number_of_previous_plans(row)

    @extend_schema_field(CoreGroupOutputSerializer(many=True))
    def get_core_groups(self, row) -> list[dict]:
        return CoreGroupOutputSerializer(conference_sel.plan_core_groups(plan=row), many=True).data

    @extend_schema_field(VisitOutputSerializer(many=True))
    def get_visits(self, row) -> list[dict]:
        return VisitOutputSerializer(conference_sel.plan_visits(plan=row), many=True).data

    @extend_schema_field(DatedOutputSerializer(many=True))
    def get_review_conferences(self, row) -> list[dict]:
        return DatedOutputSerializer(conference_sel.plan_review_conferences(plan=row), many=True).data


class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    held_on = serializers.DateField()


class KinshipOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    carer_id = serializers.IntegerField(allow_null=True)
    carer_name = serializers.CharField()
    relationship = serializers.CharField()
    started_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()


class PreProceedingsOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person_id = serializers.IntegerField()
    child_name = serializers.CharField(source="person.display_name")
    start_date = serializers.DateField(help_text="Census PPStartDate.")
    lbp_sent_date = serializers.DateField(allow_null=True, help_text="Census LBPSentDate.")
    fgdm_offered = serializers.SerializerMethodField(
        help_text="Census FGDMMeetingOffer, read from the FGDM offer made in the letter (null: not recorded)."
    )
    fgdm_facilitated = serializers.SerializerMethodField(
        help_text="Census FGDMMeetingFac, read from the FGDM meeting held after the offer (null: not recorded)."
    )
    fgdm_offer_url = serializers.SerializerMethodField(help_text="The FGDM offer's page, when there is one.")
    step_decision_date = serializers.DateField(allow_null=True, help_text="Census StepDecisionDate.")
    outcome = serializers.CharField(help_text="Census PPOutcome: A, B or C.")
    court_application_date = serializers.DateField(allow_null=True, help_text="Census CourtAppDate.")
    letter_initiating_date = serializers.DateField(allow_null=True, help_text="Census LetterInitCPDate.")
    meetings = serializers.SerializerMethodField()
    kinship_assessments = serializers.SerializerMethodField()

    @extend_schema_field(MeetingOutputSerializer(many=True))
    def get_meetings(self, row) -> list[dict]:
        return MeetingOutputSerializer(row.meetings.order_by("held_on", "id"), many=True).data

    def get_fgdm_offered(self, row) -> bool | None:
        fgdm = self.context.get("fgdm")
        return None if fgdm is None else fgdm.offered

    def get_fgdm_facilitated(self, row) -> bool | None:
        fgdm = self.context.get("fgdm")
        return None if fgdm is None else fgdm.facilitated

    def get_fgdm_offer_url(self, row) -> str:
        fgdm = self.context.get("fgdm")
        return "" if fgdm is None else fgdm.offer_url

    @extend_schema_field(KinshipOutputSerializer(many=True))
    def get_kinship_assessments(self, row) -> list[dict]:
        return KinshipOutputSerializer(row.kinship_assessments.order_by("started_on", "id"), many=True).data


class EmergencyActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    person_id = serializers.IntegerField()
    child_name = serializers.CharField(source="person.display_name")
    kind = serializers.CharField()
    started_at = serializers.DateTimeField()
    by = serializers.CharField()
    reason = serializers.CharField()
    epo_extended = serializers.BooleanField()
    ended_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    outcome_detail = serializers.CharField()
    work_request_id = serializers.IntegerField(allow_null=True)


class PreProceedingsStartInputSerializer(InputSerializer):
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The legal planning meeting's date (PPStartDate)."
    )


class PreProceedingsUpdateInputSerializer(InputSerializer):
    """Only the fields sent are changed."""

    start_date = serializers.DateField(required=False, allow_null=True)
    lbp_sent_date = serializers.DateField(required=False, allow_null=True, help_text="Census LBPSentDate.")
    step_decision_date = serializers.DateField(required=False, allow_null=True, help_text="Census StepDecisionDate.")
    outcome = serializers.ChoiceField(choices=PPOutcome.choices, required=False, allow_blank=True)
    court_application_date = serializers.DateField(required=False, allow_null=True, help_text="Census CourtAppDate.")
    letter_initiating_date = serializers.DateField(
        required=False, allow_null=True, help_text="Census LetterInitCPDate."
    )
    version = serializers.IntegerField(required=False, allow_null=True, help_text="The version you read (optional).")


class PreProceedingsMeetingInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False, allow_blank=True, default="")
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class ConferenceApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference",
        summary="A child protection conference with its decisions, invitees and the reports you may read",
        responses={200: ConferenceOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _conference_response(request, pk)


def _conference_response(request: Request, conference_id: int, *, created: bool = False) -> Response:
    conference = conference_sel.conference_get_for_user(user=request.user, conference_id=conference_id)
    children = conference_sel.conference_children(conference=conference)
    body = ConferenceOutputSerializer(
        conference,
        context={
            "children": children,
            "invitees": list(conference.invitees.select_related("agency").order_by("id")),
            "reports": conference_sel.conference_reports_for_user(conference=conference, user=request.user),
        },
    ).data
    audit_shown(request, "cp_conference.viewed", [c.person_id for c in children], target=conference)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PlanApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_cp_plan",
        summary="A child protection plan with its core groups, visits and review conferences",
        responses={200: CpPlanOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = conference_sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
        body = CpPlanOutputSerializer(plan).data
        audit_shown(request, "cp_plan.viewed", [plan.person_id], target=plan)
        return Response(body)


class PreProceedingsApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_pre_proceedings",
        summary="Pre-proceedings (census module 5): the dates, the FGDM answer, meetings and kinship assessments",
        responses={200: PreProceedingsOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _pp_response(request, pk)

    @extend_schema(
        tags=TAGS,
        operation_id="macpt_pre_proceedings_update",
        request=PreProceedingsUpdateInputSerializer,
        summary="Record or correct the steps of pre-proceedings (only the fields sent); every module 5 rule is "
        "checked on the whole record (400 by field with the reason)",
        description="With `version` (the record's, as read), a colleague's change in between is a 409.",
        responses={200: PreProceedingsOutputSerializer, 409: _409, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        pp = pp_sel.pre_proceedings_get_for_user(user=request.user, pp_id=pk)
        data = dict(_valid(PreProceedingsUpdateInputSerializer, request))
        version = data.pop("version", None)
        pp_services.pre_proceedings_update(pre_proceedings=pp, actor=request.user, data=data, expected_version=version)
        return _pp_response(request, pk)


def _pp_response(request: Request, pp_id: int, *, created: bool = False) -> Response:
    pp = pp_sel.pre_proceedings_get_for_user(user=request.user, pp_id=pp_id)
    # The FGDM answers are the FGDM strand's (its one selector, through the record): read, never written, here.
    body = PreProceedingsOutputSerializer(pp, context={"fgdm": pp_sel.fgdm_measure(pp)}).data
    audit_shown(request, "pre_proceedings.viewed", [pp.person_id], target=pp)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EmergencyActionApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_emergency_action",
        summary="Police protection or an Emergency Protection Order: when, who and the outcome",
        responses={200: EmergencyActionOutputSerializer, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        action = emergency_sel.emergency_action_get_for_user(user=request.user, action_id=pk)
        body = EmergencyActionOutputSerializer(action).data
        audit_shown(request, "emergency_action.viewed", [action.person_id], target=action)
        return Response(body)


# --- writes -----------------------------------------------------------------------------------------------------


class EmergencyActionRecordInputSerializer(InputSerializer):
    """Left to the service to require (its messages by field): kind, started_at, by, reason."""

    kind = serializers.ChoiceField(choices=EmergencyKind.choices, required=False, allow_blank=True, default="")
    started_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    by = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    epo_extended = serializers.BooleanField(required=False, default=False)
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(choices=EmergencyOutcome.choices, required=False, allow_blank=True, default="")
    outcome_detail = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    work_request = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The emergency-action request it answers (accepted)."
    )


class EmergencyActionEndInputSerializer(InputSerializer):
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(choices=EmergencyOutcome.choices, required=False, allow_blank=True, default="")
    outcome_detail = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _emergency_response(request: Request, action_id: int, *, created: bool = False) -> Response:
    action = emergency_sel.emergency_action_get_for_user(user=request.user, action_id=action_id)
    body = EmergencyActionOutputSerializer(action).data
    audit_shown(request, "emergency_action.viewed", [action.person_id], target=action)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class EmergencyActionRecordApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_emergency_action_record",
        request=EmergencyActionRecordInputSerializer,
        summary="Record police protection or an Emergency Protection Order for a child (LCPPs)",
        description="Police protection lasts at most 72 hours, an EPO 8 days (15 with its one extension): an end "
        "beyond is a 400 on ended_at. With work_request, the emergency-action request is accepted by the same "
        "decision (409 if a colleague took it first).",
        responses={201: EmergencyActionOutputSerializer, 409: _409, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        if not emergency_services.may_record_emergency_action(request.user):
            raise NotFound
        person = person_get_for_user(user=request.user, person_id=pk)
        data = _valid(EmergencyActionRecordInputSerializer, request)
        work_request = None
        if data["work_request"] is not None:
            work_request = emergency_sel.emergency_request_get_for_user(
                user=request.user, request_id=data["work_request"]
            )
            if work_request.person_id != person.pk:
                raise serializers.ValidationError({"work_request": ["This request is about another child"]})
            if work_request.status == work_request.Status.OPEN and not user_receives(
                user=request.user, request=work_request
            ):
                raise NotFound
        fields = (*emergency_services.FIELDS, *emergency_services.END_FIELDS)
        action = emergency_services.emergency_action_record(
            person=person, actor=request.user, data={k: data[k] for k in fields}, work_request=work_request
        )
        return _emergency_response(request, action.pk, created=True)


class EmergencyActionEndApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_emergency_action_end",
        request=EmergencyActionEndInputSerializer,
        summary="Record how and when an emergency action ended (once: 409 if already ended)",
        responses={200: EmergencyActionOutputSerializer, 409: _409, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        action = emergency_sel.emergency_action_get_for_user(user=request.user, action_id=pk)
        data = _valid(EmergencyActionEndInputSerializer, request)
        emergency_services.emergency_action_end(action=action, actor=request.user, data=data)
        return _emergency_response(request, pk)


class ConferenceArrangeInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=ConferenceKind.choices, required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None)
    children = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    chair = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The chairing LCPP's user id; or independent_chair_name.",
    )
    independent_chair_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    enquiry = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The s47 enquiry that needs it (initial)."
    )
    expected_birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    transferring_council = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    previous_plans_elsewhere = serializers.IntegerField(required=False, min_value=0, default=0)


class ConferenceChildDecisionInputSerializer(InputSerializer):
    person = serializers.IntegerField(help_text="The child's person id.")
    plan = serializers.BooleanField(
        allow_null=True, help_text="Initial: a plan or not. Review: the plan continues (true) or ends (false)."
    )
    category = serializers.ChoiceField(choices=CategoryOfAbuse.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    end_reason = serializers.ChoiceField(
        choices=PlanEndReason.choices, required=False, allow_blank=True, default="", help_text="Review ending a plan."
    )
    step_down_to = serializers.ChoiceField(
        choices=[("child_in_need", "Child in need"), ("early_help", "Targeted early help")],
        required=False,
        allow_blank=True,
        default="",
        help_text="Review ending a plan: child_in_need (default) or early_help (with reason_code).",
    )
    reason_code = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text="Census reason for closure (RC1-RC8)."
    )


class ConferenceDecisionInputSerializer(InputSerializer):
    decisions = serializers.ListField(child=ConferenceChildDecisionInputSerializer(), allow_empty=False)


def _may(user: User, action: str) -> bool:
    return user.is_authenticated and policy.may(user, action)


class ConferenceArrangeApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference_arrange",
        request=ConferenceArrangeInputSerializer,
        summary="Arrange a child protection conference for children of the family (LCPPs)",
        description="Refused with the reason (400 by field): a weekend or bank holiday, a chair who leads the child's "
        "case or is not an LCPP, an initial conference for a child already on a plan, a review before the plan "
        "started.",
        responses={201: ConferenceOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        if not _may(request.user, CHAIR):
            raise NotFound
        family_case = family_case_get_for_user(user=request.user, family_case_id=pk, record=True)
        data = _valid(ConferenceArrangeInputSerializer, request)
        wanted = set(data["children"])
        children = list(person_record_scope(request.user, relatives=False).filter(pk__in=wanted))
        if len(children) != len(wanted):
            raise NotFound  # a child the caller may not see looks like no child at all
        chair = None
        if data["chair"] is not None:
            chair = User.objects.filter(pk=data["chair"], groups__name=Role.LCPP, is_active=True).first()
            if chair is None:
                raise serializers.ValidationError({"chair": ["Choose a Lead Child Protection Practitioner"]})
        enquiry = None
        if data["enquiry"] is not None:
            enquiry = S47Enquiry.objects.filter(
                person__in=person_record_scope(request.user, relatives=False).values("pk"), pk=data["enquiry"]
            ).first()
            if enquiry is None:
                raise NotFound
        conference = conference_services.conference_arrange(
            actor=request.user,
            family_case=family_case,
            kind=data["kind"],
            date=data["date"],
            children=children,
            chair=chair,
            independent_chair_name=data["independent_chair_name"],
            enquiry=enquiry,
            expected_birth_date=data["expected_birth_date"],
            transferring_council=data["transferring_council"],
            previous_plans_elsewhere=data["previous_plans_elsewhere"],
        )
        return _conference_response(request, conference.pk, created=True)


class ConferenceDecideApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference_decide",
        request=ConferenceDecisionInputSerializer,
        summary="Record the conference's decisions, one per child (LCPPs)",
        description="Initial: a plan (with its category) starts on the conference's date. Review: the plan "
        "continues (category updated) or ends with its reason, the child stepping down to child in need or "
        "targeted early help. Errors are keyed by the service's field names (plan_<person>, category_<person>, "
        "step_down_to_<person>, ...).",
        responses={200: ConferenceOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        conference = conference_sel.conference_get_for_user(user=request.user, conference_id=pk)
        if not _may(request.user, CHAIR):
            raise NotFound
        data = _valid(ConferenceDecisionInputSerializer, request)
        children = set(conference.children.values_list("person_id", flat=True))
        decisions: dict[int, dict] = {}
        for item in data["decisions"]:
            if item["person"] not in children:
                raise serializers.ValidationError({"decisions": ["Each decision is about a child of the conference"]})
            decision = {k: item[k] for k in ("plan", "category", "reason")}
            if conference.kind == ConferenceKind.REVIEW:
                decision.update(
                    end_reason=item["end_reason"] or PlanEndReason.NO_LONGER_AT_RISK,
                    step_down_to=item["step_down_to"] or "child_in_need",
                    reason_code=item["reason_code"],
                )
            decisions[item["person"]] = decision
        conference_services.conference_decide(conference=conference, actor=request.user, decisions=decisions)
        return _conference_response(request, pk)


class CoreGroupInputSerializer(InputSerializer):
    date = serializers.DateField(required=False, allow_null=True, default=None)
    attendees = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    apologies = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    actions = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Ids of actions on the family's plan the core group reviewed or agreed.",
    )


class VisitInputSerializer(InputSerializer):
    date = serializers.DateField(required=False, allow_null=True, default=None)
    seen = serializers.BooleanField(required=False, allow_null=True, default=None)
    seen_alone = serializers.BooleanField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class PlanEndInputSerializer(InputSerializer):
    end_reason = serializers.ChoiceField(choices=PlanEndReason.choices, required=False, allow_blank=True, default="")
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _plan_response(request: Request, plan_id: int, *, created: bool = False) -> Response:
    plan = conference_sel.cp_plan_get_for_user(user=request.user, plan_id=plan_id)
    body = CpPlanOutputSerializer(plan).data
    audit_shown(request, "cp_plan.viewed", [plan.person_id], target=plan)
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CoreGroupApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_cp_plan_core_group",
        request=CoreGroupInputSerializer,
        summary="Record a core group: for every child of the family on an open plan whom you see, as the page does",
        description="The LCPP, the child's MACPT or its lead practitioner; the first core group is due within 10 "
        "working days of the ICPC (deadline macpt.core_group, met here).",
        responses={201: CpPlanOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = conference_sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
        data = _valid(CoreGroupInputSerializer, request)
        siblings = conference_sel.family_open_plans(family_case_id=plan.family_plan.family_case_id)
        seen = set(
            person_record_scope(request.user, relatives=False)
            .filter(pk__in=[s.person_id for s in siblings])
            .values_list("pk", flat=True)
        )
        siblings = [s for s in siblings if s.person_id in seen]
        wanted = set(data["actions"])
        actions = list(Action.objects.filter(plan=plan.family_plan, pk__in=wanted))
        if len(actions) != len(wanted):
            raise serializers.ValidationError({"actions": ["Choose actions on this family's plan"]})
        plan_services.core_group_record(
            plans=siblings or [plan],
            actor=request.user,
            date=data["date"],
            attendees=data["attendees"],
            apologies=data["apologies"],
            summary=data["summary"],
            actions=actions,
        )
        return _plan_response(request, pk, created=True)


class VisitApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_cp_plan_visit",
        request=VisitInputSerializer,
        summary="Record a statutory visit: the child seen, seen alone (the next visit's clock starts from it)",
        responses={201: CpPlanOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = conference_sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
        data = _valid(VisitInputSerializer, request)
        plan_services.visit_record(plan=plan, actor=request.user, **data)
        return _plan_response(request, pk, created=True)


class PlanEndApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_cp_plan_end",
        request=PlanEndInputSerializer,
        summary="End a plan without a conference (moved to another council, reached 18, became looked after, died: "
        "LCPPs); any other end is a review conference's decision (400 with the reason)",
        responses={200: CpPlanOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = conference_sel.cp_plan_get_for_user(user=request.user, plan_id=pk)
        data = _valid(PlanEndInputSerializer, request)
        plan_services.cp_plan_end_without_conference(plan=plan, actor=request.user, **data)
        return _plan_response(request, pk)


class PreProceedingsStartApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_pre_proceedings_start",
        request=PreProceedingsStartInputSerializer,
        summary="Start pre-proceedings for a child: the legal planning meeting decided (an LCPP or a manager)",
        description="One open pre-proceedings per child (400 on start_date otherwise); the child's episode moves to "
        "the pre-proceedings level and the next step's deadline (macpt.pp_step) is set.",
        responses={201: PreProceedingsOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        if not pp_services.may_record_pre_proceedings(request.user):
            raise NotFound
        person = person_get_for_user(user=request.user, person_id=pk)
        data = _valid(PreProceedingsStartInputSerializer, request)
        pp = pp_services.pre_proceedings_start(person=person, actor=request.user, start_date=data["start_date"])
        return _pp_response(request, pp.pk, created=True)


class PreProceedingsMeetingApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_pre_proceedings_meeting_add",
        request=PreProceedingsMeetingInputSerializer,
        summary="Record a pre-proceedings meeting held: the initial meeting (after the letter), then reviews",
        responses={201: PreProceedingsOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        pp = pp_sel.pre_proceedings_get_for_user(user=request.user, pp_id=pk)
        data = _valid(PreProceedingsMeetingInputSerializer, request)
        pp_services.pre_proceedings_meeting_add(pre_proceedings=pp, actor=request.user, **data)
        return _pp_response(request, pk, created=True)


class KinshipAssessmentInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=KinshipKind.choices, required=False, allow_blank=True, default="")
    carer = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A person in the child's current network."
    )
    carer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    relationship = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(choices=KinshipOutcome.choices, required=False, allow_blank=True, default="")


class KinshipAssessmentApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_kinship_assessment_add",
        request=KinshipAssessmentInputSerializer,
        summary="Record a kinship or connected-person assessment started in pre-proceedings (its end when known)",
        responses={201: PreProceedingsOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        pp = pp_sel.pre_proceedings_get_for_user(user=request.user, pp_id=pk)
        if not pp_services.may_record_pre_proceedings(request.user):
            raise NotFound
        data = dict(_valid(KinshipAssessmentInputSerializer, request))
        if data["carer"] is not None:
            network = {n["person"].pk: n["person"] for n in family_network(person=pp.person) if n["current"]}
            data["carer"] = network.get(data["carer"])
            if data["carer"] is None:
                raise serializers.ValidationError({"carer": ["Choose a person from the child's network"]})
        pp_services.kinship_assessment_add(pre_proceedings=pp, actor=request.user, data=data)
        return _pp_response(request, pk, created=True)


class ConferenceInviteeInputSerializer(InputSerializer):
    person = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A family member from the child's network."
    )
    user = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A practitioner.")
    agency = serializers.IntegerField(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ConferenceAttendanceItemInputSerializer(InputSerializer):
    invitee = serializers.IntegerField()
    attendance = serializers.ChoiceField(choices=InviteeAttendance.choices)


class ConferenceAttendanceInputSerializer(InputSerializer):
    attendance = serializers.ListField(child=ConferenceAttendanceItemInputSerializer(), allow_empty=False)


class ConferenceReportInputSerializer(InputSerializer):
    text = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=VisibilityTag.choices), required=False, default=list
    )


class ConferenceMinutesInputSerializer(InputSerializer):
    family_views = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    minutes = serializers.CharField(max_length=100000, required=False, allow_blank=True, default="")
    minutes_not_for_family = serializers.CharField(max_length=100000, required=False, allow_blank=True, default="")


class ConferenceInviteeApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference_invitee_add",
        request=ConferenceInviteeInputSerializer,
        summary="Invite a family member from the child's network or an agency's practitioner (LCPPs)",
        responses={201: ConferenceOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        conference = conference_sel.conference_get_for_user(user=request.user, conference_id=pk)
        if not _may(request.user, CHAIR):
            raise NotFound
        data = _valid(ConferenceInviteeInputSerializer, request)
        person = user = agency = None
        if data["person"] is not None:
            person = (
                Person.objects.filter(
                    pk__in=person_record_scope(request.user).values("pk"),
                    family_memberships__family_case=conference.family_case,
                )
                .exclude(pk__in=conference.children.values("person_id"))
                .filter(pk=data["person"])
                .first()
            )
            if person is None:
                raise serializers.ValidationError({"person": ["Choose a family member from the child's network"]})
        if data["user"] is not None:
            user = User.objects.filter(pk=data["user"], is_active=True, agency__isnull=False).first()
            if user is None:
                raise serializers.ValidationError({"user": ["Choose a practitioner with an agency"]})
        if data["agency"] is not None:
            agency = Agency.objects.filter(pk=data["agency"]).first()
            if agency is None:
                raise serializers.ValidationError({"agency": ["Choose the invitee's agency"]})
        conference_services.conference_invitee_add(
            conference=conference,
            actor=request.user,
            name=data["name"],
            role=data["role"],
            person=person,
            user=user,
            agency=agency,
        )
        return _conference_response(request, pk, created=True)


class ConferenceAttendanceApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference_attendance",
        request=ConferenceAttendanceInputSerializer,
        summary="Record who came: attended, sent apologies or did not attend (LCPPs)",
        description="Errors are keyed attendance_<invitee id> (not invited to this conference, say how).",
        responses={200: ConferenceOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        conference = conference_sel.conference_get_for_user(user=request.user, conference_id=pk)
        if not _may(request.user, CHAIR):
            raise NotFound
        data = _valid(ConferenceAttendanceInputSerializer, request)
        conference_services.conference_attendance_set(
            conference=conference,
            actor=request.user,
            attendance={item["invitee"]: item["attendance"] for item in data["attendance"]},
        )
        return _conference_response(request, pk)


class ConferenceReportApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference_report_add",
        request=ConferenceReportInputSerializer,
        summary="Add your agency's report to the conference (police and health reports carry their tag)",
        responses={201: ConferenceOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        conference = conference_sel.conference_get_for_user(user=request.user, conference_id=pk)
        data = _valid(ConferenceReportInputSerializer, request)
        conference_services.conference_report_save(
            conference=conference, actor=request.user, text=data["text"], tags=data["tags"]
        )
        return _conference_response(request, pk, created=True)


class ConferenceMinutesApi(MacptApi):
    @extend_schema(
        tags=TAGS,
        operation_id="macpt_conference_minutes",
        request=ConferenceMinutesInputSerializer,
        summary="Record the family's views and the minutes, the part not for the family apart (LCPPs)",
        responses={200: ConferenceOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        conference = conference_sel.conference_get_for_user(user=request.user, conference_id=pk)
        if not _may(request.user, CHAIR):
            raise NotFound
        data = _valid(ConferenceMinutesInputSerializer, request)
        conference_services.conference_record(conference=conference, actor=request.user, **data)
        return _conference_response(request, pk)


urlpatterns = [
    path("conferences/<int:pk>/", ConferenceApi.as_view(), name="macpt_api_conference"),
    path("plans/<int:pk>/", PlanApi.as_view(), name="macpt_api_cp_plan"),
    path("pre-proceedings/<int:pk>/", PreProceedingsApi.as_view(), name="macpt_api_pre_proceedings"),
    path("emergency-actions/<int:pk>/", EmergencyActionApi.as_view(), name="macpt_api_emergency_action"),
    path(
        "children/<int:pk>/emergency-actions/",
        EmergencyActionRecordApi.as_view(),
        name="macpt_api_emergency_action_record",
    ),
    path("emergency-actions/<int:pk>/end/", EmergencyActionEndApi.as_view(), name="macpt_api_emergency_action_end"),
    path("families/<int:pk>/conferences/", ConferenceArrangeApi.as_view(), name="macpt_api_conference_arrange"),
    path("conferences/<int:pk>/decision/", ConferenceDecideApi.as_view(), name="macpt_api_conference_decide"),
    path(
        "pre-proceedings/<int:pk>/kinship-assessments/",
        KinshipAssessmentApi.as_view(),
        name="macpt_api_kinship_assessment_add",
    ),
    path("conferences/<int:pk>/invitees/", ConferenceInviteeApi.as_view(), name="macpt_api_conference_invitee_add"),
    path("conferences/<int:pk>/attendance/", ConferenceAttendanceApi.as_view(), name="macpt_api_conference_attendance"),
    path("conferences/<int:pk>/reports/", ConferenceReportApi.as_view(), name="macpt_api_conference_report_add"),
    path("conferences/<int:pk>/minutes/", ConferenceMinutesApi.as_view(), name="macpt_api_conference_minutes"),
    path("plans/<int:pk>/core-groups/", CoreGroupApi.as_view(), name="macpt_api_cp_plan_core_group"),
    path("plans/<int:pk>/visits/", VisitApi.as_view(), name="macpt_api_cp_plan_visit"),
    path("plans/<int:pk>/end/", PlanEndApi.as_view(), name="macpt_api_cp_plan_end"),
    path(
        "children/<int:pk>/pre-proceedings/", PreProceedingsStartApi.as_view(), name="macpt_api_pre_proceedings_start"
    ),
    path(
        "pre-proceedings/<int:pk>/meetings/",
        PreProceedingsMeetingApi.as_view(),
        name="macpt_api_pre_proceedings_meeting_add",
    ),
]
