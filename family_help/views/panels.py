"""What Family Help shows on other apps' pages (registered in FamilyHelpConfig.ready()): the home page's
panel of families waiting for a lead practitioner, for those who allocate, and the prompt on a child's
record that leads to the family's Family Help page."""

from django.urls import reverse

from cases.models import Person, User
from cases.registry import PromptContent

from ..selectors import allocation as sel


def waiting_list_panel(user: User) -> dict:
    """Counts only, naming no child: not a read of anyone's record, so nothing to audit."""
    return {**sel.allocation_waiting_counts(user=user), "url": reverse("family_help:allocations")}


def family_prompt(user: User, person: Person) -> PromptContent | None:
    """The child belongs to a family Family Help works with: who leads it, and the family's page (whoever
    may see one of a family's children may see the family: selectors.family_case_scope)."""
    allocation = sel.current_allocation_for_child(person=person)
    if allocation is None:
        return None
    return PromptContent(
        text=f"Family Help: {allocation.lead.full_name} is the lead practitioner for {allocation.family_case.name}.",
        link_text="See the family's Family Help page",
        url=reverse("family_help:family", args=[allocation.family_case_id]),
    )
