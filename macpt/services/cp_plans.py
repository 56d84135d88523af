"""The child protection plan: the statutory wrapper around the family's one plan (issue 14 item 5), its core
groups and statutory visits, and its end by a review conference with the step-down that follows (item 11).

- It starts on its initial conference's date (census 2885), for a child with no open plan (8935) and no plan
  overlapping it (8940), on the family's one plan (cases.Plan: never a second plan; a family with none has it
  started by the conference's decision, led by child protection). The child's child-in-need plan period ends that
  day (4001, 4014: cases.services.cin_plan_period_end_for_child) and the episode moves to child protection if it
  is not there yet.
- Its clocks are Deadline rows through the shared sweeper: macpt.core_group (the first within 10 working days of
  the ICPC), macpt.visit (every N working days, default 10, from the start or the last visit) and
  macpt.review_conference (3 months after the ICPC, then at most 6 after each review; the working day before when
  the limit is a non-working day): macpt.timescales.
- A review conference that ends the plan steps the child down from child protection (to child in need, where the
  child remains in need, with a new CIN plan period on the family's plan; or to early help, which closes the CIN
  referral with the census reason): the family's lead practitioner carries on; the MACPT's involvement with the
  child ends when no child protection work is left for them; the plan's open clocks are cancelled.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import (
    Action,
    CensusMeaning,
    Episode,
    EpisodeLevel,
    Involvement,
    InvolvementRole,
    LeadKind,
    NeedLevel,
    Person,
    Plan,
    Strand,
    User,
    WorkRequest,
)
from cases.permissions import person_record_scope
from cases.selectors import current_lead_ids, current_leads
from cases.services import (
    action_add,
    audit_record,
    chronology_add,
    cin_plan_period_end_for_child,
    cin_plan_period_start,
    cin_referral_close,
    deadline_cancel,
    deadline_met,
    episode_change_level,
    episode_end_lead,
    involvement_end,
    notify,
    plan_start,
)
from cases.workdays import Calendar

from .. import timescales
from ..models import (
    ENDS_WITHOUT_CONFERENCE,
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroup,
    MacptSettings,
    S47Enquiry,
    StatutoryVisit,
)
from ..permissions import CHAIR, CONTRIBUTE
from .deadlines import CORE_GROUP as CORE_GROUP_KIND
from .deadlines import REVIEW_CONFERENCE, timescale_set
from .deadlines import VISIT as VISIT_KIND

CORE_GROUP, VISIT, REVIEW = CORE_GROUP_KIND, VISIT_KIND, REVIEW_CONFERENCE


def plan_link(plan: ChildProtectionPlan) -> str:
    return reverse("macpt:cp_plan", args=[plan.pk])


def plan_reference(plan: ChildProtectionPlan) -> str:
    """How a plan is named where the child must not be (notification titles, deadline labels): the LCPPs told of a
    breach include those off a restricted child's list."""
    return f"CPP-{plan.pk:06d}"


def _level(meaning: str) -> NeedLevel:
    level = NeedLevel.objects.filter(census_meaning=meaning, active=True).order_by("rank").first()
    if level is None:
        raise ValidationError(f"No active level of need means {meaning}: an administrator adds one")
    return level


def _open_episode(person: Person) -> Episode | None:
    return Episode.objects.filter(person=person, closed_on__isnull=True).select_related("family_case").first()


def _lead(plan: ChildProtectionPlan) -> User | None:
    """Who the plan's clocks are assigned to: the child's LCPP if one leads, else their current lead."""
    from cases.models import EpisodeLead, LeadKind

    leads = list(
        EpisodeLead.objects.filter(
            episode__person_id=plan.person_id, episode__closed_on__isnull=True, ended_at__isnull=True
        ).select_related("user")
    )
    for kind in (LeadKind.LCPP, LeadKind.FHLP):
        for lead in leads:
            if lead.kind == kind:
                return lead.user
    return None


def _set_clock(plan: ChildProtectionPlan, kind: str, due: dt.date, label: str) -> None:
    """The strand's one way of setting a clock (macpt.services.deadlines: 17:00 London on the day, a reminder the
    working day before, the LCPPs at a breach), assigned to the child's LCPP or lead practitioner."""
    timescale_set(
        kind=kind,
        target=plan,
        due_on=due,
        person_ids=[plan.person_id],
        assignee=_lead(plan),
        label=f"{label} for plan {plan_reference(plan)}",
        link=plan_link(plan),
    )


def core_group_due(plan: ChildProtectionPlan) -> dt.date:
    return timescales.first_core_group_due(Calendar.from_database(), plan.start_date)


def next_visit_due(plan: ChildProtectionPlan) -> dt.date:
    last = plan.visits.aggregate(last=Max("date"))["last"] or plan.start_date
    return timescales.next_visit_due(Calendar.from_database(), last, plan.visit_every_working_days)


def next_review_due(plan: ChildProtectionPlan) -> dt.date:
    last = ChildProtectionConference.objects.filter(
        children__plan=plan, kind=ChildProtectionConference.Kind.REVIEW, status="decided"
    ).aggregate(last=Max("date"))["last"]
    calendar = Calendar.from_database()
    if last is None:
        return timescales.review_due(calendar, plan.start_date, first=True)
    return timescales.review_due(calendar, last, first=False)


# --- start ----------------------------------------------------------------------------------------------------


def cp_plan_start(
    *,
    conference: ChildProtectionConference,
    person: Person,
    category: str,
    actor: User,
    start_date: dt.date | None = None,
) -> ChildProtectionPlan:
    """Start the child's plan at their initial conference (called by conference_decide, in its transaction)."""
    start_date = start_date or conference.date
    if start_date != conference.date:
        raise ValidationError(
            {
                "start_date": [
                    f"A child protection plan starts on the day of its initial conference "
                    f"({conference.date:%-d %B %Y}; census 2885), not on {start_date:%-d %B %Y}"
                ]
            }
        )
    if not conference.is_initial:
        raise ValidationError("Only an initial conference starts a child protection plan")
    Person.objects.select_for_update().filter(pk=person.pk).first()  # two starts at once: one wins
    if ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError(
            {f"plan_{person.pk}": [f"{person.full_name} is already on a child protection plan (census 8935)"]}
        )
    overlapping = ChildProtectionPlan.objects.filter(person=person, end_date__gt=start_date).first()
    if overlapping is not None:
        raise ValidationError(
            {
                f"plan_{person.pk}": [
                    f"{person.full_name}'s previous plan ended on {overlapping.end_date:%-d %B %Y}: a new plan cannot "
                    "start before that (census 8940)"
                ]
            }
        )
    family_plan = Plan.objects.filter(family_case=conference.family_case_id).first()
    if family_plan is None:
        # A child straight from the front door to an s47 may have no Family Help plan (nor lead): the conference's
        # decision starts the family's one plan, led by child protection (the chair may: policy
        # START_PLAN_AT_CONFERENCE), and the child protection plan wraps it.
        family_plan = plan_start(
            family_case=conference.family_case,
            actor=actor,
            data={
                "worries": f"Child protection plan decided at the {conference.get_kind_display().lower()} on "
                f"{conference.date:%-d %B %Y}"
            },
            led_by_strand=Strand.MACPT,
        )
    plan = ChildProtectionPlan(
        person=person,
        family_plan=family_plan,
        conference=conference,
        start_date=start_date,
        initial_category=category,
        latest_category=category,
        previous_plans_elsewhere=conference.previous_plans_elsewhere,
        visit_every_working_days=MacptSettings.load().visit_every_working_days,
    )
    plan.full_clean()
    plan.save()
    reason = f"A child protection plan started at the initial conference on {start_date:%-d %B %Y}"
    cin_plan_period_end_for_child(person=person, on=start_date, actor=actor, reason=reason)
    episode = _open_episode(person)
    if episode is not None:
        current = EpisodeLevel.objects.filter(episode=episode, ended_at__isnull=True).select_related("level").first()
        protection = _level(CensusMeaning.CHILD_PROTECTION)
        if current is not None and current.level.rank < protection.rank:
            episode_change_level(episode=episode, actor=actor, level=protection, reason=reason)
    _set_clock(plan, CORE_GROUP, core_group_due(plan), "First core group")
    _set_clock(plan, VISIT, next_visit_due(plan), "Statutory visit")
    _set_clock(plan, REVIEW, next_review_due(plan), "Review child protection conference")
    _tell_leads(
        plan=plan,
        actor=actor,
        event="started",
        title=f"Child protection plan {plan_reference(plan)} has started",
        body=f"Decided at the initial conference on {start_date:%-d %B %Y}: {plan.get_initial_category_display()}.",
    )
    audit_record(
        actor=actor,
        verb="macpt.cp_plan_started",
        target=plan,
        child_ids=[person.pk],
        fields=["start_date", "initial_category"],
        related={"conference": conference, "family_plan": family_plan},
    )
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.MACPT,
        kind="cp_plan_started",
        summary=f"Child protection plan started ({plan.get_initial_category_display()}) on the family's plan",
        significant=True,
        target=plan,
        link=plan_link(plan),
    )
    return plan


def cp_plan_continue(
    *, plan: ChildProtectionPlan, conference: ChildProtectionConference, category: str, actor: User
) -> ChildProtectionPlan:
    """A review conference keeps the plan: the latest category (census LatestCategoryOfAbuse) and the next
    review (at most 6 months after this one)."""
    _check_review(plan, conference)
    if category and category != plan.latest_category:
        plan.latest_category = category
        plan.save(update_fields=["latest_category", "updated_at"])
    deadline_met(kind=REVIEW, target=plan)
    _set_clock(
        plan,
        REVIEW,
        timescales.review_due(Calendar.from_database(), conference.date, first=False),
        "Review child protection conference",
    )
    audit_record(
        actor=actor,
        verb="macpt.cp_plan_reviewed",
        target=plan,
        child_ids=[plan.person_id],
        fields=["latest_category"],
        related={"conference": conference},
    )
    return plan


def _check_review(plan: ChildProtectionPlan | None, conference: ChildProtectionConference) -> None:
    if plan is None or not plan.is_open:
        raise ValidationError("This child's plan has ended: there is nothing to review")
    if conference.date <= plan.start_date:
        raise ValidationError(
            {"date": [f"A review conference must be after the plan started ({plan.start_date:%-d %B %Y}; census 8841)"]}
        )


# --- end and step down (item 11) ---------------------------------------------------------------------------


STEP_DOWN_TARGETS = {"child_in_need": CensusMeaning.CHILD_IN_NEED, "early_help": CensusMeaning.EARLY_HELP}


def cp_plan_end_by_conference(
    *,
    plan: ChildProtectionPlan,
    conference: ChildProtectionConference,
    actor: User,
    end_reason: str,
    reason: str,
    step_down_to: str,
    reason_code: str = "",
) -> ChildProtectionPlan:
    """The review conference ends the plan on its date with the reason, and steps the child down."""
    _check_review(plan, conference)
    errors: dict[str, list[str]] = {}
    key = plan.person_id
    if end_reason not in ChildProtectionPlan.EndReason.values:
        errors[f"end_reason_{key}"] = ["Choose why the plan ends"]
    if end_reason == ChildProtectionPlan.EndReason.OTHER and not (reason or "").strip():
        errors[f"reason_{key}"] = ["Say why the plan ends"]
    if step_down_to not in STEP_DOWN_TARGETS:
        errors[f"step_down_to_{key}"] = ["Choose child in need or targeted early help"]
    from cases.codes import valid_codes

    if step_down_to == "early_help" and reason_code not in valid_codes("reasonforclosuretype"):
        errors[f"reason_code_{key}"] = [
            "Choose the census reason for closure (RC1 to RC9): leaving child in need closes the referral"
        ]
    if errors:
        raise ValidationError(errors)
    on = conference.date
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        end_date=on,
        end_reason=end_reason,
        end_reason_text=(reason or "").strip(),
        ended_by_conference=conference,
        updated_at=timezone.now(),
    )
    plan.refresh_from_db()
    for kind in (CORE_GROUP, VISIT, REVIEW):
        deadline_cancel(kind=kind, target=plan)
    person = plan.person
    episode = _open_episode(person)
    why = f"The review conference on {on:%-d %B %Y} ended the child protection plan: {plan.get_end_reason_display()}"
    if episode is not None:
        current = EpisodeLevel.objects.filter(episode=episode, ended_at__isnull=True).select_related("level").first()
        target = _level(STEP_DOWN_TARGETS[step_down_to])
        if current is not None and current.level.rank > target.rank:
            at = dt.datetime.combine(on, dt.time(12), tzinfo=timezone.get_current_timezone())
            at = max(min(at, timezone.now()), current.started_at)
            episode_change_level(episode=episode, actor=actor, level=target, reason=f"Step down: {why}", changed_at=at)
        if step_down_to == "child_in_need":
            # The child remains in need: their CIN plan, on the family's same plan, starts the day the CP plan ends.
            cin_plan_period_start(episode=episode, on=on, plan=plan.family_plan)
        else:
            cin_referral_close(person=person, on=on, reason_code=reason_code, actor=actor)
    _leave_child_protection(person=person, actor=actor, on=on, why=why)
    audit_record(
        actor=actor,
        verb="macpt.cp_plan_ended",
        target=plan,
        child_ids=[person.pk],
        fields=["end_date", "end_reason"],
        related={"conference": conference},
    )
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.MACPT,
        kind="cp_plan_ended",
        summary=f"{why}. Stepped down to "
        f"{'child in need' if step_down_to == 'child_in_need' else 'targeted early help'}; the family's lead "
        "practitioner carries on",
        significant=True,
        target=plan,
        link=plan_link(plan),
    )
    return plan


def may_end_without_conference(actor: User, plan: ChildProtectionPlan) -> bool:
    return plan.is_open and actor.is_authenticated and actor.is_active and policy.may(actor, CHAIR)


@transaction.atomic
def cp_plan_end_without_conference(
    *, plan: ChildProtectionPlan, actor: User, end_reason: str, end_date: dt.date | None, details: str = ""
) -> ChildProtectionPlan:
    """An LCPP ends the plan without a review conference where the statute allows it (moved to another council,
    reached 18, became looked after, died: ENDS_WITHOUT_CONFERENCE), with the reason and date: its clocks are
    cancelled, the MACPT's involvement and the LCPP's lead role end as at a review that ends the plan, and the
    child's leads are told. The level of need is not moved here: the lead practitioner steps down or closes."""
    if not (actor.is_authenticated and actor.is_active and policy.may(actor, CHAIR)):
        raise PermissionDenied("Only a Lead Child Protection Practitioner ends a plan without a conference")
    if not person_record_scope(actor, relatives=False).filter(pk=plan.person_id).exists():
        raise PermissionDenied("Not a child in your scope")
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    errors: dict[str, list[str]] = {}
    if not plan.is_open:
        raise ValidationError(f"This plan ended on {plan.end_date:%-d %B %Y}: there is nothing to end")
    if end_reason not in ENDS_WITHOUT_CONFERENCE:
        errors["end_reason"] = [
            "Choose why the plan ends: moved to another council, reached 18, became looked after or died (any other "
            "end is a review conference's decision)"
        ]
    if end_date is None:
        errors["end_date"] = ["Enter the date the plan ends"]
    elif end_date < plan.start_date:
        errors["end_date"] = [
            f"The plan cannot end before it started ({plan.start_date:%-d %B %Y}; census 8925): enter a later date"
        ]
    elif end_date > timezone.localdate():
        errors["end_date"] = ["The plan's end date must be today or in the past"]
    if errors:
        raise ValidationError(errors)
    ChildProtectionPlan.objects.filter(pk=plan.pk).update(
        end_date=end_date, end_reason=end_reason, end_reason_text=(details or "").strip(), updated_at=timezone.now()
    )
    plan.refresh_from_db()
    for kind in (CORE_GROUP, VISIT, REVIEW):
        deadline_cancel(kind=kind, target=plan)
    person = plan.person
    why = (
        f"The child protection plan ended on {end_date:%-d %B %Y} without a conference: {plan.get_end_reason_display()}"
    )
    _tell_leads(
        plan=plan,
        actor=actor,
        event="ended",
        title=f"Child protection plan {plan_reference(plan)} has ended",
        body=f"{plan.get_end_reason_display()}, on {plan.end_date:%-d %B %Y}.",
    )
    _leave_child_protection(person=person, actor=actor, on=end_date, why=why)
    audit_record(
        actor=actor,
        verb="macpt.cp_plan_ended",
        target=plan,
        child_ids=[person.pk],
        fields=["end_date", "end_reason", "end_reason_text"],
    )
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.MACPT,
        kind="cp_plan_ended",
        summary=why + (f" ({plan.end_reason_text})" if plan.end_reason_text else ""),
        significant=True,
        target=plan,
        link=plan_link(plan),
    )
    return plan


def _tell_leads(*, plan: ChildProtectionPlan, actor: User, event: str, title: str, body: str) -> None:
    """The child's current leads (Family Help and LCPP, cases.selectors.current_leads) hear that the plan started or
    ended: a safety-relevant change is never silent. The title names the plan's reference, never the child."""
    for lead in current_leads(person_id=plan.person_id):
        if lead.pk != actor.pk:
            notify(
                user=lead,
                kind=f"macpt.cp_plan_{event}",
                unique_key=f"cp_plan:{plan.pk}:{event}:{lead.pk}",
                title=title,
                body=body,
                link=plan_link(plan),
                send_email=True,
            )


def _leave_child_protection(*, person: Person, actor: User, on: dt.date, why: str) -> None:
    """No child protection work left for the child (no open plan, s47 or strategy request): the MACPT's
    involvement with them ends, and their access with it (the family's lead practitioner's is untouched)."""
    if ChildProtectionPlan.objects.filter(person=person, end_date__isnull=True).exists():
        return
    if S47Enquiry.objects.filter(person=person, ended_on__isnull=True, outcome="").exists():
        return  # an enquiry still under way
    if WorkRequest.objects.filter(
        person=person,
        status=WorkRequest.Status.OPEN,
        kind__in=[WorkRequest.Kind.STRATEGY_DISCUSSION, WorkRequest.Kind.EMERGENCY_ACTION],
    ).exists():
        return
    end = max(on, timezone.localdate())
    episode = _open_episode(person)
    if episode is not None:
        # The LCPP's lead role ends with the child protection work; the family's lead practitioner carries on.
        episode_end_lead(episode=episode, actor=actor, kind=LeadKind.LCPP, reason=why)
    for involvement in Involvement.objects.active().filter(
        person=person, role=InvolvementRole.MACPT_MEMBER, end_date__isnull=True
    ):
        involvement_end(involvement=involvement, actor=actor, end_date=max(end, involvement.start_date), reason=why)


# --- core groups and visits ---------------------------------------------------------------------------------


def _require_plan_worker(actor: User, plans: list[ChildProtectionPlan]) -> None:
    """An LCPP or MACPT member (CONTRIBUTE), or the child's lead practitioner, who sees the children whole."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied
    ids = {p.person_id for p in plans}
    if set(person_record_scope(actor, relatives=False).filter(pk__in=ids).values_list("pk", flat=True)) != ids:
        raise PermissionDenied("Not every child is in your scope")
    if policy.may(actor, CONTRIBUTE) or policy.may(actor, CHAIR):
        return
    if all(current_lead_ids(person_id=pid).filter(user_id=actor.pk).exists() for pid in ids):
        return
    raise PermissionDenied("Only the LCPP, the child's MACPT or their lead practitioner records this")


def may_record_for(actor: User, plan: ChildProtectionPlan) -> bool:
    try:
        _require_plan_worker(actor, [plan])
    except PermissionDenied:
        return False
    return plan.is_open


@transaction.atomic
def core_group_record(
    *,
    plans: list[ChildProtectionPlan],
    actor: User,
    date: dt.date | None,
    attendees: str,
    apologies: str = "",
    summary: str = "",
    actions: list[Action] = (),
    new_actions: list[dict] = (),
) -> CoreGroup:
    """A core group for the children on a plan in one family: who came, and the actions agreed on the family's
    plan (existing ones, or new ones added to the family's plan through the shared record's service)."""
    _require_plan_worker(actor, plans)
    errors: dict[str, list[str]] = {}
    if not plans or any(not p.is_open for p in plans):
        errors["plans"] = ["Choose children on an open child protection plan"]
    elif len({p.family_plan_id for p in plans}) != 1:
        errors["plans"] = ["A core group is for one family's children"]
    if date is None:
        errors["date"] = ["Enter the date of the core group"]
    elif date > timezone.localdate():
        errors["date"] = ["The core group's date must be today or in the past"]
    elif plans and date < min(p.start_date for p in plans):
        errors["date"] = ["The core group cannot be before the child protection plan started"]
    if not (attendees or "").strip():
        errors["attendees"] = ["Say who came, with their agency"]
    family_plan = plans[0].family_plan if plans else None
    if family_plan is not None and any(a.plan_id != family_plan.pk for a in actions):
        errors["actions"] = ["Choose actions on this family's plan"]
    if errors:
        raise ValidationError(errors)
    group = CoreGroup.objects.create(
        date=date,
        attendees=attendees.strip(),
        apologies=(apologies or "").strip(),
        summary=(summary or "").strip(),
        recorded_by=actor,
    )
    group.plans.set(plans)
    added = [action_add(plan=family_plan, actor=actor, data=data) for data in new_actions]
    group.actions.set([*actions, *added])
    for plan in plans:
        deadline_met(kind=CORE_GROUP, target=plan)
    audit_record(
        actor=actor,
        verb="macpt.core_group_recorded",
        target=group,
        child_ids=[p.person_id for p in plans],
        fields=["date", "attendees", "apologies", "summary", "actions"],
        related={"plans": [p.pk for p in plans], "actions": [a.pk for a in group.actions.all()]},
    )
    for plan in plans:
        chronology_add(
            person=plan.person,
            actor=actor,
            strand=Strand.MACPT,
            kind="core_group",
            summary=f"Core group held on {date:%-d %B %Y}" + (f": {group.summary}" if group.summary else ""),
            target=group,
            link=plan_link(plan),
        )
    return group


@transaction.atomic
def visit_record(
    *,
    plan: ChildProtectionPlan,
    actor: User,
    date: dt.date | None,
    seen: bool | None,
    seen_alone: bool | None,
    notes: str = "",
) -> StatutoryVisit:
    """A statutory visit: the child seen or not, seen alone or not; the next visit's clock starts from it."""
    _require_plan_worker(actor, [plan])
    errors: dict[str, list[str]] = {}
    if not plan.is_open:
        errors["date"] = ["The child protection plan has ended"]
    if date is None:
        errors["date"] = ["Enter the date of the visit"]
    elif date > timezone.localdate():
        errors["date"] = ["The visit's date must be today or in the past"]
    elif date < plan.start_date:
        errors["date"] = ["The visit cannot be before the child protection plan started"]
    if seen is None:
        errors["seen"] = ["Say whether the child was seen"]
    if seen_alone is None and seen:
        errors["seen_alone"] = ["Say whether the child was seen alone"]
    if seen is False and seen_alone:
        errors["seen_alone"] = ["A child who was not seen cannot have been seen alone"]
    if errors:
        raise ValidationError(errors)
    visit = StatutoryVisit(
        plan=plan, date=date, seen=bool(seen), seen_alone=bool(seen_alone), by=actor, notes=(notes or "").strip()
    )
    visit.full_clean()
    visit.save()
    deadline_met(kind=VISIT, target=plan)
    _set_clock(plan, VISIT, next_visit_due(plan), "Statutory visit")
    audit_record(
        actor=actor,
        verb="macpt.visit_recorded",
        target=visit,
        child_ids=[plan.person_id],
        fields=["date", "seen", "seen_alone", "notes"],
    )
    seen_text = ("seen alone" if visit.seen_alone else "seen") if visit.seen else "not seen"
    chronology_add(
        person=plan.person,
        actor=actor,
        strand=Strand.MACPT,
        kind="statutory_visit",
        summary=f"Statutory visit on {date:%-d %B %Y}: {plan.person.first_name} {seen_text}",
        target=visit,
        link=plan_link(plan),
    )
    return visit
