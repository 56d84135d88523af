"""The service navigation: the entries every app registered (cases.registry) that this user's roles allow."""

from functools import cache

from django.urls import get_script_prefix, reverse

from .models import User
from .registry import registry


def nav_for(user: User, current_path: str) -> list[dict]:
    """The registered entries this user's roles allow, in order (an entry with no roles: everyone signed in)."""
    if not user.is_authenticated:
        return []
    items = []
    for entry in registry.nav_entries():
        if entry.roles is not None and not user.has_role(*entry.roles):
            continue
        url = _url(entry.url_name, get_script_prefix())
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "url": url, "current": current, "description": entry.description})
    return items


@cache
def _url(url_name: str, script_prefix: str) -> str:
    """reverse() of a navigation entry once per process: the entries take no arguments, and every page asks."""
    return reverse(url_name)
