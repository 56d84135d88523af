"""Links that come from data (a notification's or a chronology entry's `link`) are followed only when they
are a path on this site: never another host, a protocol-relative `//host`, or a `javascript:` URL."""

from django.utils.http import url_has_allowed_host_and_scheme

from ..moved import current_link


def safe_link(link: str | None) -> str:
    """`link` if it is a path on this site, else "" (so the page shows no link, and a redirect goes elsewhere); one
    written before its page moved is given at the new address (cases.moved)."""
    if (
        link
        and link.startswith("/")
        and not link.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    ):
        return current_link(link)
    return ""
