"""The letter to a family telling them who their Family Help Lead Practitioner is (WeasyPrint, via
cases.documents: our own template, static files only, a time limit). Plain words, addressed to the
parents and carers, naming the children."""

from django.conf import settings
from django.utils import timezone

from cases.documents import render_pdf
from cases.models import FamilyCaseMember, Qualification, User
from cases.selectors import people_restricted_for_user

from ..models import Allocation
from ..selectors import family_adults, family_children

ROLE_WORDS = {
    Qualification.SOCIAL_WORKER: "a registered social worker",
    Qualification.ALTERNATIVELY_QUALIFIED: "a qualified family practitioner",
}


def _names(people) -> str:
    names = [p.preferred_name or p.first_name for p in people]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def allocation_letter_context(*, allocation: Allocation, user: User) -> dict:
    """The letter as `user` prints it: it names only the people they may see (a restricted record they are not on
    the list of is left out; whoever is on the list prints the letter that names everyone)."""
    family = allocation.family_case
    children = family_children(family_case=family, user=user)
    parents = [
        m.person
        for m in family_adults(family_case=family)
        if m.role in (FamilyCaseMember.Role.PARENT, FamilyCaseMember.Role.CARER)
    ]
    hidden = people_restricted_for_user(user=user, people=parents)
    adults = [p for p in parents if p.pk not in hidden]
    lead = allocation.lead
    return {
        "allocation": allocation,
        "family": family,
        "lead": lead,
        "agency": lead.agency,
        "lead_role": ROLE_WORDS.get(lead.qualification, "a Family Help practitioner"),
        "children": children,
        "children_names": _names(children),
        "adults": adults,
        "dear": _names(adults) or "parent or carer",
        "today": timezone.localdate(),
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }


def render_allocation_letter(*, allocation: Allocation, user: User) -> tuple[bytes, list[int]]:
    """The PDF, and the ids of the children it names (for the read audit)."""
    context = allocation_letter_context(allocation=allocation, user=user)
    return render_pdf("family_help/letter_pdf.html", context), [c.pk for c in context["children"]]
