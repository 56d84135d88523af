"""The read-audit row for a page or API response that shows children's data.

Call it once per response, after the body is built and before it is returned: if the insert fails the
exception propagates and nothing is shown, so no read of a child's record goes unrecorded.
"""

from collections.abc import Iterable

from django.db import models
from django.http import HttpRequest

from .. import services


def _child_id(child) -> int | None:
    if child is None or isinstance(child, int):
        return child
    return child.pk


def audit_shown(
    request: HttpRequest,
    verb: str,
    children: Iterable = (),
    *,
    target: models.Model | None = None,
    target_type: str = "",
    target_id=None,
    reason: str = "",
) -> None:
    """Record that this response showed these children (people or ids; None, a child not matched to a
    record, is left out) to the signed-in user. A response about children not matched to a record yet (a
    contact, a referral) still writes its row, against its target: what the referrer gave is child data too."""
    ids = [i for i in map(_child_id, children) if i is not None]
    services.audit_read(
        actor=request.user,
        verb=verb,
        child_ids=ids,
        target=target,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
    )


def audit_family_shown(request: HttpRequest, verb: str, family_case, *, target=None, children=None) -> None:
    """The read-audit row for a family's page or API response (its plan, team, versions, PDFs): the
    family's children this user may see, unless the caller already has them."""
    from ..selectors.families import family_children

    if children is None:
        children = family_children(family_case=family_case, user=request.user)
    audit_shown(request, verb, children, target=target or family_case)
