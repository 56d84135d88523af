"""Reading harm outside the home: whoever sees the child's whole record sees it (people, places and the plan's
actions that answer it); anything else is 404."""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Action, User
from cases.permissions import person_record_scope

from ..models import ExtraFamilialHarm


def harm_get_for_user(*, user: User, harm_id: int) -> ExtraFamilialHarm:
    try:
        return (
            ExtraFamilialHarm.objects.filter(person__in=person_record_scope(user, relatives=False).values("pk"))
            .select_related("person", "enquiry", "conference", "recorded_by")
            .get(pk=harm_id)
        )
    except (ExtraFamilialHarm.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None


def harm_actions(*, harm: ExtraFamilialHarm) -> QuerySet[Action]:
    """The family's plan's actions that answer this harm, as the plan holds them now."""
    return (
        Action.objects.filter(pk__in=harm.action_links.values("action_id"))
        .select_related("owner", "owner_agency")
        .order_by("due_on", "id")
    )


def harm_for_enquiry(*, enquiry) -> ExtraFamilialHarm | None:
    return ExtraFamilialHarm.objects.filter(enquiry=enquiry).first()
