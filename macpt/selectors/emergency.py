"""Reading emergency action: whoever sees the child's whole record (cases.permissions.person_record_scope) sees its
emergency actions; anything else is 404."""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import User, WorkRequest
from cases.permissions import person_record_scope
from cases.selectors import work_request_get_for_user

from ..models import EmergencyAction


def emergency_action_get_for_user(*, user: User, action_id: int) -> EmergencyAction:
    try:
        return (
            EmergencyAction.objects.filter(person__in=person_record_scope(user, relatives=False).values("pk"))
            .select_related("person", "recorded_by", "work_request")
            .get(pk=action_id)
        )
    except (EmergencyAction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such emergency action") from None


def emergency_actions_for_person(*, person) -> QuerySet[EmergencyAction]:
    """The child's emergency actions, newest first (the caller has the child from a scoped selector)."""
    return EmergencyAction.objects.filter(person=person).select_related("recorded_by").order_by("-started_at", "-id")


def emergency_request_get_for_user(*, user: User, request_id: int) -> WorkRequest:
    """An emergency-action work request for one of its receivers (or an LCPP), about a child they may open; 404 for
    any other request or user."""
    request = work_request_get_for_user(user=user, request_id=request_id)
    if request.kind != WorkRequest.Kind.EMERGENCY_ACTION:
        raise Http404("No such request")
    return request
