"""What the conferences and plans say on a child's record (the "person_detail" prompt slot): the child's open child
protection plan (since when, its latest category, the next item due, a link to the plan and through it to the
family's plan), or a conference arranged for the child. Whoever sees the record page sees the child's whole record,
so the plan and conference pages open for them too."""

from django.urls import reverse
from django.utils import timezone

from cases.models import Deadline, Person, User
from cases.registry import PromptContent

from ..models import ChildProtectionConference, ChildProtectionPlan


def cp_plan_prompt(user: User, person: Person) -> PromptContent | None:
    plan = ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).first()
    if plan is not None:
        due = (
            Deadline.objects.filter(
                target_type="macpt.childprotectionplan", target_id=str(plan.pk), state=Deadline.State.OPEN
            )
            .order_by("due_at", "kind")
            .first()
        )
        next_due = (
            f" Next: {due.label.split(' for ')[0].lower()} by {timezone.localtime(due.due_at):%-d %B %Y}."
            if due
            else ""
        )
        return PromptContent(
            text=f"Child protection plan since {plan.start_date:%-d %B %Y} ({plan.get_latest_category_display()})."
            + next_due,
            link_text="See the child protection plan",
            url=reverse("macpt:cp_plan", args=[plan.pk]),
        )
    conference = (
        ChildProtectionConference.objects.filter(
            children__person=person, status=ChildProtectionConference.Status.ARRANGED
        )
        .order_by("date", "id")
        .first()
    )
    if conference is not None:
        return PromptContent(
            text=f"Child protection: a {conference.get_kind_display().lower()} is arranged for "
            f"{conference.date:%-d %B %Y}.",
            link_text="See the conference",
            url=reverse("macpt:conference", args=[conference.pk]),
        )
    return None
