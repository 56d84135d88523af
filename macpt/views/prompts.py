"""What child protection says on a child's record (the "person_detail" prompt slot): the open s47 enquiry with its
ICPC target, or the latest strategy discussion whose record is not shared yet; and, for an LCPP, the way to start a
strategy discussion for the child directly. Whoever sees the record page sees the child's whole record, so the
discussion and enquiry pages open for them too."""

from django.urls import reverse
from django.utils import timezone

from cases.models import Person, User
from cases.registry import PromptContent

from ..models import S47Enquiry, StrategyDiscussion


def child_protection_prompt(user: User, person: Person) -> PromptContent | None:
    enquiry = S47Enquiry.objects.filter(person=person, ended_on__isnull=True).first()
    if enquiry is not None:
        return PromptContent(
            text=f"Child protection: a section 47 enquiry is open since {enquiry.start_date:%-d %B %Y}; the initial "
            f"child protection conference is due by {enquiry.icpc_target:%-d %B %Y}.",
            link_text="See the section 47 enquiry",
            url=reverse("macpt:s47", args=[enquiry.pk]),
        )
    discussion = (
        StrategyDiscussion.objects.filter(children__person=person, record_shared_at__isnull=True)
        .order_by("-held_at", "-id")
        .first()
    )
    if discussion is not None:
        return PromptContent(
            text=f"Child protection: a {discussion.get_form_display().lower()} was held on "
            f"{timezone.localtime(discussion.held_at):%-d %B %Y}; its record is not shared yet.",
            link_text="See the strategy discussion",
            url=reverse("macpt:strategy", args=[discussion.pk]),
        )
    return None


def strategy_start_prompt(user: User, person: Person) -> PromptContent | None:
    return PromptContent(
        text="Child protection: an LCPP may start a strategy discussion for this child and their brothers and sisters.",
        link_text="Start a strategy discussion",
        url=reverse("macpt:strategy_start", args=[person.pk]),
    )
