"""The managers' home page panel (issue 16 item 1): the latest run of each return and the way to the reports page.
Areas add their own counts to it (the data-quality issues of the latest draft census)."""

from cases import policy
from cases.models import User

from ..models import ReturnRun, RunKind
from ..permissions import DATA_QUALITY, REPORTS


def returns_panel(user: User) -> dict | None:
    if not policy.may(user, REPORTS):
        return None
    latest = (
        ReturnRun.objects.filter(kind__in=[k for k in RunKind.values if k != RunKind.DRAFT_CENSUS])
        .order_by("kind", "-created_at", "-id")
        .distinct("kind")
        .defer("content")
    )
    panel = {"latest": sorted(latest, key=lambda r: RunKind.values.index(r.kind))}
    if policy.may(user, DATA_QUALITY):
        from ..quality.draft import latest_draft
        from .quality import counts

        draft = latest_draft()
        panel["data_quality"] = {"run": draft, **counts(draft)}
    return panel
