"""The signed-in user, loaded once per request together with their role names, team names and agency."""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connections, router

from .models import Agency, BreakGlass, Team, User
from .models.organisation import role_names


@cache
def _columns(model) -> tuple[str, ...]:
    # The model's columns in order, once per process (the user loader reads them on every request).
    return tuple(f.attname for f in model._meta.concrete_fields)


def _user_with_roles_sql() -> str:
    # Written once from the models' own table and column names. It runs on every request, so it skips the
    # ORM's query building: the user row, their role (group) names and team names as arrays, and their agency's
    # row, in one statement. Table and column names come from the models' Meta, never from input; the user id is a
    # bound parameter.
    groups, through, users = Group._meta.db_table, User.groups.through._meta.db_table, User._meta.db_table
    agencies, teams = Agency._meta.db_table, Team._meta.db_table
    team_through = User.teams.through._meta.db_table
    grants = BreakGlass._meta.db_table
    user = ", ".join(f'u."{column}"' for column in _columns(User))
    agency = ", ".join(f'a."{column}"' for column in _columns(Agency))
    return (
        f"SELECT {user}, "  # noqa: S608  (names from the models' Meta)  # nosec B608
        f'ARRAY(SELECT g."name" FROM "{groups}" g JOIN "{through}" ug ON ug."group_id" = g."id" '
        f'WHERE ug."user_id" = u."id"), '
        f'ARRAY(SELECT t."name" FROM "{teams}" t JOIN "{team_through}" ut ON ut."team_id" = t."id" '
        f'WHERE ut."user_id" = u."id" ORDER BY t."name"), '
        # Whether they hold an active break-glass grant (the database's clock): the read audit marks their reads of
        # that child as break-glass, and asks which grants only when there is one (cases.services.breakglass).
        f'EXISTS(SELECT 1 FROM "{grants}" b WHERE b."user_id" = u."id" AND b."ended_at" IS NULL '
        f'AND b."expires_at" > now()), {agency} '
        f'FROM "{users}" u LEFT JOIN "{agencies}" a ON a."id" = u."agency_id" WHERE u."id" = %s'
    )


class UserBackend(ModelBackend):
    """Django's ModelBackend, except that the user of each request comes with their role names in the same
    query, so the role checks every page makes (navigation, need-to-know) need no query of their own.
    Signing in, permissions and the session's password-hash check are ModelBackend's, unchanged."""

    _sql: str | None = None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        # A service account signs in with its API tokens only (issue 17), even if someone gave it a password.
        return None if user is not None and user.is_service_account else user

    def get_user(self, user_id):
        if UserBackend._sql is None:
            UserBackend._sql = _user_with_roles_sql()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id in a session is simply no user
            return None
        db = router.db_for_read(User)
        with connections[db].cursor() as cursor:
            cursor.execute(UserBackend._sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user_columns, agency_columns = _columns(User), _columns(Agency)
        n = len(user_columns)
        user = User.from_db(db, user_columns, row[:n])
        user._role_cache = role_names(row[n])  # what User.has_role() would otherwise query
        user.__dict__["team_names"] = list(row[n + 1])  # User.team_names, without a query
        user.__dict__["break_glass_active"] = bool(row[n + 2])
        agency = Agency.from_db(db, agency_columns, row[n + 3 :]) if user.agency_id else None
        User.agency.field.set_cached_value(user, agency)  # user.agency, without a query
        user.__dict__["_agency_type"] = agency.type if agency else ""
        return user if self.user_can_authenticate(user) else None


def sign_in_username(request, credentials: dict | None) -> str | None:
    """The account a sign-in attempt is counted against (django-axes' AXES_USERNAME_CALLABLE): the email as the
    sign-in form reads it, trimmed and lower-cased, so "Tess@…" and " tess@…" are one account's failures."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(typed).strip().lower()[:254] or None
