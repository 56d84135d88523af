"""The front-door API (/api/v1/contacts/..., /api/v1/information-requests/...): one APIView per operation.

Front-door staff see and work every contact; a partner referrer (session or token) sees only the
contacts they made, as the status and the outcome in plain words; an agency sees only the
information requests sent to it. Anything else is 404.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.pagination import PagePagination
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.models import Agency, NeedLevel, Role
from cases.permissions import person_scope
from cases.services import audit_read
from cases.workdays import Calendar

from .. import selectors, services
from ..models import OUTCOME_PLAIN_WORDS, Contact, ContactStatus, Decision, FrontDoorSettings, Outcome
from .serializers import (
    ContactCreateInputSerializer,
    ContactOutputSerializer,
    DecisionInputSerializer,
    DecisionOutputSerializer,
    InformationRequestInputSerializer,
    InformationRequestOutputSerializer,
    ResponseInputSerializer,
    StaffContactOutputSerializer,
)

TAGS = ["front door"]
_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see.")
_409 = OpenApiResponse(DetailOutputSerializer, description="Conflicts with the record's state.")


def _is_partner(user) -> bool:
    return user.has_role(Role.PARTNER_REFERRER) and not selectors.can_read_contacts(user)


def _represent(contact: Contact, *, staff: bool, rag_context: tuple) -> dict:
    calendar, amber, now = rag_context
    children = list(contact.children.all())
    decisions = list(contact.decisions.all())
    current = decisions[-1] if decisions else None
    if staff:
        outcome = None if current is None else {
            "code": current.outcome, "label": Outcome(current.outcome).label, "level": current.level.code,
            "plain_words": OUTCOME_PLAIN_WORDS[current.outcome]}
    else:
        told = selectors.referral_status_for_referrer(contact)
        outcome = {"plain_words": told["outcome"]} if told["outcome"] else None
    data = {
        "id": contact.pk, "reference": contact.reference,
        "status": contact.status if staff else selectors.referral_status_for_referrer(contact)["status"],
        "received_at": contact.received_at, "decision_due_at": contact.decision_due_at,
        "rag": selectors.contact_rag(due_at=contact.decision_due_at, now=now, calendar=calendar, amber_hours=amber)
        if contact.status != ContactStatus.DECIDED else "decided",
        "urgent": contact.urgent, "children": children, "outcome": outcome,
    }
    if staff:
        data.update(source_code=contact.source_code, worry=contact.worry, categories=contact.categories,
                    consent=contact.consent, referrer_name=contact.referrer_name, breached=contact.breached,
                    assigned_to=contact.assigned_to.email if contact.assigned_to_id else None)
        return StaffContactOutputSerializer(data).data
    return ContactOutputSerializer(data).data


def _rag_context() -> tuple:
    return Calendar.from_database(), FrontDoorSettings.current().amber_working_hours, timezone.now()


def _contacts_for(user):
    if selectors.can_read_contacts(user):
        qs = Contact.objects.select_related("assigned_to")
    elif user.has_role(Role.PARTNER_REFERRER):
        qs = Contact.objects.filter(referrer_user=user)
    else:
        raise NotFound()
    return qs.prefetch_related("children", Prefetch("decisions", queryset=Decision.objects.select_related(
        "level", "signoff").order_by("decided_at", "id"))).order_by("-received_at", "-id")


def _field_errors(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's 400 with reasons keyed by field."""
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


def _contact_for_staff(user, pk: int, *, readers: bool = False) -> Contact:
    """The contact for front-door staff (or, for reads, LCPPs and managers too); 404 otherwise."""
    allowed = selectors.can_read_contacts(user) if readers else selectors.is_front_door(user)
    contact = Contact.objects.filter(pk=pk).first() if allowed else None
    if contact is None:
        raise NotFound()
    return contact


def _audit(request, verb: str, contacts, target=None) -> None:
    ids = [c.person_id for contact in contacts for c in contact.children.all() if c.person_id]
    audit_read(actor=request.user, verb=verb, child_ids=ids, target=target)


class ContactListApi(APIView):
    @extend_schema(tags=TAGS, parameters=[OpenApiParameter("status", str), OpenApiParameter("open", bool)],
                   responses={200: StaffContactOutputSerializer(many=True), 404: _404},
                   summary="Contacts: all for the front door, a referrer's own for a partner")
    def get(self, request: Request) -> Response:
        qs = _contacts_for(request.user)
        if request.query_params.get("status") in ContactStatus.values:
            qs = qs.filter(status=request.query_params["status"])
        if request.query_params.get("open") == "true":
            qs = qs.exclude(status=ContactStatus.DECIDED)
        paginator = PagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        staff = not _is_partner(request.user)
        _audit(request, "contact.listed", page)
        context = _rag_context()
        return paginator.get_paginated_response([_represent(c, staff=staff, rag_context=context) for c in page])


class ContactCreateApi(APIView):
    @extend_schema(tags=TAGS, request=ContactCreateInputSerializer,
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                                                description="A retried POST with the same key returns the first "
                                                "contact (200) instead of creating another.")],
                   responses={201: StaffContactOutputSerializer, 200: StaffContactOutputSerializer, 400: _400,
                              404: _404}, summary="Record a contact (front door) or refer a child (partner)")
    def post(self, request: Request) -> Response:
        user = request.user
        if not user.has_role(Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER, Role.PARTNER_REFERRER):
            raise NotFound()
        key = request.headers.get("Idempotency-Key", "")[:100]
        if key:
            existing = _contacts_for(user).filter(recorded_by=user, idempotency_key=key).first()
            if existing:
                return Response(_represent(existing, staff=not _is_partner(user), rag_context=_rag_context()))
        data = ContactCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        children = []
        for index, child in enumerate(values.pop("children")):
            if child.get("person_id") is not None:
                person = None if _is_partner(user) else person_scope(user).filter(pk=child["person_id"]).first()
                if person is None:
                    raise ValidationError({"children": {index: {"person_id": ["Unknown person"]}}})
                children.append({"person": person})
            else:
                children.append({f"given_{k}" if k != "description" else k: v for k, v in child.items()})
        agency_id = values.pop("referrer_agency_id", None)
        if agency_id is not None and not _is_partner(user):
            values["referrer_agency"] = Agency.objects.filter(pk=agency_id).first()
            if values["referrer_agency"] is None:
                raise ValidationError({"referrer_agency_id": ["Unknown agency"]})
        if "channel" not in values:
            values["channel"] = "api"
        try:
            contact, created = services.contact_create(actor=user, data=values, children=children,
                                                       idempotency_key=key)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        contact = _contacts_for(user).get(pk=contact.pk)
        _audit(request, "contact.viewed", [contact], target=contact)
        return Response(_represent(contact, staff=not _is_partner(user), rag_context=_rag_context()),
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ContactCollectionApi(ContactListApi, ContactCreateApi):
    """GET lists, POST creates (one URL, two operations)."""


class ContactDetailApi(APIView):
    @extend_schema(tags=TAGS, responses={200: StaffContactOutputSerializer, 404: _404}, summary="One contact")
    def get(self, request: Request, pk: int) -> Response:
        contact = _contacts_for(request.user).filter(pk=pk).first()
        if contact is None:
            raise NotFound()
        _audit(request, "contact.viewed", [contact], target=contact)
        return Response(_represent(contact, staff=not _is_partner(request.user), rag_context=_rag_context()))


class ContactDecisionApi(APIView):
    @extend_schema(tags=TAGS, request=DecisionInputSerializer,
                   responses={201: DecisionOutputSerializer, 400: _400, 404: _404, 409: _409},
                   summary="Record (or, with change_reason, change) the front-door decision")
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        contact = _contact_for_staff(user, pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        level = NeedLevel.objects.filter(code=values.pop("level")).first()
        if level is None:
            raise ValidationError({"level": ["Unknown level of need"]})
        try:
            decision = services.decision_record(contact=contact, actor=user, level=level, **values)
        except services.AlreadyDecided as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        decision.contact.refresh_from_db()
        return Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)


class ContactInformationRequestListApi(APIView):
    @extend_schema(tags=TAGS, responses={200: InformationRequestOutputSerializer(many=True), 404: _404},
                   summary="Information requests on a contact")
    def get(self, request: Request, pk: int) -> Response:
        contact = _contact_for_staff(request.user, pk, readers=True)
        rows = contact.information_requests.select_related("agency", "contact").order_by("requested_at", "id")
        _audit(request, "contact.information_requests_viewed", [contact], target=contact)
        return Response(InformationRequestOutputSerializer(rows, many=True).data)


class ContactInformationRequestCreateApi(APIView):
    @extend_schema(tags=TAGS, request=InformationRequestInputSerializer,
                   responses={201: InformationRequestOutputSerializer, 400: _400, 404: _404},
                   summary="Ask a partner agency for information")
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        contact = _contact_for_staff(user, pk)
        data = InformationRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agency = Agency.objects.filter(pk=data.validated_data["agency_id"]).first()
        if agency is None:
            raise ValidationError({"agency_id": ["Unknown agency"]})
        try:
            info = services.information_request_send(contact=contact, actor=user, agency=agency,
                                                     question=data.validated_data["question"],
                                                     due_at=data.validated_data.get("due_at"))
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return Response(InformationRequestOutputSerializer(info).data, status=status.HTTP_201_CREATED)


class ContactInformationRequestsApi(ContactInformationRequestListApi, ContactInformationRequestCreateApi):
    """GET lists, POST creates."""


class InformationRequestInboxApi(APIView):
    @extend_schema(tags=TAGS, parameters=[OpenApiParameter("status", str, enum=["open", "answered", "all"])],
                   responses={200: InformationRequestOutputSerializer(many=True)},
                   summary="Requests sent to your agency")
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", "open")
        qs = selectors.information_requests_for_agency(user=request.user, include_answered=wanted != "open")
        if wanted == "answered":
            qs = qs.filter(status="answered")
        paginator = PagePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        _audit(request, "information_requests.listed", [r.contact for r in page])
        return paginator.get_paginated_response(InformationRequestOutputSerializer(page, many=True).data)


class InformationRequestRespondApi(APIView):
    @extend_schema(tags=TAGS, request=ResponseInputSerializer,
                   responses={200: InformationRequestOutputSerializer, 400: _400, 404: _404, 409: _409},
                   summary="Answer a request sent to your agency")
    def post(self, request: Request, pk: int) -> Response:
        info = selectors.information_requests_for_agency(user=request.user, include_answered=True).filter(
            pk=pk).first()
        if info is None:
            raise NotFound()
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if info.status != "open":
            return Response({"detail": "This request has already been answered or was cancelled"},
                            status=status.HTTP_409_CONFLICT)
        try:
            info = services.information_request_respond(request=info, actor=request.user,
                                                        response=data.validated_data["response"])
        except DjangoPermissionDenied:
            raise NotFound() from None
        except DjangoValidationError as exc:
            raise _field_errors(exc) from None
        return Response(InformationRequestOutputSerializer(info).data)
