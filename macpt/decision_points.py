"""Child protection's decision points as other strands read them (cases.registry.decision_point): a strategy
discussion's decisions, an initial or review child protection conference, and pre-proceedings (whose letter before
proceedings may carry the FGDM offer: its facts are the record's dates, so the offer is checked against them). An
FGDM offer (issue 15) is made at them; the FGDM strand imports none of this."""

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cases.decision_points import open_family_case_id
from cases.registry import DecisionPoint

from .models import INITIAL_KINDS, ChildProtectionConference, PreProceedings, StrategyDecision, StrategyDiscussion


def _day(day) -> str:
    return date_format(day, "j F Y")


def describe_strategy(discussion: StrategyDiscussion) -> DecisionPoint | None:
    """The children decided at the discussion, but not those for immediate protective action (emergency action)."""
    children = tuple(
        discussion.children.exclude(decision="")
        .exclude(decision=StrategyDecision.IMMEDIATE_PROTECTION)
        .order_by("pk")
        .values_list("person_id", flat=True)
    )
    if not children:
        return None
    day = timezone.localdate(discussion.held_at)
    return DecisionPoint(
        kind="strategy_discussion",
        label=f"the {discussion.get_form_display().lower()} on {_day(day)}",
        children=children,
        family_case_id=open_family_case_id(children),
        date=day,
        url=reverse("macpt:strategy", args=[discussion.pk]),
    )


def describe_conference(conference: ChildProtectionConference) -> DecisionPoint | None:
    children = tuple(conference.children.order_by("pk").values_list("person_id", flat=True))
    if not children:
        return None
    return DecisionPoint(
        kind="icpc" if conference.kind in INITIAL_KINDS else "cp_review",
        label=f"the {conference.get_kind_display().lower()} on {_day(conference.date)}",
        children=children,
        family_case_id=conference.family_case_id,
        date=conference.date,
        url=reverse("macpt:conference", args=[conference.pk]),
    )


def describe_pre_proceedings(pp: PreProceedings) -> DecisionPoint:
    return DecisionPoint(
        kind="pre_proceedings",
        label=f"pre-proceedings started on {_day(pp.start_date)}",
        children=(pp.person_id,),
        family_case_id=open_family_case_id([pp.person_id]),
        date=pp.start_date,
        url=reverse("macpt:pre_proceedings", args=[pp.pk]),
        facts={
            "start_date": pp.start_date,
            "lbp_sent_date": pp.lbp_sent_date,
            "end_date": pp.step_decision_date,
            "step_decision_date": pp.step_decision_date,
        },
    )
