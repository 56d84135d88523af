"""The family group decision-making meeting (issue 15 item 4) and the family's plan made at it.

Rules kept here, so that pages, the API and the shell all obey them:
- only the referral's allocated facilitator records the meeting and what happened at it (policy FACILITATE, and the
  facilitator named on the referral), for children whose whole record they see;
- the meeting has been held (its date is not in the future), and it had private family time: a start and an end, the
  end after the start; professionals record nothing during it, so no information item is timed inside it;
- information a professional shared carries its source's tag (police or health information from a police or health
  professional, as child protection's reports do) besides any the facilitator adds (cases.policy tag rules);
- the family's plan is in the family's words (what, who, when, what if not); the professionals say whether it keeps
  the children safe, and why not if it does not; the review is after the meeting;
- the family's plan joins the family's ONE plan in the shared record (cases.Plan), started by the facilitator as
  FGDM-led when the family has none (cases policy START_PLAN_AT_FAMILY_MEETING); the children's leads are told; the
  review is a shared deadline (kind fgdm.review, on the meeting), reminded once by the shared sweep.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import Agency, FamilyCase, FamilyCaseMember, Person, Plan, Strand, User, VisibilityTag
from cases.permissions import person_record_scope
from cases.selectors import current_leads_of
from cases.services import audit_record, chronology_add, deadline_reassign, deadline_set, notify, plan_start
from cases.workdays import LONDON

from ..models import FamilyPlanItem, FgdmMeeting, FgdmReferral, MeetingAttendee, SharedInformation, SupportRequest
from ..permissions import FACILITATE, REVIEW

REVIEW_DEADLINE = "fgdm.review"
# The review falls due at the end of its day; the facilitator is reminded a week before, at the start of the day.
REVIEW_DUE_TIME = dt.time(17, 0)
REVIEW_WARN_TIME = dt.time(9, 0)
REVIEW_WARN_BEFORE = dt.timedelta(days=7)
AGENCY_TAGS = {"police": VisibilityTag.POLICE, "health": VisibilityTag.HEALTH}

NO_PRIVATE_TIME = (
    "Record when private family time started and ended: a family group decision-making meeting always gives the "
    "family time on their own to make their plan"
)


def meeting_link(meeting: FgdmMeeting) -> str:
    return reverse("fgdm:meeting", args=[meeting.pk])


def meeting_children(meeting: FgdmMeeting) -> list[Person]:
    return list(meeting.referral.offer.children.order_by("date_of_birth", "pk"))


def _child_ids(referral: FgdmReferral) -> list[int]:
    return sorted(referral.offer.children.values_list("pk", flat=True))


def _require_in_scope(actor: User, child_ids: list[int]) -> None:
    seen = set(person_record_scope(actor, relatives=False).filter(pk__in=child_ids).values_list("pk", flat=True))
    if not child_ids or seen != set(child_ids):
        raise PermissionDenied("Not every child is in your scope")


def may_facilitate(actor: User, referral: FgdmReferral) -> bool:
    """The referral's allocated facilitator (policy FACILITATE), and nobody else."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and policy.may(actor, FACILITATE)
        and referral.facilitator_id is not None
        and referral.facilitator_id == actor.pk
    )


def may_review(actor: User) -> bool:
    return bool(actor.is_authenticated and actor.is_active and policy.may(actor, REVIEW))


def _require_facilitator(actor: User, referral: FgdmReferral) -> None:
    if not may_facilitate(actor, referral):
        raise PermissionDenied("Only the family's allocated facilitator records the meeting")
    _require_in_scope(actor, _child_ids(referral))


def family_case_for(meeting: FgdmMeeting) -> FamilyCase | None:
    """The family the offer was made to, else the family the children are in now."""
    offer = meeting.referral.offer
    if offer.family_case_id:
        return offer.family_case
    member = (
        FamilyCaseMember.objects.filter(
            person__in=offer.children.all(), role=FamilyCaseMember.Role.CHILD, end_date__isnull=True
        )
        .select_related("family_case")
        .order_by("-start_date", "-pk")
        .first()
    )
    return member.family_case if member else None


def _fmt(value: dt.time) -> str:
    return value.strftime("%H:%M")


def _chronology(meeting: FgdmMeeting, actor: User, kind: str, summary: str) -> None:
    for child in meeting_children(meeting):
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.FGDM,
            kind=kind,
            summary=summary,
            significant=True,
            target=meeting,
            link=meeting_link(meeting),
        )


def tell_leads(
    *, meeting: FgdmMeeting, actor: User, event: str, title: str, body: str, also: tuple[User | None, ...] = ()
) -> None:
    """The children's lead practitioners (and `also`, e.g. the facilitator) hear of the family's plan and its reviews:
    safety-relevant, never silent. The title names the meeting, never the child."""
    told = {u.pk: u for u in current_leads_of(person_ids=_child_ids(meeting.referral))}
    told.update({u.pk: u for u in also if u is not None and u.is_active})
    for lead in told.values():
        if lead.pk != actor.pk:
            notify(
                user=lead,
                kind=f"fgdm.{event}",
                unique_key=f"fgdm_meeting:{meeting.pk}:{event}:{lead.pk}",
                title=title,
                body=body,
                link=meeting_link(meeting),
                send_email=True,
            )


# --- the meeting -------------------------------------------------------------------------------------------------


def check_private_time(errors: dict, start: dt.time | None, end: dt.time | None) -> None:
    if start is None and end is None:
        errors["private_time_start"] = [NO_PRIVATE_TIME]
        return
    if start is None:
        errors["private_time_start"] = ["Enter when private family time started"]
    if end is None:
        errors["private_time_end"] = ["Enter when private family time ended"]
    if start is not None and end is not None and end <= start:
        errors["private_time_end"] = [
            f"Private family time must end after it starts ({_fmt(start)}): check the times, using the 24-hour clock"
        ]


@transaction.atomic
def meeting_record(
    *,
    referral: FgdmReferral,
    actor: User,
    held_on: dt.date | None,
    private_time_start: dt.time | None,
    private_time_end: dt.time | None,
    family: Iterable[Person] = (),
    professionals: Iterable[User] = (),
) -> FgdmMeeting:
    """Record that the meeting was held: its date, private family time, and who came from the family network and the
    professionals (more attendees: meeting_attendee_add)."""
    _require_facilitator(actor, referral)
    locked = FgdmReferral.objects.select_for_update().get(pk=referral.pk)
    errors: dict[str, list[str]] = {}
    if locked.status != FgdmReferral.Status.PREPARING:
        errors["__all__"] = [
            f"This referral is {locked.get_status_display().lower()}: a meeting is recorded once, after preparation"
        ]
    if held_on is None:
        errors["held_on"] = ["Enter the date of the meeting"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["The meeting's date cannot be in the future: record the meeting once it has been held"]
    elif held_on < locked.referred_on:
        errors["held_on"] = [f"The meeting cannot be before the referral ({locked.referred_on:%-d %B %Y})"]
    check_private_time(errors, private_time_start, private_time_end)
    if errors:
        raise ValidationError(errors)
    meeting = FgdmMeeting(
        referral=locked,
        held_on=held_on,
        private_time_start=private_time_start,
        private_time_end=private_time_end,
        recorded_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    for person in family:
        _attendee_save(meeting, person=person)
    for user in professionals:
        _attendee_save(meeting, user=user)
    FgdmReferral.objects.filter(pk=locked.pk, status=FgdmReferral.Status.PREPARING).update(
        status=FgdmReferral.Status.MEETING_HELD, updated_at=timezone.now()
    )
    referral.status = FgdmReferral.Status.MEETING_HELD
    audit_record(
        actor=actor,
        verb="fgdm.meeting_recorded",
        target=meeting,
        child_ids=_child_ids(locked),
        fields=["held_on", "private_time_start", "private_time_end", "attendees"],
        related={"referral": locked},
    )
    _chronology(
        meeting,
        actor,
        "fgdm_meeting_held",
        f"{locked.get_meeting_type_display()} held on {held_on:%-d %B %Y}, with private family time from "
        f"{_fmt(private_time_start)} to {_fmt(private_time_end)}",
    )
    return meeting


def _attendee_save(
    meeting: FgdmMeeting,
    *,
    person: Person | None = None,
    user: User | None = None,
    name: str = "",
    agency: Agency | None = None,
) -> MeetingAttendee:
    if person is not None:
        attendee = MeetingAttendee(
            meeting=meeting, kind=MeetingAttendee.Kind.FAMILY, person=person, name=name or person.full_name
        )
    elif user is not None:
        attendee = MeetingAttendee(
            meeting=meeting,
            kind=MeetingAttendee.Kind.PROFESSIONAL,
            user=user,
            agency=agency or user.agency,
            name=name or user.full_name,
        )
    else:
        attendee = MeetingAttendee(meeting=meeting, kind=MeetingAttendee.Kind.PROFESSIONAL, agency=agency, name=name)
    attendee.full_clean()
    attendee.save()
    return attendee


@transaction.atomic
def meeting_attendee_add(
    *,
    meeting: FgdmMeeting,
    actor: User,
    person: Person | None = None,
    user: User | None = None,
    name: str = "",
    agency: Agency | None = None,
) -> MeetingAttendee:
    """Someone else who came: a member of the family network (a person in the record), a professional who uses the
    system (their agency with them), or a professional named with their agency."""
    _require_facilitator(actor, meeting.referral)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if person is None and user is None:
        if not name:
            errors["name"] = ["Choose who came, or enter the professional's name"]
        if agency is None:
            errors["agency"] = ["Choose the professional's agency"]
    if person is not None and meeting.attendees.filter(person=person).exists():
        errors["person"] = [f"{person.full_name} is already recorded as there"]
    if user is not None and meeting.attendees.filter(user=user).exists():
        errors["user"] = [f"{user.full_name} is already recorded as there"]
    if errors:
        raise ValidationError(errors)
    attendee = _attendee_save(meeting, person=person, user=user, name=name, agency=agency)
    audit_record(
        actor=actor,
        verb="fgdm.meeting_attendee_added",
        target=attendee,
        child_ids=_child_ids(meeting.referral),
        fields=["kind", "name"],
        related={"meeting": meeting, "person": person, "user": user, "agency": attendee.agency_id},
    )
    return attendee


def _information_tags(attendee: MeetingAttendee | None, tags) -> list[str]:
    chosen = {t for t in (tags or []) if t in VisibilityTag.values}
    agency_type = attendee.agency.type if attendee is not None and attendee.agency_id else ""
    source = AGENCY_TAGS.get(agency_type)
    if source:
        chosen.add(source)
    return sorted(chosen)


@transaction.atomic
def meeting_information_add(
    *,
    meeting: FgdmMeeting,
    actor: User,
    shared_by: MeetingAttendee | None,
    text: str,
    tags=(),
    shared_at: dt.time | None = None,
) -> SharedInformation:
    """What a professional at the meeting shared with the family, tagged by its source (police and health
    information carry theirs, whatever else is chosen)."""
    _require_facilitator(actor, meeting.referral)
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = ["Write what the professional shared"]
    if shared_by is None:
        errors["shared_by"] = ["Choose the professional who shared it"]
    elif shared_by.meeting_id != meeting.pk or shared_by.kind != MeetingAttendee.Kind.PROFESSIONAL:
        errors["shared_by"] = ["Choose a professional who was at this meeting"]
    elif shared_by.agency_id is None:
        errors["shared_by"] = [f"{shared_by.name} has no agency recorded: add them again with their agency"]
    if shared_at is not None and meeting.private_time_start <= shared_at < meeting.private_time_end:
        errors["shared_at"] = [
            f"Professionals record nothing during private family time ({_fmt(meeting.private_time_start)} to "
            f"{_fmt(meeting.private_time_end)}): give the time it was shared, before or after it"
        ]
    if errors:
        raise ValidationError(errors)
    item = SharedInformation(
        meeting=meeting,
        agency_id=shared_by.agency_id,
        author=actor,
        shared_by=shared_by,
        shared_at=shared_at,
        text=text,
        tags=_information_tags(shared_by, tags),
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        verb="fgdm.meeting_information_added",
        target=item,
        child_ids=_child_ids(meeting.referral),
        fields=["text", "tags", "shared_at"],
        related={"meeting": meeting, "agency": item.agency_id},
    )
    return item


@transaction.atomic
def meeting_plan_item_add(
    *,
    meeting: FgdmMeeting,
    actor: User,
    what: str,
    who: str,
    when: str,
    contingency: str = "",
    not_for_family: bool = False,
) -> FamilyPlanItem:
    """One line of the family's plan, in the family's words."""
    _require_facilitator(actor, meeting.referral)
    values = {"what": (what or "").strip(), "who": (who or "").strip(), "when": (when or "").strip()}
    messages = {
        "what": "Write what the family will do, in their words",
        "who": "Write who will do it",
        "when": "Write when they will do it",
    }
    errors = {name: [messages[name]] for name, value in values.items() if not value}
    if errors:
        raise ValidationError(errors)
    item = FamilyPlanItem(
        meeting=meeting,
        contingency=(contingency or "").strip(),
        not_for_family=bool(not_for_family),
        order=meeting.plan_items.count() + 1,
        **values,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        verb="fgdm.family_plan_item_added",
        target=item,
        child_ids=_child_ids(meeting.referral),
        fields=["what", "who", "when", "contingency", "not_for_family"],
        related={"meeting": meeting},
    )
    return item


@transaction.atomic
def meeting_support_add(
    *,
    meeting: FgdmMeeting,
    actor: User,
    kind: str,
    description: str,
    family_network_support_package: bool = False,
    cost: Decimal | None = None,
) -> SupportRequest:
    """Support the family asked for: practical, financial (a Family Network Support Package, with its cost) or a
    service."""
    _require_facilitator(actor, meeting.referral)
    errors: dict[str, list[str]] = {}
    if kind not in SupportRequest.Kind.values:
        errors["kind"] = ["Choose the kind of support: practical, financial or a service"]
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Describe the support the family asked for"]
    if cost is not None and cost < 0:
        errors["cost"] = ["The cost cannot be negative: enter the amount in pounds, like 250.00"]
    elif family_network_support_package and cost is None:
        errors["cost"] = ["Enter the cost of the Family Network Support Package"]
    if errors:
        raise ValidationError(errors)
    support = SupportRequest(
        meeting=meeting,
        kind=kind,
        description=description,
        family_network_support_package=bool(family_network_support_package),
        cost=cost,
    )
    support.full_clean()
    support.save()
    audit_record(
        actor=actor,
        verb="fgdm.support_requested",
        target=support,
        child_ids=_child_ids(meeting.referral),
        fields=["kind", "description", "family_network_support_package", "cost"],
        related={"meeting": meeting},
    )
    return support


def _check_review_date(errors: dict, meeting: FgdmMeeting, review_date: dt.date | None, *, field: str) -> None:
    if review_date is not None and review_date <= meeting.held_on:
        errors[field] = [f"The review must be after the meeting (held on {meeting.held_on:%-d %B %Y})"]


def _family_plan(meeting: FgdmMeeting, actor: User, family_case: FamilyCase, review_date: dt.date | None) -> Plan:
    """The family's one plan, started as FGDM-led when there is none (cases policy START_PLAN_AT_FAMILY_MEETING)."""
    plan = Plan.objects.filter(family_case=family_case).first()
    if plan is not None:
        return plan
    data = {
        "worries": meeting.referral.reason,
        "family_views": f"The family made their own plan at the {meeting.referral.get_meeting_type_display().lower()} "
        f"on {meeting.held_on:%-d %B %Y}.",
    }
    if review_date is not None and review_date >= timezone.localdate():
        data["next_review_on"] = review_date
    return plan_start(family_case=family_case, actor=actor, data=data, led_by_strand=Strand.FGDM)


def review_deadline_set(*, meeting: FgdmMeeting, review_date: dt.date) -> None:
    """The review as a shared deadline on the meeting (set, or moved when the date changes): due at the end of the
    review's day, the facilitator reminded a week before (once: the shared sweep)."""
    due_at = dt.datetime.combine(review_date, REVIEW_DUE_TIME, tzinfo=LONDON)
    warn_at = dt.datetime.combine(review_date - REVIEW_WARN_BEFORE, REVIEW_WARN_TIME, tzinfo=LONDON)
    deadline_set(
        kind=REVIEW_DEADLINE,
        label=f"Review of the family's plan from the meeting on {meeting.held_on:%-d %B %Y}",
        target=meeting,
        due_at=due_at,
        warn_at=warn_at,
        person_ids=_child_ids(meeting.referral),
        assignee=meeting.referral.facilitator,
        link=meeting_link(meeting),
    )


def review_deadlines_reassign(*, referral: FgdmReferral, facilitator: User) -> None:
    """A facilitator allocated in place of another after the meeting receives its review reminders (called by the
    referral's reallocation, in its transaction)."""
    for meeting in referral.meetings.all():
        deadline_reassign(kind=REVIEW_DEADLINE, target=meeting, assignee=facilitator)


@transaction.atomic
def meeting_plan_agree(
    *,
    meeting: FgdmMeeting,
    actor: User,
    plan_agreed: bool,
    keeps_child_safe: bool | None,
    review_date: dt.date | None,
    not_safe_reason: str = "",
) -> FgdmMeeting:
    """The outcome: did the family agree a plan, do the professionals agree it keeps the children safe (why not, if
    not), and when it is reviewed. An agreed plan joins the family's one plan; the leads are told."""
    _require_facilitator(actor, meeting.referral)
    locked = FgdmMeeting.objects.select_for_update().select_related("referral", "referral__offer").get(pk=meeting.pk)
    not_safe_reason = (not_safe_reason or "").strip()
    errors: dict[str, list[str]] = {}
    if locked.plan_id is not None:
        errors["__all__"] = ["The family's plan is already agreed: record a review to change it"]
    if plan_agreed:
        if not locked.plan_items.exists():
            errors["plan_agreed"] = ["Add the family's plan (what, who, when) before recording that it was agreed"]
        if keeps_child_safe is None:
            errors["keeps_child_safe"] = ["Say whether the professionals agree the plan keeps the children safe"]
        elif keeps_child_safe is False and not not_safe_reason:
            errors["not_safe_reason"] = ["Say why the professionals do not agree the plan keeps the children safe"]
        if review_date is None:
            errors["review_date"] = ["Enter the date the family's plan will be reviewed"]
    _check_review_date(errors, locked, review_date, field="review_date")
    family_case = family_case_for(locked)
    if plan_agreed and family_case is None:
        errors.setdefault("__all__", []).append("The children are in no family in the record: add them to one first")
    if errors:
        raise ValidationError(errors)
    locked.plan_agreed = bool(plan_agreed)
    locked.keeps_child_safe = keeps_child_safe if plan_agreed else None
    locked.not_safe_reason = not_safe_reason if keeps_child_safe is False else ""
    locked.review_date = review_date
    if plan_agreed:
        locked.plan = _family_plan(locked, actor, family_case, review_date)
    locked.full_clean()
    locked.save(
        update_fields=["plan_agreed", "keeps_child_safe", "not_safe_reason", "review_date", "plan", "updated_at"]
    )
    if review_date is not None:
        review_deadline_set(meeting=locked, review_date=review_date)
    audit_record(
        actor=actor,
        verb="fgdm.family_plan_agreed" if plan_agreed else "fgdm.family_plan_not_agreed",
        target=locked,
        child_ids=_child_ids(locked.referral),
        fields=["plan_agreed", "keeps_child_safe", "not_safe_reason", "review_date", "plan"],
        related={"plan": locked.plan_id},
    )
    if plan_agreed:
        safe = (
            "the professionals agree it keeps the children safe"
            if keeps_child_safe
            else "the professionals do not agree it keeps the children safe"
        )
        summary = f"The family agreed their plan at the meeting on {locked.held_on:%-d %B %Y}; {safe}"
    else:
        summary = f"The family did not agree a plan at the meeting on {locked.held_on:%-d %B %Y}"
    if review_date is not None:
        summary += f". Review on {review_date:%-d %B %Y}"
    _chronology(locked, actor, "fgdm_family_plan_agreed" if plan_agreed else "fgdm_family_plan_not_agreed", summary)
    tell_leads(
        meeting=locked,
        actor=actor,
        event="family_plan_agreed" if plan_agreed else "family_plan_not_agreed",
        title="A family's own plan was agreed at a family group decision-making meeting"
        if plan_agreed
        else "No family plan was agreed at a family group decision-making meeting",
        body=summary + ".",
    )
    meeting.plan_agreed, meeting.keeps_child_safe, meeting.review_date = (
        locked.plan_agreed,
        locked.keeps_child_safe,
        locked.review_date,
    )
    meeting.not_safe_reason, meeting.plan_id = locked.not_safe_reason, locked.plan_id
    return locked


@transaction.atomic
def meeting_review_date_set(*, meeting: FgdmMeeting, actor: User, review_date: dt.date | None) -> FgdmMeeting:
    """A new date for the next review: the shared deadline moves with it (its one reminder is not sent again)."""
    if not may_review(actor):
        raise PermissionDenied("Only the facilitator, the family's lead practitioner or an LCPP reviews the plan")
    _require_in_scope(actor, _child_ids(meeting.referral))
    locked = FgdmMeeting.objects.select_for_update().select_related("referral").get(pk=meeting.pk)
    errors: dict[str, list[str]] = {}
    if review_date is None:
        errors["review_date"] = ["Enter the new review date"]
    elif review_date < timezone.localdate():
        errors["review_date"] = ["The new review date must be today or later"]
    _check_review_date(errors, locked, review_date, field="review_date")
    if errors:
        raise ValidationError(errors)
    before = locked.review_date
    locked.review_date = review_date
    locked.save(update_fields=["review_date", "updated_at"])
    review_deadline_set(meeting=locked, review_date=review_date)
    audit_record(
        actor=actor,
        verb="fgdm.review_date_changed",
        target=locked,
        child_ids=_child_ids(locked.referral),
        fields=["review_date"],
    )
    _chronology(
        locked,
        actor,
        "fgdm_review_date_changed",
        f"The review of the family's plan moved to {review_date:%-d %B %Y}"
        + (f" (was {before:%-d %B %Y})" if before else ""),
    )
    tell_leads(
        meeting=locked,
        actor=actor,
        event=f"review_date_{review_date.isoformat()}",
        title="The review of a family's own plan has a new date",
        body=f"The review is now on {review_date:%-d %B %Y}.",
        also=(locked.referral.facilitator,),  # the reminder's receiver: a lead may move the date
    )
    meeting.review_date = review_date
    return locked
