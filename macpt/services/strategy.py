"""Strategy discussions and meetings: started by an LCPP (from the strategy-discussion request or directly), about one
child or several siblings; attendees by agency; the information each agency shares, tagged by its source; the decision
for each child; the record shared with the attendees within the configured working days (deadline
macpt.strategy_record)."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import (
    Agency,
    AgencyType,
    Episode,
    Involvement,
    InvolvementRole,
    Person,
    Strand,
    Team,
    User,
    VisibilityTag,
    WorkRequest,
)
from cases.permissions import person_record_scope
from cases.services import (
    audit_record,
    chronology_add,
    deadline_met,
    deadline_set,
    involvement_add,
    notify,
    work_request_create,
    work_request_take,
)
from cases.workdays import LONDON, WORKDAY_START, Calendar

from ..models import MacptSettings, StrategyAttendee, StrategyChild, StrategyDiscussion, StrategyInformation
from ..permissions import CHAIR, CONTRIBUTE
from .deadlines import ESCALATE_ROLE, STRATEGY_RECORD
from .enquiries import s47_start

RECORD_DEADLINE = STRATEGY_RECORD

# Information shared by these agencies carries their tag, whatever else the author adds (cases.policy TAG_RULES).
SOURCE_TAGS = {AgencyType.POLICE: VisibilityTag.POLICE, AgencyType.HEALTH: VisibilityTag.HEALTH}


def discussion_reference(discussion: StrategyDiscussion) -> str:
    """How a discussion is named where the children must not be (notification titles, deadline labels)."""
    return f"SD{discussion.pk:06d}"


def discussion_link(discussion: StrategyDiscussion) -> str:
    return reverse("macpt:strategy", args=[discussion.pk])


def _require(actor: User, action: str, refused: str) -> None:
    if not policy.may(actor, action):
        raise PermissionDenied(refused)


def _require_children_in_scope(actor: User, person_ids: Iterable[int]) -> None:
    ids = set(person_ids)
    if person_record_scope(actor, relatives=False).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied("No such child")


def _require_open(discussion: StrategyDiscussion) -> None:
    if discussion.record_shared_at is not None:
        raise ValidationError(
            f"The record was shared on {timezone.localtime(discussion.record_shared_at):%d %B %Y at %H:%M}: "
            "it can no longer be changed"
        )


def _child_ids(discussion: StrategyDiscussion) -> list[int]:
    return list(discussion.children.values_list("person_id", flat=True))


def record_due(*, held_at: dt.datetime, settings: MacptSettings | None = None, calendar: Calendar | None = None):
    """(due_at, warn_at) of the record's circulation: the configured working days after the discussion, at the same
    time of day (a discussion on a non-working day counts from 09:00 on the next working day); the reminder at the
    start of the due day."""
    settings = settings or MacptSettings.load()
    calendar = calendar or Calendar.from_database()
    local = held_at.astimezone(LONDON)
    day, time = local.date(), local.time().replace(tzinfo=None)
    if not calendar.is_working_day(day):
        day, time = calendar.next_working_day(day), WORKDAY_START
    due_day = calendar.add_working_days(day, settings.strategy_record_working_days)
    due_at = dt.datetime.combine(due_day, time, tzinfo=LONDON)
    warn_at = max(dt.datetime.combine(due_day, WORKDAY_START, tzinfo=LONDON), held_at)
    return due_at, min(warn_at, due_at)


def _open_macpt_involvement(*, person: Person, team: Team, actor: User, on: dt.date) -> None:
    """The MACPT works with the child from the discussion: its members reach the child's record (cases.permissions)."""
    active = Involvement.objects.active().filter(person=person, team=team, role=InvolvementRole.MACPT_MEMBER)
    if not active.exists():
        involvement_add(person=person, actor=actor, role=InvolvementRole.MACPT_MEMBER, team=team, start_date=on)


@transaction.atomic
def strategy_discussion_start(
    *,
    actor: User,
    team: Team,
    children: list[Person],
    held_at: dt.datetime,
    form: str = StrategyDiscussion.Form.DISCUSSION,
    reason: str = "",
    work_request: WorkRequest | None = None,
) -> StrategyDiscussion:
    """An LCPP starts a strategy discussion or meeting for a child and any brothers and sisters. From a request: the
    request is accepted here (the LCPP becomes the child's LCPP), and so is any open strategy-discussion request for
    a sibling the discussion covers, so none waits in the inbox for a discussion already held. The team's MACPT works
    with each child from now on."""
    _require(actor, CHAIR, "Only a Lead Child Protection Practitioner chairs a strategy discussion")
    people = list({p.pk: p for p in children}.values())
    if not people:
        raise ValidationError({"children": ["Choose the children the discussion is about"]})
    _require_children_in_scope(actor, [p.pk for p in people])
    if not team.multi_agency:
        raise ValidationError({"team": ["Choose a multi-agency child protection team"]})
    if form not in StrategyDiscussion.Form.values:
        raise ValidationError({"form": ["Choose a discussion or a meeting"]})
    if held_at > timezone.now() + dt.timedelta(days=31):
        raise ValidationError({"held_at": ["A strategy discussion is held within days of the concern, not months"]})
    requests = []
    if work_request is not None:
        if work_request.kind != WorkRequest.Kind.STRATEGY_DISCUSSION:
            raise ValidationError("This is not a strategy-discussion request")
        if work_request.person_id not in {p.pk for p in people}:
            raise ValidationError({"children": ["The discussion covers the child the request is about"]})
        requests.append(work_request)
    requests += list(
        WorkRequest.objects.filter(
            kind=WorkRequest.Kind.STRATEGY_DISCUSSION,
            status=WorkRequest.Status.OPEN,
            person__in=[p.pk for p in people],
        ).exclude(pk=getattr(work_request, "pk", None))
    )
    for request in requests:
        if request.status != WorkRequest.Status.OPEN:
            raise ValidationError("This request has already been handled")
        work_request_take(request=request, actor=actor)
    discussion = StrategyDiscussion(
        team=team,
        held_at=held_at,
        form=form,
        chair=actor,
        work_request=work_request or (requests[0] if requests else None),
        reason=reason.strip(),
        created_by=actor,
    )
    discussion.full_clean()
    discussion.save()
    StrategyChild.objects.bulk_create([StrategyChild(discussion=discussion, person=p) for p in people])
    link = discussion_link(discussion)
    on = timezone.localtime(held_at).date()
    for person in people:
        _open_macpt_involvement(person=person, team=team, actor=actor, on=min(on, timezone.localdate()))
        chronology_add(
            person=person,
            actor=actor,
            strand=Strand.MACPT,
            kind="strategy_discussion",
            summary=f"{discussion.get_form_display()} chaired by {actor.full_name} ({team.name})",
            occurred_at=held_at,
            significant=True,
            target=discussion,
            link=link,
        )
    due_at, warn_at = record_due(held_at=held_at)
    deadline_set(
        kind=RECORD_DEADLINE,
        label=f"Share the strategy discussion record {discussion_reference(discussion)}",
        target=discussion,
        due_at=due_at,
        warn_at=warn_at,
        person_ids=[p.pk for p in people],
        assignee=actor,
        escalate_role=ESCALATE_ROLE,
        link=link,
    )
    audit_record(
        actor=actor,
        verb="strategy_discussion.started",
        target=discussion,
        child_ids=[p.pk for p in people],
        fields=["team", "held_at", "form", "chair"],
        related={"work_request": discussion.work_request},
    )
    return discussion


@transaction.atomic
def strategy_attendee_add(
    *,
    discussion: StrategyDiscussion,
    actor: User,
    agency: Agency | None = None,
    user: User | None = None,
    name: str = "",
    attendance: str = StrategyAttendee.Attendance.ATTENDED,
) -> StrategyAttendee:
    """Who was invited from which agency, and whether they came. A practitioner with an account speaks for their own
    agency; anyone else is named with theirs."""
    _require(actor, CHAIR, "Only the chair records attendance")
    _require_children_in_scope(actor, _child_ids(discussion))
    _require_open(discussion)
    if user is not None:
        if user.agency_id is None:
            raise ValidationError({"user": [f"{user.full_name} has no agency"]})
        if agency is not None and agency.pk != user.agency_id:
            raise ValidationError({"agency": [f"{user.full_name} works for {user.agency}, not {agency}"]})
        agency = user.agency
    if agency is None:
        raise ValidationError({"agency": ["Choose the attendee's agency"]})
    if user is None and not name.strip():
        raise ValidationError({"name": ["Enter the attendee's name, or choose a practitioner"]})
    if attendance not in StrategyAttendee.Attendance.values:
        raise ValidationError({"attendance": ["Choose attended or apologies"]})
    attendee = StrategyAttendee(
        discussion=discussion,
        agency=agency,
        user=user,
        name=(name.strip() or (user.full_name if user else "")),
        attendance=attendance,
    )
    attendee.full_clean()
    attendee.save()
    audit_record(
        actor=actor,
        verb="strategy_discussion.attendee_added",
        target=discussion,
        child_ids=_child_ids(discussion),
        fields=["attendance"],
        related={"agency": agency, "user": user},
    )
    return attendee


@transaction.atomic
def strategy_absence_record(
    *, discussion: StrategyDiscussion, actor: User, police_reason: str = "", health_reason: str = ""
) -> StrategyDiscussion:
    """Why the police or health did not take part (Working Together: both take part, or the reason is recorded)."""
    _require(actor, CHAIR, "Only the chair records why an agency did not take part")
    _require_children_in_scope(actor, _child_ids(discussion))
    _require_open(discussion)
    discussion.police_absence_reason = police_reason.strip()
    discussion.health_absence_reason = health_reason.strip()
    discussion.save(update_fields=["police_absence_reason", "health_absence_reason", "updated_at"])
    audit_record(
        actor=actor,
        verb="strategy_discussion.absence_recorded",
        target=discussion,
        child_ids=_child_ids(discussion),
        fields=["police_absence_reason", "health_absence_reason"],
    )
    return discussion


def missing_agencies(discussion: StrategyDiscussion) -> list[str]:
    """What stops the decisions: the police or health neither attended nor have a recorded reason (as sentences)."""
    attended = set(
        discussion.attendees.filter(attendance=StrategyAttendee.Attendance.ATTENDED).values_list(
            "agency__type", flat=True
        )
    )
    missing = []
    if AgencyType.POLICE not in attended and not discussion.police_absence_reason:
        missing.append("The police did not attend: record an attending officer or the reason they did not take part")
    if AgencyType.HEALTH not in attended and not discussion.health_absence_reason:
        missing.append("Health did not attend: record an attending health practitioner or the reason they did not")
    return missing


def _tags_for(actor: User, extra: Iterable[str]) -> list[str]:
    tags = set(extra)
    unknown = tags - set(VisibilityTag.values)
    if unknown:
        raise ValidationError({"tags": [f"Unknown information tag: {', '.join(sorted(unknown))}"]})
    source = SOURCE_TAGS.get(actor.agency_type)
    if source:
        tags.add(source)
    return sorted(tags)


def _require_contributor(actor: User, discussion: StrategyDiscussion) -> None:
    _require(actor, CONTRIBUTE, "Only the MACPT's members and the LCPP add information")
    _require_children_in_scope(actor, _child_ids(discussion))
    if actor.agency_id is None:
        raise PermissionDenied("A contributor speaks for their agency")


@transaction.atomic
def strategy_information_add(
    *, discussion: StrategyDiscussion, actor: User, text: str, person: Person | None = None, tags: Iterable[str] = ()
) -> StrategyInformation:
    """What the actor's agency shares, about one of the children or the whole family. Police information carries the
    police tag and health information the health tag, whoever types it, and follows their rules."""
    _require_contributor(actor, discussion)
    _require_open(discussion)
    if not text.strip():
        raise ValidationError({"text": ["Enter the information your agency shares"]})
    if person is not None and person.pk not in _child_ids(discussion):
        raise ValidationError({"person": ["Choose one of the children the discussion is about"]})
    item = StrategyInformation(
        discussion=discussion,
        agency_id=actor.agency_id,
        person=person,
        text=text.strip(),
        tags=_tags_for(actor, tags),
        author=actor,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        verb="strategy_discussion.information_added",
        target=item,
        child_ids=[person.pk] if person else _child_ids(discussion),
        fields=["text", "tags"],
    )
    return item


@transaction.atomic
def strategy_information_update(*, item: StrategyInformation, actor: User, text: str) -> StrategyInformation:
    """Correct what an agency shared: only that agency's own practitioners may (a police officer never edits what
    health shared), and only until the record is shared."""
    discussion = item.discussion
    _require_contributor(actor, discussion)
    if actor.agency_id != item.agency_id:
        raise ValidationError(f"Only {item.agency} can change what {item.agency} shared")
    _require_open(discussion)
    if not text.strip():
        raise ValidationError({"text": ["Enter the information your agency shares"]})
    StrategyInformation.objects.filter(pk=item.pk).update(text=text.strip(), updated_at=timezone.now())
    item.text = text.strip()
    audit_record(
        actor=actor,
        verb="strategy_discussion.information_changed",
        target=item,
        child_ids=[item.person_id] if item.person_id else _child_ids(discussion),
        fields=["text"],
    )
    return item


@transaction.atomic
def strategy_decide(
    *,
    child: StrategyChild,
    actor: User,
    decision: str,
    next_step: str = "",
    reason: str = "",
    lead: User | None = None,
):
    """The chair's decision for one child. An s47 (single agency or joint with the police) starts the child's enquiry
    at this discussion, with its ICPC target; no s47 says what happens next (Family Help, an FGDM offer, no further
    action). Refused until the police and health took part or the reason they did not is recorded. Returns the
    enquiry when one started."""
    discussion = child.discussion
    _require(actor, CHAIR, "Only the chair decides")
    _require_children_in_scope(actor, [child.person_id])
    _require_open(discussion)
    if child.decision:
        raise ValidationError(f"The decision for this child was made: {child.get_decision_display()}")
    missing = missing_agencies(discussion)
    if missing:
        raise ValidationError(missing)
    errors: dict[str, list[str]] = {}
    if decision not in StrategyChild.Decision.values:
        errors["decision"] = ["Choose the decision"]
    if decision == StrategyChild.Decision.NO_S47 and next_step not in StrategyChild.NextStep.values:
        errors["next_step"] = ["Choose what happens next when there is no section 47 enquiry"]
    if not reason.strip():
        errors["reason"] = ["Say why"]
    if errors:
        raise ValidationError(errors)
    if decision != StrategyChild.Decision.NO_S47:
        next_step = ""
    now = timezone.now()
    StrategyChild.objects.filter(pk=child.pk).update(
        decision=decision, next_step=next_step, reason=reason.strip(), decided_at=now, updated_at=now
    )
    child.decision, child.next_step, child.reason, child.decided_at = decision, next_step, reason.strip(), now
    enquiry = None
    if decision in (StrategyChild.Decision.S47_SINGLE, StrategyChild.Decision.S47_JOINT):
        enquiry = s47_start(
            discussion=discussion,
            person=child.person,
            actor=actor,
            lead=lead or actor,
            joint_with_police=decision == StrategyChild.Decision.S47_JOINT,
        )
    if next_step == StrategyChild.NextStep.FGDM_OFFER:
        _offer_fgdm(child=child, actor=actor, reason=reason.strip())
    summary = f"Strategy discussion decision: {child.get_decision_display()}"
    if next_step:
        summary += f"; next step: {child.get_next_step_display()}"
    chronology_add(
        person=child.person,
        actor=actor,
        strand=Strand.MACPT,
        kind="strategy_discussion.decision",
        summary=summary,
        occurred_at=now,
        significant=True,
        target=discussion,
        link=discussion_link(discussion),
    )
    audit_record(
        actor=actor,
        verb="strategy_discussion.decided",
        target=discussion,
        child_ids=[child.person_id],
        fields=["decision", "next_step", "reason"],
        related={"enquiry": enquiry},
    )
    return enquiry


def _offer_fgdm(*, child: StrategyChild, actor: User, reason: str) -> None:
    """No s47, and the family is offered a family group decision making meeting: the offer goes to the child's lead
    practitioner(s) as the shared record's hand-off (unless one is already open for the child)."""
    if WorkRequest.objects.filter(
        kind=WorkRequest.Kind.FGDM_OFFER, person_id=child.person_id, status=WorkRequest.Status.OPEN
    ).exists():
        return
    episode = Episode.objects.filter(person_id=child.person_id, closed_on__isnull=True).order_by("-opened_on").first()
    work_request_create(
        kind=WorkRequest.Kind.FGDM_OFFER,
        person=child.person,
        actor=actor,
        episode=episode,
        summary=f"Strategy discussion: no section 47 enquiry; offer a family group decision making meeting. {reason}",
        source=child.discussion,
    )


@transaction.atomic
def strategy_record_share(*, discussion: StrategyDiscussion, actor: User) -> StrategyDiscussion:
    """Share the record with the attendees (each with an account is told, with a link to it): the time it was shared
    is kept and the record's deadline met. Every child needs its decision first."""
    _require(actor, CHAIR, "Only the chair shares the record")
    ids = _child_ids(discussion)
    _require_children_in_scope(actor, ids)
    _require_open(discussion)
    undecided = discussion.children.filter(decision="").count()
    if undecided:
        raise ValidationError(f"Record the decision for every child first ({undecided} to decide)")
    missing = missing_agencies(discussion)
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    updated = StrategyDiscussion.objects.filter(pk=discussion.pk, record_shared_at__isnull=True).update(
        record_shared_at=now, updated_at=now
    )
    if not updated:
        raise ValidationError("The record has already been shared")
    discussion.record_shared_at = now
    deadline_met(kind=RECORD_DEADLINE, target=discussion)
    reference = discussion_reference(discussion)
    link = discussion_link(discussion)
    attendees = {
        a.user_id: a.user
        for a in discussion.attendees.select_related("user").filter(user__isnull=False, user__is_active=True)
    }
    attendees.pop(actor.pk, None)
    for user in attendees.values():
        notify(
            user=user,
            kind="macpt.strategy_record_shared",
            unique_key=f"strategy:{discussion.pk}:shared:{user.pk}",
            title=f"Strategy discussion record {reference} shared",
            body=f"Shared by {actor.full_name} on {timezone.localtime(now):%d %B %Y at %H:%M}.",
            link=link,
        )
    audit_record(
        actor=actor,
        verb="strategy_discussion.record_shared",
        target=discussion,
        child_ids=ids,
        fields=["record_shared_at"],
        related={"attendees": sorted(attendees)},
    )
    return discussion
