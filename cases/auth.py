"""The signed-in user, loaded once per request together with their role names and their agency's type."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from .models import Agency, User
from .models.organisation import role_names


def _user_with_roles_sql() -> str:
    # Written once from the models' own table and column names. It runs on every request, so it skips the
    # ORM's query building: the user row, and their role (group) names as an array, in one statement.
    # Table names come from the models' Meta, never from input; the user id is a bound parameter.
    groups, through, users = Group._meta.db_table, User.groups.through._meta.db_table, User._meta.db_table
    agencies = Agency._meta.db_table
    return (
        f'SELECT u.*, ARRAY(SELECT g."name" FROM "{groups}" g JOIN "{through}" ug ON ug."group_id" = g."id" '  # noqa: S608
        f'WHERE ug."user_id" = u."id") AS "role_names", '
        f'(SELECT a."type" FROM "{agencies}" a WHERE a."id" = u."agency_id") AS "_agency_type" '
        f'FROM "{users}" u WHERE u."id" = %s'
    )


class UserBackend(ModelBackend):
    """Django's ModelBackend, except that the user of each request comes with their role names in the same
    query, so the role checks every page makes (navigation, need-to-know) need no query of their own.
    Signing in, permissions and the session's password-hash check are ModelBackend's, unchanged."""

    _sql: str | None = None

    def get_user(self, user_id):
        if UserBackend._sql is None:
            UserBackend._sql = _user_with_roles_sql()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # a malformed id in a session is simply no user
            return None
        user = next(iter(User.objects.raw(UserBackend._sql, [user_id])), None)
        if user is None:
            return None
        user._role_cache = role_names(user.role_names)  # what User.has_role() would otherwise query
        return user if self.user_can_authenticate(user) else None


def sign_in_username(request, credentials: dict | None) -> str | None:
    """The account a sign-in attempt is counted against (django-axes' AXES_USERNAME_CALLABLE): the email as the
    sign-in form reads it, trimmed and lower-cased, so "Tess@…" and " tess@…" are one account's failures."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(typed).strip().lower()[:254] or None
