"""Episodes along the continuum of need: open, change level, set the lead, close; involvements."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCase,
    FamilyCaseMember,
    Involvement,
    InvolvementRole,
    NeedLevel,
    Person,
    Strand,
    Team,
    User,
)
from ..permissions import person_permissions_sync
from .audit import audit_record
from .notes import chronology_add
from .organisation import team_ensure_group


@transaction.atomic
def involvement_add(
    *,
    person: Person,
    actor: User | None,
    role: str,
    user: User | None = None,
    team: Team | None = None,
    agency=None,
    start_date=None,
) -> Involvement:
    """Record that a practitioner (or a team) works with a child; access follows at once."""
    if user is None and team is None and agency is None:
        raise ValidationError("Name the practitioner, team or agency that is involved")
    if team is not None:
        team_ensure_group(team=team)
    agency = agency or (user.agency if user else team.agency)
    involvement = Involvement(
        person=person,
        user=user,
        team=team,
        agency=agency,
        role=role,
        start_date=start_date or timezone.localdate(),
        created_by=actor,
    )
    involvement.full_clean()
    involvement.save()
    person_permissions_sync(person)
    audit_record(
        actor=actor,
        verb="involvement.added",
        target=involvement,
        child_ids=[person.pk],
        fields=["role"],
        related={"user": user, "team": team, "agency": agency},
    )
    return involvement


@transaction.atomic
def involvement_end(*, involvement: Involvement, actor: User | None, end_date=None, reason: str = "") -> Involvement:
    """End an involvement; the access it gave goes with it at once (end_date is exclusive: the day it ended)."""
    end = end_date or timezone.localdate()
    Involvement.objects.filter(pk=involvement.pk).update(end_date=end, updated_at=timezone.now())
    involvement.end_date = end
    person_permissions_sync(involvement.person)
    audit_record(
        actor=actor,
        verb="involvement.ended",
        target=involvement,
        child_ids=[involvement.person_id],
        reason=reason,
        fields=["end_date"],
    )
    return involvement


# --- episodes ----------------------------------------------------------------------------------------


@transaction.atomic
def episode_open(
    *,
    person: Person,
    actor: User | None,
    level: NeedLevel,
    opened_on=None,
    reason: str = "",
    family_case: FamilyCase | None = None,
    source_type: str = "",
    source_id: str = "",
    link: str = "",
) -> Episode:
    """Open the child's episode at a level of need. A child has at most one open episode: if one is open at a lower
    level, it steps up instead (never a second record); if one is open at a higher level, it is never lowered here
    (stepping down is its lead's decision, episode_change_level): the level stays, and what was decided is put on
    the child's chronology as information for the current lead(s), who are told (`link`: where to read it)."""
    current = Episode.objects.select_for_update().filter(person=person, closed_on__isnull=True).first()
    if current is not None:
        current_level = episode_current_level(current)
        if level.rank > current_level.rank:
            episode_change_level(episode=current, actor=actor, level=level, reason=reason)
        elif level.rank < current_level.rank:
            _inform_leads_of_lower_level(
                episode=current, actor=actor, current=current_level, level=level, reason=reason, link=link
            )
        return current
    episode = Episode.objects.create(
        person=person,
        family_case=family_case,
        opened_on=opened_on or timezone.localdate(),
        opened_reason=reason,
        source_type=source_type,
        source_id=str(source_id),
    )
    started = (
        timezone.now()
        if opened_on is None
        else dt.datetime.combine(opened_on, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    )
    EpisodeLevel.objects.create(
        episode=episode, level=level, changed_by=actor, reason=reason, started_at=min(started, timezone.now())
    )
    audit_record(
        actor=actor,
        verb="episode.opened",
        target=episode,
        child_ids=[person.pk],
        fields=["level", "opened_on"],
        related={"level": level},
    )
    chronology_add(
        person=person,
        actor=actor,
        strand=Strand.RECORD,
        kind="episode_opened",
        summary=f"Episode opened at {level.name}" + (f": {reason}" if reason else ""),
        significant=True,
        occurred_at=timezone.now(),
        target=episode,
    )
    return episode


def _inform_leads_of_lower_level(
    *, episode: Episode, actor: User | None, current: NeedLevel, level: NeedLevel, reason: str, link: str
) -> None:
    """A decision at a lower level than the child's (a contact decided as early help about a child on a child
    protection plan): recorded for the lead(s), who decide whether anything changes; the level stays."""
    from .notifications import notify

    what = reason or f"A decision at {level.name}"
    entry = chronology_add(
        person=episode.person,
        actor=actor,
        strand=Strand.RECORD,
        kind="decision_for_lead",
        summary=f"For the lead practitioner: {what}. The child stays at {current.name}; the lead decides whether "
        "anything changes.",
        significant=True,
        occurred_at=timezone.now(),
        target=episode,
        link=link,
    )
    leads = list(EpisodeLead.objects.filter(episode=episode, ended_at__isnull=True).select_related("user"))
    for lead in leads:
        if lead.user.is_active:
            # The title names no child: the link opens the record through a scoped page.
            notify(
                user=lead.user,
                kind="decision.for_lead",
                unique_key=f"episode:{episode.pk}:for_lead:{entry.pk}:{lead.user_id}",
                title=f"New information for a child you lead on: a decision at {level.name}",
                body=f"The child stays at {current.name}: you decide whether anything changes.",
                link=link,
                send_email=True,
            )
    audit_record(
        actor=actor,
        verb="episode.level_kept",
        target=episode,
        child_ids=[episode.person_id],
        fields=["level"],
        related={"level": current, "level_decided": level, "leads_told": [lead.user_id for lead in leads]},
    )


def episode_current_level(episode: Episode) -> NeedLevel:
    return episode.levels.select_related("level").get(ended_at__isnull=True).level


@transaction.atomic
def episode_change_level(
    *, episode: Episode, actor: User | None, level: NeedLevel, reason: str, changed_at=None
) -> EpisodeLevel:
    """Step up or down along the continuum on the same episode, keeping the dated history.
    `changed_at` records a change made earlier (a late entry, or migrated history)."""
    if not episode.is_open:
        raise ValidationError("This episode is closed: open a new one from the front door")
    if not reason:
        raise ValidationError({"reason": ["Give the reason for changing the level of need"]})
    now = changed_at or timezone.now()
    current = EpisodeLevel.objects.select_for_update().get(episode=episode, ended_at__isnull=True)
    if now < current.started_at or now > timezone.now():
        raise ValidationError(
            {"changed_at": ["The change must be after the current level began and not in the future"]}
        )
    if current.level_id == level.pk:
        return current
    EpisodeLevel.objects.filter(pk=current.pk).update(ended_at=now)
    new = EpisodeLevel.objects.create(episode=episode, level=level, started_at=now, changed_by=actor, reason=reason)
    direction = "up" if level.rank > current.level.rank else "down"
    audit_record(
        actor=actor,
        verb="episode.level_changed",
        target=episode,
        child_ids=[episode.person_id],
        # The reason is the record's (EpisodeLevel.reason): practitioners' words about the family, so named only.
        fields=["level", "reason"],
        related={"level_before": current.level_id, "level": level},
    )
    chronology_add(
        person=episode.person,
        actor=actor,
        strand=Strand.RECORD,
        kind=f"stepped_{direction}",
        summary=f"Stepped {direction} from {current.level.name} to {level.name}: {reason}",
        significant=True,
        occurred_at=now,
        target=episode,
    )
    return new


@transaction.atomic
def episode_set_lead(*, episode: Episode, actor: User | None, user: User, kind: str, started_at=None) -> EpisodeLead:
    """Appoint the FHLP or LCPP. The previous one's period ends and so does the access their lead role
    gave them (a handover, unless they stay involved in another role); the new one gains access."""
    now = started_at or timezone.now()
    previous = EpisodeLead.objects.filter(episode=episode, kind=kind, ended_at__isnull=True).first()
    if previous and previous.user_id == user.pk:
        return previous
    if previous:
        EpisodeLead.objects.filter(pk=previous.pk).update(ended_at=now)
        _end_lead_involvements(episode=episode, user_ids=[previous.user_id], actor=actor, on=now)
    lead = EpisodeLead.objects.create(episode=episode, kind=kind, user=user, started_at=now, assigned_by=actor)
    involvement_add(
        person=episode.person,
        actor=actor,
        role=InvolvementRole.LEAD_PRACTITIONER,
        user=user,
        start_date=timezone.localtime(now).date(),
    )
    audit_record(
        actor=actor,
        verb="episode.lead_set",
        target=episode,
        child_ids=[episode.person_id],
        fields=["lead"],
        related={"lead_before": previous.user_id if previous else None, "lead": user},
    )
    chronology_add(
        person=episode.person,
        actor=actor,
        strand=Strand.RECORD,
        kind="lead_practitioner",
        summary=f"{lead.get_kind_display()}: {user.full_name} ({user.agency})",
        occurred_at=now,
        target=episode,
    )
    return lead


@transaction.atomic
def episode_end_lead(
    *, episode: Episode, actor: User | None, kind: str, reason: str, ended_at=None
) -> EpisodeLead | None:
    """End the episode's current lead of `kind` (the LCPP when the child leaves child protection), keeping the other
    leads (the Family Help lead carries on). The lead role's access ends with it (unless the same person still leads
    in another kind); audited, in the chronology, and the people working with the child are told: a change of lead
    is never silent. Nothing to end: None."""
    from django.urls import reverse

    from .notifications import notify

    if not (reason or "").strip():
        raise ValidationError({"reason": ["Give the reason the lead role ends"]})
    now = ended_at or timezone.now()
    lead = (
        EpisodeLead.objects.select_for_update()
        .filter(episode=episode, kind=kind, ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    if lead is None:
        return None
    EpisodeLead.objects.filter(pk=lead.pk).update(ended_at=now)
    lead.ended_at = now
    if not EpisodeLead.objects.filter(episode=episode, user_id=lead.user_id, ended_at__isnull=True).exists():
        _end_lead_involvements(episode=episode, user_ids=[lead.user_id], actor=actor, on=now)
    audit_record(
        actor=actor,
        verb="episode.lead_ended",
        target=episode,
        child_ids=[episode.person_id],
        fields=["lead"],
        related={"lead_ended": lead.user_id},
    )
    role = lead.get_kind_display()
    chronology_add(
        person=episode.person,
        actor=actor,
        strand=Strand.RECORD,
        kind="lead_ended",
        summary=f"{role} role of {lead.user.full_name} ended: {reason.strip()}",
        significant=True,
        occurred_at=now,
        target=episode,
    )
    told = {lead.user_id: lead.user}
    for other in EpisodeLead.objects.filter(episode=episode, ended_at__isnull=True).select_related("user"):
        told[other.user_id] = other.user
    for involvement in Involvement.objects.filter(
        person=episode.person, end_date__isnull=True, user__isnull=False
    ).select_related("user"):
        told[involvement.user_id] = involvement.user
    link = reverse("cases:person_detail", args=[episode.person_id])
    for user in told.values():
        if user.is_active and (actor is None or user.pk != actor.pk):
            # The title names no child: the link opens the record through a scoped page.
            notify(
                user=user,
                kind="episode.lead_ended",
                unique_key=f"episode:{episode.pk}:lead_ended:{lead.pk}:{user.pk}",
                title=f"A child's {role} role has ended",
                body=reason.strip(),
                link=link,
                send_email=True,
            )
    return lead


@transaction.atomic
def episode_close(*, episode: Episode, actor: User | None, reason_code: str, summary: str, closed_on=None) -> Episode:
    from ..codes import valid_codes

    if reason_code not in valid_codes("reasonforclosuretype"):
        raise ValidationError({"closure_reason": ["Choose a reason for closure (RC1 to RC9)"]})
    closed_on = closed_on or timezone.localdate()
    if closed_on < episode.opened_on:
        raise ValidationError({"closed_on": ["The closure date must be on or after the date the episode opened"]})
    now = timezone.now()
    if not Episode.objects.filter(pk=episode.pk, closed_on__isnull=True).update(
        closed_on=closed_on, closure_reason=reason_code, closure_summary=summary, updated_at=now
    ):
        raise ValidationError("This episode is already closed")
    EpisodeLevel.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    lead_user_ids = list(
        EpisodeLead.objects.filter(episode=episode, ended_at__isnull=True).values_list("user_id", flat=True)
    )
    EpisodeLead.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    # The leads' access ends with the episode (other involvements, e.g. a school's, are theirs to end).
    _end_lead_involvements(episode=episode, user_ids=lead_user_ids, actor=actor, on=now)
    episode.refresh_from_db()
    audit_record(
        actor=actor,
        verb="episode.closed",
        target=episode,
        child_ids=[episode.person_id],
        fields=["closed_on", "closure_reason", "closure_summary"],
    )
    chronology_add(
        person=episode.person,
        actor=actor,
        strand=Strand.RECORD,
        kind="episode_closed",
        summary=f"Episode closed ({reason_code}): {summary}",
        significant=True,
        occurred_at=now,
        target=episode,
    )
    return episode


def _end_lead_involvements(*, episode: Episode, user_ids: list[int], actor: User | None, on) -> None:
    end = timezone.localtime(on).date()
    for involvement in Involvement.objects.filter(
        person=episode.person, user_id__in=user_ids, end_date__isnull=True, role=InvolvementRole.LEAD_PRACTITIONER
    ):
        involvement_end(
            involvement=involvement,
            actor=actor,
            end_date=max(end, involvement.start_date),
            reason="Lead practitioner role ended",
        )


@transaction.atomic
def family_case_create(
    *, actor: User | None, name: str, members: list[tuple[Person, str]], opened_on=None
) -> FamilyCase:
    family = FamilyCase.objects.create(name=name, opened_on=opened_on or timezone.localdate())
    for person, role in members:
        FamilyCaseMember.objects.create(family_case=family, person=person, role=role)
    Episode.objects.filter(
        person__in=[p for p, role in members if role == FamilyCaseMember.Role.CHILD],
        closed_on__isnull=True,
        family_case__isnull=True,
    ).update(family_case=family)
    audit_record(actor=actor, verb="family_case.created", target=family, child_ids=[p.pk for p, _ in members])
    return family
