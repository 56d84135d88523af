"""The continuum panel on a family's Family Help page: {% load fh_continuum %}{% fh_continuum_panel family_case user %}.
Owned by the continuum area; the family page (views/allocation.py) only includes it, and writes the page's
read-audit row (this panel shows only the children that page is about)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases.permissions import can_edit_person

from ..selectors import continuum as sel
from ..selectors import family_children

register = template.Library()


@register.simple_tag
def fh_continuum_panel(family_case, user) -> SafeString:
    """Each child's level history and CIN plan periods, the step up / step down / close actions for those who
    may use them, the latest visits and notes (child seen, seen alone) and the last case supervision."""
    rows = sel.family_continuum(family_case=family_case, user=user)
    children = family_children(family_case=family_case, user=user)
    last_supervision = sel.supervision_scope(user).filter(family_case=family_case).first()
    locked = sel.child_protection_locked(user=user, rows=rows)
    context = {
        "family": family_case,
        "rows": rows,
        "any_open": any(r.episode is not None for r in rows),
        "can_change": sel.can_change_continuum(user=user, family_case=family_case),
        # Step down and close are offered only if some open child is this user's to step down or close.
        "can_step_down": any(r.episode is not None and r.person.pk not in locked for r in rows),
        "can_note": any(can_edit_person(user, c) for c in children),
        "notes": sel.family_notes(family_case=family_case, user=user, limit=5),
        "last_supervision": last_supervision,
        "can_supervise": sel.is_manager(user),
        "lead_ids": sel.family_lead_ids(family_case=family_case),
    }
    return render_to_string("family_help/continuum/panel.html", context)
