"""What the people API's views share: the permission, responses, read-audit and version headers."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.models import Person, User
from cases.permissions import can_edit_person, may_read_records
from cases.web import audit_shown
from ffp.api_errors import JSONParser

from .concurrency import with_etag
from .serializers import (
    FIELD_ERRORS_SCHEMA,
    DetailOutputSerializer,
    PersonDetailOutputSerializer,
)

TAGS = ["people"]
_BAD_REQUEST = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_UNAUTHENTICATED = OpenApiResponse(
    DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer; a refusal is 404)."
)
_NOT_FOUND = OpenApiResponse(DetailOutputSerializer, description="No such person, or not one you may see or change.")


class MaySeePeople(BasePermission):
    """Administrators and partner referrers who only refer never open a child's record (policy.NO_RECORD; a referrer
    in a team around a family sees its summary through the plan, not here): every people endpoint is 404 for them,
    as if it did not exist, never 403 and never an empty list that confirms it does."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not may_read_records(user):
            raise NotFound
        return True


class PeopleApi(APIView):
    permission_classes = [IsAuthenticated, MaySeePeople]
    parser_classes = [JSONParser]


# --- helpers -----------------------------------------------------------------------------------------


def _person_url(request: Request, person: Person) -> str:
    return request.build_absolute_uri(reverse("api:person_detail", args=[person.pk]))


def _detail_response(
    request: Request, person: Person, *, reason: str = "", status_code: int = status.HTTP_200_OK
) -> Response:
    record = selectors.person_record(person=person, user=request.user)
    context = {"request": request, "record": record, "can_edit": can_edit_person(request.user, person)}
    data = PersonDetailOutputSerializer(person, context=context).data
    audit_shown(request, "person.viewed", [person.pk], target=person, reason=reason)
    return with_etag(Response(data, status=status_code), person.version)


def _person_edit_get(user: User, person_id: int) -> Person:
    """A person this user may change: 404 (never 403) when they may not, like a person out of scope."""
    person = selectors.person_get_for_user(user=user, person_id=person_id)
    if not can_edit_person(user, person):
        raise NotFound
    return person
