"""`{% prompts "<slot>" obj %}`: the prompts apps registered for a page slot (cases.registry) that apply to
this object for the signed-in user."""

from django import template

from ..registry import registry

register = template.Library()


@register.inclusion_tag("includes/prompts.html", takes_context=True)
def prompts(context: template.Context, slot: str, obj) -> dict:
    user = context["request"].user
    shown = []
    for prompt in registry.prompts(slot):
        if prompt.roles is not None and not user.has_role(*prompt.roles):
            continue  # asked before show(), so users without the roles cost no query
        content = prompt.show(user, obj)
        if content is not None:
            shown.append(content)
    return {"prompts": shown}
