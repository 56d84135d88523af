"""api/v1/people/: list, create, read, update, search and likely duplicates."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from cases import policy, selectors, services
from ffp.exceptions import validation_detail

from ..web import audit_shown
from ..web.pagination import PagePagination
from .base import (
    _BAD_REQUEST,
    _NOT_FOUND,
    _UNAUTHENTICATED,
    TAGS,
    PeopleApi,
    _detail_response,
    _person_edit_get,
    _person_url,
)
from .concurrency import IF_MATCH, PRECONDITION_RESPONSES, etag_header, require_if_match
from .serializers import (
    DuplicatesConflictOutputSerializer,
    DuplicatesOutputSerializer,
    PersonCreateInputSerializer,
    PersonDetailOutputSerializer,
    PersonDuplicatesInputSerializer,
    PersonListOutputSerializer,
    PersonSearchQuerySerializer,
    PersonUpdateInputSerializer,
    SearchResultsOutputSerializer,
)

# --- people ------------------------------------------------------------------------------------------


class PersonListApi(PeopleApi):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="people_list",
        tags=TAGS,
        summary="List the people you may see",
        responses={
            200: PersonListOutputSerializer(many=True),
            400: _BAD_REQUEST,
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
        },
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.person_list_for_user(user=request.user), request, view=self)
        data = PersonListOutputSerializer(page, many=True, context={"request": request}).data
        audit_shown(request, "person.listed", [p.pk for p in page])
        return paginator.get_paginated_response(data)


class PersonCreateApi(PeopleApi):
    @extend_schema(
        operation_id="people_create",
        tags=TAGS,
        summary="Create a person (after checking for duplicates)",
        description="Likely duplicates in your scope are returned with 409 and nothing is saved, until the "
        "request says `duplicates_reviewed: true`.",
        request=PersonCreateInputSerializer,
        responses={
            201: PersonDetailOutputSerializer,
            400: _BAD_REQUEST,
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
            409: OpenApiResponse(
                DuplicatesConflictOutputSerializer,
                description="Likely duplicates: check them, then send "
                "duplicates_reviewed=true if this is a different person.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        # Creating records is the front door's job (and child protection's): the table's CREATE_PERSON.
        if not policy.may(request.user, policy.CREATE_PERSON):
            raise PermissionDenied("Only front-door staff and lead child protection practitioners create records.")
        data = PersonCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        address = fields.pop("address", None)
        reviewed = fields.pop("duplicates_reviewed")
        if not reviewed:
            duplicates = selectors.person_find_duplicates(
                user=request.user, data={**fields, "postcode": address["postcode"] if address else ""}
            )
            if duplicates:
                body = DuplicatesConflictOutputSerializer(
                    {
                        "detail": "This may be a person who already has a record: check these likely duplicates. "
                        "If it is a different person, send the request again with duplicates_reviewed "
                        "set to true.",
                        "duplicates": duplicates,
                    },
                    context={"request": request},
                ).data
                audit_shown(request, "person.duplicates_shown", [h.person.pk for h in duplicates if h.person])
                return Response(body, status=status.HTTP_409_CONFLICT)
        try:
            person = services.person_create_with_address(
                actor=request.user,
                data=fields,
                address=address,
                reason="Created after the likely duplicates were reviewed" if reviewed else "",
            )
        except services.AddressInvalid as exc:
            raise serializers.ValidationError({"address": validation_detail(exc)}) from None
        response = _detail_response(request, person, reason="returned on create", status_code=status.HTTP_201_CREATED)
        response["Location"] = _person_url(request, person)
        return response


class PersonDetailApi(PeopleApi):
    @extend_schema(
        operation_id="people_retrieve",
        tags=TAGS,
        summary="A person's record",
        description="The ETag response header holds the record's version: send it back as If-Match to change it.",
        parameters=[etag_header(200)],
        responses={200: PersonDetailOutputSerializer, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        return _detail_response(request, person)


class PersonUpdateApi(PeopleApi):
    @extend_schema(
        operation_id="people_update",
        tags=TAGS,
        summary="Change a person's details",
        description="Send the ETag from GET as If-Match: a change based on an older version is refused with 412, "
        "never silently merged; without If-Match, 428.",
        parameters=[IF_MATCH, etag_header(200)],
        request=PersonUpdateInputSerializer,
        responses={
            200: PersonDetailOutputSerializer,
            400: _BAD_REQUEST,
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
            **PRECONDITION_RESPONSES,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        person = _person_edit_get(request.user, pk)
        require_if_match(request, token=person.version)
        data = PersonUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if not fields:
            raise serializers.ValidationError({"non_field_errors": ["Give at least one field to change"]})
        # A colleague's save between the check and ours: StaleEdit, a 412 like a stale If-Match (ffp.exceptions).
        person = services.person_update(person=person, actor=request.user, data=fields, expected_version=person.version)
        return _detail_response(request, person, reason="returned on update")


class PersonSearchApi(PeopleApi):
    @extend_schema(
        operation_id="people_search",
        tags=TAGS,
        summary="Search for a person",
        description="Fuzzy name (typos and sound-alikes), date of birth (exact or a range), NHS number, "
        'postcode. A restricted record you may not see appears only as {"restricted": true}.',
        parameters=[PersonSearchQuerySerializer],
        responses={200: SearchResultsOutputSerializer, 400: _BAD_REQUEST, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        query = PersonSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        criteria = selectors.SearchCriteria(**query.validated_data)
        hits = selectors.person_search(user=request.user, criteria=criteria)
        data = SearchResultsOutputSerializer({"results": hits}, context={"request": request}).data
        given = ", ".join(sorted(k for k, v in query.validated_data.items() if v))
        audit_shown(request, "person.searched", [h.person.pk for h in hits if h.person], reason=f"by {given}")
        return Response(data)


class PersonDuplicatesApi(PeopleApi):
    @extend_schema(
        operation_id="people_duplicates",
        tags=TAGS,
        summary="Likely duplicates of a person, without saving",
        request=PersonDuplicatesInputSerializer,
        responses={200: DuplicatesOutputSerializer, 400: _BAD_REQUEST, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def post(self, request: Request) -> Response:
        data = PersonDuplicatesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        address = fields.pop("address", None)
        duplicates = selectors.person_find_duplicates(
            user=request.user, data={**fields, "postcode": address["postcode"] if address else ""}
        )
        body = DuplicatesOutputSerializer({"duplicates": duplicates}, context={"request": request}).data
        audit_shown(request, "person.duplicates_shown", [h.person.pk for h in duplicates if h.person])
        return Response(body)


# --- one URL, two operations ----------------------------------------------------------------------------


# (Comments, not docstrings: drf-spectacular would show a class docstring as every operation's description.)


# /people/: GET lists (PersonListApi), POST creates (PersonCreateApi).
class PersonCollectionApi(PersonListApi, PersonCreateApi):
    pass


# /people/<id>/: GET reads (PersonDetailApi), PATCH changes (PersonUpdateApi).
class PersonResourceApi(PersonDetailApi, PersonUpdateApi):
    pass
