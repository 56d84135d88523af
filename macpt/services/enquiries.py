"""Section 47 enquiries: started by a strategy discussion's decision, with the ICPC target 15 working days after that
discussion (deadline macpt.icpc); the child seen; each agency's information; the outcome, which ends the enquiry."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import AgencyType, CensusMeaning, Episode, Person, Strand, User, VisibilityTag
from cases.permissions import person_record_scope
from cases.services import audit_record, chronology_add, cin_referral_open, cin_referral_open_for, deadline_cancel
from cases.workdays import LONDON, Calendar

from ..models import S47Enquiry, S47Information, StrategyDiscussion
from ..permissions import CONTRIBUTE, LEAD_ENQUIRY
from .deadlines import ICPC, timescale_set

ICPC_DEADLINE = ICPC
# Working Together 2023: the initial child protection conference within 15 working days of the strategy discussion
# at which the s47 enquiry was started (the census's InitialCPCtarget).
ICPC_WORKING_DAYS = 15
SOURCE_TAGS = {AgencyType.POLICE: VisibilityTag.POLICE, AgencyType.HEALTH: VisibilityTag.HEALTH}


def enquiry_reference(enquiry: S47Enquiry) -> str:
    """How an enquiry is named where the child must not be (notification titles, deadline labels)."""
    return f"S47-{enquiry.pk:06d}"


def enquiry_link(enquiry: S47Enquiry) -> str:
    return reverse("macpt:s47", args=[enquiry.pk])


def icpc_target(*, discussion_day: dt.date, calendar: Calendar | None = None) -> dt.date:
    """The 15th working day after the discussion's day (the discussion's day is day 0, counted or not), on the shared
    working-day calendar (weekends, England's bank holidays and the council's closure days)."""
    calendar = calendar or Calendar.from_database()
    return calendar.add_working_days(discussion_day, ICPC_WORKING_DAYS)


def _require(actor: User, action: str, refused: str) -> None:
    if not policy.may(actor, action):
        raise PermissionDenied(refused)


def _require_in_scope(actor: User, person_id: int) -> None:
    if not person_record_scope(actor, relatives=False).filter(pk=person_id).exists():
        raise PermissionDenied("No such enquiry")


def _set_icpc_deadline(enquiry: S47Enquiry, calendar: Calendar) -> None:
    """Due at the end of the target day (the strand's clocks: macpt.services.deadlines)."""
    timescale_set(
        kind=ICPC_DEADLINE,
        target=enquiry,
        due_on=enquiry.icpc_target,
        person_ids=[enquiry.person_id],
        assignee=enquiry.lead,
        label=f"Initial child protection conference for {enquiry_reference(enquiry)}",
        link=enquiry_link(enquiry),
        calendar=calendar,
    )


def s47_start(
    *, discussion: StrategyDiscussion, person: Person, actor: User, lead: User, joint_with_police: bool
) -> S47Enquiry:
    """Start the child's s47 enquiry at this discussion (the strategy service calls it, inside its transaction, with
    the chair's decision). Its ICPC target counts from this discussion, whichever discussions came before."""
    _require(actor, LEAD_ENQUIRY, "Only a Lead Child Protection Practitioner starts an s47 enquiry")
    if not policy.may(lead, LEAD_ENQUIRY) or not lead.is_active:
        raise ValidationError({"lead": ["The enquiry's lead is a Lead Child Protection Practitioner"]})
    open_enquiry = S47Enquiry.objects.filter(person=person, ended_on__isnull=True).first()
    if open_enquiry is not None:
        raise ValidationError(
            f"{person.first_name} already has an s47 enquiry, started on {open_enquiry.start_date:%d %B %Y}: "
            "record its outcome first"
        )
    calendar = Calendar.from_database()
    day = timezone.localtime(discussion.held_at).date()
    enquiry = S47Enquiry(
        person=person,
        team=discussion.team,
        started_at_discussion=discussion,
        start_date=day,
        lead=lead,
        joint_with_police=joint_with_police,
        icpc_target=icpc_target(discussion_day=day, calendar=calendar),
        created_by=actor,
    )
    enquiry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enquiry.save()
    except IntegrityError:  # a colleague started one meanwhile (macpt_one_open_s47_per_child)
        raise ValidationError(f"{person.first_name} already has an open s47 enquiry") from None
    _set_icpc_deadline(enquiry, calendar)
    _census_referral(enquiry, actor)
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.MACPT,
        kind="s47.started",
        summary=f"Section 47 enquiry started{' jointly with the police' if joint_with_police else ''}, led by "
        f"{lead.full_name}; initial child protection conference due by {enquiry.icpc_target:%d %B %Y}",
        occurred_at=discussion.held_at,
        significant=True,
        target=enquiry,
        link=enquiry_link(enquiry),
    )
    audit_record(
        actor=actor,
        verb="s47.started",
        target=enquiry,
        child_ids=[person.pk],
        fields=["start_date", "lead", "joint_with_police", "icpc_target"],
        related={"discussion": discussion},
    )
    return enquiry


def _census_referral(enquiry: S47Enquiry, actor: User) -> None:
    """An s47 enquiry is children's social care: the child's census referral (CINdetails) is open from the day it
    starts at the latest. A child referred through the front door has one already (kept, with the contact's date and
    source). A child whose enquiry starts from their early help (a disclosure to their lead practitioner: the episode
    was at early help before) is referred by early help (5D) on the discussion's day; anyone else's source is not
    known (10). Without this the census would hold the enquiry under no referral, and DfE would never count the
    child."""
    if cin_referral_open_for(enquiry.person) is not None:
        return
    episode = (
        Episode.objects.filter(person=enquiry.person, closed_on__isnull=True).prefetch_related("levels__level").first()
    )
    # Came up from early help on this episode (at any time before): referred by early help.
    early_help = episode is not None and any(
        level.level.census_meaning == CensusMeaning.EARLY_HELP for level in episode.levels.all()
    )
    cin_referral_open(
        person=enquiry.person,
        episode=episode,
        referral_date=enquiry.start_date,
        source_code="5D" if early_help else "10",
        source=enquiry,
        actor=actor,
    )


def _require_open(enquiry: S47Enquiry) -> None:
    if enquiry.ended_on is not None:
        raise ValidationError(f"The enquiry ended on {enquiry.ended_on:%d %B %Y}: it can no longer be changed")


@transaction.atomic
def s47_child_seen(*, enquiry: S47Enquiry, actor: User, seen_on: dt.date) -> S47Enquiry:
    """The day the child was seen for the enquiry: on or after its start, never in the future."""
    _require(actor, LEAD_ENQUIRY, "Only a Lead Child Protection Practitioner records the enquiry")
    _require_in_scope(actor, enquiry.person_id)
    _require_open(enquiry)
    if seen_on < enquiry.start_date:
        raise ValidationError(
            {"child_seen_on": [f"The child is seen on or after the start ({enquiry.start_date:%d %B %Y})"]}
        )
    if seen_on > timezone.localdate():
        raise ValidationError({"child_seen_on": ["The date the child was seen cannot be in the future"]})
    S47Enquiry.objects.filter(pk=enquiry.pk).update(child_seen_on=seen_on, updated_at=timezone.now())
    enquiry.child_seen_on = seen_on
    chronology_add(
        person=enquiry.person,
        actor=actor,
        strand=Strand.MACPT,
        kind="s47.child_seen",
        summary="Child seen for the section 47 enquiry",
        occurred_at=dt.datetime.combine(seen_on, dt.time(12, 0), tzinfo=LONDON),
        target=enquiry,
        link=enquiry_link(enquiry),
    )
    audit_record(
        actor=actor, verb="s47.child_seen", target=enquiry, child_ids=[enquiry.person_id], fields=["child_seen_on"]
    )
    return enquiry


def _tags_for(actor: User, extra: Iterable[str]) -> list[str]:
    tags = set(extra)
    unknown = tags - set(VisibilityTag.values)
    if unknown:
        raise ValidationError({"tags": [f"Unknown information tag: {', '.join(sorted(unknown))}"]})
    source = SOURCE_TAGS.get(actor.agency_type)
    if source:
        tags.add(source)
    return sorted(tags)


def _require_contributor(actor: User, enquiry: S47Enquiry) -> None:
    _require(actor, CONTRIBUTE, "Only the MACPT's members and the LCPP add information")
    _require_in_scope(actor, enquiry.person_id)
    if actor.agency_id is None:
        raise PermissionDenied("A contributor speaks for their agency")


@transaction.atomic
def s47_information_add(*, enquiry: S47Enquiry, actor: User, text: str, tags: Iterable[str] = ()) -> S47Information:
    """What the actor's agency gathered for the enquiry, tagged by its source (police, health) and read under the tag
    rules."""
    _require_contributor(actor, enquiry)
    _require_open(enquiry)
    if not text.strip():
        raise ValidationError({"text": ["Enter the information your agency gathered"]})
    item = S47Information(
        enquiry=enquiry, agency_id=actor.agency_id, text=text.strip(), tags=_tags_for(actor, tags), author=actor
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor, verb="s47.information_added", target=item, child_ids=[enquiry.person_id], fields=["text", "tags"]
    )
    return item


@transaction.atomic
def s47_information_update(*, item: S47Information, actor: User, text: str) -> S47Information:
    """Only the agency that gathered an item changes it (a police officer never edits what health gathered)."""
    enquiry = item.enquiry
    _require_contributor(actor, enquiry)
    if actor.agency_id != item.agency_id:
        raise ValidationError(f"Only {item.agency} can change what {item.agency} gathered")
    _require_open(enquiry)
    if not text.strip():
        raise ValidationError({"text": ["Enter the information your agency gathered"]})
    S47Information.objects.filter(pk=item.pk).update(text=text.strip(), updated_at=timezone.now())
    item.text = text.strip()
    audit_record(
        actor=actor, verb="s47.information_changed", target=item, child_ids=[enquiry.person_id], fields=["text"]
    )
    return item


@transaction.atomic
def s47_outcome_record(
    *, enquiry: S47Enquiry, actor: User, outcome: str, outcome_date: dt.date, reason: str = ""
) -> S47Enquiry:
    """The enquiry's outcome ends it. Conference needed: the ICPC deadline stays (the conference meets it); any
    other outcome is the census's ICPCnotRequired and the deadline is cancelled."""
    _require(actor, LEAD_ENQUIRY, "Only a Lead Child Protection Practitioner records the outcome")
    _require_in_scope(actor, enquiry.person_id)
    _require_open(enquiry)
    errors: dict[str, list[str]] = {}
    if outcome not in S47Enquiry.Outcome.values:
        errors["outcome"] = ["Choose the outcome of the enquiry"]
    if outcome_date is None:
        errors["outcome_date"] = ["Enter the date of the outcome"]
    elif outcome_date < enquiry.start_date:
        errors["outcome_date"] = [f"The outcome is on or after the enquiry started ({enquiry.start_date:%d %B %Y})"]
    elif outcome_date > timezone.localdate():
        errors["outcome_date"] = ["The outcome's date cannot be in the future"]
    if not reason.strip():
        errors["outcome_reason"] = ["Say why"]
    if errors:
        raise ValidationError(errors)
    updated = S47Enquiry.objects.filter(pk=enquiry.pk, ended_on__isnull=True).update(
        outcome=outcome,
        outcome_date=outcome_date,
        outcome_reason=reason.strip(),
        ended_on=outcome_date,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationError("A colleague recorded the outcome meanwhile")
    enquiry.outcome, enquiry.outcome_date, enquiry.outcome_reason, enquiry.ended_on = (
        outcome,
        outcome_date,
        reason.strip(),
        outcome_date,
    )
    if outcome != S47Enquiry.Outcome.CONFERENCE_NEEDED:
        deadline_cancel(kind=ICPC_DEADLINE, target=enquiry)
    chronology_add(
        person=enquiry.person,
        actor=actor,
        strand=Strand.MACPT,
        kind="s47.outcome",
        summary=f"Section 47 enquiry outcome: {enquiry.get_outcome_display()}",
        occurred_at=dt.datetime.combine(outcome_date, dt.time(12, 0), tzinfo=LONDON),
        significant=True,
        target=enquiry,
        link=enquiry_link(enquiry),
    )
    audit_record(
        actor=actor,
        verb="s47.outcome_recorded",
        target=enquiry,
        child_ids=[enquiry.person_id],
        fields=["outcome", "outcome_date", "outcome_reason", "ended_on"],
    )
    return enquiry
