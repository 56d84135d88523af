"""The continuum of need on the same episode: targeted early help <-> child in need, step up to child
protection (a strategy-discussion request to the MACPT), step down, and closure.

Every change moves the level on the child's one open episode (cases.services.episode_change_level keeps the
dated history), so nothing is re-entered and the CIN census reads one story. CIN plan periods (census
CINPlanDates) open when a child-in-need plan is agreed: a child moving to child in need under the family's agreed
plan (or the plan starting for a child already there: cases.services.plans.plan_start). They close when the child
steps down below child in need or their episode closes; a step up to child protection leaves the CIN plan running
until a child protection plan starts (census rules 4001 and 4014), which the child protection strand records
through cases.services.cin_plan_period_end_for_child.

The CIN census's referrals (issue 13 item 7, cases.CinReferral): stepping up from early help (to child in need or
child protection) is a new referral to children's social care, so its source (census ReferralSource) is asked
and the referral opens dated the step-up; stepping down out of child in need (to early help or universal
services), and closure, ask the census reason for closure (RC1-RC9) and close the child's referral with it.

Child protection is the LCPP's (issue 13 item 6): stepping a child down from child protection or pre-proceedings,
or closing an episode with child protection work open (a strategy-discussion or emergency-action request), is
refused to anyone but an LCPP (cases.policy STEP_DOWN_CHILD_PROTECTION) with a message on `children`. The LCPP's
step-down closes those requests with the LCPP's reason (audited, in the chronology), never silently, and asks
for a Family Help allocation when the family has no lead practitioner, so no child leaves child protection with
nobody.

Stepping down to universal services closes the episode: a social worker stepping a family down to universal
services means "we are no longer working with you", and an episode left open at universal would sit on a
caseload with nothing to do, keep the lead practitioner's access and count as open in the returns. The level
history still shows the step to universal before the closure.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.codes import valid_codes
from cases.models import (
    Episode,
    EpisodeLevel,
    FamilyCase,
    FamilyCaseMember,
    Involvement,
    InvolvementRole,
    LeadKind,
    NeedLevel,
    Person,
    Plan,
    Role,
    Strand,
    TafMember,
    User,
    WorkRequest,
)
from cases.services import (
    Conflict,
    audit_record,
    chronology_add,
    cin_plan_period_end,
    cin_plan_period_start,
    cin_referral_close,
    cin_referral_open,
    cin_referral_open_for,
    deadline_cancel_for_children,
    episode_change_level,
    episode_close,
    episode_end_lead,
    involvement_end,
    notify,
    work_request_create,
    work_request_handle,
    work_request_tell_asker,
)

from ..models import Allocation
from ..selectors import family_adults, family_children
from ..selectors.continuum import (
    CHILD_IN_NEED,
    CHILD_PROTECTION,
    CHILD_PROTECTION_MEANINGS,
    CHILD_PROTECTION_REQUESTS,
    EARLY_HELP,
    LCPP_ONLY_MESSAGE,
    UNIVERSAL,
    can_change_continuum,
    child_protection_work,
    continuum_state,
    current_levels,
    family_lead_ids,
    level_for,
    may_step_down_child_protection,
)

STALE_MESSAGE = (
    "Someone else changed this family's levels of need while you were on this page. Nothing has been "
    "saved: check the levels shown now, then try again."
)
STEP_DOWN_TARGETS = (CHILD_IN_NEED, EARLY_HELP, UNIVERSAL)


class StaleContinuum(Conflict):
    """The family's levels moved since the form was shown (another practitioner's change). `current["state"]`
    is the family's state now (the API's ETag)."""

    def __init__(self, *, family_case: FamilyCase, state: str) -> None:
        super().__init__(STALE_MESSAGE, obj=family_case, current={"state": state})


# --- shared checks ---------------------------------------------------------------------------------------


def _require_permission(actor: User, family_case: FamilyCase) -> None:
    if not can_change_continuum(user=actor, family_case=family_case):
        raise PermissionDenied("Only the family's lead practitioner, a manager or an LCPP can change its level of need")


def _check_state(family_case: FamilyCase, expected_state: str | None) -> None:
    """Compare-and-set on the family's levels: the family's row is locked first, so two changes to the same
    family take turns and the second is checked against what the first left."""
    FamilyCase.objects.select_for_update().filter(pk=family_case.pk).first()
    if expected_state is not None:
        state = continuum_state(family_case=family_case)
        if state != expected_state:
            raise StaleContinuum(family_case=family_case, state=state)


def _episodes_for(family_case: FamilyCase, children: list[Person]) -> list[Episode]:
    """The open episodes in this family of the chosen children, locked for the change; field errors otherwise."""
    if not children:
        raise ValidationError({"children": ["Select at least one child"]})
    current = {c.pk for c in family_children(family_case=family_case)}
    strangers = [c for c in children if c.pk not in current]
    if strangers:
        raise ValidationError({"children": ["Choose children of this family"]})
    episodes = {
        e.person_id: e
        for e in Episode.objects.select_for_update()
        .select_related("person")
        .filter(family_case=family_case, person__in=children, closed_on__isnull=True)
    }
    closed = [c.full_name for c in children if c.pk not in episodes]
    if closed:
        raise ValidationError({"children": [f"{', '.join(closed)}: no open episode in this family (closed already)"]})
    return [episodes[c.pk] for c in children]


def _when(changed_on: dt.date | None) -> tuple[dt.date, dt.datetime | None]:
    """The change's date, and the moment given to episode_change_level (None: now)."""
    today = timezone.localdate()
    if changed_on is None or changed_on == today:
        return today, None
    if changed_on > today:
        raise ValidationError({"changed_on": ["The date of the change must be today or in the past"]})
    return changed_on, dt.datetime.combine(changed_on, dt.time(12, 0), tzinfo=timezone.get_current_timezone())


def _move(
    *,
    episode: Episode,
    current: EpisodeLevel,
    level: NeedLevel,
    actor: User,
    reason: str,
    on: dt.date,
    at: dt.datetime | None,
    plan: Plan | None,
) -> None:
    """Move one episode to `level` and keep its CIN plan period in step."""
    if at is not None and at < current.started_at:
        if timezone.localtime(current.started_at).date() > on:
            raise ValidationError(
                {
                    "changed_on": [
                        f"{episode.person.full_name}'s current level began on "
                        f"{timezone.localtime(current.started_at):%d/%m/%Y}"
                        ": the change cannot be earlier"
                    ]
                }
            )
        at = current.started_at + dt.timedelta(seconds=1)
    try:
        episode_change_level(episode=episode, actor=actor, level=level, reason=reason, changed_at=at)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "changed_at" in exc.error_dict:
            raise ValidationError({"changed_on": exc.message_dict["changed_at"]}) from None
        raise
    _cin_period_sync(episode=episode, level=level, on=on, plan=plan)


def _cin_period_sync(*, episode: Episode, level: NeedLevel, on: dt.date, plan: Plan | None) -> None:
    """Child in need under the family's agreed plan starts the child's CIN plan period (no plan yet: it starts
    when the plan is agreed); a level below child in need ends it; child protection leaves it running until a
    child protection plan starts (the shared record's services keep the periods)."""
    if level.census_meaning == CHILD_IN_NEED:
        if plan is not None and plan.status == Plan.Status.ACTIVE:
            cin_plan_period_start(episode=episode, on=on, plan=plan)
    elif level.census_meaning not in CHILD_PROTECTION_MEANINGS:
        cin_plan_period_end(episode=episode, on=on)


def _require_lcpp_for_child_protection(actor: User, episodes: list[Episode]) -> dict[int, str]:
    """Refuse (on `children`) anyone but an LCPP stepping down or closing a child with child protection work open;
    returns that work by episode id (for the LCPP's step-down to close)."""
    work = child_protection_work(episodes=episodes)
    if work and not may_step_down_child_protection(actor):
        names = [e.person.full_name for e in episodes if e.pk in work]
        why = "; ".join(work[e.pk] for e in episodes if e.pk in work)
        raise ValidationError({"children": [LCPP_ONLY_MESSAGE.format(names=", ".join(names), why=why)]})
    return work


REFERRAL_SOURCE_MESSAGE = (
    "Choose where the referral came from (census referral source): stepping {names} up from early help is a new "
    "referral to children's social care"
)
CLOSURE_REASON_MESSAGE = (
    "Choose the census reason for closure (RC1 to RC9): {names} leave{s} child in need, so the referral closes"
)


def _social_care_rank() -> int:
    """The rank from which a level is children's social care (child in need and above): the census's referral."""
    return level_for(CHILD_IN_NEED).rank


def _new_referrals(
    *, episodes: list[Episode], levels: dict[int, EpisodeLevel], to: NeedLevel, referral_source: str
) -> list[Episode]:
    """The children stepping up from early help into children's social care with no referral open (each a new
    census referral); their source must be given."""
    floor = _social_care_rank()
    if to.rank < floor:
        return []
    new = [e for e in episodes if levels[e.pk].level.rank < floor and cin_referral_open_for(e.person) is None]
    if new and referral_source not in valid_codes("referralsourcetype"):
        names = ", ".join(e.person.full_name for e in new)
        raise ValidationError({"referral_source": [REFERRAL_SOURCE_MESSAGE.format(names=names)]})
    return new


def _leaving_social_care(
    *, episodes: list[Episode], levels: dict[int, EpisodeLevel], to: NeedLevel, reason_code: str
) -> list[Episode]:
    """The children stepping down from child in need or above to below it (their referral closes); the census
    reason for closure must be given."""
    floor = _social_care_rank()
    if to.rank >= floor:
        return []
    leaving = [e for e in episodes if levels[e.pk].level.rank >= floor or cin_referral_open_for(e.person)]
    if leaving and reason_code not in valid_codes("reasonforclosuretype"):
        names = [e.person.full_name for e in leaving]
        raise ValidationError(
            {"reason_code": [CLOSURE_REASON_MESSAGE.format(names=", ".join(names), s="" if len(names) > 1 else "s")]}
        )
    return leaving


def _open_referral(*, episode: Episode, actor: User, on: dt.date, source_code: str) -> None:
    cin_referral_open(
        person=episode.person, episode=episode, referral_date=on, source_code=source_code, source=episode, actor=actor
    )


def _close_referral(*, episode: Episode, actor: User, on: dt.date, reason_code: str) -> None:
    try:
        cin_referral_close(person=episode.person, on=on, reason_code=reason_code, actor=actor)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "closed_on" in exc.error_dict:
            raise ValidationError(
                {"changed_on": [f"{episode.person.full_name}: {m}" for m in exc.message_dict["closed_on"]]}
            ) from None
        raise


def _required_text(errors: dict, **values: str) -> None:
    messages = {
        "reason": "Give the reason for the change",
        "worry": "Say what the worry is",
        "summary": "Enter the closure summary",
    }
    for name, value in values.items():
        if not (value or "").strip():
            errors.setdefault(name, []).append(messages[name])


def _family_plan(family_case: FamilyCase) -> Plan | None:
    return Plan.objects.filter(family_case=family_case).first()


# --- targeted early help <-> child in need -----------------------------------------------------------


@transaction.atomic
def continuum_change_level(
    *,
    family_case: FamilyCase,
    actor: User,
    children: list[Person],
    to: str,
    reason: str,
    changed_on: dt.date | None = None,
    expected_state: str | None = None,
    referral_source: str = "",
    reason_code: str = "",
) -> list[Episode]:
    """Move children between targeted early help and child in need (s17) on their open episodes. Moving to
    child in need is a new referral (`referral_source`, census ReferralSource) and opens a CIN plan period under
    the family's agreed plan; moving back closes both (`reason_code`, census RC1-RC9)."""
    _require_permission(actor, family_case)
    errors: dict[str, list[str]] = {}
    if to not in (EARLY_HELP, CHILD_IN_NEED):
        errors["to"] = ["Choose targeted early help or child in need"]
    _required_text(errors, reason=reason)
    if errors:
        raise ValidationError(errors)
    _check_state(family_case, expected_state)
    episodes = _episodes_for(family_case, children)
    on, at = _when(changed_on)
    level = level_for(to)
    levels = current_levels(episodes=episodes)
    wrong = [
        e.person.full_name for e in episodes if levels[e.pk].level.census_meaning not in (EARLY_HELP, CHILD_IN_NEED)
    ]
    if wrong:
        raise ValidationError(
            {"children": [f"{', '.join(wrong)}: not at early help or child in need. Use step up or step down instead"]}
        )
    already = [e.person.full_name for e in episodes if levels[e.pk].level.pk == level.pk]
    if already:
        raise ValidationError({"children": [f"{', '.join(already)}: already at {level.name}"]})
    new = _new_referrals(episodes=episodes, levels=levels, to=level, referral_source=referral_source)
    leaving = _leaving_social_care(episodes=episodes, levels=levels, to=level, reason_code=reason_code)
    plan = _family_plan(family_case)
    for episode in episodes:
        if episode in new:
            _open_referral(episode=episode, actor=actor, on=on, source_code=referral_source)
        if episode in leaving:
            _close_referral(episode=episode, actor=actor, on=on, reason_code=reason_code)
        _move(
            episode=episode,
            current=levels[episode.pk],
            level=level,
            actor=actor,
            reason=reason.strip(),
            on=on,
            at=at,
            plan=plan,
        )
        chronology_add(
            person=episode.person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="level_changed",
            summary=f"Family Help level changed to {level.name}"
            + (
                ": child in need plan started"
                if to == CHILD_IN_NEED and plan is not None
                else ""
                if to == CHILD_IN_NEED
                else ": child in need plan ended"
                if levels[episode.pk].level.census_meaning == CHILD_IN_NEED
                else ""
            ),
            significant=True,
            target=family_case,
        )
    audit_record(
        actor=actor,
        verb="family_help.level_changed",
        target=family_case,
        child_ids=[e.person_id for e in episodes],
        # The reason is kept with each episode's level (EpisodeLevel.reason): the audit names it only.
        fields=["level", "reason"],
        related={"level": level},
    )
    return episodes


# --- step up to child protection ------------------------------------------------------------------------


def _step_up_summary(
    *,
    family_case: FamilyCase,
    child: Person,
    worry: str,
    reason: str,
    actor: User,
    leads: list[User],
    plan: Plan | None,
    level_name: str,
) -> str:
    """What the MACPT needs to start a strategy discussion, from what the record already holds."""
    children = family_children(family_case=family_case)
    adults = family_adults(family_case=family_case)
    lines = [
        f"Step up from Family Help ({level_name}) for {child.full_name}, born {child.date_of_birth:%d/%m/%Y}."
        if child.date_of_birth
        else f"Step up from Family Help ({level_name}) for {child.full_name}.",
        f"Worry: {worry.strip()}",
        f"Why child protection now: {reason.strip()}",
        f"Family: {family_case.name}. Children: "
        + "; ".join(
            f"{c.full_name}" + (f" (born {c.date_of_birth:%d/%m/%Y})" if c.date_of_birth else "") for c in children
        )
        + ".",
    ]
    if adults:
        lines.append(
            "Adults: " + "; ".join(f"{m.person.full_name} ({m.get_role_display().lower()})" for m in adults) + "."
        )
    if leads:
        lines.append(
            "Family Help Lead Practitioner (stays with the family): "
            + "; ".join(f"{u.full_name}, {u.agency}, {u.email}" for u in leads)
            + "."
        )
    if plan is not None and plan.worries.strip():
        lines.append(f"Family Help plan, what we are worried about: {plan.worries.strip()}")
    lines.append(f"Requested by {actor.full_name} ({actor.agency}).")
    return "\n".join(lines)


@transaction.atomic
def continuum_step_up(
    *,
    family_case: FamilyCase,
    actor: User,
    children: list[Person],
    worry: str,
    reason: str,
    urgent: bool = False,
    expected_state: str | None = None,
    referral_source: str = "",
) -> list[WorkRequest]:
    """Step the chosen children up to child protection on the same episode (their CIN plan periods run on until
    a child protection plan starts), ask the MACPT for a strategy discussion (one request per child, carrying the
    family's details and the worry) and tell every LCPP once. The FHLP stays the family's lead. A child stepping
    up from early help is a new referral to children's social care (`referral_source`)."""
    _require_permission(actor, family_case)
    errors: dict[str, list[str]] = {}
    _required_text(errors, worry=worry, reason=reason)
    if errors:
        raise ValidationError(errors)
    _check_state(family_case, expected_state)
    episodes = _episodes_for(family_case, children)
    level = level_for(CHILD_PROTECTION)
    levels = current_levels(episodes=episodes)
    already = [e.person.full_name for e in episodes if levels[e.pk].level.rank >= level.rank]
    if already:
        raise ValidationError({"children": [f"{', '.join(already)}: already at {level.name} or above"]})
    new = _new_referrals(episodes=episodes, levels=levels, to=level, referral_source=referral_source)
    plan = _family_plan(family_case)
    leads = list(User.objects.filter(pk__in=family_lead_ids(family_case=family_case)).select_related("agency"))
    on = timezone.localdate()
    requests = []
    for episode in episodes:
        if episode in new:
            _open_referral(episode=episode, actor=actor, on=on, source_code=referral_source)
        from_name = levels[episode.pk].level.name
        _move(
            episode=episode,
            current=levels[episode.pk],
            level=level,
            actor=actor,
            reason=f"Step up: {reason.strip()}",
            on=on,
            at=None,
            plan=plan,
        )
        summary = _step_up_summary(
            family_case=family_case,
            child=episode.person,
            worry=worry,
            reason=reason,
            actor=actor,
            leads=leads,
            plan=plan,
            level_name=from_name,
        )
        request = work_request_create(
            kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
            person=episode.person,
            actor=actor,
            summary=summary,
            episode=episode,
            urgent=urgent,
            source=episode,
        )
        requests.append(request)
        chronology_add(
            person=episode.person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="step_up",
            summary=f"Stepped up to {level.name}: strategy discussion requested. {worry.strip()}",
            significant=True,
            target=request,
        )
    # No child's name and not the worry: they reach every LCPP, on or off a restricted record's list. The worry is
    # on the strategy discussion request; the link opens it through the scoped page.
    count = len(episodes)
    for lcpp in User.objects.filter(groups__name=Role.LCPP, is_active=True).distinct():
        notify(
            user=lcpp,
            kind="family_help.step_up",
            send_email=True,
            unique_key=f"family_help.step_up:{requests[0].pk}:{lcpp.pk}",
            title=f"{'Urgent: ' if urgent else ''}Strategy discussion requested for {count} "
            f"child{'' if count == 1 else 'ren'} (family {family_case.pk})",
            body=f"Stepped up from Family Help by {actor.full_name}.",
            # The request itself (one child), or the LCPPs' strategy-discussion inbox (several): where they act.
            link=reverse("cases:work_request", args=[requests[0].pk])
            if len(requests) == 1
            else reverse("cases:work_requests") + f"?kind={WorkRequest.Kind.STRATEGY_DISCUSSION}",
        )
    audit_record(
        actor=actor,
        verb="family_help.stepped_up",
        target=family_case,
        child_ids=[e.person_id for e in episodes],
        fields=["level", "reason"],
        related={"level": level, "work_requests": [r.pk for r in requests]},
    )
    return requests


# --- step down ---------------------------------------------------------------------------------------------


@transaction.atomic
def continuum_step_down(
    *,
    family_case: FamilyCase,
    actor: User,
    children: list[Person],
    to: str,
    reason: str,
    changed_on: dt.date | None = None,
    reason_code: str = "",
    summary: str = "",
    expected_state: str | None = None,
) -> list[Episode]:
    """Step children down: from child protection to child in need or early help (the MACPT hands back: the LCPP
    only), from child in need to early help, or to universal services, which closes the episode with a reason
    code and a closure summary (see the module docstring for why)."""
    _require_permission(actor, family_case)
    errors: dict[str, list[str]] = {}
    if to not in STEP_DOWN_TARGETS:
        errors["to"] = ["Choose child in need, targeted early help or universal services"]
    _required_text(errors, reason=reason)
    if to == UNIVERSAL:
        _closure_checks(errors, reason_code=reason_code, summary=summary)
    if errors:
        raise ValidationError(errors)
    _check_state(family_case, expected_state)
    episodes = _episodes_for(family_case, children)
    on, at = _when(changed_on)
    level = level_for(to)
    levels = current_levels(episodes=episodes)
    wrong = [e.person.full_name for e in episodes if levels[e.pk].level.rank <= level.rank]
    if wrong:
        raise ValidationError({"children": [f"{', '.join(wrong)}: already at {level.name} or below"]})
    cp_work = _require_lcpp_for_child_protection(actor, episodes)
    leaving = _leaving_social_care(episodes=episodes, levels=levels, to=level, reason_code=reason_code)
    plan = _family_plan(family_case)
    has_lead = bool(family_lead_ids(family_case=family_case))
    for episode in episodes:
        was = levels[episode.pk].level
        if episode in leaving:
            _close_referral(episode=episode, actor=actor, on=on, reason_code=reason_code)
        _move(
            episode=episode,
            current=levels[episode.pk],
            level=level,
            actor=actor,
            reason=f"Step down: {reason.strip()}",
            on=on,
            at=at,
            plan=plan,
        )
        if episode.pk in cp_work:
            _hand_back(
                episode=episode,
                actor=actor,
                has_lead=has_lead,
                reason=reason.strip(),
                was=was,
                level=level,
                closing=to == UNIVERSAL,
            )
            if to != UNIVERSAL:
                # The LCPP's lead role ends with child protection; the Family Help lead carries on.
                episode_end_lead(
                    episode=episode,
                    actor=actor,
                    kind=LeadKind.LCPP,
                    reason=f"Stepped down from {was.name} to {level.name}: {reason.strip()}",
                )
        chronology_add(
            person=episode.person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="step_down",
            summary=f"Stepped down from {was.name} to {level.name}: {reason.strip()}",
            significant=True,
            target=family_case,
        )
    if to == UNIVERSAL:
        _close_episodes(
            family_case=family_case,
            actor=actor,
            episodes=episodes,
            reason_code=reason_code,
            summary=summary.strip(),
            closed_on=on,
        )
    audit_record(
        actor=actor,
        verb="family_help.stepped_down",
        target=family_case,
        child_ids=[e.person_id for e in episodes],
        fields=["level", "reason", "closed_on"] if to == UNIVERSAL else ["level", "reason"],
        related={"level": level},
    )
    return episodes


def _close_child_protection_requests(*, episode: Episode, actor: User, reason: str, why: str) -> None:
    """The LCPP's decision closes the child's open strategy-discussion and emergency-action requests, each with
    the LCPP's reason (work_request_handle records it and audits it) and a line in the child's chronology:
    never silently."""
    for request in WorkRequest.objects.filter(
        person=episode.person_id, status=WorkRequest.Status.OPEN, kind__in=CHILD_PROTECTION_REQUESTS
    ).order_by("pk"):
        work_request_handle(
            request=request, actor=actor, status=WorkRequest.Status.CANCELLED, reason=f"{why}: {reason}"
        )
        work_request_tell_asker(request=request, actor=actor, verb="closed")
        chronology_add(
            person=episode.person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="work_request_closed",
            summary=f"{request.get_kind_display()} request closed by {actor.full_name} (LCPP). {why}: {reason}",
            significant=True,
            target=request,
        )


def _hand_back(
    *, episode: Episode, actor: User, has_lead: bool, reason: str, was: NeedLevel, level: NeedLevel, closing: bool
) -> None:
    """Back from child protection, by the LCPP: the open child protection requests close with the LCPP's reason;
    the MACPT's hand-back to Family Help is accepted at once when the family still has its lead practitioner, and
    with no lead a Family Help allocation is asked for (unless one is waiting already), so that no child leaves
    child protection with nobody."""
    _close_child_protection_requests(
        episode=episode, actor=actor, reason=reason, why=f"Stepped down from {was.name} to {level.name}"
    )
    if closing:
        return
    if not has_lead:
        if not WorkRequest.objects.filter(
            person=episode.person_id, status=WorkRequest.Status.OPEN, kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION
        ).exists():
            work_request_create(
                kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
                person=episode.person,
                actor=actor,
                summary=f"Stepped down from {was.name} to {level.name} by {actor.full_name} (LCPP), with no Family "
                f"Help Lead Practitioner: {reason}",
                episode=episode,
                source=episode,
            )
        return
    for request in WorkRequest.objects.filter(
        episode=episode, status=WorkRequest.Status.OPEN, kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION
    ):
        work_request_handle(
            request=request,
            actor=actor,
            status=WorkRequest.Status.ACCEPTED,
            reason="The family's Family Help Lead Practitioner continues",
        )


# --- closure ----------------------------------------------------------------------------------------------


def _closure_checks(
    errors: dict,
    *,
    reason_code: str,
    summary: str,
    closed_on: dt.date | None = None,
    episodes: list[Episode] | None = None,
) -> None:
    if reason_code not in valid_codes("reasonforclosuretype"):
        errors.setdefault("reason_code", []).append("Choose a reason for closure (RC1 to RC9)")
    _required_text(errors, summary=summary)
    if closed_on is not None:
        if closed_on > timezone.localdate():
            errors.setdefault("closed_on", []).append("The closure date must be today or in the past")
        for episode in episodes or []:
            if closed_on < episode.opened_on:
                errors.setdefault("closed_on", []).append(
                    f"{episode.person.full_name}'s episode opened on {episode.opened_on:%d/%m/%Y}: the closure date "
                    "cannot be earlier"
                )


@transaction.atomic
def continuum_close(
    *,
    family_case: FamilyCase,
    actor: User,
    children: list[Person],
    reason_code: str,
    summary: str,
    closed_on: dt.date | None = None,
    expected_state: str | None = None,
) -> list[Episode]:
    """Close Family Help for some or all of the family's children. When the last child's episode closes, the
    plan closes, the lead practitioner's allocation ends and the team around the family lose their access."""
    _require_permission(actor, family_case)
    closed_on = closed_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    _closure_checks(errors, reason_code=reason_code, summary=summary, closed_on=closed_on)
    if errors:
        raise ValidationError(errors)
    _check_state(family_case, expected_state)
    episodes = _episodes_for(family_case, children)
    _closure_checks(errors, reason_code=reason_code, summary=summary, closed_on=closed_on, episodes=episodes)
    if errors:
        raise ValidationError(errors)
    cp_work = _require_lcpp_for_child_protection(actor, episodes)
    for episode in episodes:
        if episode.pk in cp_work:
            _close_child_protection_requests(
                episode=episode, actor=actor, reason=summary.strip(), why=f"Family Help closed ({reason_code})"
            )
    _close_episodes(
        family_case=family_case,
        actor=actor,
        episodes=episodes,
        reason_code=reason_code,
        summary=summary.strip(),
        closed_on=closed_on,
    )
    return episodes


def _close_episodes(
    *, family_case: FamilyCase, actor: User, episodes: list[Episode], reason_code: str, summary: str, closed_on: dt.date
) -> None:
    for episode in episodes:
        cin_plan_period_end(
            episode=episode,
            on=closed_on,
            field="closed_on",
            whose=f"{episode.person.full_name}'s",
            what="the closure",
        )
        if cin_referral_open_for(episode.person) is not None:
            cin_referral_close(person=episode.person, on=closed_on, reason_code=reason_code, actor=actor)
        episode_close(episode=episode, actor=actor, reason_code=reason_code, summary=summary, closed_on=closed_on)
        chronology_add(
            person=episode.person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind="closed",
            summary=f"Family Help closed ({reason_code}): {summary}",
            significant=True,
            target=family_case,
        )
    audit_record(
        actor=actor,
        verb="family_help.closed",
        target=family_case,
        child_ids=[e.person_id for e in episodes],
        fields=["closed_on", "closure_reason", "closure_summary"],
    )
    # Family Help timescales (the assessment's 45 working days, reviews) about children no longer helped end here.
    still_open = set(
        Episode.objects.filter(family_case=family_case, closed_on__isnull=True).values_list("person_id", flat=True)
    )
    done = (
        set(
            FamilyCaseMember.objects.filter(family_case=family_case, role=FamilyCaseMember.Role.CHILD).values_list(
                "person_id", flat=True
            )
        )
        - still_open
    )
    cancelled = deadline_cancel_for_children(kind_prefix="family_help.", person_ids=done)
    if cancelled:
        audit_record(
            actor=actor,
            verb="family_help.deadlines_cancelled",
            target=family_case,
            child_ids=done,
            fields=["deadlines"],
        )
    if not still_open:
        _close_family(family_case=family_case, actor=actor, closed_on=closed_on)


def _close_family(*, family_case: FamilyCase, actor: User, closed_on: dt.date) -> None:
    """The last child's episode has closed: close the plan, end the allocation and the team around the family."""
    now = timezone.now()
    Plan.objects.filter(family_case=family_case, status=Plan.Status.ACTIVE).update(
        status=Plan.Status.CLOSED, closed_on=closed_on, updated_at=now
    )
    ended = list(Allocation.objects.filter(family_case=family_case, ended_at__isnull=True).values_list("pk", "lead_id"))
    Allocation.objects.filter(pk__in=[pk for pk, _ in ended]).update(ended_at=now, updated_at=now)
    members = list(TafMember.objects.filter(family_case=family_case, removed_at__isnull=True))
    TafMember.objects.filter(pk__in=[m.pk for m in members]).update(removed_at=now, removed_by=actor, updated_at=now)
    child_ids = list(
        FamilyCaseMember.objects.filter(family_case=family_case, role=FamilyCaseMember.Role.CHILD).values_list(
            "person_id", flat=True
        )
    )
    for involvement in (
        Involvement.objects.active()
        .filter(person_id__in=child_ids, role=InvolvementRole.TAF_MEMBER, user_id__in=[m.user_id for m in members])
        .select_related("person")
    ):
        involvement_end(
            involvement=involvement,
            actor=actor,
            end_date=max(timezone.localdate(), involvement.start_date),
            reason="Family Help closed",
        )
    FamilyCase.objects.filter(pk=family_case.pk, closed_on__isnull=True).update(closed_on=closed_on, updated_at=now)
    family_case.closed_on = closed_on
    audit_record(
        actor=actor,
        verb="family_help.family_closed",
        target=family_case,
        child_ids=child_ids,
        fields=["closed_on"],
        related={"allocations_ended": [pk for pk, _ in ended], "taf_members_removed": [m.pk for m in members]},
    )
