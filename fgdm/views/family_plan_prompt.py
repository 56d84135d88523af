"""The family's own plan on the family's one plan page (the "family_plan" prompt slot of cases' plan page): the plan
made at a family group decision-making meeting, what it says, whether the professionals agree it keeps the children
safe, its review, and a link to the meeting. Shown only to a user who may open the meeting (its children's whole
record, fgdm.selectors.scope); the plan page itself opens at the summary level too."""

from django.urls import reverse

from cases.models import Plan, User
from cases.registry import PromptContent

from ..selectors.scope import meetings_visible


def family_plan_prompt(user: User, plan: Plan) -> PromptContent | None:
    if plan is None or not getattr(plan, "pk", None):
        return None
    meeting = (
        meetings_visible(user).filter(plan_id=plan.pk).select_related("referral").order_by("-held_on", "-pk").first()
    )
    if meeting is None:
        return None
    items = "; ".join(f"{i.what} ({i.who}, {i.when})" for i in meeting.plan_items.all())
    safe = (
        "The professionals agree it keeps the children safe."
        if meeting.keeps_child_safe
        else f"The professionals do not agree it keeps the children safe: {meeting.not_safe_reason}"
    )
    review = f" Review on {meeting.review_date:%-d %B %Y}." if meeting.review_date else ""
    return PromptContent(
        text=f"The family's own plan, made at the {meeting.referral.get_meeting_type_display().lower()} on "
        f"{meeting.held_on:%-d %B %Y}: {items}. {safe}{review}",
        link_text="See the meeting and the family's plan",
        url=reverse("fgdm:meeting", args=[meeting.pk]),
    )
