"""Records that moved home, read under their new names.

The family's plan and the CIN plan periods were Family Help's models until issue 10 (family_help.plan and so on,
pages under /family-help/families/<id>/plan/ and /team/, the API under /api/v1/family-help/...). The audit is
append-only (a trigger refuses UPDATE) and chronology entries, notifications and merge records keep what they were
written with, so nothing old is rewritten: whatever reads a model label or a link from them passes it through
`current_label` / `current_link`, and the old URLs answer with a permanent redirect (`moved_permanently`).
"""

import re

from django.http import Http404, HttpRequest, HttpResponse

MOVED_LABELS: dict[str, str] = {
    "family_help.plan": "cases.plan",
    "family_help.planversion": "cases.planversion",
    "family_help.outcome": "cases.outcome",
    "family_help.outcomerating": "cases.outcomerating",
    "family_help.action": "cases.action",
    "family_help.tafmember": "cases.tafmember",
    "family_help.review": "cases.review",
    "family_help.cinplanperiod": "cases.cinplanperiod",
}

_MOVED_PATHS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/family-help/families/(\d+)/(plan|team)/"), r"/cases/families/\1/\2/"),
    (re.compile(r"^/api/v1/family-help/families/(\d+)/(plan|team)/"), r"/api/v1/families/\1/\2/"),
]


def current_label(label: str) -> str:
    """A model label as it is now (`family_help.plan` -> `cases.plan`); any other label unchanged."""
    return MOVED_LABELS.get(label, label)


def labels_for(label: str) -> list[str]:
    """The label and every label its model had before, for finding rows written under either."""
    return [label, *sorted(old for old, new in MOVED_LABELS.items() if new == label)]


def current_link(link: str) -> str:
    """A link (a path on this site) as it is now; any other link unchanged."""
    for pattern, replacement in _MOVED_PATHS:
        if pattern.match(link or ""):
            return pattern.sub(replacement, link, count=1)
    return link


def moved_permanently(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """An old address of a page or API resource that moved: 308 (permanent, and the method and body are kept, so
    an API client's PATCH or a form posted from a page opened before the move still arrives). It redirects without
    looking anything up, so it tells no one whether the family exists: the new address then refuses as usual."""
    path = request.get_full_path()
    target = current_link(path)
    if target == path:
        raise Http404
    return HttpResponse(status=308, headers={"Location": target})
