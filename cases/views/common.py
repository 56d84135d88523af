"""What the record's pages share: page sizes, labels, scope checks, read-audit and pagination."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from .. import permissions, policy, services
from ..models import (
    Episode,
    Person,
    Strand,
    User,
)
from ..moved import current_link

CHRONOLOGY_PAGE_SIZE = 100
RECORD_CHRONOLOGY_ENTRIES = 10
NOTES_PAGE_SIZE = 20
ACCESS_LOG_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50

# GOV.UK tag colours for the strands (each strand keeps its colour on every page).
STRAND_TAGS = {
    Strand.RECORD: "govuk-tag--grey",
    Strand.FRONT_DOOR: "govuk-tag--teal",
    Strand.FAMILY_HELP: "govuk-tag--green",
    Strand.MACPT: "govuk-tag--pink",
    Strand.FGDM: "govuk-tag--purple",
}
STRAND_LABELS = dict(Strand.choices)
DUPLICATE_RESTRICTED_TEXT = "A restricted record also matches. Ask the front door manager."


def _may_use_records(user: User) -> bool:
    # A partner referrer or administrator never sees a child's record, and neither does a user with no role.
    return not (user.roles <= policy.NEVER)


def _audit_read(request: HttpRequest, verb: str, child_ids, target=None, target_type: str = "") -> None:
    """One read-audit row for this response, written before anything is rendered."""
    services.audit_read(actor=request.user, verb=verb, child_ids=list(child_ids), target=target,
                        target_type=target_type)


def _in_scope_ids(user: User, ids) -> set[int]:
    """Which of these people the user may open, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(permissions.person_scope(user).filter(pk__in=ids).values_list("pk", flat=True))


def _safe_link(link: str) -> str:
    """Only a path on this site becomes a link (a chronology entry's link is data, not markup); one written before
    its page moved is shown at the new address (cases.moved)."""
    if link and link.startswith("/") and not link.startswith("//") and url_has_allowed_host_and_scheme(
            link, allowed_hosts=None):
        return current_link(link)
    return ""


def _page(items, per_page: int, number) -> tuple[Page, list]:
    page = Paginator(items, per_page).get_page(number)
    page_range = [n if isinstance(n, int) else None
                  for n in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]
    return page, page_range


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ").strip().capitalize()


def _open_episode(person: Person) -> Episode | None:
    return Episode.objects.filter(person=person, closed_on__isnull=True).first()
