"""Writes for the whole-family Family Help assessment: start, save a draft (by hand or autosave), submit for
authorisation, authorise or return. Each is keyword-only, atomic, checks permission first and audits.

The 45-working-day timescale is a cases.Deadline (kind `family_help.assessment`) set when the assessment
starts and met when a manager authorises it; the shared sweeper warns before and records the breach after.
"""

import datetime as dt
import itertools

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy
from cases.codes import valid_codes
from cases.models import CensusMeaning, Episode, EpisodeLevel, FamilyCase, NeedLevel, Role, Strand, User
from cases.services import (
    StaleEdit,
    audit_record,
    chronology_add,
    deadline_met,
    deadline_set,
    notify,
    transition,
    transition_check,
    versioned_update,
)
from cases.workdays import LONDON, Calendar

from ..models import Assessment, AssessmentChild, AssessmentOutcome, AssessmentStatus, FamilyHelpSettings
from ..permissions import AUTHORISE_ASSESSMENT, MANAGE_TEAM, WRITE_ASSESSMENT
from ..selectors import can_work_on_family, current_allocation, family_children

DEADLINE_KIND = "family_help.assessment"
TIMESCALE_WORKING_DAYS = 45
# When on its last day the assessment falls due (the generated data set uses the same time).
DUE_TIME = dt.time(17, 0)
WARN_TIME = dt.time(9, 0)

# What a draft save may change, on the assessment and on each child's section.
ASSESSMENT_FIELDS = (
    "domestic_abuse",
    "substance_misuse",
    "mental_health",
    "housing",
    "income",
    "other_needs",
    "strengths",
    "risks",
    "analysis",
    "outcome",
)
SECTION_FIELDS = ("child_voice", "voice_not_gathered_reason", "needs", "factors", "primary_need")
# CIN census assessment factor 21, "no factors identified": never combined with another factor.
NO_FACTORS = "21"
NO_FACTORS_MESSAGE = (
    "Factor 21 (no factors identified) cannot be chosen with other factors: choose 21 alone or remove it"
)


def section_key(section_id: int, field: str) -> str:
    """How an error on one child's section is keyed: `child-<section id>-<field>` (the page's field names)."""
    return f"child-{section_id}-{field}"


# --- who may do what -------------------------------------------------------------------------------------


def can_write_assessment(*, user: User, family_case: FamilyCase) -> bool:
    """Start and edit: a lead practitioner who may work on the family, or a Family Help manager (managers
    read council-wide and may write assessments)."""
    if not user.is_active:
        return False
    if policy.may(user, MANAGE_TEAM):
        return True
    return policy.may(user, WRITE_ASSESSMENT) and can_work_on_family(user=user, family_case=family_case)


def can_authorise_assessment(*, user: User) -> bool:
    return user.is_active and policy.may(user, AUTHORISE_ASSESSMENT)


# --- dates -------------------------------------------------------------------------------------------------


def assessment_due_on(*, referral_date: dt.date, calendar: Calendar | None = None) -> dt.date:
    """The 45th working day after the referral date (the referral day itself not counted)."""
    return (calendar or Calendar.from_database()).add_working_days(referral_date, TIMESCALE_WORKING_DAYS)


def _source_decision_date(episode: Episode) -> dt.date | None:
    """The accepted contact's decision date, read through the episode's source (a label and id, so that
    Family Help imports no other strand)."""
    if not episode.source_type or not episode.source_id:
        return None
    try:
        model = apps.get_model(episode.source_type)
        source = model.objects.only("pk").get(pk=episode.source_id)
    except (LookupError, ValueError, ObjectDoesNotExist):
        return None
    decided_at = getattr(source, "decided_at", None)
    if isinstance(decided_at, dt.datetime):
        return timezone.localtime(decided_at).date()
    return decided_at if isinstance(decided_at, dt.date) else None


def _open_episode(*, person_id: int, family_case: FamilyCase) -> Episode | None:
    episodes = Episode.objects.filter(person_id=person_id, closed_on__isnull=True)
    return episodes.filter(family_case=family_case).first() or episodes.first()


def _stepped_up_on(episode: Episode) -> dt.date | None:
    """The day the child's episode last moved up into child in need or above after it opened (a step-up: the
    census's new referral), or None."""
    history = list(EpisodeLevel.objects.filter(episode=episode).select_related("level").order_by("started_at", "id"))
    stepped = None
    for before, after in itertools.pairwise(history):
        if after.level.rank > before.level.rank and after.level.rank >= _cin_rank():
            stepped = timezone.localtime(after.started_at).date()
    return stepped


def _cin_rank() -> int:
    level = NeedLevel.objects.filter(census_meaning=CensusMeaning.CHILD_IN_NEED).order_by("rank").first()
    return level.rank if level is not None else 0


def assessment_default_referral_date(*, family_case: FamilyCase) -> dt.date:
    """When the clock starts for the family's assessment. A re-assessment (the family has an authorised one
    already) starts its own 45 working days from its own start, today. Otherwise each child's referral: when the
    front door opened the episode (the decision date when the episode's source is reachable, else the opening),
    or, after a step-up into child in need, the step-up (its own referral, issue 13 item 9). The children at
    child in need or above count (the statutory timescale is theirs), else every child; the earliest of them,
    so the timescale is never understated."""
    today = timezone.localdate()
    if Assessment.objects.filter(family_case=family_case, status=AssessmentStatus.AUTHORISED).exists():
        return today
    cin_rank = _cin_rank()
    dates, statutory = [], []
    for child in family_children(family_case=family_case):
        episode = _open_episode(person_id=child.pk, family_case=family_case)
        if episode is None:
            continue
        day = _source_decision_date(episode) or episode.opened_on
        stepped = _stepped_up_on(episode)
        if stepped is not None and stepped > day:
            day = stepped
        dates.append(day)
        current = EpisodeLevel.objects.filter(episode=episode, ended_at__isnull=True).select_related("level").first()
        if current is not None and current.level.rank >= cin_rank:
            statutory.append(day)
    chosen = statutory or dates
    return min(chosen) if chosen else today


def _london(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON)


def _deadline_for(assessment: Assessment, *, calendar: Calendar) -> None:
    settings = FamilyHelpSettings.load()
    warn_days = min(settings.assessment_warn_working_days, TIMESCALE_WORKING_DAYS)
    warn_on = calendar.add_working_days(assessment.referral_date, TIMESCALE_WORKING_DAYS - warn_days)
    allocation = current_allocation(family_case=assessment.family_case)
    deadline_set(
        kind=DEADLINE_KIND,
        label=f"Family Help assessment for {assessment.family_case.name}",
        target=assessment,
        due_at=_london(assessment.due_on, DUE_TIME),
        warn_at=_london(warn_on, WARN_TIME),
        person_ids=list(assessment.children.values_list("person_id", flat=True)),
        assignee=allocation.lead if allocation else assessment.author,
        escalate_role=Role.MANAGER,
        link=reverse("family_help:assessment", args=[assessment.pk]),
    )


def _child_ids(assessment: Assessment) -> list[int]:
    return list(assessment.children.values_list("person_id", flat=True))


def _chronology(assessment: Assessment, *, actor: User, kind: str, summary: str, significant: bool = False) -> None:
    link = reverse("family_help:assessment", args=[assessment.pk])
    for section in assessment.children.select_related("person"):
        chronology_add(
            person=section.person,
            actor=actor,
            strand=Strand.FAMILY_HELP,
            kind=kind,
            summary=summary,
            significant=significant,
            target=assessment,
            link=link,
        )


# --- start ---------------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, family_case: FamilyCase, actor: User, referral_date: dt.date | None = None) -> Assessment:
    """Start the family's assessment: a section for each current child, due 45 working days after the
    referral, with the timescale's deadline set for the sweeper."""
    if not can_write_assessment(user=actor, family_case=family_case):
        raise PermissionDenied("Only the family's practitioners or a manager can start an assessment")
    # One open assessment per family; lock the family so two clicks cannot both start one.
    FamilyCase.objects.select_for_update().filter(pk=family_case.pk).first()
    if Assessment.objects.filter(family_case=family_case).exclude(status=AssessmentStatus.AUTHORISED).exists():
        raise ValidationError("This family already has an assessment in progress")
    children = family_children(family_case=family_case)
    if not children:
        raise ValidationError("This family has no children to assess")
    today = timezone.localdate()
    referral_date = referral_date or assessment_default_referral_date(family_case=family_case)
    if referral_date > today:
        raise ValidationError({"referral_date": ["The referral date must be today or in the past"]})
    calendar = Calendar.from_database()
    assessment = Assessment(
        family_case=family_case,
        referral_date=referral_date,
        started_on=today,
        author=actor,
        due_on=assessment_due_on(referral_date=referral_date, calendar=calendar),
        last_saved_at=timezone.now(),
    )
    assessment.full_clean()
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError("This family already has an assessment in progress") from None
    for child in children:
        episode = _open_episode(person_id=child.pk, family_case=family_case)
        AssessmentChild.objects.create(assessment=assessment, person=child, episode=episode)
    _deadline_for(assessment, calendar=calendar)
    audit_record(
        actor=actor,
        verb="family_help.assessment.started",
        target=assessment,
        child_ids=[c.pk for c in children],
        fields=["referral_date", "due_on"],
    )
    _chronology(
        assessment,
        actor=actor,
        kind="assessment_started",
        summary=f"Family Help assessment started (referral {referral_date:%d %B %Y}, due {assessment.due_on:%d %B %Y})",
    )
    return assessment


# --- draft saves -----------------------------------------------------------------------------------------------


def _clean_draft(
    assessment: Assessment, data: dict, sections: dict[int, dict], known: dict[int, AssessmentChild]
) -> tuple[dict, dict[int, dict]]:
    errors: dict[str, list[str]] = {}
    changes = {k: ("" if v is None else v) for k, v in data.items() if k in ASSESSMENT_FIELDS}
    for key, value in changes.items():
        if not isinstance(value, str):
            errors[key] = ["Enter text"]
    if changes.get("outcome") and changes["outcome"] not in AssessmentOutcome.values:
        errors["outcome"] = ["Choose an outcome from the list"]
    factor_codes, need_codes = valid_codes("assessmentfactorstype"), valid_codes("primaryneedcodetype")
    section_changes: dict[int, dict] = {}
    for section_id, values in sections.items():
        if section_id not in known:
            errors[section_key(section_id, "child_voice")] = ["This child is not part of this assessment"]
            continue
        clean = {k: ("" if v is None else v) for k, v in values.items() if k in SECTION_FIELDS}
        for key, value in clean.items():
            if key != "factors" and not isinstance(value, str):
                errors[section_key(section_id, key)] = ["Enter text"]
        if "factors" in clean:
            factors = clean["factors"] or []
            if isinstance(factors, str) or not all(isinstance(f, str) for f in factors):
                errors[section_key(section_id, "factors")] = ["Give the factor codes as a list"]
            else:
                unknown = [f for f in factors if f not in factor_codes]
                if unknown:
                    errors[section_key(section_id, "factors")] = [
                        f"{', '.join(unknown)} {'is not a' if len(unknown) == 1 else 'are not'} CIN assessment "
                        "factor code" + ("" if len(unknown) == 1 else "s") + ": choose from the list"
                    ]
                clean["factors"] = list(dict.fromkeys(factors))
                if NO_FACTORS in clean["factors"] and len(clean["factors"]) > 1:
                    errors[section_key(section_id, "factors")] = [NO_FACTORS_MESSAGE]
        if clean.get("primary_need") and clean["primary_need"] not in need_codes:
            errors[section_key(section_id, "primary_need")] = [
                f"{clean['primary_need']} is not a CIN primary need code: choose from the list"
            ]
        section_changes[section_id] = clean
    if errors:
        raise ValidationError(errors)
    return changes, section_changes


@transaction.atomic
def assessment_save_draft(
    *,
    assessment: Assessment,
    actor: User,
    expected_version: int,
    data: dict,
    sections: dict[int, dict] | None = None,
    autosave: bool = False,
) -> Assessment:
    """Save what has been written so far. `data` holds assessment fields, `sections` each child section's
    fields by section id. A save based on an older version than the one stored is refused (StaleEdit), so
    another person's (or tab's) changes are never overwritten; the draft is in the database, so a session
    that times out loses nothing already saved."""
    if not can_write_assessment(user=actor, family_case=assessment.family_case):
        raise PermissionDenied("Only the family's practitioners or a manager can change this assessment")
    sections = sections or {}
    known = {s.pk: s for s in assessment.children.all()}
    changes, section_changes = _clean_draft(assessment, data, sections, known)
    now = timezone.now()
    # Compare-and-set on the version (and on still being a draft): if a colleague saved first, or the draft
    # went for authorisation, no row matches and nothing is written.
    versioned_update(
        assessment,
        expected_version=expected_version,
        where={"status": AssessmentStatus.DRAFT},
        changes={**changes, "last_saved_at": now, "autosaved": autosave, "updated_at": now},
        refused="This assessment has been submitted for authorisation and can no longer be changed",
    )
    for section_id, values in section_changes.items():
        if values:
            AssessmentChild.objects.filter(pk=section_id, assessment=assessment).update(**values, updated_at=now)
    assessment.refresh_from_db()
    audit_record(
        actor=actor,
        verb="family_help.assessment.autosaved" if autosave else "family_help.assessment.draft_saved",
        target=assessment,
        child_ids=[s.person_id for s in known.values()],
        fields=[*changes, *(f"section.{name}" for values in section_changes.values() for name in values)],
        related={"sections": [k for k, v in section_changes.items() if v]},
    )
    return assessment


# --- submit, authorise, return -----------------------------------------------------------------------------------


def assessment_missing(assessment: Assessment) -> dict[str, list[str]]:
    """What must be filled in before the assessment can go for authorisation, keyed like a draft's fields."""
    errors: dict[str, list[str]] = {}
    if not assessment.analysis.strip():
        errors["analysis"] = ["Write the analysis"]
    if not assessment.outcome:
        errors["outcome"] = ["Choose the outcome of the assessment"]
    for section in assessment.children.select_related("person"):
        name = section.person.first_name or "this child"
        if not section.child_voice.strip() and not section.voice_not_gathered_reason.strip():
            errors[section_key(section.pk, "child_voice")] = [
                f"Record {name}'s voice in their own words, or say why it could not be gathered"
            ]
        if not section.factors:
            errors[section_key(section.pk, "factors")] = [f"Choose at least one assessment factor for {name}"]
    return errors


def assessment_census_errors(assessment: Assessment) -> dict[str, list[str]]:
    """What the CIN census needs before a child-in-need assessment is authorised: each child's primary need code
    (N0-N9), and factor 21 (no factors identified) never with another factor."""
    errors: dict[str, list[str]] = {}
    for section in assessment.children.select_related("person"):
        name = section.person.first_name or "this child"
        if assessment.outcome == AssessmentOutcome.CHILD_IN_NEED and not section.primary_need:
            errors[section_key(section.pk, "primary_need")] = [
                f"Choose {name}'s primary need code (N0 to N9): a child in need assessment needs it to be authorised"
            ]
        if NO_FACTORS in section.factors and len(section.factors) > 1:
            errors[section_key(section.pk, "factors")] = [NO_FACTORS_MESSAGE]
    return errors


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor: User, expected_version: int | None = None) -> Assessment:
    """Send a complete draft to a manager for authorisation."""
    if not can_write_assessment(user=actor, family_case=assessment.family_case):
        raise PermissionDenied("Only the family's practitioners or a manager can submit this assessment")
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    transition_check(locked, to=AssessmentStatus.SUBMITTED, refused="This assessment has already been submitted")
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(locked.version, obj=locked, current={"version": locked.version})
    missing = assessment_missing(locked)
    if missing:
        raise ValidationError(missing)
    transition(locked, to=AssessmentStatus.SUBMITTED, changes={"submitted_at": timezone.now()})
    assessment.refresh_from_db()
    audit_record(
        actor=actor,
        verb="family_help.assessment.submitted",
        target=assessment,
        child_ids=_child_ids(assessment),
        fields=["status"],
    )
    _chronology(
        assessment,
        actor=actor,
        kind="assessment_submitted",
        summary="Family Help assessment submitted for a manager's authorisation",
    )
    link = reverse("family_help:assessment_authorise", args=[assessment.pk])
    for manager in _managers_for(actor):
        notify(
            user=manager,
            kind="family_help.assessment.submitted",
            link=link,
            unique_key=f"fh-assessment:{assessment.pk}:submitted:{assessment.version}:{manager.pk}",
            title=f"Assessment to authorise: {assessment.family_case.name}",
            body=f"{actor.full_name} submitted the Family Help assessment for authorisation.",
        )
    return assessment


def _managers_for(actor: User) -> list[User]:
    """The managers of the submitter's teams (every Family Help manager if they share no team)."""
    managers = User.objects.filter(groups__name=Role.MANAGER, is_active=True).exclude(pk=actor.pk)
    mine = managers.filter(teams__in=actor.teams.all()).distinct()
    return list(mine if mine.exists() else managers.distinct())


@transaction.atomic
def assessment_authorise(
    *, assessment: Assessment, actor: User, authorised_on: dt.date | None = None, expected_version: int | None = None
) -> Assessment:
    """A manager authorises a submitted assessment. The date is the CIN census authorisation date: not before
    the assessment started, not in the future. The timescale's deadline is met."""
    if not can_authorise_assessment(user=actor):
        raise PermissionDenied("Only a manager can authorise an assessment")
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    refused = "Only an assessment submitted for authorisation can be authorised"
    transition_check(locked, to=AssessmentStatus.AUTHORISED, refused=refused)
    if locked.author_id == actor.pk:
        # Management oversight means a second pair of eyes: the manager who wrote it does not sign it off.
        raise ValidationError(
            "You wrote this assessment, so you cannot authorise it: another manager must authorise it"
        )
    census = assessment_census_errors(locked)
    if census:
        raise ValidationError(census)
    today = timezone.localdate()
    authorised_on = authorised_on or today
    if authorised_on > today:
        raise ValidationError({"authorised_on": ["The date of authorisation must be today or in the past"]})
    if authorised_on < locked.started_on:
        raise ValidationError(
            {
                "authorised_on": [
                    f"The date of authorisation must be on or after the date the assessment started "
                    f"({locked.started_on.day} {locked.started_on:%B %Y})"
                ]
            }
        )
    transition(
        locked,
        to=AssessmentStatus.AUTHORISED,
        expected_version=expected_version,
        refused=refused,
        changes={"authorised_by": actor, "authorised_on": authorised_on, "returned_reason": ""},
    )
    assessment.refresh_from_db()
    deadline_met(kind=DEADLINE_KIND, target=assessment)
    late = authorised_on > assessment.due_on
    audit_record(
        actor=actor,
        verb="family_help.assessment.authorised",
        target=assessment,
        child_ids=_child_ids(assessment),
        fields=["status", "authorised_on"],
    )
    _chronology(
        assessment,
        actor=actor,
        kind="assessment_authorised",
        significant=True,
        summary=f"Family Help assessment authorised on {authorised_on:%d %B %Y}: "
        f"{assessment.get_outcome_display()}" + (" (after the 45-working-day timescale)" if late else ""),
    )
    return assessment


@transaction.atomic
def assessment_return(
    *, assessment: Assessment, actor: User, reason: str, expected_version: int | None = None
) -> Assessment:
    """A manager sends a submitted assessment back to draft, saying what needs to change."""
    if not can_authorise_assessment(user=actor):
        raise PermissionDenied("Only a manager can return an assessment")
    if not (reason or "").strip():
        raise ValidationError({"returned_reason": ["Say what needs to change before it can be authorised"]})
    # A compare-and-set from the state this request read: a manager who authorised it meanwhile wins.
    transition(
        assessment,
        to=AssessmentStatus.DRAFT,
        expected_version=expected_version,
        refused="Only an assessment submitted for authorisation can be returned",
        changes={"returned_reason": reason.strip(), "submitted_at": None},
    )
    assessment.refresh_from_db()
    audit_record(
        actor=actor,
        verb="family_help.assessment.returned",
        target=assessment,
        child_ids=_child_ids(assessment),
        fields=["status", "returned_reason"],  # the manager's words are the assessment's, not the audit's
    )
    _chronology(
        assessment,
        actor=actor,
        kind="assessment_returned",
        summary=f"Family Help assessment returned by a manager: {reason.strip()}",
    )
    notify(
        user=assessment.author,
        kind="family_help.assessment.returned",
        unique_key=f"fh-assessment:{assessment.pk}:returned:{assessment.version}",
        title=f"Assessment returned: {assessment.family_case.name}",
        body=reason.strip(),
        link=reverse("family_help:assessment_edit", args=[assessment.pk]),
    )
    return assessment
