"""What child protection shows on other apps' pages (registered in MacptConfig.ready()): the lines on a child's record
that lead to its emergency action and pre-proceedings. The record page has already checked that the user sees the
child's whole record."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from cases.models import Person, User
from cases.registry import PromptContent

from ..models import EmergencyAction, EmergencyKind, PreProceedings
from ..services.emergency import may_record_emergency_action
from ..services.pre_proceedings import may_record_pre_proceedings


def _facts(person: Person) -> dict:
    """The child's emergency action and pre-proceedings as the two lines need them, in one query shared by both (the
    record page's query count is bounded: tests/test_dataset.py)."""
    cached = getattr(person, "_macpt_prompt_facts", None)
    if cached is not None:
        return cached
    actions = EmergencyAction.objects.filter(person=OuterRef("pk"))
    open_action = actions.filter(ended_at__isnull=True).order_by("-started_at", "-id")
    latest_pp = PreProceedings.objects.filter(person=OuterRef("pk")).order_by("-start_date", "-id")
    facts = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            action_count=Subquery(
                actions.order_by().values("person").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
            ),
            open_action_id=Subquery(open_action.values("pk")[:1]),
            open_action_kind=Subquery(open_action.values("kind")[:1]),
            open_action_started=Subquery(open_action.values("started_at")[:1]),
            pp_id=Subquery(latest_pp.values("pk")[:1]),
            pp_start=Subquery(latest_pp.values("start_date")[:1]),
            pp_decision=Subquery(latest_pp.values("step_decision_date")[:1]),
        )
        .values(
            "action_count",
            "open_action_id",
            "open_action_kind",
            "open_action_started",
            "pp_id",
            "pp_start",
            "pp_decision",
        )
        .first()
    ) or {}
    person._macpt_prompt_facts = facts
    return facts


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def emergency_prompt(user: User, person: Person) -> PromptContent | None:
    """An emergency action in force, or the child's past ones; an LCPP is offered to record one."""
    facts = _facts(person)
    url = reverse("macpt:emergency_actions", args=[person.pk])
    if facts.get("open_action_id"):
        since = timezone.localtime(facts["open_action_started"])
        return PromptContent(
            text=f"{EmergencyKind(facts['open_action_kind']).label} in force since {_day(since)} at {since:%H:%M}.",
            link_text="See the emergency action",
            url=reverse("macpt:emergency_action", args=[facts["open_action_id"]]),
        )
    if facts.get("action_count"):
        return PromptContent(
            text=f"Emergency action: {facts['action_count']} recorded, none in force.",
            link_text="See emergency action",
            url=url,
        )
    if may_record_emergency_action(user):
        return PromptContent(text="No emergency action recorded.", link_text="Record emergency action", url=url)
    return None


def pre_proceedings_prompt(user: User, person: Person) -> PromptContent | None:
    """Pre-proceedings open or past; an LCPP or manager is offered to start them."""
    facts = _facts(person)
    if facts.get("pp_id"):
        text = (
            f"Pre-proceedings ended with the decision on {_day(facts['pp_decision'])}."
            if facts["pp_decision"]
            else f"In pre-proceedings since {_day(facts['pp_start'])}."
        )
        return PromptContent(
            text=text, link_text="See pre-proceedings", url=reverse("macpt:pre_proceedings", args=[facts["pp_id"]])
        )
    if may_record_pre_proceedings(user):
        return PromptContent(
            text="Not in pre-proceedings.",
            link_text="Start pre-proceedings",
            url=reverse("macpt:pre_proceedings_for_child", args=[person.pk]),
        )
    return None
