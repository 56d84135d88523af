"""Hand-offs between strands (cases.WorkRequest), read for the people who receive them."""

from django.db.models import QuerySet

from ..models import Person, User, WorkRequest
from ..registry import registry


def work_requests_to_accept(*, user: User, person: Person) -> QuerySet[WorkRequest]:
    """This child's open requests of the kinds this user receives (cases.registry: the strand that accepts a
    kind registers who receives it), urgent first, then oldest. Empty, without a query's worth of work, for
    anyone who receives no kind. The caller has already scoped `person` to the user."""
    kinds = [k.kind for k in registry.work_request_kinds() if user.has_role(*k.receiving_roles)]
    if not kinds:
        return WorkRequest.objects.none()
    return WorkRequest.objects.filter(person=person, status=WorkRequest.Status.OPEN, kind__in=kinds).order_by(
        "-urgent", "created_at", "id"
    )
