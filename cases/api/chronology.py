"""api/v1/people/<id>/chronology/: the child's chronology."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors

from ..web import audit_shown
from ..web.pagination import PagePagination
from .base import _BAD_REQUEST, _NOT_FOUND, _UNAUTHENTICATED, TAGS, PeopleApi
from .serializers import (
    ChronologyEntryOutputSerializer,
    ChronologyQuerySerializer,
)

# --- chronology --------------------------------------------------------------------------------------


class PersonChronologyApi(PeopleApi):
    pagination_class = PagePagination

    @extend_schema(
        operation_id="people_chronology_list",
        tags=TAGS,
        summary="A person's chronology, newest first",
        parameters=[ChronologyQuerySerializer],
        responses={
            200: ChronologyEntryOutputSerializer(many=True),
            400: _BAD_REQUEST,
            401: _UNAUTHENTICATED,
            404: _NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        query = ChronologyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        entries = selectors.chronology_for_person(
            user=request.user,
            person=person,
            strand=filters.get("strand", ""),
            significant_only=filters.get("significant", False),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        data = ChronologyEntryOutputSerializer(page, many=True).data
        audit_shown(request, "person.chronology_viewed", [person.pk], target=person)
        return paginator.get_paginated_response(data)
