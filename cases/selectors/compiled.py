"""The SQL of a hot selector that reads through a user's scope, compiled once per user and day and kept in the
process.

Building a scoped query costs the ORM more than the database spends running it: the home page's waiting-list count
took about 2 ms to build and compile and 0.3 ms to run at `large-la`. The SQL of a scope depends on nothing but the
user's id, whether they are active, their roles, today's date and the permission rows' content type
(cases.permissions.scope_key): their grants, teams and the records' restrictions are read by the SQL itself when it
runs, so a compiled statement stays correct until one of those changes, and each is part of the key. Nothing here
caches a result."""

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from ..kept import Kept
from ..models import User
from ..permissions import scope_key

_compiled: Kept[tuple[str, tuple] | None] = Kept(max_entries=4096)


def scoped_sql(name: str, user: User, build: Callable[[], QuerySet]) -> tuple[str, tuple] | None:
    """`build()`'s SQL and parameters, compiled the first time this user asks today; None when the query can match
    nothing (Django's EmptyResultSet: a scope of no one). `name` tells apart the selectors sharing this cache;
    `build` must depend on nothing but the user's scope and constants."""

    def compile_() -> tuple[str, tuple] | None:
        try:
            sql, params = build().query.sql_with_params()
        except EmptyResultSet:
            return None
        return sql, tuple(params)

    return _compiled.get((name, *scope_key(user)), compile_)
