"""Child protection conferences (issue 14 item 4) and what their decisions do (items 5 and 11).

Rules kept here, so that pages, the API and the shell all obey them:
- a conference is never on a weekend, a bank holiday or a council closure day (census 8875), and is arranged by an
  LCPP (policy CHAIR) for children whose whole record they see;
- the chair is an LCPP or an independent chair, never a lead practitioner of one of the children (their FHLP or
  the LCPP leading the case: cases.selectors.current_lead_ids);
- initial: from an s47 enquiry whose outcome is that a conference is needed (when one is given); unborn: the
  expected date of birth; transfer in: the council it comes from and the plans the child had there;
  review: children on an open plan, held after the plan started (census 8841);
- an agency's report is changed only by its own agency (a police user never edits a health report);
- the decision per child starts the child protection plan (macpt.services.cp_plans) on the conference's date
  (census 2885), or, at a review, keeps it going or ends it and steps the child down (item 11).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.models import (
    Agency,
    FamilyCase,
    FamilyCaseMember,
    Person,
    Strand,
    Team,
    User,
    VisibilityTag,
)
from cases.permissions import person_record_scope
from cases.selectors import current_lead_ids
from cases.services import audit_record, chronology_add, deadline_met
from cases.workdays import Calendar, bank_holiday_name

from ..models import (
    INITIAL_KINDS,
    CategoryOfAbuse,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitee,
    ConferenceKind,
    ConferenceReport,
    InviteeAttendance,
    S47Enquiry,
)
from ..permissions import CHAIR, CONTRIBUTE

CONFERENCE_ON_NON_WORKING_DAY = (
    "A child protection conference cannot be held on {day:%A %-d %B %Y}: {why}. Choose a working day."
)
CHAIR_IS_LEAD = (
    "{chair} cannot chair this conference: they are {child}'s lead practitioner. The chair is an LCPP or an "
    "independent chair who does not lead the case."
)
AGENCY_TAGS = {"police": VisibilityTag.POLICE, "health": VisibilityTag.HEALTH}


def conference_link(conference: ChildProtectionConference) -> str:
    return reverse("macpt:conference", args=[conference.pk])


def _require(actor: User, action: str, message: str) -> None:
    if not (actor.is_authenticated and actor.is_active and policy.may(actor, action)):
        raise PermissionDenied(message)


def _require_children_in_scope(actor: User, people) -> None:
    ids = {p.pk for p in people}
    if len(set(person_record_scope(actor, relatives=False).filter(pk__in=ids).values_list("pk", flat=True))) != len(
        ids
    ):
        raise PermissionDenied("Not every child is in your scope")


def non_working_day_reason(day: dt.date, calendar: Calendar | None = None) -> str | None:
    """Why a conference cannot be held on this day (None: it can)."""
    calendar = calendar or Calendar.from_database()
    if day.weekday() >= 5:
        return "it is a weekend"
    holiday = bank_holiday_name(day)
    if holiday:
        return f"it is a bank holiday ({holiday})"
    if not calendar.is_working_day(day):
        return "the council is closed that day"
    return None


def _check_date(errors: dict, day: dt.date | None, field: str = "date") -> None:
    if day is None:
        errors.setdefault(field, []).append("Enter the date of the conference")
        return
    why = non_working_day_reason(day)
    if why:
        errors.setdefault(field, []).append(CONFERENCE_ON_NON_WORKING_DAY.format(day=day, why=why))


def check_chair(*, chair: User | None, independent_chair_name: str, children) -> dict[str, list[str]]:
    """The chair rule (census and Working Together): an LCPP, or an independent chair named; never one of the
    children's lead practitioners."""
    errors: dict[str, list[str]] = {}
    name = (independent_chair_name or "").strip()
    if chair is None and not name:
        errors["chair"] = ["Choose the chair: an LCPP, or name the independent chair"]
        return errors
    if chair is not None and name:
        errors["chair"] = ["Choose an LCPP as chair or name an independent chair, not both"]
        return errors
    if chair is None:
        return errors
    if not (chair.is_active and policy.may(chair, CHAIR)):
        errors["chair"] = [f"{chair.full_name} is not a Lead Child Protection Practitioner: choose an LCPP"]
        return errors
    for child in children:
        if current_lead_ids(person_id=child.pk).filter(user_id=chair.pk).exists():
            errors["chair"] = [CHAIR_IS_LEAD.format(chair=chair.full_name, child=child.full_name)]
            break
    return errors


def _family_children(family_case: FamilyCase) -> set[int]:
    return set(
        FamilyCaseMember.objects.filter(
            family_case=family_case, role=FamilyCaseMember.Role.CHILD, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )


@transaction.atomic
def conference_arrange(
    *,
    actor: User,
    family_case: FamilyCase,
    kind: str,
    date: dt.date | None,
    children: list[Person],
    chair: User | None = None,
    independent_chair_name: str = "",
    team: Team | None = None,
    enquiry: S47Enquiry | None = None,
    expected_birth_date: dt.date | None = None,
    transferring_council: str = "",
    previous_plans_elsewhere: int = 0,
) -> ChildProtectionConference:
    """Arrange a conference for these children of the family (an LCPP's)."""
    _require(actor, CHAIR, "Only a Lead Child Protection Practitioner arranges a child protection conference")
    _require_children_in_scope(actor, children)
    errors: dict[str, list[str]] = {}
    if kind not in ConferenceKind.values:
        errors["kind"] = ["Choose the kind of conference"]
    if not children:
        errors["children"] = ["Choose the children the conference is about"]
    elif not {c.pk for c in children} <= _family_children(family_case):
        errors["children"] = ["Choose children of this family"]
    _check_date(errors, date)
    errors.update(check_chair(chair=chair, independent_chair_name=independent_chair_name, children=children))
    open_plans = {
        p.person_id: p for p in ChildProtectionPlan.objects.filter(person__in=children, end_date__isnull=True)
    }
    if kind in INITIAL_KINDS:
        on_plan = [c.full_name for c in children if c.pk in open_plans]
        if on_plan:
            errors.setdefault("children", []).append(
                f"{', '.join(on_plan)} already on a child protection plan: arrange a review conference instead"
            )
    if kind == ConferenceKind.INITIAL and enquiry is None and children:
        # Arranged from the family's page: the conference the child's s47 enquiry asked for (census DateOfInitialCPC is
        # the enquiry's), when it asked for one and no conference answers it yet.
        enquiry = (
            S47Enquiry.objects.filter(person__in=children, outcome=S47Enquiry.Outcome.CONFERENCE_NEEDED)
            .exclude(conferences__isnull=False)
            .order_by("-start_date", "-id")
            .first()
        )
    if kind == ConferenceKind.INITIAL and enquiry is not None:
        if enquiry.outcome != S47Enquiry.Outcome.CONFERENCE_NEEDED:
            errors.setdefault("enquiry", []).append(
                "The s47 enquiry's outcome is not that a conference is needed: record that outcome first"
            )
        if enquiry.person_id not in {c.pk for c in children}:
            errors.setdefault("enquiry", []).append("The s47 enquiry is about another child")
        if date is not None and enquiry.start_date and date < enquiry.start_date:
            errors.setdefault("date", []).append(
                f"The conference cannot be before the s47 enquiry started ({enquiry.start_date:%-d %B %Y})"
            )
    if kind == ConferenceKind.UNBORN:
        if expected_birth_date is None:
            errors["expected_birth_date"] = ["Enter the unborn child's expected date of birth"]
        unborn = [c for c in children if not c.is_unborn]
        if unborn:
            errors.setdefault("children", []).append(
                f"{', '.join(c.full_name for c in unborn)}: an unborn conference is for an unborn child"
            )
    if kind == ConferenceKind.TRANSFER_IN and not (transferring_council or "").strip():
        errors["transferring_council"] = ["Name the council the child protection plan comes from"]
    if previous_plans_elsewhere is None or previous_plans_elsewhere < 0:
        errors["previous_plans_elsewhere"] = ["Enter the number of previous plans elsewhere (0 or more)"]
    if kind == ConferenceKind.REVIEW:
        missing = [c.full_name for c in children if c.pk not in open_plans]
        if missing:
            errors.setdefault("children", []).append(
                f"{', '.join(missing)}: not on a child protection plan, so there is nothing to review"
            )
        if date is not None:
            early = [c.full_name for c in children if c.pk in open_plans and date <= open_plans[c.pk].start_date]
            if early:
                errors.setdefault("date", []).append(
                    f"A review conference must be after the plan started (census 8841): {', '.join(early)}'s plan "
                    f"started on {min(open_plans[c.pk].start_date for c in children if c.pk in open_plans):%-d %B %Y}"
                )
    if errors:
        raise ValidationError(errors)
    conference = ChildProtectionConference(
        kind=kind,
        family_case=family_case,
        date=date,
        chair=chair,
        independent_chair_name=(independent_chair_name or "").strip(),
        team=team,
        enquiry=enquiry,
        expected_birth_date=expected_birth_date,
        transferring_council=(transferring_council or "").strip(),
        previous_plans_elsewhere=previous_plans_elsewhere or 0,
        created_by=actor,
    )
    conference.full_clean()
    conference.save()
    for child in children:
        ConferenceChild.objects.create(conference=conference, person=child, plan=open_plans.get(child.pk))
    audit_record(
        actor=actor,
        verb="macpt.conference_arranged",
        target=conference,
        child_ids=[c.pk for c in children],
        fields=["kind", "date", "chair"],
        related={"chair": chair, "enquiry": enquiry},
    )
    for child in children:
        chronology_add(
            person=child,
            actor=actor,
            strand=Strand.MACPT,
            kind="conference_arranged",
            summary=f"{conference.get_kind_display()} arranged for {date:%-d %B %Y}, chaired by "
            f"{conference.chair_name}",
            significant=True,
            target=conference,
            link=conference_link(conference),
        )
    return conference


def _require_open(conference: ChildProtectionConference) -> None:
    if conference.status != ChildProtectionConference.Status.ARRANGED:
        raise ValidationError("The conference's decisions are recorded: it can no longer be changed")


def _child_ids(conference: ChildProtectionConference) -> list[int]:
    return list(conference.children.values_list("person_id", flat=True))


@transaction.atomic
def conference_invitee_add(
    *,
    conference: ChildProtectionConference,
    actor: User,
    name: str = "",
    role: str = "",
    person: Person | None = None,
    user: User | None = None,
    agency: Agency | None = None,
) -> ConferenceInvitee:
    """Invite a family member from the child's network (person) or an agency's practitioner (user or agency)."""
    _require(actor, CHAIR, "Only an LCPP manages a conference's invitations")
    _require_open(conference)
    errors: dict[str, list[str]] = {}
    if person is not None:
        name = name or person.full_name
    elif user is not None:
        name, agency = name or user.full_name, agency or user.agency
    if not (name or "").strip():
        errors["name"] = ["Choose a family member or practitioner, or enter the name of who is invited"]
    if person is None and agency is None:
        errors["agency"] = ["Choose the invitee's agency (or a family member from the child's network)"]
    if errors:
        raise ValidationError(errors)
    invitee = ConferenceInvitee(
        conference=conference, person=person, user=user, agency=agency, name=name.strip(), role=(role or "").strip()
    )
    invitee.full_clean()
    invitee.save()
    audit_record(
        actor=actor,
        verb="macpt.conference_invitee_added",
        target=invitee,
        child_ids=_child_ids(conference),
        fields=["name", "role"],
        related={"conference": conference, "person": person, "user": user, "agency": agency},
    )
    return invitee


@transaction.atomic
def conference_attendance_set(*, conference: ChildProtectionConference, actor: User, attendance: dict[int, str]) -> int:
    """Record who came: invitee id -> attended / apologies / did not attend."""
    _require(actor, CHAIR, "Only an LCPP records a conference's attendance")
    invitees = {i.pk: i for i in conference.invitees.all()}
    errors = {}
    for pk, value in attendance.items():
        if pk not in invitees:
            errors[f"attendance_{pk}"] = ["Not invited to this conference"]
        elif value not in InviteeAttendance.values:
            errors[f"attendance_{pk}"] = ["Choose attended, sent apologies or did not attend"]
    if errors:
        raise ValidationError(errors)
    changed = 0
    for pk, value in attendance.items():
        if invitees[pk].attendance != value:
            ConferenceInvitee.objects.filter(pk=pk).update(attendance=value, updated_at=timezone.now())
            changed += 1
    audit_record(
        actor=actor,
        verb="macpt.conference_attendance_recorded",
        target=conference,
        child_ids=_child_ids(conference),
        fields=["attendance"],
    )
    return changed


def _report_tags(actor: User, tags) -> list[str]:
    """The report's own tags, plus its agency's source tag (police and health information carry theirs)."""
    chosen = {t for t in (tags or []) if t in VisibilityTag.values}
    source = AGENCY_TAGS.get(actor.agency_type)
    if source:
        chosen.add(source)
    return sorted(chosen)


@transaction.atomic
def conference_report_save(
    *,
    conference: ChildProtectionConference,
    actor: User,
    text: str,
    tags=(),
    report: ConferenceReport | None = None,
) -> ConferenceReport:
    """Add the actor's agency's report, or change one: only its own agency's (a police user never edits the
    health trust's report)."""
    _require(actor, CONTRIBUTE, "Only an LCPP or a member of the child's MACPT adds a report to the conference")
    _require_open(conference)
    if actor.agency_id is None:
        raise ValidationError({"text": ["You have no agency recorded: ask an administrator to add it first"]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the report"]})
    if report is not None:
        if report.conference_id != conference.pk:
            raise PermissionDenied("Not this conference's report")
        if report.agency_id != actor.agency_id:
            raise ValidationError(
                {"text": [f"This report is {report.agency.name}'s: only {report.agency.name} can change it"]}
            )
        report.text, report.tags = text, _report_tags(actor, tags)
        report.save(update_fields=["text", "tags", "updated_at"])
        verb = "macpt.conference_report_changed"
    else:
        report = ConferenceReport(
            conference=conference, agency=actor.agency, author=actor, text=text, tags=_report_tags(actor, tags)
        )
        report.full_clean()
        report.save()
        verb = "macpt.conference_report_added"
    audit_record(
        actor=actor,
        verb=verb,
        target=report,
        child_ids=_child_ids(conference),
        fields=["text", "tags"],
        related={"conference": conference, "agency": actor.agency_id},
    )
    return report


@transaction.atomic
def conference_record(
    *, conference: ChildProtectionConference, actor: User, family_views: str, minutes: str, minutes_not_for_family: str
) -> ChildProtectionConference:
    """The family's views and the minutes (the part not for the family kept apart)."""
    _require(actor, CHAIR, "Only an LCPP records the conference's minutes")
    _require_open(conference)
    conference.family_views = (family_views or "").strip()
    conference.minutes = (minutes or "").strip()
    conference.minutes_not_for_family = (minutes_not_for_family or "").strip()
    conference.save(update_fields=["family_views", "minutes", "minutes_not_for_family", "updated_at"])
    audit_record(
        actor=actor,
        verb="macpt.conference_minutes_recorded",
        target=conference,
        child_ids=_child_ids(conference),
        fields=["family_views", "minutes", "minutes_not_for_family"],
    )
    return conference


@transaction.atomic
def conference_decide(
    *,
    conference: ChildProtectionConference,
    actor: User,
    decisions: dict[int, dict],
) -> list[ConferenceChild]:
    """Record the decision for each child (person id -> {"plan": bool, "category": code, "reason": text, and at a
    review that ends the plan "end_reason", "step_down_to" ("child_in_need" / "early_help"), "reason_code"}).

    Initial conferences: a plan starts for each child with one (macpt.services.cp_plans.cp_plan_start: on the
    conference's date, wrapping the family's plan). Reviews: the plan goes on (latest category updated) or ends,
    and the child steps down from child protection (item 11)."""
    from .cp_plans import cp_plan_continue, cp_plan_end_by_conference, cp_plan_start

    _require(actor, CHAIR, "Only an LCPP records a conference's decisions")
    locked = ChildProtectionConference.objects.select_for_update().get(pk=conference.pk)
    _require_open(locked)
    rows = list(locked.children.select_related("person", "plan"))
    errors: dict[str, list[str]] = {}
    if locked.date > timezone.localdate():
        errors["date"] = ["The conference has not been held yet: record its decisions on or after its date"]
    for row in rows:
        decision = decisions.get(row.person_id)
        key = f"plan_{row.person_id}"
        if decision is None or decision.get("plan") is None:
            errors[key] = [f"Record the decision for {row.person.full_name}"]
            continue
        if decision["plan"] and decision.get("category") not in CategoryOfAbuse.values:
            errors[f"category_{row.person_id}"] = [
                f"Choose the category of abuse for {row.person.full_name} (neglect, physical, sexual, emotional or "
                "multiple)"
            ]
    if errors:
        raise ValidationError(errors)
    for row in rows:
        decision = decisions[row.person_id]
        row.plan_decided = bool(decision["plan"])
        row.category = decision.get("category") or ""
        row.reason = (decision.get("reason") or "").strip()
        if locked.is_initial:
            if row.plan_decided:
                row.plan = cp_plan_start(conference=locked, person=row.person, category=row.category, actor=actor)
        elif row.plan_decided:
            cp_plan_continue(plan=row.plan, conference=locked, category=row.category, actor=actor)
        else:
            cp_plan_end_by_conference(
                plan=row.plan,
                conference=locked,
                actor=actor,
                end_reason=decision.get("end_reason") or ChildProtectionPlan.EndReason.NO_LONGER_AT_RISK,
                reason=row.reason,
                step_down_to=decision.get("step_down_to") or "child_in_need",
                reason_code=decision.get("reason_code") or "",
            )
        row.save(update_fields=["plan_decided", "category", "reason", "plan", "updated_at"])
    locked.status = ChildProtectionConference.Status.DECIDED
    locked.decided_at, locked.decided_by = timezone.now(), actor
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    if locked.enquiry_id:
        deadline_met(kind="macpt.icpc", target=locked.enquiry)
    audit_record(
        actor=actor,
        verb="macpt.conference_decided",
        target=locked,
        child_ids=[r.person_id for r in rows],
        fields=["plan_decided", "category"],
        related={"plans": [r.plan_id for r in rows if r.plan_id]},
    )
    for row in rows:
        if locked.is_initial:
            what = (
                f"a child protection plan ({row.get_category_display()})"
                if row.plan_decided
                else "no child protection plan"
            )
        else:
            what = (
                f"the child protection plan continues ({row.get_category_display()})"
                if row.plan_decided
                else "the child protection plan ends"
            )
        chronology_add(
            person=row.person,
            actor=actor,
            strand=Strand.MACPT,
            kind="conference_decided",
            summary=f"{locked.get_kind_display()} on {locked.date:%-d %B %Y} decided {what}",
            significant=True,
            target=locked,
            link=conference_link(locked),
        )
    conference.status = locked.status
    return rows
