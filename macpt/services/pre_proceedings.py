"""Pre-proceedings (Public Law Outline), recorded as the CIN census 2026-27 module 5 counts it.

Every date rule of module 5 (../shared/data/cin/module5_rules.md) is checked here, on every write, with the field it
is about, so the form shows the message beside the box and keeps what was typed:
- 9006 the letter before proceedings is on or after the start; 9009 the step decision is on or after the start;
  9012 the court application on or after the step decision; 9013 the letter initiating proceedings on or after the
  court application (a later date needs the earlier one);
- 9007 and 9010Q (the FGDM answers: offered in the letter, facilitated after the offer) are not typed here: they are
  the FGDM strand's records (an offer made in the letter, a meeting held), read through its one selector
  (macpt.selectors.pre_proceedings.fgdm_measures), which answers 0 or 1 whenever there is a letter;
- 9011 the outcome is A, B or C, and goes with the step decision;
- 9015Q the review-meeting count is the number of review meetings recorded (always given once there is an
  initial meeting);
- 9005, 9006, 9008, 9009, 9012, 9013 "within the census year": no date is in the future, and the census block for a
  year (macpt.selectors.pre_proceedings.census_block) leaves out what falls outside that year (with the FGDM answers
  of a letter left out), so the return never needs a manual fix.
Besides the census: meetings follow the letter (it invites the parents), reviews follow the initial meeting, none
after the step decision; the step decision is not before a meeting already held.

Each step goes into the child's chronology; the next step with a timescale is the macpt.pp_step deadline (letter
before proceedings, then the initial meeting, then the decision: PreProceedingsSettings); every write is audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import CensusMeaning, Episode, NeedLevel, Person, Strand, User
from cases.permissions import person_record_scope
from cases.services import (
    Conflict,
    audit_record,
    chronology_add,
    deadline_met,
    episode_change_level,
    episode_current_level,
)
from cases.workdays import LONDON, Calendar

from ..models import (
    KinshipAssessment,
    KinshipKind,
    KinshipOutcome,
    MeetingKind,
    PPOutcome,
    PreProceedings,
    PreProceedingsMeeting,
    PreProceedingsSettings,
)
from ..permissions import PRE_PROCEEDINGS
from .deadlines import PP_STEP, timescale_set

DEADLINE_KIND = PP_STEP
DATE_FIELDS = (
    "start_date",
    "lbp_sent_date",
    "step_decision_date",
    "court_application_date",
    "letter_initiating_date",
)
EDIT_FIELDS = (*DATE_FIELDS, "outcome")
LABELS = {
    "start_date": "the legal planning meeting's decision to start",
    "lbp_sent_date": "the letter before proceedings",
    "step_decision_date": "the decision to issue or step down",
    "court_application_date": "the court application",
    "letter_initiating_date": "the letter initiating proceedings",
}


def may_record_pre_proceedings(user: User) -> bool:
    return policy.may(user, PRE_PROCEEDINGS)


def _require(actor: User, person_id: int) -> None:
    if not (actor.is_active and may_record_pre_proceedings(actor)):
        raise PermissionDenied("Only an LCPP or a manager records pre-proceedings")
    if not person_record_scope(actor, relatives=False).filter(pk=person_id).exists():
        raise PermissionDenied("No such child")


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def pre_proceedings_link(pp: PreProceedings) -> str:
    return reverse("macpt:pre_proceedings", args=[pp.pk])


def outcome_label(code: str, settings: PreProceedingsSettings | None = None) -> str:
    """What the council calls a PPOutcome code, with the code (the census's)."""
    if not code:
        return ""
    labels = (settings or PreProceedingsSettings.load()).outcome_labels()
    return f"{labels.get(code, code)} ({code})"


# --- the rules -------------------------------------------------------------------------------------------------


def pre_proceedings_errors(values: dict, *, meetings=(), today: dt.date | None = None) -> dict[str, list[str]]:
    """Every module 5 rule (and the few orderings the meetings need) on one set of values, field -> messages.
    `values` holds EDIT_FIELDS; `meetings` the (kind, held_on) already recorded."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    start = values.get("start_date")
    lbp = values.get("lbp_sent_date")
    decision = values.get("step_decision_date")
    court = values.get("court_application_date")
    letter = values.get("letter_initiating_date")
    outcome = values.get("outcome") or ""
    if start is None:
        add("start_date", "Enter the date of the legal planning meeting that decided to start pre-proceedings")
    for field in DATE_FIELDS:  # 9005-9013: a date is within a census year that has happened
        if values.get(field) is not None and values[field] > today:
            add(field, f"The date of {LABELS[field]} cannot be in the future")
    if start is not None:
        for field, rule in (("lbp_sent_date", "9006"), ("step_decision_date", "9009")):
            if values.get(field) is not None and values[field] < start:
                add(
                    field,
                    f"The date of {LABELS[field]} must be on or after the start of pre-proceedings ({_day(start)}; "
                    f"census rule {rule})",
                )
    # 9011: A, B or C, with the decision.
    if outcome and outcome not in PPOutcome.values:
        add("outcome", "Choose outcome A, B or C")
    if decision is not None and not outcome:
        add("outcome", "Choose the outcome of the decision to issue or step down")
    if decision is None and outcome:
        add("step_decision_date", "Enter the date of the decision this outcome records")
    # 9012, 9013: the court application follows the decision, the letter initiating proceedings the application.
    if court is not None:
        if decision is None:
            add("court_application_date", "Record the decision to issue proceedings before the court application")
        elif court < decision:
            add(
                "court_application_date",
                f"The court application must be on or after the decision to issue ({_day(decision)}; census rule 9012)",
            )
    if letter is not None:
        if court is None:
            add("letter_initiating_date", "Record the court application before the letter initiating proceedings")
        elif letter < court:
            add(
                "letter_initiating_date",
                f"The letter initiating proceedings must be on or after the court application ({_day(court)}; "
                "census rule 9013)",
            )
    # The meetings already held: the letter invites the parents to them; the decision comes after them.
    held = sorted(day for _, day in meetings)
    initial = next((day for kind, day in meetings if kind == MeetingKind.INITIAL), None)
    if held and start is not None and held[0] < start:
        add("start_date", f"A pre-proceedings meeting was held on {_day(held[0])}, before this start date")
    if initial is not None and lbp is None:
        add("lbp_sent_date", f"The initial meeting on {_day(initial)} followed a letter before proceedings: enter it")
    if initial is not None and lbp is not None and lbp > initial:
        add("lbp_sent_date", f"The letter must be sent before the initial meeting it invites to ({_day(initial)})")
    if held and decision is not None and decision < held[-1]:
        add("step_decision_date", f"A pre-proceedings meeting was held on {_day(held[-1])}, after this decision")
    return errors


def _values(pp: PreProceedings) -> dict:
    return {field: getattr(pp, field) for field in EDIT_FIELDS}


def _meetings(pp: PreProceedings) -> list[tuple[str, dt.date]]:
    return list(pp.meetings.values_list("kind", "held_on")) if pp.pk else []


# --- the deadline ---------------------------------------------------------------------------------------------


def next_step(pp: PreProceedings, *, calendar: Calendar | None = None) -> tuple[str, dt.date] | None:
    """(what, due on) of the next step with a timescale, or None once the decision is made."""
    if pp.step_decision_date is not None:
        return None
    settings = PreProceedingsSettings.load()
    calendar = calendar or Calendar.from_database()
    if pp.lbp_sent_date is None:
        return "letter before proceedings", calendar.add_working_days(pp.start_date, settings.letter_working_days)
    if not pp.meetings.filter(kind=MeetingKind.INITIAL).exists():
        return "initial pre-proceedings meeting", calendar.add_working_days(
            pp.lbp_sent_date, settings.initial_meeting_working_days
        )
    due = pp.start_date + dt.timedelta(weeks=settings.decision_weeks)
    while not calendar.is_working_day(due):  # a limit on a non-working day: the working day before
        due -= dt.timedelta(days=1)
    return "decision to issue or step down", due


def _london(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON)


def _deadline(pp: PreProceedings, *, assignee: User | None = None) -> None:
    """The next step's clock, set as every child protection clock is (macpt.services.deadlines.timescale_set: due at
    the end of its working day, reminded the working day before, the LCPPs told of a breach); met by the decision."""
    calendar = Calendar.from_database()
    step = next_step(pp, calendar=calendar)
    if step is None:
        deadline_met(kind=DEADLINE_KIND, target=pp)
        return
    what, due_on = step
    timescale_set(
        kind=DEADLINE_KIND,
        target=pp,
        due_on=due_on,
        person_ids=[pp.person_id],
        assignee=assignee or pp.started_by,
        # The reference, never the child's name: the label is a notification's title and an email's subject.
        label=f"Pre-proceedings {pp.reference}: {what} due",
        link=pre_proceedings_link(pp),
        calendar=calendar,
    )


# --- writes ----------------------------------------------------------------------------------------------------


def _chronology(pp: PreProceedings, actor: User, *, kind: str, summary: str, on: dt.date, significant=True) -> None:
    # A date's event at noon London time: its day, whichever the clocks say.
    chronology_add(
        person=pp.person,
        actor=actor,
        strand=Strand.MACPT,
        kind=f"macpt.pre_proceedings.{kind}",
        summary=summary,
        occurred_at=_london(on, dt.time(12, 0)),
        significant=significant,
        target=pp,
        link=pre_proceedings_link(pp),
    )


def _step_up_episode(person: Person, actor: User, start: dt.date) -> None:
    """The child's open episode moves to the council's pre-proceedings level (census meaning), if it is below it."""
    episode = Episode.objects.filter(person=person, closed_on__isnull=True).first()
    level = NeedLevel.objects.filter(census_meaning=CensusMeaning.PRE_PROCEEDINGS, active=True).order_by("rank").first()
    if episode is None or level is None or episode_current_level(episode).rank >= level.rank:
        return
    episode_change_level(
        episode=episode,
        actor=actor,
        level=level,
        reason=f"Pre-proceedings started: legal planning meeting on {_day(start)}",
    )


@transaction.atomic
def pre_proceedings_start(*, person: Person, actor: User, start_date: dt.date | None) -> PreProceedings:
    """The legal planning meeting decided to start pre-proceedings for this child (PPStartDate). One open
    pre-proceedings per child; the child's open episode moves to the pre-proceedings level."""
    _require(actor, person.pk)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one start at a time per child
    current = PreProceedings.objects.filter(person=person, step_decision_date__isnull=True).first()
    if current is not None:
        raise ValidationError(
            {"start_date": [f"Pre-proceedings are already open for this child (since {_day(current.start_date)})"]}
        )
    pp = PreProceedings(person=person, start_date=start_date, started_by=actor)
    errors = pre_proceedings_errors(_values(pp))
    if errors:
        raise ValidationError(errors)
    pp.full_clean(exclude=["person", "started_by"])
    pp.save()
    _chronology(
        pp,
        actor,
        kind="started",
        summary=f"Pre-proceedings started: legal planning meeting on {_day(start_date)}",
        on=start_date,
    )
    _step_up_episode(person, actor, start_date)
    _deadline(pp, assignee=actor)
    audit_record(
        actor=actor, verb="macpt.pre_proceedings.started", target=pp, child_ids=[person.pk], fields=["start_date"]
    )
    return pp


def _step_summaries(before: dict, after: dict, settings: PreProceedingsSettings) -> list[tuple[str, str, dt.date]]:
    """(kind, summary, day) of each step this change records or corrects, for the chronology."""
    steps = []

    def changed(*fields: str) -> bool:
        return any(before.get(f) != after.get(f) for f in fields)

    if changed("start_date") and after["start_date"]:
        steps.append(
            ("start_corrected", f"Pre-proceedings start corrected to {_day(after['start_date'])}", after["start_date"])
        )
    if changed("lbp_sent_date") and after["lbp_sent_date"]:
        steps.append(
            ("letter_sent", f"Letter before proceedings sent on {_day(after['lbp_sent_date'])}", after["lbp_sent_date"])
        )
    if changed("step_decision_date", "outcome") and after["step_decision_date"]:
        steps.append(
            (
                "decision",
                f"Decision on {_day(after['step_decision_date'])}: {outcome_label(after['outcome'], settings)}",
                after["step_decision_date"],
            )
        )
    if changed("court_application_date") and after["court_application_date"]:
        steps.append(
            (
                "court_application",
                f"Application to court for care proceedings submitted on {_day(after['court_application_date'])}",
                after["court_application_date"],
            )
        )
    if changed("letter_initiating_date") and after["letter_initiating_date"]:
        steps.append(
            (
                "letter_initiating",
                f"Letter initiating care proceedings sent on {_day(after['letter_initiating_date'])}",
                after["letter_initiating_date"],
            )
        )
    return steps


@transaction.atomic
def pre_proceedings_update(
    *, pre_proceedings: PreProceedings, actor: User, data: dict, expected_version: int | None = None
) -> PreProceedings:
    """Record the steps of pre-proceedings (the letter, the decision and its outcome, the court
    application, the letter initiating proceedings) or correct them: every module 5 rule on the whole set, so a
    change never leaves the record out of order. A page open while a colleague changed it is refused (Conflict)."""
    pp = PreProceedings.objects.select_for_update().select_related("person").get(pk=pre_proceedings.pk)
    _require(actor, pp.person_id)
    if expected_version is not None and expected_version != pp.version:
        raise Conflict(obj=pp, current=_values(pp))
    before = _values(pp)
    after = {**before, **{k: data[k] for k in EDIT_FIELDS if k in data}}
    after["outcome"] = after.get("outcome") or ""
    errors = pre_proceedings_errors(after, meetings=_meetings(pp))
    if errors:
        raise ValidationError(errors)
    changed = [f for f in EDIT_FIELDS if before[f] != after[f]]
    if not changed:
        return pp
    for field in changed:
        setattr(pp, field, after[field])
    pp.version += 1
    pp.full_clean(exclude=["person", "started_by"])
    pp.save(update_fields=[*changed, "version", "updated_at"])
    settings = PreProceedingsSettings.load()
    for kind, summary, on in _step_summaries(before, after, settings):
        _chronology(pp, actor, kind=kind, summary=summary, on=on or timezone.localdate())
    _deadline(pp)
    audit_record(actor=actor, verb="macpt.pre_proceedings.updated", target=pp, child_ids=[pp.person_id], fields=changed)
    return pp


@transaction.atomic
def pre_proceedings_meeting_add(
    *, pre_proceedings: PreProceedings, actor: User, kind: str, held_on: dt.date | None, notes: str = ""
) -> PreProceedingsMeeting:
    """A pre-proceedings meeting held: the first is the initial meeting (InitialPPMeetingDate), those after it
    reviews (ReviewMeetingsCount). The initial meeting follows the letter before proceedings; reviews follow the
    initial meeting; none is after the decision to issue or step down, or in the future."""
    pp = PreProceedings.objects.select_for_update().select_related("person").get(pk=pre_proceedings.pk)
    _require(actor, pp.person_id)
    errors: dict[str, list[str]] = {}
    initial = pp.meetings.filter(kind=MeetingKind.INITIAL).first()
    if kind not in MeetingKind.values:
        errors["kind"] = ["Choose the initial meeting or a review meeting"]
    elif kind == MeetingKind.INITIAL and initial is not None:
        errors["kind"] = [f"The initial meeting is already recorded ({_day(initial.held_on)}): this is a review"]
    elif kind == MeetingKind.REVIEW and initial is None:
        errors["kind"] = ["Record the initial meeting first: review meetings follow it"]
    if held_on is None:
        errors["held_on"] = ["Enter the date of the meeting"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["The date of the meeting cannot be in the future"]
    elif held_on < pp.start_date:
        errors["held_on"] = [f"The meeting cannot be before pre-proceedings started ({_day(pp.start_date)})"]
    elif pp.step_decision_date is not None and held_on > pp.step_decision_date:
        errors["held_on"] = [
            f"Pre-proceedings ended with the decision on {_day(pp.step_decision_date)}: no meeting after it"
        ]
    elif kind == MeetingKind.INITIAL and pp.lbp_sent_date is None:
        errors["held_on"] = ["Record the letter before proceedings first: it invites the parents to this meeting"]
    elif kind == MeetingKind.INITIAL and held_on < pp.lbp_sent_date:
        errors["held_on"] = [f"The initial meeting follows the letter before proceedings ({_day(pp.lbp_sent_date)})"]
    elif kind == MeetingKind.REVIEW and initial is not None and held_on < initial.held_on:
        errors["held_on"] = [f"A review follows the initial meeting ({_day(initial.held_on)})"]
    if errors:
        raise ValidationError(errors)
    meeting = PreProceedingsMeeting(
        pre_proceedings=pp, kind=kind, held_on=held_on, notes=(notes or "").strip(), recorded_by=actor
    )
    meeting.full_clean(exclude=["pre_proceedings", "recorded_by"])
    meeting.save()
    PreProceedings.objects.filter(pk=pp.pk).update(version=pp.version + 1, updated_at=timezone.now())
    _chronology(pp, actor, kind=f"meeting.{kind}", summary=f"{meeting.get_kind_display()} held", on=held_on)
    _deadline(pp)
    audit_record(
        actor=actor,
        verb="macpt.pre_proceedings.meeting_added",
        target=meeting,
        child_ids=[pp.person_id],
        fields=["kind", "held_on", "notes"] if meeting.notes else ["kind", "held_on"],
        related={"pre_proceedings": pp},
    )
    return meeting


@transaction.atomic
def kinship_assessment_add(*, pre_proceedings: PreProceedings, actor: User, data: dict) -> KinshipAssessment:
    """A kinship or connected-person assessment started during pre-proceedings: of a person in the child's network
    or someone named, with how they are connected; its end (date and outcome) when known."""
    pp = PreProceedings.objects.select_for_update().select_related("person").get(pk=pre_proceedings.pk)
    _require(actor, pp.person_id)
    carer = data.get("carer")
    assessment = KinshipAssessment(
        pre_proceedings=pp,
        kind=data.get("kind") or "",
        carer=carer,
        carer_name=(data.get("carer_name") or "").strip(),
        relationship=(data.get("relationship") or "").strip(),
        started_on=data.get("started_on"),
        completed_on=data.get("completed_on"),
        outcome=data.get("outcome") or "",
        recorded_by=actor,
    )
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if assessment.kind not in KinshipKind.values:
        errors["kind"] = ["Choose the kind of assessment"]
    if carer is None and not assessment.carer_name:
        errors["carer_name"] = ["Choose a person from the child's network or enter the name of who is assessed"]
    if not assessment.relationship:
        errors["relationship"] = ["Say how they are connected to the child"]
    started = assessment.started_on
    if started is None:
        errors["started_on"] = ["Enter the date the assessment started"]
    elif started > today:
        errors["started_on"] = ["The date the assessment started cannot be in the future"]
    elif started < pp.start_date:
        errors["started_on"] = [f"Record assessments started in pre-proceedings (from {_day(pp.start_date)})"]
    if assessment.completed_on is not None or assessment.outcome:
        if assessment.completed_on is None:
            errors["completed_on"] = ["Enter the date it was completed, or leave the outcome empty"]
        elif assessment.completed_on > today:
            errors["completed_on"] = ["The date it was completed cannot be in the future"]
        elif started is not None and assessment.completed_on < started:
            errors["completed_on"] = ["It cannot be completed before it started"]
        if assessment.outcome not in KinshipOutcome.values:
            errors["outcome"] = ["Choose the outcome, or leave the completion date empty"]
    if errors:
        raise ValidationError(errors)
    assessment.full_clean(exclude=["pre_proceedings", "carer", "recorded_by"])
    assessment.save()
    who = carer.display_name if carer is not None else assessment.carer_name
    _chronology(
        pp,
        actor,
        kind="kinship_assessment",
        summary=f"{assessment.get_kind_display()} started: {who} ({assessment.relationship})",
        on=started,
        significant=False,
    )
    audit_record(
        actor=actor,
        verb="macpt.kinship_assessment.added",
        target=assessment,
        child_ids=[pp.person_id],
        fields=["kind", "carer", "carer_name", "relationship", "started_on", "completed_on", "outcome"],
        related={"pre_proceedings": pp, "carer": carer},
    )
    return assessment
