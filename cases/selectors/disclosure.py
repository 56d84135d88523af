"""Reads of disclosure decisions and subject access requests: the privacy officer's (policy SUBJECT_ACCESS), and of
requests only about people in their scope (a restricted record stays on its named list). Refused or missing: 404."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import policy
from ..models import DisclosureDecision, SubjectAccessRequest, User
from ..permissions import person_record_scope


def _require(user: User) -> None:
    if not policy.may(user, policy.SUBJECT_ACCESS):
        raise Http404


def sar_list_for_user(*, user: User) -> QuerySet[SubjectAccessRequest]:
    _require(user)
    return (
        SubjectAccessRequest.objects.filter(person__in=person_record_scope(user))
        .select_related("person", "handled_by")
        .prefetch_related("pauses")
        .order_by("status", "received_on", "pk")
    )


def sar_get_for_user(*, user: User, sar_id: int) -> SubjectAccessRequest:
    return get_object_or_404(sar_list_for_user(user=user), pk=sar_id)


def decisions_for_user(*, user: User) -> QuerySet[DisclosureDecision]:
    """Every disclosure decision, newest first (they name children by id only: the page shows no child's data)."""
    _require(user)
    return DisclosureDecision.objects.select_related("decided_by").order_by("-decided_at", "-pk")
