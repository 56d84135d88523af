"""api/v1/people/<id>/relationships/: the family network, read and added to."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors, services
from cases.models import Person

from ..web import audit_shown
from .base import _BAD_REQUEST, _NOT_FOUND, _UNAUTHENTICATED, TAGS, PeopleApi, _person_edit_get, _person_url
from .serializers import (
    RelationshipCreateInputSerializer,
    RelationshipOutputSerializer,
)

# --- relationships -----------------------------------------------------------------------------------


def _network_entries(request: Request, person: Person) -> list[dict]:
    """selectors.family_network, each other person shown as far as this user may see them: in scope
    with a link; out of scope by name only; restricted (and not on its list) as {"restricted": true}."""
    network = selectors.family_network(person=person)
    visible = selectors.person_ids_in_scope(user=request.user, ids=[n["person"].pk for n in network])
    hidden = selectors.people_restricted_for_user(user=request.user, people=[n["person"] for n in network])
    for entry in network:
        other = entry["person"]
        if other.pk in hidden:
            entry["person_data"] = {"restricted": True}
            continue
        entry["person_data"] = {
            "id": other.pk,
            "la_child_id": other.la_child_id,
            "name": other.full_name,
            "date_of_birth": other.date_of_birth.isoformat() if other.date_of_birth else None,
            "url": _person_url(request, other) if other.pk in visible else None,
        }
    return network


def _shown_ids(person: Person, entries: list[dict]) -> list[int]:
    return [person.pk, *(e["person_data"]["id"] for e in entries if "id" in e["person_data"])]


class PersonRelationshipListApi(PeopleApi):
    @extend_schema(
        operation_id="people_relationships_list",
        tags=TAGS,
        summary="A person's family network",
        responses={200: RelationshipOutputSerializer(many=True), 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        entries = _network_entries(request, person)
        data = RelationshipOutputSerializer(entries, many=True).data
        audit_shown(request, "person.relationships_viewed", _shown_ids(person, entries), target=person)
        return Response(data)


class PersonRelationshipCreateApi(PeopleApi):
    @extend_schema(
        operation_id="people_relationships_create",
        tags=TAGS,
        summary="Add a relationship",
        description="direction other_is_type_of_this (the default): the other person is <type> of this one, "
        "e.g. type=mother adds this person's mother.",
        request=RelationshipCreateInputSerializer,
        responses={201: RelationshipOutputSerializer, 400: _BAD_REQUEST, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
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
        audit_shown(
            request,
            "person.relationships_viewed",
            _shown_ids(person, entries),
            target=person,
            reason="returned on create",
        )
        return Response(data, status=status.HTTP_201_CREATED)


# /people/<id>/relationships/: GET lists (PersonRelationshipListApi), POST adds (PersonRelationshipCreateApi).
class PersonRelationshipsApi(PersonRelationshipListApi, PersonRelationshipCreateApi):
    pass
