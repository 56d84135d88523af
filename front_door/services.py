"""Writes of the front door: every contact, request, answer and decision, audited, in one place."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases import policy, validators
from cases.codes import valid_codes
from cases.disclosure import register_service_path
from cases.models import (
    CensusMeaning,
    DisclosureDecision,
    Episode,
    LawfulBasis,
    NeedLevel,
    Person,
    Relationship,
    Role,
    User,
    WorkRequest,
)
from cases.selectors import current_leads
from cases.selectors.organisation import agency_liaison_users, is_liaison
from cases.services import (
    Conflict,
    StaleEdit,
    audit_record,
    chronology_add,
    cin_referral_close,
    cin_referral_open,
    cin_referral_open_for,
    compare_and_set,
    deadline_cancel,
    deadline_met,
    deadline_reassign,
    deadline_set,
    episode_current_level,
    episode_open,
    notify,
    person_create,
    person_create_with_address,
    relationship_add,
    transition,
    work_request_create,
)
from cases.services.disclosure import disclosure_record, disclosure_validate
from cases.workdays import Calendar

from .models import (
    OUTCOME_LEVELS,
    OUTCOME_PLAIN_WORDS,
    REFERRAL_OUTCOMES,
    SAFETY_OUTCOMES,
    Consent,
    Contact,
    ContactChild,
    ContactPerson,
    ContactStatus,
    Decision,
    DecisionSignoff,
    FrontDoorSettings,
    HouseholdRelationship,
    InformationRequest,
    Outcome,
    WorryCategory,
)
from .permissions import OWN_REFERRALS, READ_CONTACTS, SIGN_OFF, WORK_CONTACTS

DECISION_DEADLINE = "front_door.decision"
INFO_REQUEST_DEADLINE = "front_door.information_request"
SIGNOFF_DEADLINE = "front_door.signoff"


class AlreadyDecided(Conflict):
    """A second decision without saying it is a change (409 in the API, with the decision that stands)."""


def _require_front_door(actor: User) -> None:
    if not policy.may(actor, WORK_CONTACTS):
        raise PermissionDenied("Only front-door staff can do this")


def _next_reference() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('front_door_contact_reference_seq')")
        (number,) = cursor.fetchone()
    return f"C{number:07d}"


def _contact_link(contact: Contact) -> str:
    return reverse("front_door:contact_detail", args=[contact.pk])


def _child_ids(contact: Contact) -> list[int]:
    return [c.person_id for c in contact.children.all() if c.person_id]


# --- contacts -----------------------------------------------------------------------------------------


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def _validate_contact(data: dict, children: list[dict]) -> None:
    errors: dict[str, list[str]] = {}
    if data.get("source_code") not in valid_codes("referralsourcetype"):
        errors["source_code"] = ["Choose where the contact came from (a CIN census referral source)"]
    unknown = set(data.get("categories") or []) - set(WorryCategory.values)
    if unknown:
        errors["categories"] = [f"Unknown categories: {', '.join(sorted(unknown))}"]
    if not (data.get("worry") or "").strip():
        errors["worry"] = ["Describe what the worry is"]
    if data.get("consent") not in Consent.values:
        errors["consent"] = ["Say whether the family knows about and agrees to this contact"]
    elif data["consent"] == Consent.NOT_SOUGHT_RISK and not (data.get("consent_override_reason") or "").strip():
        errors["consent_override_reason"] = ["Give the reason consent was not sought"]
    if not (data.get("referrer_name") or "").strip():
        errors["referrer_name"] = ["Enter the name of the person who is worried"]
    received_at = data.get("received_at")
    if received_at is not None and received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = ["The time received cannot be in the future"]
    if not children:
        errors["children"] = ["Name at least one child, or describe the child if you do not know their name"]
    for index, child in enumerate(children):
        named = (
            child.get("person")
            or (child.get("given_first_name") or "").strip()
            or (child.get("given_last_name") or "").strip()
        )
        if not named and not (child.get("description") or "").strip():
            errors.setdefault("children", []).append(
                f"Child {index + 1}: give a name, or describe the child (an unknown child needs a description)"
            )
        dob = child.get("given_date_of_birth")
        if dob and dob > timezone.localdate():
            errors.setdefault("children", []).append(f"Child {index + 1}: date of birth must be in the past")
        # The bounds on a person's details (cases.validators), as for a record: a page shows each on its child.
        checks = {
            "date of birth": (validators.validate_date_of_birth, dob if dob and dob <= timezone.localdate() else None),
            "first name": (validators.validate_name, child.get("given_first_name"), "first name"),
            "last name": (validators.validate_name, child.get("given_last_name"), "last name"),
        }
        for label, messages in validators.errors_by_field(checks).items():
            errors.setdefault("children", []).extend(
                f"Child {index + 1}: {_lower_first(m) if label == 'date of birth' else m}" for m in messages
            )
    if errors:
        raise ValidationError(errors)


def _validate_household(household: list[dict]) -> None:
    """The parents, carers and other children named (issue 13 item 10): optional, but each person named needs their
    relationship to the child and both names (a record needs them), and a date of birth in the past if given."""
    errors = []
    for index, member in enumerate(household):
        who = f"Person {index + 1} in the household"
        if member.get("relationship") not in HouseholdRelationship.values:
            errors.append(f"{who}: choose how they are related to the child")
        checks = {}
        for field, words in (("first_name", "first name"), ("last_name", "last name")):
            value = (member.get(field) or "").strip()
            if not value:
                errors.append(f"{who}: enter their {words}")
            else:
                checks[words] = (validators.validate_name, value, words)
        dob = member.get("date_of_birth")
        if dob and dob > timezone.localdate():
            errors.append(f"{who}: date of birth must be in the past")
        elif dob:
            checks["date of birth"] = (validators.validate_date_of_birth, dob)
        for messages in validators.errors_by_field(checks).values():
            errors.extend(f"{who}: {_lower_first(m)}" for m in messages)
    if errors:
        raise ValidationError({"household": errors})


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before by this user with a different body: not a retry of that request."""

    def __init__(self, contact: Contact) -> None:
        super().__init__("This Idempotency-Key was used with a different body")
        self.contact = contact


def idempotency_key_check(*, contact: Contact, body_hash: str) -> None:
    """IdempotencyKeyReused unless the request that recorded `contact` had this body (a contact keyed before the
    hash was stored, with none, is taken as the same request)."""
    if contact.idempotency_body_hash and contact.idempotency_body_hash != body_hash:
        raise IdempotencyKeyReused(contact)


def _lock_idempotency_key(actor: User, key: str) -> None:
    """Serialise the requests that carry one user's key, until this transaction ends: the second of two concurrent
    retries waits for the first to commit, then finds its contact (it never races it to the unique constraint)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"contact-key:{actor.pk}:{key}"])


@transaction.atomic
def contact_create(
    *,
    actor: User,
    data: dict,
    children: list[dict],
    idempotency_key: str = "",
    body_hash: str = "",
    household: list[dict] | None = None,
) -> tuple[Contact, bool]:
    """Record a contact about one or more children. Returns (contact, created).

    `children`: dicts with `person` (a matched Person) or the details given (`given_first_name`, ...,
    `description`). `household` (optional): the parents, carers and other children living with them, dicts of
    `relationship` (HouseholdRelationship), `first_name`, `last_name`, `date_of_birth`; they become the family when
    triage creates or matches the child's record (contact_household_carry). With an idempotency key, a retried
    submission (the same `body_hash`) returns the first contact; the same key with another body raises
    IdempotencyKeyReused."""
    if idempotency_key:
        _lock_idempotency_key(actor, idempotency_key)
        existing = Contact.objects.filter(recorded_by=actor, idempotency_key=idempotency_key).first()
        if existing:
            idempotency_key_check(contact=existing, body_hash=body_hash)
            return existing, False
    household = list(household or [])
    try:
        _validate_contact(data, children)
    except ValidationError as exc:
        try:
            _validate_household(household)
        except ValidationError as more:  # every error at once
            raise ValidationError({**exc.message_dict, **more.message_dict}) from None
        raise
    _validate_household(household)
    received_at = data.get("received_at") or timezone.now()
    calendar = Calendar.from_database()
    due_at = calendar.contact_decision_due(received_at)
    partner = policy.may(actor, OWN_REFERRALS) and not policy.may(actor, WORK_CONTACTS)
    contact = Contact(
        reference=_next_reference(),
        received_at=received_at,
        decision_due_at=due_at,
        channel=data.get("channel") or ("partner_form" if partner else "phone"),
        recorded_by=actor,
        referrer_user=actor if partner else data.get("referrer_user"),
        referrer_name=data["referrer_name"].strip(),
        referrer_role=data.get("referrer_role", ""),
        referrer_agency=data.get("referrer_agency") or (actor.agency if partner else None),
        referrer_phone=data.get("referrer_phone", ""),
        referrer_email=data.get("referrer_email", ""),
        source_code=data["source_code"],
        worry=data["worry"].strip(),
        categories=data.get("categories") or [],
        urgent=bool(data.get("urgent")),
        consent=data["consent"],
        consent_override_reason=(data.get("consent_override_reason") or "").strip(),
        team=data.get("team"),
        idempotency_key=idempotency_key,
        idempotency_body_hash=body_hash if idempotency_key else "",
    )
    contact.no_identifiable_child = all(
        not c.get("person") and not (c.get("given_first_name") or c.get("given_last_name")) for c in children
    )
    contact.full_clean(exclude=["reference", "decision_due_at"])
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        if idempotency_key:  # a concurrent retry won the race: theirs is the contact
            return Contact.objects.get(recorded_by=actor, idempotency_key=idempotency_key), False
        raise
    for child in children:
        ContactChild.objects.create(
            contact=contact,
            person=child.get("person"),
            **{
                k: (child.get(k) or ("" if k != "given_date_of_birth" else None))
                for k in (
                    "given_first_name",
                    "given_last_name",
                    "given_date_of_birth",
                    "given_nhs_number",
                    "given_address",
                    "given_postcode",
                    "description",
                )
            },
        )
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                contact=contact,
                relationship=member["relationship"],
                first_name=member["first_name"].strip(),
                last_name=member["last_name"].strip(),
                date_of_birth=member.get("date_of_birth"),
            )
            for member in household
        ]
    )
    settings = FrontDoorSettings.current()
    deadline_set(
        kind=DECISION_DEADLINE,
        label=f"Front-door decision on contact {contact.reference}",
        target=contact,
        due_at=due_at,
        # Working hours before it is due, as the setting says (a Monday 00:30 deadline is reminded on Friday).
        warn_at=max(received_at, calendar.subtract_working_hours(due_at, settings.warn_working_hours)),
        person_ids=_child_ids(contact),
        escalate_role=Role.FRONT_DOOR_MANAGER,
        link=_contact_link(contact),
    )
    audit_record(
        actor=actor,
        verb="contact.created",
        target=contact,
        child_ids=_child_ids(contact),
        fields=["reference", "urgent", "source_code", "channel", *(["household"] if household else [])],
    )
    for person in Person.objects.filter(pk__in=_child_ids(contact)):
        _chronology_contact(contact, person, actor)
    # A child named by their record when the contact is recorded (front-door staff, or a system through the API) is
    # matched already: what a match does (the leads told, the household carried) happens now.
    if policy.may(actor, WORK_CONTACTS):
        for contact_child in contact.children.filter(person__isnull=False).select_related("person"):
            _tell_leads(contact, contact_child.person)
            contact_household_carry(contact_child=contact_child, actor=actor)
    return contact, True


def _chronology_contact(contact: Contact, person: Person, actor: User | None) -> None:
    who = contact.referrer_name + (f" ({contact.referrer_agency})" if contact.referrer_agency_id else "")
    categories = ", ".join(WorryCategory(c).label for c in contact.categories) or "no category given"
    chronology_add(
        person=person,
        actor=actor,
        strand="front_door",
        kind="contact_received",
        summary=f"Contact {contact.reference} from {who}: {categories}." + (" Urgent." if contact.urgent else ""),
        significant=contact.urgent,
        occurred_at=contact.received_at,
        target=contact,
        link=_contact_link(contact),
        source_agency=contact.referrer_agency,
    )


@transaction.atomic
def contact_child_link(*, contact_child: ContactChild, person: Person, actor: User) -> ContactChild:
    """Triage matches a described child to an existing record (or one just created after the duplicate
    check). The contact's earlier entries join that child's chronology."""
    _require_front_door(actor)
    if contact_child.person_id == person.pk:
        return contact_child
    ContactChild.objects.filter(pk=contact_child.pk).update(person=person, updated_at=timezone.now())
    contact_child.person = person
    contact = contact_child.contact
    Contact.objects.filter(pk=contact.pk).update(no_identifiable_child=False)
    if contact.is_open:  # the deadline's breach entry must reach this child's chronology too
        deadline_set(
            kind=DECISION_DEADLINE,
            label=f"Front-door decision on contact {contact.reference}",
            target=contact,
            due_at=contact.decision_due_at,
            person_ids=_child_ids(contact),
            escalate_role=Role.FRONT_DOOR_MANAGER,
            link=_contact_link(contact),
            assignee=contact.assigned_to,
        )
    audit_record(
        actor=actor,
        verb="contact.child_linked",
        target=contact,
        child_ids=[person.pk],
        related={"contact_child": contact_child},
    )
    _chronology_contact(contact, person, actor)
    _tell_leads(contact, person)
    # The household named on the contact joins the record here, whichever page or API made the match.
    contact_household_carry(contact_child=contact_child, actor=actor)
    return contact_child


def _given_address(contact_child: ContactChild) -> dict | None:
    """The address the referrer gave, as a record's address: "14 Larch Close, Eastfield" -> line1 "14 Larch Close",
    town "Eastfield" (anything between goes to line2). None when no address or no postcode was given (a record's
    address needs both)."""
    parts = [p.strip() for p in contact_child.given_address.split(",") if p.strip()]
    if not parts or not contact_child.given_postcode.strip():
        return None
    line1, town = parts[0], parts[-1] if len(parts) > 1 else ""
    return {
        "line1": line1[:200],
        "line2": ", ".join(parts[1:-1])[:200],
        "town": town[:100],
        "postcode": contact_child.given_postcode,
    }


def contact_child_carried(*, contact_child: ContactChild) -> dict:
    """What the referrer gave about a child, as the details of a new record (the match page starts from these)."""
    return {
        "first_name": contact_child.given_first_name,
        "last_name": contact_child.given_last_name,
        "date_of_birth": contact_child.given_date_of_birth,
        "nhs_number": contact_child.given_nhs_number,
        "address": _given_address(contact_child),
    }


def _tell_leads(contact: Contact, person: Person) -> None:
    """A contact about a child open to Family Help or child protection (an open episode) reaches the episode's lead
    practitioners (issue 13 item 4), once each (the key: the contact, the child, the lead). The title names the
    contact, never the child: a restricted child's name must not reach anyone off its list (the notifications page
    and emails are not scoped by child). The link opens the contact for a lead who may read the front door's
    contacts (an LCPP), else the child's chronology, where the contact's entry is (a Family Help lead practitioner:
    the contact page is not theirs)."""
    received = timezone.localtime(contact.received_at)
    for user in current_leads(person_id=person.pk):
        notify(
            user=user,
            kind="contact.child_open",
            unique_key=f"contact:{contact.pk}:child:{person.pk}:lead:{user.pk}",
            title=f"New contact {contact.reference} about a child you are lead practitioner for",
            body=f"Received {received:%A %d %B at %H:%M}. The front door is deciding what happens next.",
            link=_contact_link(contact)
            if policy.may(user, READ_CONTACTS)
            else reverse("cases:person_chronology", args=[person.pk]),
            send_email=True,
        )


@transaction.atomic
def contact_child_create_and_link(*, contact_child: ContactChild, actor: User, data: dict) -> Person:
    """A new record for a described child (after the duplicate check), linked to the contact: both or
    neither, so that no new record is left without its link to the contact.

    What the referrer gave and `data` does not say is carried (date of birth, NHS number, and the address with its
    postcode as the record's current address), so triage types none of it again; `data["address"]` (a dict of
    line1, line2, town, postcode, or None for none) replaces the given address. A refused address raises
    AddressInvalid and creates nothing."""
    _require_front_door(actor)
    carried = contact_child_carried(contact_child=contact_child)
    details = {**carried, **data}
    address = details.pop("address", None)
    person = person_create_with_address(
        actor=actor, data=details, address=address, reason=f"Contact {contact_child.contact.reference}"
    )
    contact_child_link(contact_child=contact_child, person=person, actor=actor)  # carries the household too
    return person


def _same_name(person: Person, member: ContactPerson) -> bool:
    return (person.first_name.casefold(), person.last_name.casefold()) == (
        member.first_name.casefold(),
        member.last_name.casefold(),
    ) and (member.date_of_birth is None or person.date_of_birth in (None, member.date_of_birth))


@transaction.atomic
def contact_household_carry(*, contact_child: ContactChild, actor: User) -> list[Relationship]:
    """The household named on the contact becomes the child's family on the record (issue 13 item 10): each person
    is the one already made for another child of this contact, or someone already related to this child with the
    same name, or a new record; each is related to the child ("Jade is the mother of Ruby") unless they already are.
    Family Help's allocation builds the family case from these relationships. Run again, it adds nothing."""
    _require_front_door(actor)
    child = contact_child.person
    if child is None:
        return []
    related = {
        r.from_person_id: r.from_person
        for r in Relationship.objects.filter(to_person=child).select_related("from_person")
    } | {
        r.to_person_id: r.to_person for r in Relationship.objects.filter(from_person=child).select_related("to_person")
    }
    added = []
    for member in ContactPerson.objects.filter(contact_id=contact_child.contact_id).select_related("person"):
        person = member.person or next((p for p in related.values() if _same_name(p, member)), None)
        if person is None:
            person = person_create(
                actor=actor,
                data={
                    "first_name": member.first_name,
                    "last_name": member.last_name,
                    "date_of_birth": member.date_of_birth,
                },
                reason=f"Household named on contact {contact_child.contact.reference}",
            )
        if member.person_id != person.pk:
            ContactPerson.objects.filter(pk=member.pk).update(person=person, updated_at=timezone.now())
        if person.pk == child.pk or person.pk in related:
            continue
        related[person.pk] = person
        added.append(
            relationship_add(
                actor=actor,
                from_person=person,
                to_person=child,
                type=member.relationship,
                notes=f"Named by the referrer on contact {contact_child.contact.reference}",
            )
        )
    return added


@transaction.atomic
def contact_assign(*, contact: Contact, actor: User, assignee: User | None) -> Contact:
    """Give the contact to a member of the front door (or to nobody). A compare-and-set on the status and
    the assignee this request read: an assignment that lands after a colleague decided the contact (or
    assigned it) is refused, never written over theirs (it used to put a decided contact back in triage)."""
    _require_front_door(actor)
    if assignee is not None and not policy.may(assignee, WORK_CONTACTS):
        raise ValidationError({"assignee": ["Assign the contact to a member of the front door"]})
    if not contact.is_open:
        raise ValidationError("This contact has been decided")
    previous = contact.assigned_to
    if contact.status == ContactStatus.RECEIVED:
        transition(contact, to=ContactStatus.IN_TRIAGE, changes={"assigned_to": assignee}, expect=["assigned_to_id"])
    else:
        compare_and_set(contact, expect=["status", "assigned_to_id"], changes={"assigned_to": assignee})
    deadline_reassign(kind=DECISION_DEADLINE, target=contact, assignee=assignee)
    if assignee is not None and assignee != actor:
        notify(
            user=assignee,
            kind="contact.assigned",
            title=f"Contact {contact.reference} assigned to you",
            unique_key=f"contact:{contact.pk}:assigned:{assignee.pk}:{timezone.now().timestamp():.0f}",
            link=_contact_link(contact),
            body=f"Decision due {timezone.localtime(contact.decision_due_at):%A %d %B at %H:%M}.",
        )
    audit_record(
        actor=actor,
        verb="contact.assigned",
        target=contact,
        child_ids=_child_ids(contact),
        fields=["assigned_to"],
        related={"assigned_to_before": previous, "assigned_to": assignee},
    )
    return contact


def contact_mark_breached(deadline) -> None:
    """The decision deadline passed undecided: the contact carries the breach (for the queue and returns)."""
    Contact.objects.filter(pk=int(deadline.target_id)).update(breached=True)


# --- information requests -------------------------------------------------------------------------------


@transaction.atomic
def information_request_send(
    *, contact: Contact, actor: User, agency, question: str, due_at: dt.datetime | None = None
) -> InformationRequest:
    _require_front_door(actor)
    if not question.strip():
        raise ValidationError({"question": ["Say what you need to know"]})
    if not contact.is_open:
        raise ValidationError("This contact has been decided: information requests are for open contacts")
    now = timezone.now()
    if due_at is None:
        hours = FrontDoorSettings.current().information_request_working_hours
        due_at = Calendar.from_database().add_working_hours(now, hours)
        if contact.decision_due_at > now:  # wanted before the decision only while that is still ahead
            due_at = min(due_at, contact.decision_due_at)
    if due_at <= now:
        raise ValidationError({"due_at": ["The answer must be due in the future"]})
    # The request goes to the agency's liaison team, never to every user of the agency. An agency without one
    # (or whose team has no active member) cannot receive it: refused here, so that the front door knows at once
    # to phone the agency, and no request waits for an answer nobody was asked for.
    liaison = list(agency_liaison_users(agency_id=agency.pk))
    if not liaison:
        raise ValidationError(
            {
                "agency": [
                    f"{agency} has no liaison team to receive information requests. Phone the agency, and ask an "
                    "administrator to set its liaison team"
                ]
            }
        )
    request = InformationRequest.objects.create(
        contact=contact, agency=agency, question=question.strip(), requested_by=actor, requested_at=now, due_at=due_at
    )
    inbox = reverse("front_door:inbox")
    deadline_set(
        kind=INFO_REQUEST_DEADLINE,
        label=f"Information for contact {contact.reference} from {agency}",
        target=request,
        due_at=due_at,
        warn_at=now + (due_at - now) * 0.75,
        person_ids=_child_ids(contact),
        notify_agency=agency,
        assignee=actor,
        link=inbox,
    )
    for user in liaison:
        notify(
            user=user,
            kind="information_request.received",
            unique_key=f"inforequest:{request.pk}:new:{user.pk}",
            title=f"Information requested by the front door (contact {contact.reference})",
            link=inbox,
            body=f"Please answer by {timezone.localtime(due_at):%A %d %B at %H:%M}.",
            send_email=True,
        )
    if contact.status == ContactStatus.RECEIVED:
        Contact.objects.filter(pk=contact.pk, status=ContactStatus.RECEIVED).update(status=ContactStatus.IN_TRIAGE)
    audit_record(
        actor=actor,
        verb="information_request.sent",
        target=request,
        child_ids=_child_ids(contact),
        fields=["due_at"],
        related={"agency": agency},
    )
    for person in Person.objects.filter(pk__in=_child_ids(contact)):
        chronology_add(
            person=person,
            actor=actor,
            strand="front_door",
            kind="information_requested",
            summary=f"Information requested from {agency} for contact {contact.reference}",
            occurred_at=now,
            target=request,
            link=_contact_link(contact),
        )
    return request


@transaction.atomic
def information_requests_send(
    *, contact: Contact, actor: User, agencies, question: str, due_at: dt.datetime | None = None
) -> list[InformationRequest]:
    """One question to several agencies at once: one InformationRequest per agency, each with its own deadline and
    its liaison team told (information_request_send for each). All or none: an agency that cannot receive a request
    refuses the lot, naming it (keyed `agencies`), so that triage never has to work out which ones went."""
    agencies = list(dict.fromkeys(agencies))
    if not agencies:
        raise ValidationError({"agencies": ["Choose at least one agency to ask"]})
    sent = []
    for agency in agencies:
        try:
            sent.append(
                information_request_send(contact=contact, actor=actor, agency=agency, question=question, due_at=due_at)
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "agency" in exc.error_dict:
                errors = exc.message_dict
                raise ValidationError(
                    {**{k: v for k, v in errors.items() if k != "agency"}, "agencies": errors["agency"]}
                ) from None
            raise
    return sent


INFO_ANSWER_DISCLOSURE = "information_request_answer"
# A partner's answer is a disclosure by that partner to the council (issue 17 item 3): it records its decision.
register_service_path(
    key=INFO_ANSWER_DISCLOSURE,
    label="A partner agency's answer to a front-door information request",
    service="front_door.services.information_request_respond",
    lawful_basis=LawfulBasis.SAFEGUARDING,
)


@transaction.atomic
def information_request_respond(
    *,
    request: InformationRequest,
    actor: User,
    response: str,
    lawful_basis: str = LawfulBasis.SAFEGUARDING,
    shared: bool = True,
    reason: str = "",
) -> InformationRequest:
    """The agency's liaison team answers. Only a member can; an answered request cannot be answered again. The
    answer records the agency's disclosure decision: shared (on `lawful_basis`, with the front door's requester), or
    decided not to share with the reason, which is the answer the front door reads."""
    if actor.agency_id != request.agency_id or not is_liaison(user=actor, agency_id=request.agency_id):
        raise PermissionDenied("Only the liaison team of the agency the request was sent to can answer it")
    if shared and not response.strip():
        raise ValidationError({"response": ["Enter your answer (say if you hold no information)"]})
    contact = request.contact
    decision = {
        "kind": DisclosureDecision.Kind.SHARED if shared else DisclosureDecision.Kind.NOT_SHARED,
        "purpose": f"Answer to the front door's information request for contact {contact.reference}",
        "lawful_basis": lawful_basis,
        "recipient_name": request.requested_by.full_name,
        "recipient_organisation": str(request.requested_by.agency or ""),
        "reason": "" if shared else reason,
    }
    disclosure_validate(**decision)
    text = response.strip() if shared else f"Decided not to share: {reason.strip()}"
    if not shared and response.strip():
        text += f"\n\n{response.strip()}"
    transition(
        request,
        to=InformationRequest.Status.ANSWERED,
        changes={"response": text, "responded_by": actor, "responded_at": timezone.now()},
        refused="This request has already been answered or was cancelled",
    )
    disclosure_record(
        actor=actor,
        what_type=INFO_ANSWER_DISCLOSURE,
        what_id=request.pk,
        what_label=f"Answer from {request.agency} (contact {contact.reference})",
        person_ids=_child_ids(contact),
        **decision,
    )
    deadline_met(kind=INFO_REQUEST_DEADLINE, target=request)
    notify(
        user=request.requested_by,
        kind="information_request.answered",
        unique_key=f"inforequest:{request.pk}:answered",
        link=_contact_link(contact),
        title=f"{request.agency} answered your request (contact {contact.reference})",
    )
    audit_record(actor=actor, verb="information_request.answered", target=request, child_ids=_child_ids(contact))
    for person in Person.objects.filter(pk__in=_child_ids(contact)):
        chronology_add(
            person=person,
            actor=actor,
            strand="front_door",
            kind="information_received",
            summary=f"{request.agency} answered the information request for contact {contact.reference}",
            occurred_at=request.responded_at,
            target=request,
            link=_contact_link(contact),
            source_agency=request.agency,
        )
    return request


# --- the decision ---------------------------------------------------------------------------------------


def _validate_decision(
    contact: Contact, outcome: int, level: NeedLevel, rationale: str, advice: str, urgent_services: str
) -> None:
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = ["Choose one of the eight outcomes"]
    elif level.census_meaning not in OUTCOME_LEVELS[outcome]:
        allowed = ", ".join(
            str(lv) for lv in NeedLevel.objects.filter(census_meaning__in=OUTCOME_LEVELS[outcome], active=True)
        )
        errors["level"] = [f"'{Outcome(outcome).label}' cannot be recorded at {level.name}. Choose: {allowed}"]
    if not level.active:
        errors.setdefault("level", []).append(f"{level.name} is no longer in use")
    if not rationale.strip():
        errors["rationale"] = ["Give the reasons for the decision"]
    if outcome == Outcome.NO_FURTHER_ACTION and not advice.strip():
        errors["advice"] = ["Record the advice and information given"]
    if outcome == Outcome.IMMEDIATE_SERVICES and not urgent_services.strip():
        errors["urgent_services"] = ["Say which services are needed urgently"]
    if outcome != Outcome.NO_FURTHER_ACTION and contact.children.filter(person__isnull=True).exists():
        errors["outcome"] = errors.get("outcome", []) + [
            "Match every child to a record (or create one) before a decision that opens work with them"
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def decision_record(
    *,
    contact: Contact,
    actor: User,
    outcome: int,
    level: NeedLevel,
    rationale: str,
    advice: str = "",
    urgent_services: str = "",
    change_reason: str = "",
    replacing: int | None = None,
) -> Decision:
    """Record the front-door decision. A second decision is refused unless it is an explicit change with
    a reason (then it supersedes the previous one). Where the council requires sign-off for this outcome, the
    decision stands only when the manager agrees: its safety actions (outcomes 1 and 2: the emergency-action and
    strategy-discussion requests, the LCPPs' alert) go at once, the rest waits, and the sign-off has its own due
    time; otherwise everything happens now. `replacing`: the decision a change was made from; if another decision
    stands by the time the contact is locked, the change is refused (StaleEdit) rather than replacing a decision
    its author never saw."""
    _require_front_door(actor)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    previous = contact.decisions.order_by("-decided_at", "-id").first()
    if previous is not None and not change_reason.strip():
        raise AlreadyDecided(
            f"Contact {contact.reference} already has a decision. To change it, record a new "
            "decision with the reason for the change.",
            obj=contact,
            current={"status": contact.status, "decision_id": previous.pk},
        )
    if replacing is not None and previous is not None and previous.pk != replacing:
        raise StaleEdit(
            previous.pk,
            f"Someone else changed the decision on contact {contact.reference} while you "
            "were changing it. Nothing has been saved: check their decision, then make yours again.",
            obj=contact,
            current={"status": contact.status, "decision_id": previous.pk},
        )
    _validate_decision(contact, outcome, level, rationale, advice, urgent_services)
    now = timezone.now()
    settings = FrontDoorSettings.current()
    signoff_required = outcome in settings.signoff_outcomes
    decision = Decision.objects.create(
        contact=contact,
        outcome=outcome,
        level=level,
        rationale=rationale.strip(),
        advice=advice.strip(),
        urgent_services=urgent_services.strip(),
        # Derived, so it cannot disagree with the outcome (the column stays for the sealed history).
        accepted_as_referral=outcome in REFERRAL_OUTCOMES,
        decided_by=actor,
        decided_at=now,
        signoff_required=signoff_required,
        supersedes=previous,
        change_reason=change_reason.strip(),
    )
    if previous is not None and not previous.stands:
        # A replaced decision waiting for sign-off will never be signed off: its clock stops (not met), and the
        # requests its safety actions made stay open for the LCPPs, who are told.
        deadline_cancel(kind=SIGNOFF_DEADLINE, target=previous)
        _tell_lcpps_requests_stay_open(previous, contact, "changed before the manager signed it off")
    if signoff_required:
        # Not decided yet: the one-working-day clock runs on until the manager agrees (issue 13 item 3). A contact
        # decided earlier by a decision that stood keeps that time.
        transition(contact, to=ContactStatus.AWAITING_SIGNOFF, changes={"updated_at": now})
    else:
        transition(
            contact, to=ContactStatus.DECIDED, changes={"decided_at": contact.decided_at or now, "updated_at": now}
        )
        deadline_met(kind=DECISION_DEADLINE, target=contact)
    contact.refresh_from_db()
    audit_record(
        actor=actor,
        verb="decision.recorded" if previous is None else "decision.changed",
        target=decision,
        child_ids=_child_ids(contact),
        # A change's reason is the decision's (Decision.change_reason): named here, never copied.
        fields=["outcome", "level", "signoff_required", *(["change_reason"] if change_reason.strip() else [])],
        related={"level": level},
    )
    for person in Person.objects.filter(pk__in=_child_ids(contact)):
        chronology_add(
            person=person,
            actor=actor,
            strand="front_door",
            kind="decision",
            summary=f"Front-door decision on {contact.reference}: {Outcome(outcome).label} "
            f"({level.name})."
            + (" Awaiting manager sign-off." if signoff_required else "")
            + (f" Changed: {change_reason.strip()}" if previous else ""),
            significant=True,
            occurred_at=now,
            target=decision,
            link=_contact_link(contact),
        )
    if signoff_required:
        _signoff_requested(decision, contact, settings, now)
        if outcome in SAFETY_OUTCOMES:
            # Protection does not wait for the manager (issue 13 item 2).
            _safety_actions(decision, actor)
    else:
        _apply_decision(decision, actor)
    return decision


def _signoff_requested(decision: Decision, contact: Contact, settings: FrontDoorSettings, now: dt.datetime) -> None:
    """The managers are asked, and the sign-off gets its own clock: a reminder to them, then a breach escalated
    to them (working hours, as FrontDoorSettings says)."""
    link = reverse("front_door:decision_signoff", args=[decision.pk])
    for manager in User.objects.filter(groups__name=Role.FRONT_DOOR_MANAGER, is_active=True):
        notify(
            user=manager,
            kind="decision.signoff_needed",
            link=_contact_link(contact),
            unique_key=f"decision:{decision.pk}:signoff:{manager.pk}",
            title=f"Sign-off needed: contact {contact.reference}",
        )
    calendar = Calendar.from_database()
    due_at = calendar.add_working_hours(now, settings.signoff_working_hours)
    # The reminder: the usual warning time before it is due, but never before half the time has gone.
    warn_hours = min(settings.warn_working_hours, settings.signoff_working_hours / 2)
    deadline_set(
        kind=SIGNOFF_DEADLINE,
        label=f"Manager sign-off of the decision on contact {contact.reference}",
        target=decision,
        due_at=due_at,
        warn_at=max(now, calendar.subtract_working_hours(due_at, warn_hours)),
        person_ids=_child_ids(contact),
        remind_role=Role.FRONT_DOOR_MANAGER,
        escalate_role=Role.FRONT_DOOR_MANAGER,
        link=link,
    )


@transaction.atomic
def decision_signoff(*, decision: Decision, actor: User, agreed: bool, comment: str = "") -> DecisionSignoff:
    """A manager agrees a decision (it stands now: its remaining next steps happen and the contact is decided)
    or sends it back to triage (the contact is not decided: its clock runs on; requests the decision already made
    stay open for the LCPPs to close, and they are told). The contact is locked first, as decision_record locks
    it, so a change of decision and a sign-off take turns: the one that comes second sees the other's result and a
    sign-off of a replaced decision is refused."""
    if not policy.may(actor, SIGN_OFF):
        raise PermissionDenied("Only a front door manager can sign off decisions")
    if not decision.signoff_required:
        raise ValidationError("This decision does not need sign-off")
    if not agreed and not comment.strip():
        raise ValidationError({"comment": ["Say why the decision is being sent back"]})
    contact = Contact.objects.select_for_update().get(pk=decision.contact_id)
    latest = contact.decisions.order_by("-decided_at", "-id").first()
    if latest is not None and latest.pk != decision.pk:
        raise Conflict(
            "This decision has been replaced by a later one: sign off the decision that stands.",
            obj=contact,
            current={"status": contact.status, "decision_id": latest.pk},
        )
    if DecisionSignoff.objects.filter(decision=decision).exists():
        raise Conflict("This decision has already been signed off", obj=contact, current={"status": contact.status})
    now = timezone.now()
    if agreed:
        transition(contact, to=ContactStatus.DECIDED, changes={"decided_at": contact.decided_at or now})
        deadline_met(kind=DECISION_DEADLINE, target=contact)
    else:
        # An earlier decision that stood still stands (the contact stays decided by it); otherwise the contact is
        # back in triage, undecided, and its clock runs on.
        earlier_stands = contact.decided_at is not None
        transition(contact, to=ContactStatus.DECIDED if earlier_stands else ContactStatus.IN_TRIAGE)
    deadline_met(kind=SIGNOFF_DEADLINE, target=decision)
    signoff = DecisionSignoff.objects.create(decision=decision, manager=actor, agreed=agreed, comment=comment.strip())
    audit_record(
        actor=actor,
        verb="decision.signed_off" if agreed else "decision.returned",
        target=decision,
        child_ids=_child_ids(contact),
        fields=["agreed", "comment"] if comment.strip() else ["agreed"],
        related={"signoff": signoff},
    )
    if agreed:
        _apply_decision(decision, actor)
    else:
        _decision_returned(decision, contact, actor, comment.strip())
    return signoff


def _decision_returned(decision: Decision, contact: Contact, actor: User, comment: str) -> None:
    """Told: the triage officer who decided, and (when the decision already made requests) the LCPPs, whose requests
    stay open until they close each with a reason: nothing is cancelled silently."""
    notify(
        user=decision.decided_by,
        kind="decision.returned",
        unique_key=f"decision:{decision.pk}:returned",
        title=f"Decision on contact {contact.reference} sent back",
        body=comment,
        link=_contact_link(contact),
    )
    _tell_lcpps_requests_stay_open(decision, contact, "sent back by the manager")
    for person in Person.objects.filter(pk__in=_child_ids(contact)):
        chronology_add(
            person=person,
            actor=actor,
            strand="front_door",
            kind="decision_returned",
            summary=f"Front-door decision on {contact.reference} sent back by the manager: {comment}",
            significant=True,
            target=decision,
            link=_contact_link(contact),
        )


def _tell_lcpps_requests_stay_open(decision: Decision, contact: Contact, what_happened: str) -> None:
    """A decision that made requests (its safety actions) will not stand: the requests stay open and the LCPPs are
    told, so that each is closed with a reason, never silently."""
    made = list(
        WorkRequest.objects.filter(
            source_type=Decision._meta.label_lower, source_id=str(decision.pk), status=WorkRequest.Status.OPEN
        ).order_by("id")
    )
    if not made:
        return
    kinds = " and ".join(sorted({r.get_kind_display().lower() for r in made}))
    for lcpp in User.objects.filter(groups__name=Role.LCPP, is_active=True):
        notify(
            user=lcpp,
            kind="decision.returned",
            unique_key=f"decision:{decision.pk}:requests_stay:{lcpp.pk}",
            title=f"Decision on contact {contact.reference} {what_happened}",
            body=f"The {kinds} request made by this decision stays open: close it with a reason if it is no "
            "longer needed.",
            # Where the LCPP closes it: the request (one), or their inbox (several).
            link=reverse("cases:work_request", args=[made[0].pk]) if len(made) == 1 else reverse("cases:work_requests"),
            send_email=True,
        )


def _safety_kinds(outcome: int) -> list[str]:
    if outcome == Outcome.IMMEDIATE_PROTECTION:
        return [WorkRequest.Kind.EMERGENCY_ACTION, WorkRequest.Kind.STRATEGY_DISCUSSION]
    if outcome == Outcome.STRATEGY_DISCUSSION:
        return [WorkRequest.Kind.STRATEGY_DISCUSSION]
    return []


def _decision_episode(decision: Decision, person: Person, actor: User):
    """The child's episode at the decision's level (opened, or stepped up; never lowered: a child at a higher
    level stays there and the lead is told). Returns (episode, level_kept_higher)."""
    contact = decision.contact
    episode = episode_open(
        person=person,
        actor=actor,
        level=decision.level,
        reason=f"Front-door decision on contact {contact.reference}: {Outcome(decision.outcome).label}",
        source_type="front_door.decision",
        source_id=str(decision.pk),
        link=_contact_link(contact),
    )
    return episode, episode_current_level(episode).rank > decision.level.rank


def _request_once(decision: Decision, person: Person, kind: str, **values) -> WorkRequest | None:
    """A request of this kind about this child from this decision, made once (the safety requests are made when
    the decision is recorded; its sign-off must not make them again). None if it was made already."""
    if WorkRequest.objects.filter(
        person=person, kind=kind, source_type=Decision._meta.label_lower, source_id=str(decision.pk)
    ).exists():
        return None
    return work_request_create(kind=kind, person=person, source=decision, **values)


def _safety_actions(decision: Decision, actor: User, episodes: dict | None = None) -> None:
    """Outcomes 1 and 2: the emergency-action and strategy-discussion requests, and the LCPPs alerted. Never held
    back: not by sign-off, not by a child being at a higher level already. `episodes`: each child's episode, if
    the caller has it."""
    contact = decision.contact
    for person in Person.objects.filter(pk__in=_child_ids(contact)):
        episode, _kept = (episodes or {}).get(person.pk) or _decision_episode(decision, person, actor)
        for kind in _safety_kinds(decision.outcome):
            request = _request_once(
                decision,
                person,
                kind,
                actor=actor,
                summary=f"{Outcome(decision.outcome).label}. {decision.rationale}",
                episode=episode,
                urgent=decision.outcome == Outcome.IMMEDIATE_PROTECTION or contact.urgent,
            )
            if request is None:
                continue
            # Until the MACPT's own records exist, the LCPPs get the task. The title names the contact, never
            # the child: a restricted child's name would reach LCPPs off its list; the link opens the record
            # through the scoped page.
            for lcpp in User.objects.filter(groups__name=Role.LCPP, is_active=True):
                notify(
                    user=lcpp,
                    kind=f"work_request.{kind}",
                    unique_key=f"workrequest:{request.pk}:{lcpp.pk}",
                    title=f"{request.get_kind_display()} needed: contact {contact.reference}",
                    link=reverse("cases:work_request", args=[request.pk]),
                    send_email=True,
                )


def _census_referral(decision: Decision, person: Person, actor: User, episode) -> None:
    """The census referral follows the standing decision: outcomes 1-6 open one (dated the day the contact was
    received, its source the contact's); a change to 7 or 8 closes the one this contact opened, with no further
    action (ReferralNFA: no assessment has started from a front-door decision yet)."""
    contact = decision.contact
    if decision.is_referral:
        cin_referral_open(
            person=person,
            episode=episode,
            # A contact may be recorded as received a few minutes ahead (clock skew): never a day in the future.
            referral_date=min(timezone.localtime(contact.received_at).date(), timezone.localdate()),
            source_code=contact.source_code,
            source=decision,
            actor=actor,
        )
        return
    opened_here = cin_referral_open_for(person)
    if (
        opened_here is not None
        and opened_here.source_type == Decision._meta.label_lower
        and contact.decisions.filter(pk=opened_here.source_id).exists()
    ):
        cin_referral_close(
            person=person,
            on=max(timezone.localdate(), opened_here.referral_date),
            reason_code="RC7",
            nfa=True,
            actor=actor,
        )


def _tell_lead_if_higher(decision: Decision, person: Person, actor: User) -> None:
    """A decision that opens no work (no further action) about a child open at a higher level: the lead is told
    (episode_open keeps the level and records it for them); a child with no open episode gets none."""
    current = Episode.objects.filter(person=person, closed_on__isnull=True).first()
    if current is not None and episode_current_level(current).rank > decision.level.rank:
        _decision_episode(decision, person, actor)


def _apply_decision(decision: Decision, actor: User) -> None:
    """The standing decision's next steps, for every child on the contact, then the referrer hears back. A
    decision at a lower level than a child's open episode changes nothing for that child but tells the lead, who
    decides (issue 13 item 5)."""
    contact = decision.contact
    outcome, level = decision.outcome, decision.level
    opens_work = level.census_meaning != CensusMeaning.UNIVERSAL and outcome != Outcome.NO_FURTHER_ACTION
    children = list(Person.objects.filter(pk__in=_child_ids(contact)))
    episodes = {person.pk: _decision_episode(decision, person, actor) for person in children if opens_work}
    if outcome in SAFETY_OUTCOMES:
        _safety_actions(decision, actor, episodes)
    for person in children:
        if not opens_work:
            _census_referral(decision, person, actor, episode=None)
            _tell_lead_if_higher(decision, person, actor)
            continue
        episode, kept_higher = episodes[person.pk]
        _census_referral(decision, person, actor, episode=episode)
        if kept_higher:
            continue  # the lead decides what, if anything, follows; the safety requests went above
        kinds = [] if outcome in SAFETY_OUTCOMES else [WorkRequest.Kind.FAMILY_HELP_ALLOCATION]
        # Offered at every decision point, but not at the two safety outcomes (issue 15): immediate protection is no
        # place for a family meeting's offer, and before a strategy discussion has decided whether a (possibly joint
        # police) s47 enquiry is needed, approaching the whole family could alert an alleged abuser. The strategy
        # discussion and the conference that follow are decision points of their own, with their own offer.
        if outcome not in SAFETY_OUTCOMES:
            kinds.append(WorkRequest.Kind.FGDM_OFFER)
        for kind in kinds:
            _request_once(
                decision,
                person,
                kind,
                actor=actor,
                summary=f"{Outcome(outcome).label}. {decision.rationale}",
                episode=episode,
                urgent=outcome in (Outcome.IMMEDIATE_PROTECTION, Outcome.IMMEDIATE_SERVICES, Outcome.SEE_CHILD)
                or contact.urgent,
            )
    if contact.referrer_user_id:
        notify(
            user=contact.referrer_user,
            kind="referral.outcome",
            send_email=True,
            unique_key=f"contact:{contact.pk}:decision:{decision.pk}:referrer",
            title=f"Your referral {contact.reference}: decision made",
            body=OUTCOME_PLAIN_WORDS[outcome],
            link=reverse("front_door:my_referral", args=[contact.pk]),
        )
