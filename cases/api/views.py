"""The people API (/api/v1/people/...): one APIView per operation (CONVENTIONS section 5).

Each operation: a scoped selector (404 whether missing or out of scope) -> an input serializer -> one
service -> an output serializer. Every response that carries a person's data writes exactly one
read-audit row before it is returned; if that insert fails the request fails and shows nothing.
Two operations that share a URL are combined by a small class at the end of this module.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import policy, selectors, services
from cases.models import Person, User
from cases.permissions import can_edit_person, person_scope

from .pagination import PagePagination
from .serializers import (
    FIELD_ERRORS_SCHEMA,
    ChronologyEntryOutputSerializer,
    ChronologyQuerySerializer,
    DetailOutputSerializer,
    DuplicatesConflictOutputSerializer,
    DuplicatesOutputSerializer,
    PersonCreateInputSerializer,
    PersonDetailOutputSerializer,
    PersonDuplicatesInputSerializer,
    PersonListOutputSerializer,
    PersonSearchQuerySerializer,
    PersonUpdateInputSerializer,
    RelationshipCreateInputSerializer,
    RelationshipOutputSerializer,
    SearchResultsOutputSerializer,
    StaleOutputSerializer,
)

TAGS = ["people"]
_BAD_REQUEST = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_FORBIDDEN = OpenApiResponse(DetailOutputSerializer, description="Not signed in (or not allowed to do this).")
_NOT_FOUND = OpenApiResponse(DetailOutputSerializer, description="No such person, or not one you may see.")


class MaySeePeople(BasePermission):
    """Partner referrers and administrators never see a child's record (policy.NEVER): every people
    endpoint is 404 for them, as if it did not exist, rather than a 403 that confirms it does."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.roles <= policy.NEVER:
            raise NotFound
        return True


class PeopleApi(APIView):
    permission_classes = [IsAuthenticated, MaySeePeople]
    parser_classes = [JSONParser]


# --- helpers -----------------------------------------------------------------------------------------


def _audit_read(request: Request, verb: str, child_ids, *, target: Person | None = None, reason: str = "") -> None:
    """One read-audit row per response that shows a person's data: called after the body is built and
    before it is returned, so a failed insert means nothing is shown."""
    services.audit_read(actor=request.user, verb=verb, child_ids=child_ids, target=target, reason=reason)


def _etag(version: int) -> str:
    return f'"{version}"'


def _person_url(request: Request, person: Person) -> str:
    return request.build_absolute_uri(reverse("api:person_detail", args=[person.pk]))


def _detail_response(request: Request, person: Person, *, reason: str = "",
                     status_code: int = status.HTTP_200_OK) -> Response:
    record = selectors.person_record(person=person)
    context = {"request": request, "record": record, "can_edit": can_edit_person(request.user, person)}
    data = PersonDetailOutputSerializer(person, context=context).data
    _audit_read(request, "person.viewed", [person.pk], target=person, reason=reason)
    response = Response(data, status=status_code)
    response["ETag"] = _etag(person.version)
    return response


def _person_edit_get(user: User, person_id: int) -> Person:
    """A person this user may change: 404 (never 403) when they may not, like a person out of scope."""
    person = selectors.person_get_for_user(user=user, person_id=person_id)
    if not can_edit_person(user, person):
        raise NotFound
    return person


@transaction.atomic
def _person_create_with_address(*, actor: User, fields: dict, address: dict | None, reason: str) -> Person:
    """person_create and person_add_address in one transaction, so that a refused address never
    leaves a person behind without it."""
    person = services.person_create(actor=actor, data=fields, reason=reason)
    if address:
        try:
            services.person_add_address(person=person, actor=actor, **address)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise serializers.ValidationError({"address": detail}) from None
    return person


# --- people ------------------------------------------------------------------------------------------


class PersonListApi(PeopleApi):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="people_list", tags=TAGS, summary="List the people you may see",
        responses={200: PersonListOutputSerializer(many=True), 400: _BAD_REQUEST, 403: _FORBIDDEN,
                   404: _NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.person_list_for_user(user=request.user), request, view=self)
        data = PersonListOutputSerializer(page, many=True, context={"request": request}).data
        _audit_read(request, "person.listed", [p.pk for p in page])
        return paginator.get_paginated_response(data)


class PersonCreateApi(PeopleApi):
    @extend_schema(
        operation_id="people_create", tags=TAGS, summary="Create a person (after checking for duplicates)",
        description="Likely duplicates in your scope are returned with 409 and nothing is saved, until the "
                    "request says `duplicates_reviewed: true`.",
        request=PersonCreateInputSerializer,
        responses={201: PersonDetailOutputSerializer, 400: _BAD_REQUEST, 403: _FORBIDDEN, 404: _NOT_FOUND,
                   409: OpenApiResponse(DuplicatesConflictOutputSerializer,
                                        description="Likely duplicates: check them, then send "
                                                    "duplicates_reviewed=true if this is a different person.")},
    )
    def post(self, request: Request) -> Response:
        # Creating records is the front door's job (and child protection's); policy.py has no CREATE yet.
        if not request.user.has_role(*policy.COUNCIL_WIDE_EDITORS):
            raise PermissionDenied("Only front-door staff and lead child protection practitioners create records.")
        data = PersonCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        address = fields.pop("address", None)
        reviewed = fields.pop("duplicates_reviewed")
        if not reviewed:
            duplicates = selectors.person_find_duplicates(
                user=request.user, data={**fields, "postcode": address["postcode"] if address else ""})
            if duplicates:
                body = DuplicatesConflictOutputSerializer(
                    {"detail": "This may be a person who already has a record: check these likely duplicates. "
                               "If it is a different person, send the request again with duplicates_reviewed "
                               "set to true.", "duplicates": duplicates}, context={"request": request}).data
                _audit_read(request, "person.duplicates_shown", [h.person.pk for h in duplicates if h.person])
                return Response(body, status=status.HTTP_409_CONFLICT)
        person = _person_create_with_address(
            actor=request.user, fields=fields, address=address,
            reason="Created after the likely duplicates were reviewed" if reviewed else "")
        response = _detail_response(request, person, reason="returned on create", status_code=status.HTTP_201_CREATED)
        response["Location"] = _person_url(request, person)
        return response


class PersonDetailApi(PeopleApi):
    @extend_schema(
        operation_id="people_retrieve", tags=TAGS, summary="A person's record",
        description="The ETag response header holds the record's version: send it back as If-Match to change it.",
        responses={200: PersonDetailOutputSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        return _detail_response(request, person)


_ENTITY_TAG = re.compile(r'^(?:W/)?"?([0-9]{1,10})"?$')


def _if_match_versions(header: str) -> set[int | None] | None:
    """The versions an If-Match header names (None for a tag that is not one of ours), or None when it
    names none at all ("" or "*": "whatever the record is now" is not a version someone edited)."""
    tags = [t.strip() for t in header.split(",") if t.strip() and t.strip() != "*"]
    if not tags:
        return None
    return {int(m.group(1)) if (m := _ENTITY_TAG.match(t)) else None for t in tags}


class PersonUpdateApi(PeopleApi):
    @extend_schema(
        operation_id="people_update", tags=TAGS, summary="Change a person's details",
        description="Send the ETag from GET as If-Match (or the version as `version`): a change based on an "
                    "older version is refused with 412, never silently merged.",
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False,
                                     description='The ETag you read, e.g. "3".')],
        request=PersonUpdateInputSerializer,
        responses={200: PersonDetailOutputSerializer, 400: _BAD_REQUEST, 403: _FORBIDDEN, 404: _NOT_FOUND,
                   412: OpenApiResponse(StaleOutputSerializer,
                                        description="Someone changed the record since the version you edited."),
                   428: OpenApiResponse(DetailOutputSerializer, description="No If-Match header or version.")},
    )
    def patch(self, request: Request, pk: int) -> Response:
        person = _person_edit_get(request.user, pk)
        header = _if_match_versions(request.headers.get("If-Match", ""))
        body_has_version = isinstance(request.data, dict) and request.data.get("version") is not None
        if header is None and not body_has_version:
            return Response({"detail": "Say which version you edited: send the ETag from your last GET of this "
                                       "person as an If-Match header (or give `version` in the body), so that a "
                                       "colleague's changes are never overwritten."},
                            status=status.HTTP_428_PRECONDITION_REQUIRED)
        data = PersonUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        if (header is not None and person.version not in header) or (version is not None and
                                                                     version != person.version):
            return _stale(person.version)
        if not fields:
            raise serializers.ValidationError({"non_field_errors": ["Give at least one field to change"]})
        try:
            person = services.person_update(person=person, actor=request.user, data=fields,
                                            expected_version=person.version)
        except services.StaleEdit as exc:
            return _stale(exc.current_version)
        return _detail_response(request, person, reason="returned on update")


def _stale(current_version: int) -> Response:
    response = Response({"detail": "Someone else changed this record after the version you edited. Your changes "
                                   "have not been saved: get the record again, check their changes, then make "
                                   "yours again.", "current_version": current_version},
                        status=status.HTTP_412_PRECONDITION_FAILED)
    response["ETag"] = _etag(current_version)
    return response


class PersonSearchApi(PeopleApi):
    @extend_schema(
        operation_id="people_search", tags=TAGS, summary="Search for a person",
        description="Fuzzy name (typos and sound-alikes), date of birth (exact or a range), NHS number, "
                    "postcode. A restricted record you may not see appears only as {\"restricted\": true}.",
        parameters=[PersonSearchQuerySerializer],
        responses={200: SearchResultsOutputSerializer, 400: _BAD_REQUEST, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        query = PersonSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        criteria = selectors.SearchCriteria(**query.validated_data)
        hits = selectors.person_search(user=request.user, criteria=criteria)
        data = SearchResultsOutputSerializer({"results": hits}, context={"request": request}).data
        given = ", ".join(sorted(k for k, v in query.validated_data.items() if v))
        _audit_read(request, "person.searched", [h.person.pk for h in hits if h.person], reason=f"by {given}")
        return Response(data)


class PersonDuplicatesApi(PeopleApi):
    @extend_schema(
        operation_id="people_duplicates", tags=TAGS, summary="Likely duplicates of a person, without saving",
        request=PersonDuplicatesInputSerializer,
        responses={200: DuplicatesOutputSerializer, 400: _BAD_REQUEST, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def post(self, request: Request) -> Response:
        data = PersonDuplicatesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        address = fields.pop("address", None)
        duplicates = selectors.person_find_duplicates(
            user=request.user, data={**fields, "postcode": address["postcode"] if address else ""})
        body = DuplicatesOutputSerializer({"duplicates": duplicates}, context={"request": request}).data
        _audit_read(request, "person.duplicates_shown", [h.person.pk for h in duplicates if h.person])
        return Response(body)


# --- relationships -----------------------------------------------------------------------------------


def _network_entries(request: Request, person: Person) -> list[dict]:
    """selectors.family_network, each other person shown as far as this user may see them: in scope
    with a link; out of scope by name only; restricted (and not on its list) as {"restricted": true}."""
    network = selectors.family_network(person=person)
    visible = set(person_scope(request.user).filter(pk__in=[n["person"].pk for n in network])
                  .values_list("pk", flat=True))
    for entry in network:
        other = entry["person"]
        if other.pk not in visible and other.restricted:
            entry["person_data"] = {"restricted": True}
            continue
        entry["person_data"] = {
            "id": other.pk, "la_child_id": other.la_child_id, "name": other.full_name,
            "date_of_birth": other.date_of_birth.isoformat() if other.date_of_birth else None,
            "url": _person_url(request, other) if other.pk in visible else None,
        }
    return network


def _shown_ids(person: Person, entries: list[dict]) -> list[int]:
    return [person.pk, *(e["person_data"]["id"] for e in entries if "id" in e["person_data"])]


class PersonRelationshipListApi(PeopleApi):
    @extend_schema(
        operation_id="people_relationships_list", tags=TAGS, summary="A person's family network",
        responses={200: RelationshipOutputSerializer(many=True), 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        entries = _network_entries(request, person)
        data = RelationshipOutputSerializer(entries, many=True).data
        _audit_read(request, "person.relationships_viewed", _shown_ids(person, entries), target=person)
        return Response(data)


class PersonRelationshipCreateApi(PeopleApi):
    @extend_schema(
        operation_id="people_relationships_create", tags=TAGS, summary="Add a relationship",
        description="direction other_is_type_of_this (the default): the other person is <type> of this one, "
                    "e.g. type=mother adds this person's mother.",
        request=RelationshipCreateInputSerializer,
        responses={201: RelationshipOutputSerializer, 400: _BAD_REQUEST, 403: _FORBIDDEN, 404: _NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        person = _person_edit_get(request.user, pk)
        data = RelationshipCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        other = selectors.person_get_for_user(user=request.user, person_id=fields.pop("other_person_id"))
        if other.pk == person.pk:
            raise serializers.ValidationError({"other_person_id": ["A person cannot be related to themselves"]})
        if fields.pop("direction") == RelationshipCreateInputSerializer.OTHER_IS_TYPE_OF_THIS:
            from_person, to_person = other, person
        else:
            from_person, to_person = person, other
        rel = services.relationship_add(actor=request.user, from_person=from_person, to_person=to_person, **fields)
        entries = [e for e in _network_entries(request, person) if e["relationship_id"] == rel.pk]
        data = RelationshipOutputSerializer(entries[0]).data
        _audit_read(request, "person.relationships_viewed", _shown_ids(person, entries), target=person,
                    reason="returned on create")
        return Response(data, status=status.HTTP_201_CREATED)


# --- chronology --------------------------------------------------------------------------------------


class PersonChronologyApi(PeopleApi):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="people_chronology_list", tags=TAGS, summary="A person's chronology, newest first",
        parameters=[ChronologyQuerySerializer],
        responses={200: ChronologyEntryOutputSerializer(many=True), 400: _BAD_REQUEST, 403: _FORBIDDEN,
                   404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        query = ChronologyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        entries = selectors.chronology_for_person(
            person=person, strand=filters.get("strand", ""), significant_only=filters.get("significant", False),
            date_from=filters.get("date_from"), date_to=filters.get("date_to"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        data = ChronologyEntryOutputSerializer(page, many=True).data
        _audit_read(request, "person.chronology_viewed", [person.pk], target=person)
        return paginator.get_paginated_response(data)


# --- one URL, two operations ----------------------------------------------------------------------------


# (Comments, not docstrings: drf-spectacular would show a class docstring as every operation's description.)

# /people/: GET lists (PersonListApi), POST creates (PersonCreateApi).
class PersonCollectionApi(PersonListApi, PersonCreateApi):
    pass


# /people/<id>/: GET reads (PersonDetailApi), PATCH changes (PersonUpdateApi).
class PersonResourceApi(PersonDetailApi, PersonUpdateApi):
    pass


# /people/<id>/relationships/: GET lists (PersonRelationshipListApi), POST adds (PersonRelationshipCreateApi).
class PersonRelationshipsApi(PersonRelationshipListApi, PersonRelationshipCreateApi):
    pass
