"""`manage.py check` for what the apps registered (cases.registry): every URL name reverses, every role and
work-request kind exists, and the data steps can be put in order. A mistake fails at startup and in CI,
not on the first page that meets it."""

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from .models import Role, WorkRequest
from .registry import registry


def _unknown_roles(roles) -> list[str]:
    return sorted(set(roles or ()) - set(Role.values))


@register(Tags.urls)
def registry_check(app_configs=None, **kwargs) -> list[Error]:
    errors: list[Error] = []

    def error(msg: str, code: int) -> None:
        errors.append(Error(msg, obj="cases.registry", id=f"cases.E1{code:02d}"))

    for entry in registry.nav_entries():
        try:
            reverse(entry.url_name)
        except NoReverseMatch:
            error(f"Navigation entry {entry.label!r}: no URL named {entry.url_name!r}", 1)
        if _unknown_roles(entry.roles):
            error(f"Navigation entry {entry.label!r}: unknown roles {_unknown_roles(entry.roles)}", 2)
    for kind in registry.work_request_kinds():
        if kind.kind not in WorkRequest.Kind.values:
            error(f"Work-request kind {kind.kind!r} is not one of WorkRequest.Kind", 3)
        try:
            reverse(kind.url_name, args=[1])
        except NoReverseMatch:
            error(f"Work-request kind {kind.kind!r}: no URL named {kind.url_name!r} taking a request's pk", 4)
        if not kind.receiving_roles or _unknown_roles(kind.receiving_roles):
            error(f"Work-request kind {kind.kind!r}: receiving roles must be known roles", 5)
    for action, roles in registry.policy_actions().items():
        if _unknown_roles(roles):
            error(f"Policy action {action!r}: unknown roles {_unknown_roles(roles)}", 6)
    for item in (*registry.home_panels(), *(p for slot in registry.prompt_slots() for p in registry.prompts(slot))):
        if _unknown_roles(item.roles):
            error(f"{type(item).__name__} {item.key!r}: unknown roles {_unknown_roles(item.roles)}", 7)
    for steps in (registry.demo_data_steps, registry.generated_data_steps):
        try:
            steps()
        except ImproperlyConfigured as exc:
            error(str(exc), 8)
    return errors
