"""The web toolkit every page and API module uses, so that each thing is done one way.

- pagination: `paginate()` for pages (GOV.UK pagination include), `PagePagination` for the API
- links: `safe_link()` (a stored link is followed only if it is a path on this site)
- pdf: `pdf_response()` / `attachment()` (downloads with a safe file name)
- audit: `audit_shown()` (the read-audit row for a page or API response that shows children), and
  `audit_family_shown()` for a family's pages (the children of the family the user may see)
- restricted: `shown_name()` / `RESTRICTED_LABEL`, how a restricted record appears to someone off its access list
  (the `shown_name` template filter, {% load restricted %}; which people: cases.selectors.people_restricted_for_user)
- duplicates: `likely_duplicate_links()`, a search hit's likely duplicates with links to compare them
- errors: `error_list()` for the GOV.UK error summary (template: includes/error_summary.html)
- stale: `stale_rebind()` and `differences()` for "someone changed this meanwhile" (template: includes/conflict.html)
- refusal: `refused()`, the pages' handler403 (ffp.urls): every page's refusal is the 404 page, status 404

The API exception handler is ffp.exceptions.api_exception_handler (set in REST_FRAMEWORK).
"""

from .audit import audit_family_shown, audit_shown
from .duplicates import likely_duplicate_links
from .errors import error_list
from .links import safe_link
from .pagination import PagePagination, Pagination, paginate
from .pdf import attachment, pdf_response
from .restricted import RESTRICTED_LABEL, is_hidden, shown_name
from .stale import Difference, differences, form_differences, shown, stale_rebind

__all__ = [
    "Difference",
    "PagePagination",
    "RESTRICTED_LABEL",
    "Pagination",
    "attachment",
    "audit_family_shown",
    "audit_shown",
    "differences",
    "error_list",
    "is_hidden",
    "likely_duplicate_links",
    "form_differences",
    "paginate",
    "pdf_response",
    "safe_link",
    "shown",
    "shown_name",
    "stale_rebind",
]
