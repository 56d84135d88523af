"""What the FGDM strand shows on other strands' pages: the prompt in the "decision_point" slot of each decision
point's page (`{% prompts "decision_point" obj %}`), for those who may make offers (policy OFFER)."""

from django.urls import reverse
from django.utils.dateformat import format as date_format

from cases.models import User
from cases.registry import PromptContent, registry

from ..models import OfferResponse
from ..selectors.offers import all_in_scope, offers_at_point, point_ref


def decision_point_prompt(user: User, obj) -> PromptContent | None:
    """No offer and no recorded reason at this decision point: say so, and link to the offer page with the record.
    One recorded: say what was answered."""
    if obj is None or not hasattr(obj, "_meta"):
        return None
    described = registry.decision_point(obj)
    if described is None or not all_in_scope(user, described.children):
        return None  # an offer there would be refused (404): the prompt would only mislead
    offer = offers_at_point(user=user, point=obj).first()
    if offer is None:
        return PromptContent(
            f"No family group decision making offer is recorded at {described.label}, nor a reason why not.",
            "Offer family group decision making",
            f"{reverse('fgdm:offer_create')}?point={point_ref(obj)}",
        )
    day = date_format(offer.offered_on, "j F Y")
    if offer.response == OfferResponse.NOT_OFFERED:
        text = f"Family group decision making not offered ({day}): not in the child's best interests."
    elif offer.response == OfferResponse.AWAITING:
        text = f"Family group decision making offered on {day}: waiting for the family's answer."
    else:
        text = f"Family group decision making offered on {day}: {offer.get_response_display().lower()}."
    return PromptContent(text, "See the offer", reverse("fgdm:offer", args=[offer.pk]))
