"""Prompts: what an app adds to another app's page, in a named slot (cases.registry). The page offers the
slot with `{% prompts "<slot>" obj %}` (cases/templatetags/prompts.py); this module holds the shared
record's own prompt."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from ..models import Person, User
from ..registry import PromptContent, registry
from ..selectors import work_requests_to_accept


def work_requests_prompt(user: User, person: Person) -> PromptContent | None:
    """On a child's record: the oldest urgent (else oldest) open hand-off this user receives, with a link to
    the page that accepts it (the receiving strand registered both)."""
    request = work_requests_to_accept(user=user, person=person).first()
    if request is None:
        return None
    kind = registry.work_request_kind(request.kind)
    asked = date_format(localtime(request.created_at), "j F Y")
    return PromptContent(
        text=f"Waiting for you: {kind.label}{' (urgent)' if request.urgent else ''}, asked on {asked}.",
        link_text=kind.action,
        url=reverse(kind.url_name, args=[request.pk]),
    )
