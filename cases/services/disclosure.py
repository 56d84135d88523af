"""Disclosure decisions and subject access requests (issue 17 item 3; battery rows B11 and B27).

- `disclosure_record()`: one decision, shared or not, with its audit row. Every path of cases.disclosure.INVENTORY
  calls it (through cases.disclosure.disclosure_path for pages, or directly from a service).
- `sar_due_on()`: the subject access clock, as the ICO computes it.
- `sar_bundle()`: what the person's record holds that the request covers, each item marked withheld while it carries
  an information tag no second person has released; `sar_item_release()` releases one; `sar_bundle_send()` renders
  the bundle (released and untagged items only) and records its sending as a disclosure decision.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    Action,
    Address,
    CaseNote,
    ChronologyEntry,
    DisclosureDecision,
    FamilyCaseMember,
    LawfulBasis,
    Outcome,
    Person,
    Plan,
    SarPause,
    SarRelease,
    SubjectAccessRequest,
    User,
    VisibilityTag,
)
from ..policy import SUBJECT_ACCESS, may
from ..workdays import Calendar
from .audit import audit_record

# The information a bundle leaves out until a second person releases it: every information tag (third-party, police,
# health, safe address, not for the family). DPA 2018 Sch 2 para 16 (third parties), Sch 3 (serious harm: health,
# social work), and the safe address a parent must never learn.
SAR_WITHHELD_TAGS = frozenset(VisibilityTag.values)


# --- decisions -------------------------------------------------------------------------------------------------


def disclosure_validate(
    *,
    kind: str,
    purpose: str = "",
    lawful_basis: str = "",
    recipient_name: str = "",
    recipient_organisation: str = "",
    reason: str = "",
) -> None:
    """The rules of a decision, with a message per field (the forms and the API show them as they are)."""
    errors: dict[str, list[str]] = {}
    if kind not in DisclosureDecision.Kind.values:
        errors["kind"] = ["Say whether you are sharing it or have decided not to share it"]
    elif kind == DisclosureDecision.Kind.SHARED:
        if not purpose.strip():
            errors["purpose"] = ["Say what it is shared for"]
        if lawful_basis not in LawfulBasis.values:
            errors["lawful_basis"] = ["Choose the lawful basis for sharing it"]
        if not (recipient_name.strip() or recipient_organisation.strip()):
            errors["recipient_name"] = ["Say who receives it (a name, an organisation, or both)"]
    elif not reason.strip():
        errors["reason"] = ["Give the reason for not sharing it"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disclosure_record(
    *,
    actor: User,
    kind: str,
    what_type: str,
    what_id: object = "",
    what_label: str = "",
    person_ids: Iterable[int] = (),
    purpose: str = "",
    lawful_basis: str = "",
    recipient_name: str = "",
    recipient_organisation: str = "",
    reason: str = "",
) -> DisclosureDecision:
    """Record one decision to share, or not to share, one thing (with its audit row, verb "disclosure.<kind>")."""
    disclosure_validate(
        kind=kind,
        purpose=purpose,
        lawful_basis=lawful_basis,
        recipient_name=recipient_name,
        recipient_organisation=recipient_organisation,
        reason=reason,
    )
    shared = kind == DisclosureDecision.Kind.SHARED
    decision = DisclosureDecision.objects.create(
        kind=kind,
        what_type=what_type,
        what_id=str(what_id or ""),
        what_label=what_label[:200],
        person_ids=sorted({int(p) for p in person_ids}),
        purpose=purpose.strip(),
        lawful_basis=lawful_basis if shared else (lawful_basis if lawful_basis in LawfulBasis.values else ""),
        recipient_name=recipient_name.strip()[:200],
        recipient_organisation=recipient_organisation.strip()[:200],
        reason=reason.strip(),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        verb=f"disclosure.{kind}",
        target=decision,
        child_ids=decision.person_ids,
        fields=["purpose", "lawful_basis", "recipient_name", "recipient_organisation"] if shared else ["reason"],
    )
    return decision


# --- the subject access clock ----------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day where it has no such day (ICO: a request
    received on 31 January is due on 28 February, or the 29th in a leap year)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def paused_days(pauses: Iterable[tuple[dt.date, dt.date | None]]) -> int | None:
    """Calendar days the clock stood still (overlapping periods counted once); None while it is stopped now."""
    spans = sorted(pauses)
    total = 0
    current_start: dt.date | None = None
    current_end: dt.date | None = None
    for start, end in spans:
        if end is None:
            return None
        if current_end is not None and start <= current_end:
            current_end = max(current_end, end)
            continue
        if current_start is not None:
            total += (current_end - current_start).days
        current_start, current_end = start, end
    if current_start is not None:
        total += (current_end - current_start).days
    return total


def sar_due_on(
    *,
    received_on: dt.date,
    pauses: Iterable[tuple[dt.date, dt.date | None]] = (),
    extended: bool = False,
    working_days: Calendar | None = None,
) -> dt.date | None:
    """When the response is due (ICO, "Time limits for responding"): one calendar month from the day of receipt,
    the corresponding day of the next month (its last day when it has none); three months when extended (Art. 12(3):
    by two further months, for complex or numerous requests); the days the clock stood still (waiting for proof of
    identity or clarification) added; moved to the next working day when that day is a weekend or bank holiday.
    None while the clock is stopped."""
    days = paused_days(pauses)
    if days is None:
        return None
    due = add_months(received_on, 3 if extended else 1) + dt.timedelta(days=days)
    working_days = working_days or Calendar()
    return due if working_days.is_working_day(due) else working_days.next_working_day(due)


def sar_due(sar: SubjectAccessRequest) -> dt.date | None:
    return sar_due_on(
        received_on=sar.received_on,
        pauses=[(p.paused_on, p.resumed_on) for p in sar.pauses.all()],
        extended=sar.extended,
        working_days=Calendar.from_database(),
    )


def _require_handler(actor: User) -> None:
    if not may(actor, SUBJECT_ACCESS):
        raise PermissionDenied("Only the privacy officer handles subject access requests")


@transaction.atomic
def sar_open(
    *, person: Person, actor: User, requester_name: str, requester_relationship: str, received_on: dt.date
) -> SubjectAccessRequest:
    _require_handler(actor)
    errors = {}
    if not requester_name.strip():
        errors["requester_name"] = ["Enter the name of the person asking"]
    if not requester_relationship.strip():
        errors["requester_relationship"] = ["Say who they are to the person (themself, a parent, a solicitor, ...)"]
    if received_on > timezone.localdate():
        errors["received_on"] = ["The date received cannot be in the future"]
    if errors:
        raise ValidationError(errors)
    sar = SubjectAccessRequest.objects.create(
        person=person,
        requester_name=requester_name.strip(),
        requester_relationship=requester_relationship.strip(),
        received_on=received_on,
        handled_by=actor,
    )
    audit_record(actor=actor, verb="sar.opened", target=sar, child_ids=[person.pk], fields=["received_on"])
    return sar


@transaction.atomic
def sar_pause(*, sar: SubjectAccessRequest, actor: User, paused_on: dt.date, reason: str) -> SarPause:
    _require_handler(actor)
    if not reason.strip():
        raise ValidationError({"reason": ["Say what you are waiting for (proof of identity, clarification)"]})
    if paused_on < sar.received_on:
        raise ValidationError({"paused_on": ["The clock cannot stop before the request was received"]})
    if sar.pauses.filter(resumed_on__isnull=True).exists():
        raise ValidationError({"paused_on": ["The clock is already stopped"]})
    pause = SarPause.objects.create(request=sar, paused_on=paused_on, reason=reason.strip(), recorded_by=actor)
    audit_record(actor=actor, verb="sar.paused", target=sar, child_ids=[sar.person_id], fields=["paused_on"])
    return pause


@transaction.atomic
def sar_resume(*, sar: SubjectAccessRequest, actor: User, resumed_on: dt.date) -> SarPause:
    _require_handler(actor)
    pause = sar.pauses.filter(resumed_on__isnull=True).first()
    if pause is None:
        raise ValidationError({"resumed_on": ["The clock is running"]})
    if resumed_on < pause.paused_on:
        raise ValidationError({"resumed_on": ["The clock cannot restart before it stopped"]})
    pause.resumed_on = resumed_on
    pause.save(update_fields=["resumed_on", "updated_at"])
    audit_record(actor=actor, verb="sar.resumed", target=sar, child_ids=[sar.person_id], fields=["resumed_on"])
    return pause


@transaction.atomic
def sar_extend(*, sar: SubjectAccessRequest, actor: User, reason: str) -> SubjectAccessRequest:
    _require_handler(actor)
    if not reason.strip():
        raise ValidationError({"extension_reason": ["Say why the request is complex or numerous"]})
    if sar.extended:
        raise ValidationError({"extension_reason": ["The time limit has already been extended"]})
    sar.extended, sar.extension_reason = True, reason.strip()
    sar.save(update_fields=["extended", "extension_reason", "updated_at"])
    audit_record(actor=actor, verb="sar.extended", target=sar, child_ids=[sar.person_id], fields=["extended"])
    return sar


# --- the bundle ------------------------------------------------------------------------------------------------


@dataclass
class BundleItem:
    """One item of the record, as the bundle would hold it."""

    key: str  # "<type>:<id>": what a release names
    section: str
    heading: str
    text: str
    when: dt.date | dt.datetime | None = None
    recorded_by: str = ""  # a professional's name: kept (it is their work, not a third party's information)
    tags: list[str] = field(default_factory=list)
    release: SarRelease | None = None

    @property
    def withheld(self) -> bool:
        return bool(SAR_WITHHELD_TAGS.intersection(self.tags)) and self.release is None

    @property
    def tagged(self) -> bool:
        return bool(SAR_WITHHELD_TAGS.intersection(self.tags))


SECTIONS = ("About you", "Addresses", "Chronology", "Case notes", "Plans")


def _items(person_ids: list[int]) -> list[BundleItem]:
    items: list[BundleItem] = []
    for person in Person.objects.filter(pk__in=person_ids).order_by("pk"):
        dob = person.date_of_birth.strftime("%d %B %Y") if person.date_of_birth else "not recorded"
        items.append(
            BundleItem(
                key=f"person:{person.pk}",
                section="About you",
                heading=person.full_name,
                text=f"Date of birth: {dob}. Council reference: {person.la_child_id}.",
            )
        )
    for address in Address.objects.filter(person_id__in=person_ids).select_related("recorded_by"):
        items.append(
            BundleItem(
                key=f"address:{address.pk}",
                section="Addresses",
                heading="Address",
                text=str(address),
                when=address.start_date,
                recorded_by=address.recorded_by.full_name if address.recorded_by else "",
                tags=[VisibilityTag.SAFE_ADDRESS] if address.safe_address else [],
            )
        )
    for entry in ChronologyEntry.objects.filter(person_id__in=person_ids).select_related("author"):
        items.append(
            BundleItem(
                key=f"chronology:{entry.pk}",
                section="Chronology",
                heading=entry.kind.replace("_", " ").capitalize(),
                text=entry.summary,
                when=entry.occurred_at,
                recorded_by=entry.author.full_name if entry.author else "",
                tags=list(entry.tags),
            )
        )
    notes = (
        CaseNote.objects.filter(person_id__in=person_ids, status=CaseNote.Status.FINAL)
        .select_related("author")
        .prefetch_related("corrections__author")
    )
    for note in notes:
        text = note.body
        for correction in note.corrections.all():
            text += f"\n\nCorrection ({correction.author.full_name}): {correction.body}"
        items.append(
            BundleItem(
                key=f"case_note:{note.pk}",
                section="Case notes",
                heading=note.subject,
                text=text,
                when=note.occurred_at,
                recorded_by=note.author.full_name,
                tags=list(note.visibility_tags),
            )
        )
    family_cases = FamilyCaseMember.objects.filter(person_id__in=person_ids).values("family_case_id")
    for plan in Plan.objects.filter(family_case_id__in=family_cases).select_related("created_by").order_by("pk"):
        for name, label, tags in (
            ("worries", "What we are worried about", []),
            ("working_well", "What is working well", []),
            ("family_views", "What the family says", []),
            ("professional_notes", "Professionals' notes", [VisibilityTag.NOT_FOR_FAMILY]),
        ):
            if getattr(plan, name):
                items.append(
                    BundleItem(
                        key=f"plan_{name}:{plan.pk}",
                        section="Plans",
                        heading=label,
                        text=getattr(plan, name),
                        recorded_by=plan.created_by.full_name,
                        tags=tags,
                    )
                )
        for outcome in Outcome.objects.filter(plan=plan, removed_at__isnull=True).order_by("pk"):
            items.append(
                BundleItem(
                    key=f"plan_outcome:{outcome.pk}",
                    section="Plans",
                    heading="What will be different",
                    text=f"{outcome.what_will_be_different} (how we will know: {outcome.measure})",
                    tags=[VisibilityTag.NOT_FOR_FAMILY] if outcome.not_for_family else [],
                )
            )
        for action in Action.objects.filter(plan=plan).select_related("owner", "owner_agency").order_by("pk"):
            items.append(
                BundleItem(
                    key=f"plan_action:{action.pk}",
                    section="Plans",
                    heading=f"Action due {action.due_on:%d %B %Y}",
                    text=action.description + (f"\nProgress: {action.progress}" if action.progress else ""),
                    recorded_by=f"{action.owner.full_name}, {action.owner_agency}",
                    tags=[VisibilityTag.NOT_FOR_FAMILY] if action.not_for_family else [],
                )
            )
    return items


def sar_bundle(*, sar: SubjectAccessRequest) -> list[BundleItem]:
    """Every item of the person's record the request covers (the person's own record and any merged into it), in
    the sections' order, each with its release if a second person released it."""
    person_ids = [sar.person_id, *Person.objects.filter(merged_into_id=sar.person_id).values_list("pk", flat=True)]
    releases = {r.item_key: r for r in sar.releases.select_related("released_by")}
    items = _items(person_ids)
    for item in items:
        item.release = releases.get(item.key)
    order = {name: i for i, name in enumerate(SECTIONS)}

    def sort_key(item: BundleItem):
        when = item.when
        if isinstance(when, dt.datetime):
            when = when.date()
        return (order[item.section], when or dt.date.min, item.key)

    return sorted(items, key=sort_key)


@transaction.atomic
def sar_item_release(*, sar: SubjectAccessRequest, actor: User, item_key: str, reason: str) -> SarRelease:
    """A second person (a privacy officer who is not handling the request) releases one tagged item, with the
    reason; audited ("sar.item_released")."""
    _require_handler(actor)
    if actor.pk == sar.handled_by_id:
        raise PermissionDenied("A second person must release a withheld item: not the one handling the request")
    # After a bundle is sent a review may still release more (then sent again, a decision of its own).
    if sar.status == SubjectAccessRequest.Status.WITHDRAWN:
        raise ValidationError("This request was withdrawn")
    if not reason.strip():
        raise ValidationError({"reason": ["Give the reason for releasing it"]})
    item = next((i for i in sar_bundle(sar=sar) if i.key == item_key), None)
    if item is None or not item.tagged:
        raise ValidationError({"item_key": ["No withheld item of this record has that reference"]})
    if item.release is not None:
        raise ValidationError({"item_key": ["That item has already been released"]})
    release = SarRelease.objects.create(
        request=sar, item_key=item_key, reason=reason.strip(), released_by=actor, released_at=timezone.now()
    )
    audit_record(
        actor=actor,
        verb="sar.item_released",
        target=sar,
        child_ids=[sar.person_id],
        reason=reason.strip()[:500],
        fields=["item_key"],
        related={"release": release},
    )
    return release


def sar_bundle_render(*, sar: SubjectAccessRequest, actor: User) -> bytes:
    """The bundle as a PDF: untagged and released items only, professionals' names kept."""
    from ..documents import render_pdf

    items = [i for i in sar_bundle(sar=sar) if not i.withheld]
    sections = [(name, [i for i in items if i.section == name]) for name in SECTIONS]
    return render_pdf(
        "cases/disclosure/sar_bundle_pdf.html",
        {
            "sar": sar,
            "person": sar.person,
            "sections": [(name, rows) for name, rows in sections if rows],
            "printed_at": timezone.localtime(),
            "printed_by": actor,
        },
    )


@transaction.atomic
def sar_bundle_send(*, sar: SubjectAccessRequest, actor: User, purpose: str = "") -> tuple[DisclosureDecision, bytes]:
    """Send the bundle: the PDF, and its disclosure decision (lawful basis: the right of access; recipient: the
    requester). Audited by the decision's row; the request is marked sent."""
    _require_handler(actor)
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if sar.status == SubjectAccessRequest.Status.WITHDRAWN:
        raise ValidationError("This request was withdrawn")
    pdf = sar_bundle_render(sar=sar, actor=actor)
    decision = disclosure_record(
        actor=actor,
        kind=DisclosureDecision.Kind.SHARED,
        what_type="sar_bundle",
        what_id=sar.pk,
        what_label=f"Subject access bundle (request {sar.pk})",
        person_ids=[sar.person_id],
        purpose=purpose.strip() or "Response to a subject access request",
        lawful_basis=LawfulBasis.SUBJECT_ACCESS,
        recipient_name=sar.requester_name,
        recipient_organisation=sar.requester_relationship,
    )
    if sar.status == SubjectAccessRequest.Status.OPEN:
        sar.status, sar.sent_at = SubjectAccessRequest.Status.SENT, timezone.now()
        sar.save(update_fields=["status", "sent_at", "updated_at"])
    return decision, pdf


__all__ = [
    "SAR_WITHHELD_TAGS",
    "add_months",
    "disclosure_record",
    "disclosure_validate",
    "paused_days",
    "sar_bundle",
    "sar_bundle_render",
    "sar_bundle_send",
    "sar_due",
    "sar_due_on",
    "sar_extend",
    "sar_item_release",
    "sar_open",
    "sar_pause",
    "sar_resume",
]
