"""The front-door API (/api/v1/contacts/..., /api/v1/information-requests/...): one APIView per operation
(CONVENTIONS section 5), combined by small classes at the end where two operations share a URL.

Who sees what (anything else is 404, so "not yours" looks like "not there"):
- front-door staff (triage officers, front-door managers) record, read and decide every contact and ask
  partners for information; LCPPs and managers may read contacts (selectors.can_read_contacts);
- a partner referrer (session or token) records referrals and reads only their own, as the status and the
  outcome in plain words (selectors.referral_status_for_referrer), never the rationale or the level;
- an agency's liaison team (Agency.liaison_team) sees and answers only the information requests sent to the
  agency; a restricted child the reader is not on the list of is "Restricted record" everywhere here.

Every response that shows a contact or a request writes one read-audit row (cases.web.audit_shown), with the
records its children are linked to, before it is returned; writes go only through front_door.services.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import policy
from cases.api.concurrency import (
    PRECONDITION_RESPONSES,
    ConflictOutputSerializer,
    etag_header,
    if_match_tokens,
    require_if_match,
    with_etag,
)
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.models import User
from cases.selectors import agency_find, people_in_scope_by_id
from cases.web import audit_shown
from cases.web.pagination import PagePagination
from ffp.api_errors import JSONParser

from .. import selectors, services
from ..models import (
    OUTCOME_PLAIN_WORDS,
    Contact,
    Outcome,
)
from ..permissions import OWN_REFERRALS, RECORD_CONTACT
from .serializers import (
    PARTNER_REFUSED,
    ContactCreateInputSerializer,
    ContactListQuerySerializer,
    ContactOutputSerializer,
    DecisionInputSerializer,
    DecisionOutputSerializer,
    InformationRequestInputSerializer,
    InformationRequestListQuerySerializer,
    InformationRequestOutputSerializer,
    ResponseInputSerializer,
    StaffContactOutputSerializer,
)

TAGS = ["front door"]
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX = 100  # Contact.idempotency_key

_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see or do this to.")
_CONTACT = PolymorphicProxySerializer(
    component_name="ContactForReader",
    serializers=[StaffContactOutputSerializer, ContactOutputSerializer],
    resource_type_field_name=None,
)
_CONTACTS = PolymorphicProxySerializer(
    component_name="ContactForReader",
    serializers=[StaffContactOutputSerializer, ContactOutputSerializer],
    resource_type_field_name=None,
    many=True,
)
_READERS = (
    "Front-door staff get the whole contact (StaffContactOutput); a partner referrer gets their own "
    "referral as they gave it, its status and the outcome in plain words (ContactOutput)."
)


class FrontDoorApi(APIView):
    parser_classes = [JSONParser]


# --- helpers -----------------------------------------------------------------------------------------


def _is_staff_reader(user: User) -> bool:
    return selectors.can_read_contacts(user)


def _is_partner(user: User) -> bool:
    return policy.may(user, OWN_REFERRALS) and not _is_staff_reader(user)


# A restricted child's entry for a reader off its list: no name, no date of birth, no NHS number, no address.
_WITHHELD = {
    **dict.fromkeys(("given_first_name", "given_last_name", "given_nhs_number", "given_address", "given_postcode"), ""),
    "given_date_of_birth": None,
    "description": "",
    "restricted": True,
}


def _staff_children(contact: Contact, hidden: set[int]) -> list:
    """The contact's children for front-door staff: a child matched to a restricted record they are not on the list
    of is only its record's id and "restricted" (what the referrer gave names the same child)."""
    children = []
    for child in contact.children.all():
        if child.person_id in hidden:
            children.append({**_WITHHELD, "person_id": child.person_id})
        else:
            children.append(child)
    return children


def _represent(contact: Contact, *, partner: bool, clock: selectors.Clock, hidden: set[int] = frozenset()) -> dict:
    """One contact as its reader may see it (children and decisions prefetched: no queries). `hidden`: the
    restricted records among its children the reader may not see (selectors.contact_children_restricted)."""
    data = {
        "id": contact.pk,
        "reference": contact.reference,
        "received_at": contact.received_at,
        "decision_due_at": contact.decision_due_at,
        "rag": clock.contact_rag(contact),
        "urgent": contact.urgent,
        "children": list(contact.children.all()),
    }
    if partner:
        told = selectors.referral_status_for_referrer(contact)
        data.update(status=told["status"], outcome={"plain_words": told["outcome"]} if told["outcome"] else None)
        return ContactOutputSerializer(data).data
    decisions = list(contact.decisions.all())
    current = decisions[-1] if decisions else None
    signoff = getattr(current, "signoff", None)
    if signoff is not None and not signoff.agreed:
        current = None  # sent back by the manager: no outcome until triage decides again
    data.update(
        status=contact.status,
        outcome=None
        if current is None
        else {
            "code": current.outcome,
            "label": Outcome(current.outcome).label,
            "plain_words": OUTCOME_PLAIN_WORDS[current.outcome],
        },
        channel=contact.channel,
        source_code=contact.source_code,
        # The worry names the child as the caller did: withheld with them from a reader off a restricted record's list.
        worry=selectors.WITHHELD_WORRY if any(c.person_id in hidden for c in data["children"]) else contact.worry,
        categories=contact.categories,
        consent=contact.consent,
        consent_override_reason=contact.consent_override_reason,
        referrer_name=contact.referrer_name,
        referrer_role=contact.referrer_role,
        referrer_agency_id=contact.referrer_agency_id,
        no_identifiable_child=contact.no_identifiable_child,
        breached=contact.breached,
        assigned_to=contact.assigned_to.email if contact.assigned_to_id else None,
        children=_staff_children(contact, hidden),
    )
    return StaffContactOutputSerializer(data).data


def _audit(request: Request, verb: str, contacts, *, target=None) -> None:
    """One read-audit row for a response that shows contacts (called after the body is built, before it is
    returned: if the insert fails, nothing is shown), with the records its children are linked to. A contact
    whose children are not matched yet holds child data itself (names, dates of birth, the worry), so its read
    is audited too, against the contact; only a response that shows no contact at all writes no row."""
    contacts = list(contacts)
    if not contacts:
        return
    audit_shown(request, verb, selectors.linked_child_ids(contacts), target=target)


def _contact_response(request: Request, contact: Contact, *, partner: bool, status_code: int) -> Response:
    hidden = set() if partner else selectors.contact_children_restricted(user=request.user, contacts=[contact])
    body = _represent(contact, partner=partner, clock=selectors.Clock(), hidden=hidden)
    _audit(request, "contact.viewed", [contact], target=contact)
    response = Response(body, status=status_code)
    return response if partner else with_etag(response, _decision_token(contact))


def _standing_decision_id(contact: Contact) -> int | None:
    return contact.decisions.order_by("-decided_at", "-id").values_list("pk", flat=True).first()


def _decision_token(contact: Contact) -> str:
    """The contact's ETag for front-door staff: the decision that stands ("none" before the first). A change of
    decision names it in If-Match, so that a colleague's change made meanwhile is never silently replaced."""
    return str(_standing_decision_id(contact) or "none")


def _idempotency_key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    f"Use a key of at most {IDEMPOTENCY_KEY_MAX} printable characters (a UUID is a good key)"
                ]
            }
        )
    return key


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was used before with a different body, so this is not a retry of that request and "
        "nothing was recorded. Send a new key for a new request; a retry must repeat the first body exactly."
    )
    default_code = "idempotency_key_reused"


def _body_hash(data) -> str:
    """SHA-256 of the body as parsed, in a canonical form (sorted keys, no spaces): the same request however the
    client lays out its JSON."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _same_request(contact: Contact, body_hash: str) -> None:
    try:
        services.idempotency_key_check(contact=contact, body_hash=body_hash)
    except services.IdempotencyKeyReused:
        raise IdempotencyKeyReused from None


def _staff_contact(user: User, pk: int, *, readers: bool = False) -> Contact:
    """A contact front-door staff may work on (or, for reads, LCPPs and managers may see); 404 otherwise."""
    if not readers and not selectors.is_front_door(user):
        raise NotFound
    return selectors.contact_get_for_user(user=user, contact_id=pk)  # Http404 -> 404


def _restricted(request: Request, rows) -> dict:
    """The serializer context for information requests: the restricted records among their children that this
    reader may not see (one query at most for a page)."""
    contacts = [r.contact for r in rows]
    return {
        "restricted_ids": selectors.contact_children_restricted(user=request.user, contacts=contacts),
        # What the agency needs to find each child in its own systems, never a safe address (issue 13 item 11).
        "identifiers": selectors.children_identifiers(
            user=request.user, children=[c for contact in contacts for c in contact.children.all()]
        ),
    }


def _audit_requests(request: Request, verb: str, rows, *, target=None) -> None:
    _audit(request, verb, list({r.contact_id: r.contact for r in rows}.values()), target=target)


# --- contacts ----------------------------------------------------------------------------------------


class ContactListApi(FrontDoorApi):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="contacts_list",
        tags=TAGS,
        summary="Contacts: every one for the front door, your own for a partner referrer",
        description=_READERS + " Newest first. `status` applies to front-door staff only.",
        parameters=[ContactListQuerySerializer],
        responses={200: _CONTACTS, 400: _400, 401: _401, 404: _404},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        partner = _is_partner(user)
        query = ContactListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = selectors.contact_list_for_reader(
            user=user, status=filters.get("status") or "", urgent=filters["urgent"], open_=filters["open"]
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        clock = selectors.Clock()
        hidden = set() if partner else selectors.contact_children_restricted(user=user, contacts=page)
        body = [_represent(contact, partner=partner, clock=clock, hidden=hidden) for contact in page]
        _audit(request, "contact.listed", page)
        return paginator.get_paginated_response(body)


class ContactCreateApi(FrontDoorApi):
    @extend_schema(
        operation_id="contacts_create",
        tags=TAGS,
        summary="Record a contact (front-door staff) or refer a child (partner referrer)",
        description="Name each child by their details, or (front-door staff) by `person_id`, a record you can see. "
        "Send an `Idempotency-Key` header so that a retried request creates one contact: a retry with the same "
        "key and the same body returns the first contact with 200; the same key with another body is a 422 "
        "(`idempotency_key_reused`). " + _READERS,
        request=ContactCreateInputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="At most 100 characters, e.g. a UUID; unique per request you mean to make.",
            )
        ],
        responses={
            201: OpenApiResponse(_CONTACT, description="Recorded."),
            200: OpenApiResponse(_CONTACT, description="Already recorded with this Idempotency-Key."),
            400: _400,
            422: OpenApiResponse(
                DetailOutputSerializer, description="This Idempotency-Key was used with a different body."
            ),
            401: _401,
            404: _404,
        },
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not policy.may(user, RECORD_CONTACT):
            raise NotFound
        partner = _is_partner(user)
        key = _idempotency_key(request)
        # Checked before the body is validated: a retry is answered as the first request was, and any other body
        # with a used key (valid or not) is a 422, never the stored success.
        body_hash = _body_hash(request.data) if key else ""
        if key:
            existing = selectors.contact_by_idempotency_key(user=user, key=key)
            if existing is not None:
                _same_request(existing, body_hash)
                return _contact_response(request, existing, partner=partner, status_code=status.HTTP_200_OK)
        # A partner's referral arrives now, from them: its clock and agency are not theirs to set (a 400 naming them).
        context = {"refused": PARTNER_REFUSED if partner else ()}
        data = ContactCreateInputSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        children = self._children(user, values.pop("children"), partner=partner)
        household = values.pop("household", [])
        agency_id = values.pop("referrer_agency_id", None)
        if partner:
            values["referrer_name"] = values["referrer_name"].strip() or user.full_name
            values["referrer_role"] = values["referrer_role"].strip() or user.job_title
            values["referrer_email"] = values["referrer_email"] or user.email
        elif agency_id is not None:
            values["referrer_agency"] = agency_find(agency_id=agency_id)
            if values["referrer_agency"] is None:
                raise ValidationError({"referrer_agency_id": ["Unknown agency"]})
        values.setdefault("channel", "api")
        try:
            contact, created = services.contact_create(
                actor=user,
                data=values,
                children=children,
                idempotency_key=key,
                body_hash=body_hash,
                household=household,
            )
        except services.IdempotencyKeyReused:  # a concurrent first use of the key, with another body
            raise IdempotencyKeyReused from None
        contact = selectors.contacts_for_reader(user=user).get(pk=contact.pk)
        response = _contact_response(
            request, contact, partner=partner, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
        response["Location"] = reverse("front_door_api:contact_detail", args=[contact.pk])
        return response

    @staticmethod
    def _children(user: User, given: list[dict], *, partner: bool) -> list[dict]:
        """The service's shape: a record (`person`) and/or the details as given (`given_...`)."""
        wanted = {c["person_id"] for c in given if c.get("person_id")}
        # Partners never see records, so no id can name one for them.
        people = {} if partner else people_in_scope_by_id(user=user, ids=wanted)
        children, errors = [], {}
        for index, child in enumerate(given):
            person_id = child.pop("person_id", None)
            if person_id and person_id not in people:
                errors[str(index)] = {"person_id": ["Unknown person"]}  # keyed by position, as DRF keys its own
            row = {f"given_{k}": v for k, v in child.items() if k != "description"}
            children.append({**row, "description": child["description"], "person": people.get(person_id)})
        if errors:
            raise ValidationError({"children": errors})
        return children


class ContactDetailApi(FrontDoorApi):
    @extend_schema(
        operation_id="contacts_retrieve",
        tags=TAGS,
        summary="One contact",
        description=_READERS,
        responses={200: _CONTACT, 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = request.user
        contact = get_object_or_404(selectors.contacts_for_reader(user=user), pk=pk)
        return _contact_response(request, contact, partner=_is_partner(user), status_code=status.HTTP_200_OK)


class ContactDecisionApi(FrontDoorApi):
    @extend_schema(
        operation_id="contacts_decision_create",
        tags=TAGS,
        summary="Record the front-door decision",
        description="One of the eight outcomes, a level of need the outcome allows, and the rationale. A contact "
        "that already has a decision is refused (409) unless this is a change with `change_reason`; a change "
        "sends the contact's ETag (the decision it changes) as If-Match: 428 without it, 412 if someone changed "
        "the decision since. Where the council requires sign-off for the outcome the contact waits for a "
        "manager (status awaiting_signoff).",
        request=DecisionInputSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Required with change_reason: the contact's ETag.",
            ),
            etag_header(201),
        ],
        responses={
            201: DecisionOutputSerializer,
            400: _400,
            401: _401,
            404: _404,
            **PRECONDITION_RESPONSES,
            409: OpenApiResponse(
                ConflictOutputSerializer,
                description="Already decided: send change_reason "
                "to change the decision; or the contact moved on meanwhile.",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        contact = _staff_contact(user, pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        level = selectors.need_level_find(code=values.pop("level"))
        if level is None:
            codes = ", ".join(selectors.need_level_codes())
            raise ValidationError({"level": [f"Unknown level of need. Choose one of: {codes}"]})
        standing = _standing_decision_id(contact)
        if values.get("change_reason", "").strip() or if_match_tokens(request):
            require_if_match(request, token=standing or "none")
        # AlreadyDecided (a Conflict) is a 409 with the decision that stands; a change that lost the race to
        # another change is a StaleEdit, 412 (ffp.exceptions).
        decision = services.decision_record(contact=contact, actor=user, level=level, replacing=standing, **values)
        return with_etag(Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED), decision.pk)


# --- information requests ----------------------------------------------------------------------------


class ContactInformationRequestListApi(FrontDoorApi):
    @extend_schema(
        operation_id="contacts_information_requests_list",
        tags=TAGS,
        summary="The information requests on a contact, with the agencies' answers",
        responses={200: InformationRequestOutputSerializer(many=True), 401: _401, 404: _404},
    )
    def get(self, request: Request, pk: int) -> Response:
        contact = _staff_contact(request.user, pk, readers=True)
        rows = selectors.information_requests_for_contact(contact=contact)
        body = InformationRequestOutputSerializer(rows, many=True, context=_restricted(request, rows)).data
        _audit_requests(request, "information_request.listed", rows, target=contact)
        return Response(body)


class ContactInformationRequestCreateApi(FrontDoorApi):
    @extend_schema(
        operation_id="contacts_information_requests_create",
        tags=TAGS,
        summary="Ask a partner agency what it knows (front-door staff)",
        request=InformationRequestInputSerializer,
        responses={201: InformationRequestOutputSerializer, 400: _400, 401: _401, 404: _404},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        contact = _staff_contact(user, pk)
        data = InformationRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        agency = agency_find(agency_id=values["agency_id"])
        if agency is None:
            raise ValidationError({"agency_id": ["Unknown agency"]})
        if agency.is_council:
            raise ValidationError({"agency_id": ["Choose a partner agency, not one of the council's own services"]})
        try:
            info = services.information_request_send(
                contact=contact, actor=user, agency=agency, question=values["question"], due_at=values.get("due_at")
            )
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise ValidationError({("agency_id" if k == "agency" else k): v for k, v in errors.items()}) from None
        info = selectors.information_request_get(request_id=info.pk)
        body = InformationRequestOutputSerializer(info, context=_restricted(request, [info])).data
        _audit_requests(request, "information_request.viewed", [info], target=info)
        return Response(body, status=status.HTTP_201_CREATED)


class InformationRequestInboxApi(FrontDoorApi):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="information_requests_list",
        tags=TAGS,
        summary="Information requests sent to your agency",
        description="Open ones by default, soonest due first; `status=answered` or `all` for the rest.",
        parameters=[InformationRequestListQuerySerializer],
        responses={200: InformationRequestOutputSerializer(many=True), 400: _400, 401: _401},
    )
    def get(self, request: Request) -> Response:
        query = InformationRequestListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data["status"] or "open"
        qs = selectors.information_requests_for_agency(user=request.user, show=wanted)
        paginator = self.pagination_class()
        # The selector brings the agency, the contact and its children (with their records) along.
        page = paginator.paginate_queryset(qs, request, view=self)
        body = InformationRequestOutputSerializer(page, many=True, context=_restricted(request, page)).data
        _audit_requests(request, "information_request.listed", page)
        return paginator.get_paginated_response(body)


class InformationRequestRespondApi(FrontDoorApi):
    @extend_schema(
        operation_id="information_requests_response_create",
        tags=TAGS,
        summary="Answer a request sent to your agency",
        request=ResponseInputSerializer,
        responses={
            200: InformationRequestOutputSerializer,
            400: _400,
            401: _401,
            404: _404,
            409: OpenApiResponse(DetailOutputSerializer, description="Already answered (or cancelled)."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = request.user
        info = selectors.information_request_get_for_agency(user=user, request_id=pk)  # Http404 -> 404
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # Already answered or cancelled, now or by a colleague in between: InvalidTransition, a 409.
            services.information_request_respond(request=info, actor=user, **data.validated_data)
        except DjangoPermissionDenied:
            raise NotFound from None
        info = selectors.information_request_get_for_agency(user=user, request_id=pk)
        body = InformationRequestOutputSerializer(info, context=_restricted(request, [info])).data
        _audit_requests(request, "information_request.viewed", [info], target=info)
        return Response(body)


# --- two operations on one URL -------------------------------------------------------------------------


class ContactCollectionApi(ContactListApi, ContactCreateApi):
    """GET lists, POST creates."""


class ContactInformationRequestsApi(ContactInformationRequestListApi, ContactInformationRequestCreateApi):
    """GET lists, POST asks."""
