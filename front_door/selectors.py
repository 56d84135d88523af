"""Scoped reads of the front door: the triage queue, a contact, an agency's inbox, a referrer's portal,
and the dashboard figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import CharField, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases import policy
from cases.models import (
    Address,
    CinReferral,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCaseMember,
    NeedLevel,
    Relationship,
    RelationshipType,
    TafMember,
    User,
)
from cases.permissions import person_record_scope
from cases.selectors import people_restricted_for_user, person_ids_in_scope, rag_status
from cases.web import RESTRICTED_LABEL
from cases.workdays import LONDON, Calendar

from .models import (
    REFERRAL_OUTCOMES,
    Contact,
    ContactChild,
    ContactStatus,
    Decision,
    FrontDoorSettings,
    InformationRequest,
    Outcome,
)
from .permissions import OWN_REFERRALS, READ_CONTACTS, WORK_CONTACTS


def is_front_door(user: User) -> bool:
    return policy.may(user, WORK_CONTACTS)


def can_read_contacts(user: User) -> bool:
    return policy.may(user, READ_CONTACTS)


# --- RAG -----------------------------------------------------------------------------------------------


class Clock:
    """What a page of contacts or information requests needs for RAG, read once (one closures query, one
    settings query), so that no row costs a query. The RAG rule itself is the record's (cases.selectors)."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.calendar = Calendar.from_database()
        settings = FrontDoorSettings.current()
        self.amber_hours = settings.amber_working_hours
        self.warn_hours = settings.warn_working_hours

    def hours_left(self, due_at: dt.datetime) -> float:
        return self.calendar.working_hours_left(self.now, due_at)

    def contact_rag(self, contact: Contact) -> str | None:
        """None once decided: the clock stopped when a decision came to stand (a change waiting for sign-off does not
        restart it; a first decision waiting for sign-off, or sent back, has not stopped it)."""
        if contact.status == ContactStatus.DECIDED or contact.decided_at is not None:
            return None
        return rag_status(left=self.hours_left(contact.decision_due_at), amber_below=self.amber_hours)

    def request_rag(self, info: InformationRequest) -> str:
        """ "" once answered or cancelled."""
        if info.status != InformationRequest.Status.OPEN:
            return ""
        return rag_status(left=self.hours_left(info.due_at), amber_below=self.warn_hours)


@dataclass
class QueueRow:
    contact: Contact
    rag: str
    hours_left: float
    due_label: str = ""
    child_names: tuple[str, ...] = ()


# --- the triage queue -------------------------------------------------------------------------------------

QUEUE_STATUSES = (ContactStatus.RECEIVED, ContactStatus.IN_TRIAGE, ContactStatus.AWAITING_SIGNOFF)


def contact_queue(
    *,
    user: User,
    team_id: int | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    status: str = "",
    urgent: bool | None = None,
) -> QuerySet[Contact]:
    """Open contacts, soonest due first (served by the partial index contact_open_queue_idx). Only
    front-door staff have a queue; anyone else gets none."""
    if not is_front_door(user):
        return Contact.objects.none()
    qs = Contact.objects.exclude(status=ContactStatus.DECIDED)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if unassigned:
        qs = qs.filter(assigned_to__isnull=True)
    elif assignee_id:
        qs = qs.filter(assigned_to_id=assignee_id)
    if status in QUEUE_STATUSES:
        qs = qs.filter(status=status)
    if urgent is not None:
        qs = qs.filter(urgent=urgent)
    return (
        qs.select_related("assigned_to", "team", "referrer_agency")
        .prefetch_related(Prefetch("children", queryset=ContactChild.objects.select_related("person")))
        .order_by("decision_due_at", "id")
    )


def child_label(child: ContactChild, hidden: set[int]) -> str:
    """A contact's child in a list: the record's name; "Restricted record" for a restricted record the viewer is
    not on the list of (and then nothing the referrer gave either: it names the same child); or, not matched yet,
    the name as given."""
    if child.person_id:
        return RESTRICTED_LABEL if child.person_id in hidden else child.person.display_name
    return f"{child.given_name} (not matched)" if child.given_name else "Unidentified child"


# What a reader off a restricted record's list sees for a contact's worry: the caller's words name the child.
WITHHELD_WORRY = (
    "Withheld: this contact is about a child whose record is restricted. Ask the front door manager, who can see who "
    "is on its list."
)


def contact_children_restricted(*, user: User, contacts) -> set[int]:
    """The restricted records among these contacts' children that the user may not see (children prefetched with
    their records: one query at most for a whole page)."""
    return people_restricted_for_user(
        user=user, people=[c.person for contact in contacts for c in contact.children.all()]
    )


def queue_rows(contacts, *, user: User | None = None, now: dt.datetime | None = None) -> list[QueueRow]:
    """RAG for a page of the queue (one settings read, one closures read, no per-row queries); with `user`, the
    children's names as that user may see them (at most one more query)."""
    clock = Clock(now)
    contacts = list(contacts)
    hidden = contact_children_restricted(user=user, contacts=contacts) if user is not None else set()
    rows = []
    for contact in contacts:
        left = clock.hours_left(contact.decision_due_at)
        due = contact.decision_due_at.astimezone(LONDON)
        # Labels made here once: per-row template includes and date filters were most of the page's time.
        names = tuple(child_label(child, hidden) for child in contact.children.all()) if user is not None else ()
        rows.append(
            QueueRow(
                contact=contact,
                hours_left=left,
                due_label=f"{due:%a} {due.day} {due:%b %H:%M}",
                child_names=names,
                rag=rag_status(left=left, amber_below=clock.amber_hours) if contact.decided_at is None else "",
            )
        )
    return rows


def queue_counts(*, user: User) -> dict[str, int]:
    """Counts for the queue's header, in one query."""
    if not is_front_door(user):
        return {}
    now = timezone.now()
    return Contact.objects.exclude(status=ContactStatus.DECIDED).aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(decision_due_at__lte=now, decided_at__isnull=True)),
        unassigned=Count("id", filter=Q(assigned_to__isnull=True)),
        urgent=Count("id", filter=Q(urgent=True)),
        awaiting_signoff=Count("id", filter=Q(status=ContactStatus.AWAITING_SIGNOFF)),
        mine=Count("id", filter=Q(assigned_to=user)),
    )


# --- one contact ---------------------------------------------------------------------------------------


def contact_get_for_user(*, user: User, contact_id: int) -> Contact:
    """Front-door staff, LCPPs and managers see every contact; anyone else: 404."""
    if not can_read_contacts(user):
        raise Http404("No contact here")
    return get_object_or_404(
        Contact.objects.select_related("assigned_to", "team", "referrer_agency", "referrer_user", "recorded_by"),
        pk=contact_id,
    )


def contact_detail(*, contact: Contact) -> dict:
    decisions = list(
        contact.decisions.select_related("level", "decided_by", "signoff", "signoff__manager").order_by(
            "decided_at", "id"
        )
    )
    return {
        "children": list(contact.children.select_related("person").order_by("id")),
        "information_requests": list(
            contact.information_requests.select_related("agency", "requested_by", "responded_by").order_by(
                "requested_at", "id"
            )
        ),
        "decisions": decisions,
        "current_decision": decisions[-1] if decisions else None,
    }


# --- a referrer's own referrals ------------------------------------------------------------------------


def contact_child_get(*, contact: Contact, child_id: int) -> ContactChild:
    """One child described on this contact (404 for another contact's)."""
    return get_object_or_404(ContactChild.objects.select_related("person"), pk=child_id, contact=contact)


def decision_get(*, decision_id: int) -> Decision:
    """A decision with what its sign-off page shows; the caller checks the contact is the user's to see."""
    return get_object_or_404(
        Decision.objects.select_related("level", "decided_by", "signoff", "signoff__manager"), pk=decision_id
    )


def contact_children(*, contact: Contact) -> list[ContactChild]:
    """The children described on a contact, with their records."""
    return list(contact.children.select_related("person"))


def decision_is_superseded(*, decision: Decision) -> bool:
    return Decision.objects.filter(supersedes=decision).exists()


def referrals_for_referrer(*, user: User) -> QuerySet[Contact]:
    """A partner sees the contacts they made, and only those."""
    return (
        Contact.objects.filter(referrer_user=user)
        .prefetch_related(
            Prefetch("children", queryset=ContactChild.objects.order_by("id")),
            Prefetch("decisions", queryset=Decision.objects.select_related("signoff").order_by("decided_at", "id")),
        )
        .order_by("-received_at", "-id")
    )


def contacts_for_reader(*, user: User) -> QuerySet[Contact]:
    """Every contact for front-door staff and readers (newest first, children and decisions prefetched), a
    partner's own referrals for them; anyone else: 404."""
    if can_read_contacts(user):
        return (
            Contact.objects.select_related("assigned_to")
            .prefetch_related(
                # With their records: whether one is restricted decides what the reader is shown.
                Prefetch("children", queryset=ContactChild.objects.select_related("person").order_by("id")),
                Prefetch("decisions", queryset=Decision.objects.select_related("signoff").order_by("decided_at", "id")),
            )
            .order_by("-received_at", "-id")
        )
    if policy.may(user, OWN_REFERRALS):
        return referrals_for_referrer(user=user)
    raise Http404("No contact here")


def contact_list_for_reader(
    *, user: User, status: str = "", urgent: bool | None = None, open_: bool | None = None
) -> QuerySet[Contact]:
    """contacts_for_reader, filtered (a partner's list is not filtered by status: they are told their own)."""
    qs = contacts_for_reader(user=user)
    if status and can_read_contacts(user):
        qs = qs.filter(status=status)
    if urgent is not None:
        qs = qs.filter(urgent=urgent)
    if open_ is True:
        qs = qs.exclude(status=ContactStatus.DECIDED)
    elif open_ is False:
        qs = qs.filter(status=ContactStatus.DECIDED)
    return qs


def contact_by_idempotency_key(*, user: User, key: str) -> Contact | None:
    """The contact this user already recorded with this Idempotency-Key, if any."""
    return contacts_for_reader(user=user).filter(recorded_by=user, idempotency_key=key).first()


def information_requests_with_children(qs: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    """Requests with their agency, contact and the contact's children (with their records): no per-row queries."""
    return qs.select_related("agency", "contact").prefetch_related(
        Prefetch("contact__children", queryset=ContactChild.objects.select_related("person").order_by("id"))
    )


def information_requests_for_contact(*, contact: Contact) -> list[InformationRequest]:
    return list(information_requests_with_children(contact.information_requests.all()).order_by("requested_at", "id"))


def information_request_get(*, request_id: int) -> InformationRequest:
    return information_requests_with_children(InformationRequest.objects.filter(pk=request_id)).get()


def linked_child_ids(contacts) -> list[int]:
    """The records linked to these contacts' children (prefetched: no queries), for the read audit."""
    return [c.person_id for contact in contacts for c in contact.children.all() if c.person_id]


def need_level_find(*, code: str) -> NeedLevel | None:
    return NeedLevel.objects.filter(code=code).first()


def need_level_codes() -> list[str]:
    return list(NeedLevel.objects.filter(active=True).values_list("code", flat=True))


def referral_get_for_referrer(*, user: User, contact_id: int) -> Contact:
    return get_object_or_404(referrals_for_referrer(user=user), pk=contact_id)


def referral_status_for_referrer(contact: Contact) -> dict:
    """What the referrer is told: the status, and the outcome in plain words once it is final. No
    rationale, level or sensitive detail; a decision awaiting sign-off is still 'being looked at'."""
    from .models import OUTCOME_PLAIN_WORDS

    decisions = list(contact.decisions.all())
    final = None
    for decision in reversed(decisions):
        signoff = getattr(decision, "signoff", None)
        if not decision.signoff_required or (signoff is not None and signoff.agreed):
            final = decision
            break
    if final is not None and contact.status == ContactStatus.DECIDED:
        return {
            "status": "decided",
            "status_label": "Decided",
            "outcome": OUTCOME_PLAIN_WORDS[final.outcome],
            "decided_at": final.decided_at,
        }
    if contact.status == ContactStatus.RECEIVED:
        return {"status": "received", "status_label": "Received", "outcome": "", "decided_at": None}
    return {"status": "in_progress", "status_label": "Being looked at", "outcome": "", "decided_at": None}


# --- an agency's inbox ------------------------------------------------------------------------------------


def information_requests_for_agency(*, user: User, show: str = "open") -> QuerySet[InformationRequest]:
    """Requests sent to the user's own agency, for the members of its liaison team only (Agency.liaison_team): `show`
    "open" (soonest due first), "closed" (answered or cancelled, latest answer first), "answered" or "all"."""
    if not user.is_authenticated or user.agency_id is None:
        return InformationRequest.objects.none()
    qs = InformationRequest.objects.filter(agency_id=user.agency_id, agency__liaison_team__members=user)
    order = ("status", "due_at", "id")
    if show == "open":
        qs = qs.filter(status=InformationRequest.Status.OPEN)
    elif show == "answered":
        qs = qs.filter(status=InformationRequest.Status.ANSWERED)
    elif show == "closed":
        qs, order = qs.exclude(status=InformationRequest.Status.OPEN), ("-responded_at", "-id")
    return (
        qs.select_related("contact", "requested_by", "responded_by", "agency")
        .prefetch_related(Prefetch("contact__children", queryset=ContactChild.objects.select_related("person")))
        .order_by(*order)
    )


def information_request_get_for_agency(*, user: User, request_id: int) -> InformationRequest:
    return get_object_or_404(information_requests_for_agency(user=user, show="all"), pk=request_id)


# --- what a partner needs to search its own systems (issue 13 item 11) ------------------------------------------

SAFE_ADDRESS_HELD = "A safe address is held: it is not shared"


@dataclass
class ChildIdentifiers:
    """One child of a contact as a partner answering an information request is shown them: enough to find the child
    in the agency's own systems. `restricted`: a restricted record the reader is not on the list of (then nothing
    else is filled in: what the referrer gave names the same child)."""

    name: str = ""
    date_of_birth: dt.date | None = None
    address: str = ""
    nhs_number: str = ""
    description: str = ""
    restricted: bool = False
    matched: bool = False


def _nhs_display(value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 and value.isdigit() else value


def children_identifiers(*, user: User, children) -> dict[int, ChildIdentifiers]:
    """For each ContactChild (by id): its name, date of birth, address and NHS number, the record's when it is
    matched, else what the referrer gave; for a restricted record `user` is not on the list of, only that it is
    restricted. A safe address is never shown, to anyone answering a request, whoever recorded it; and where the
    child's record holds a current safe address the address the referrer gave is not shown either (it may be that
    place). Two queries at most (restriction lists, current addresses), whatever the number of children."""
    children = list(children)
    hidden = people_restricted_for_user(user=user, people=[c.person for c in children])
    matched_ids = [c.person_id for c in children if c.person_id and c.person_id not in hidden]
    current: dict[int, Address] = {}
    safe: set[int] = set()
    if matched_ids:
        for address in Address.objects.filter(person_id__in=matched_ids, end_date__isnull=True).order_by(
            "person_id", "-start_date", "-id"
        ):
            if address.safe_address:
                safe.add(address.person_id)
            else:
                current.setdefault(address.person_id, address)
    shown: dict[int, ChildIdentifiers] = {}
    for child in children:
        person = child.person
        if person is not None and person.pk in hidden:
            shown[child.pk] = ChildIdentifiers(name=RESTRICTED_LABEL, restricted=True, matched=True)
            continue
        given_address = ", ".join(p for p in (child.given_address.strip(), child.given_postcode.strip()) if p)
        if person is None:
            shown[child.pk] = ChildIdentifiers(
                name=child.given_name,
                date_of_birth=child.given_date_of_birth,
                address=given_address,
                nhs_number=_nhs_display(child.given_nhs_number),
                description=child.description,
            )
            continue
        if person.pk in safe:
            address = SAFE_ADDRESS_HELD
        elif person.pk in current:
            address = str(current[person.pk])
        else:
            address = given_address
        shown[child.pk] = ChildIdentifiers(
            name=f"{person.first_name} {person.last_name}",
            date_of_birth=person.date_of_birth or child.given_date_of_birth,
            address=address,
            nhs_number=_nhs_display(person.nhs_number or child.given_nhs_number),
            description=child.description,
            matched=True,
        )
    return shown


# --- census meaning -------------------------------------------------------------------------------------


def standing_decisions() -> QuerySet[Decision]:
    """Decisions that stand: recorded without sign-off, or agreed by the manager."""
    return Decision.objects.filter(Q(signoff_required=False) | Q(signoff__agreed=True))


def contacts_with_standing_outcome(qs: QuerySet[Contact] | None = None) -> QuerySet[Contact]:
    """Contacts annotated with `standing_outcome`: the outcome of their latest decision that stands (None if
    none), the one thing "is a referral" is derived from (Contact.is_referral is the same rule for one contact)."""
    latest = standing_decisions().filter(contact=OuterRef("pk")).order_by("-decided_at", "-id").values("outcome")[:1]
    return (qs if qs is not None else Contact.objects.all()).annotate(standing_outcome=Subquery(latest))


def contacts_referred(qs: QuerySet[Contact] | None = None) -> QuerySet[Contact]:
    """The contacts that are referrals to children's social care (standing outcome 1-6, census meaning)."""
    return contacts_with_standing_outcome(qs).filter(standing_outcome__in=sorted(REFERRAL_OUTCOMES))


# --- dashboard -------------------------------------------------------------------------------------------


def _london_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)


def decision_timeliness_filters(now: dt.datetime) -> tuple[Q, Q]:
    """(due, in_time) over contacts: the decision is due by `now`, and of those, decided within its one working day
    (decided_at at or before decision_due_at). The one definition of "% decided within one working day": the front
    door's dashboard and the managers' dashboards (reporting) count with it."""
    due_now = Q(decision_due_at__lte=now)
    return due_now, due_now & Q(decided_at__isnull=False, decided_at__lte=F("decision_due_at"))


def timeliness(due: int, in_time: int) -> dict:
    """{due, on_time, percent} (percent None when nothing was due), as the dashboards show it."""
    return {"due": due, "on_time": in_time, "percent": round(100 * in_time / due, 1) if due else None}


def dashboard_figures(*, now: dt.datetime | None = None) -> dict:
    """Contacts today and this week; % decided within one working day over week, month, quarter; the
    overdue list; open information requests by agency. A handful of aggregate queries."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    week_start = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)

    # One pass over the contacts received since the earliest of the periods (served by the received_at index),
    # never over the whole history: the counts for today and this week, and for each period the contacts whose
    # decision is now due and how many of those were decided in time.
    starts = {
        "week": _london_midnight(week_start),
        "month": _london_midnight(month_start),
        "quarter": _london_midnight(quarter_start),
    }
    due_now, on_time = decision_timeliness_filters(now)
    aggregates = {
        "today": Count("id", filter=Q(received_at__gte=_london_midnight(today))),
        "week": Count("id", filter=Q(received_at__gte=starts["week"])),
    }
    for period, start in starts.items():
        aggregates[f"{period}_due"] = Count("id", filter=Q(received_at__gte=start) & due_now)
        aggregates[f"{period}_on_time"] = Count("id", filter=Q(received_at__gte=start) & on_time)
    counts = Contact.objects.filter(received_at__gte=min(starts.values())).aggregate(**aggregates)

    overdue = list(
        Contact.objects.exclude(status=ContactStatus.DECIDED)
        .filter(decision_due_at__lte=now, decided_at__isnull=True)
        .select_related("assigned_to")
        .order_by("decision_due_at")[:50]
    )
    by_agency = list(
        InformationRequest.objects.filter(status=InformationRequest.Status.OPEN)
        .values("agency__name")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lte=now)))
        .order_by("-open", "agency__name")
    )
    return {
        "contacts_today": counts["today"],
        "contacts_week": counts["week"],
        "timeliness": {period: timeliness(counts[f"{period}_due"], counts[f"{period}_on_time"]) for period in starts},
        "overdue": overdue,
        "requests_by_agency": by_agency,
    }


# --- what the record already knows about a contact's children (issue 13 item 4) ------------------------------------

RE_REFERRAL_MONTHS = 12
SIBLING_TYPES = (RelationshipType.SIBLING, RelationshipType.HALF_SIBLING)
PARENT_OR_CARER_TYPES = (
    RelationshipType.MOTHER,
    RelationshipType.FATHER,
    RelationshipType.STEP_PARENT,
    RelationshipType.CARER,
)


@dataclass
class ChildContext:
    """What triage is shown about one matched child: `hidden` for a restricted record the reader is not on the list
    of (then nothing else is filled)."""

    index: int  # the child's place among the contact's children, from 1 (the page's element ids)
    child: ContactChild
    hidden: bool = False
    episode: Episode | None = None
    level: NeedLevel | None = None
    leads: list[EpisodeLead] = field(default_factory=list)
    taf: list[TafMember] = field(default_factory=list)
    siblings: list[dict] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    previous_referral: CinReferral | None = None

    @property
    def re_referral(self) -> bool:
        return self.previous_referral is not None


def re_referral_window(day: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a previous referral must fall in for a referral on `day` to be a re-referral, as the DfE counts it
    (CIN census, children in need statistics): within 12 months of the previous referral's date, the day 12 months
    earlier included (a referral on 1 June 2026 is a re-referral after one on 1 June 2025, not after 31 May 2025)."""
    return day - relativedelta(months=RE_REFERRAL_MONTHS), day


def contact_triage_context(
    *, user: User, contact: Contact, children: list[ContactChild], visible_ids: set[int] | None = None
) -> list[ChildContext]:
    """For each child of the contact matched to a record: the open episode and its level, the lead practitioners, the
    team around the family, brothers and sisters (recorded relationships), the other contacts about the child from
    12 months before this one on, and the previous referral that makes a referral from this contact a re-referral.

    Scoped: a child's context only if the user may see the child's whole record (a triage officer is council-wide;
    a restricted record only for its named list: `hidden` otherwise); a brother or sister by name only if the user
    may see their record ("Restricted record" for a restricted one off their list, left out otherwise). Nothing
    shown here carries information tags (no notes, no addresses), so no tag hides any of it. A fixed number of
    queries (at most 10; 9 given `visible_ids`), however many children: the contact page is benchmarked.
    `visible_ids`: the children's records the user may see, when the caller has them already (person_ids_in_scope)."""
    matched = [c for c in children if c.person_id]
    if not matched:
        return []
    ids = {c.person_id for c in matched}
    visible = person_ids_in_scope(user=user, ids=ids) if visible_ids is None else set(visible_ids) & ids
    rows = {}
    for index, child in enumerate(children, start=1):
        if child.person_id:
            rows.setdefault(child.person_id, []).append(
                ChildContext(index=index, child=child, hidden=child.person_id not in visible)
            )
    if not visible:
        return [row for group in rows.values() for row in group]
    episodes = {
        e.person_id: e
        for e in Episode.objects.filter(person_id__in=visible, closed_on__isnull=True).prefetch_related(
            Prefetch(
                "levels",
                queryset=EpisodeLevel.objects.filter(ended_at__isnull=True).select_related("level"),
                to_attr="current_levels",
            ),
            Prefetch(
                "leads",
                queryset=EpisodeLead.objects.filter(ended_at__isnull=True)
                .select_related("user", "user__agency")
                .order_by("kind", "started_at"),
                to_attr="current_leads",
            ),
        )
    }
    # The team around the family: of the family the open episode is in, and of any family the child is in now.
    families: dict[int, set[int]] = {pid: set() for pid in visible}
    for pid, episode in episodes.items():
        if episode.family_case_id:
            families[pid].add(episode.family_case_id)
    for pid, family_id in FamilyCaseMember.objects.filter(person_id__in=visible, end_date__isnull=True).values_list(
        "person_id", "family_case_id"
    ):
        families[pid].add(family_id)
    taf_by_family: dict[int, list[TafMember]] = {}
    family_ids = {f for fs in families.values() for f in fs}
    if family_ids:
        for member in (
            TafMember.objects.filter(family_case_id__in=family_ids, removed_at__isnull=True)
            .select_related("user", "agency")
            .order_by("added_at", "id")
        ):
            taf_by_family.setdefault(member.family_case_id, []).append(member)
    siblings = _siblings(user=user, ids=visible)
    since = contact.received_at - relativedelta(months=RE_REFERRAL_MONTHS)
    contacts_by_child: dict[int, list[Contact]] = {}
    for link in (
        ContactChild.objects.filter(person_id__in=visible, contact__received_at__gte=since)
        .exclude(contact_id=contact.pk)
        .select_related("contact")
        .annotate(
            outcome=Subquery(
                Decision.objects.filter(contact_id=OuterRef("contact_id"))
                .order_by("-decided_at", "-id")
                .values("outcome")[:1]
            )
        )
        .order_by("-contact__received_at", "-contact_id")
    ):
        link.contact.outcome_label = Outcome(link.outcome).label if link.outcome else ""
        contacts_by_child.setdefault(link.person_id, []).append(link.contact)
    received = timezone.localtime(contact.received_at, LONDON).date()
    first, last = re_referral_window(received)
    # A referral this contact made (from one of its decisions) is not a previous one.
    own = Q(
        source_type="front_door.decision",
        source_id__in=Decision.objects.filter(contact=contact).annotate(key=Cast("pk", CharField())).values("key"),
    )
    previous: dict[int, CinReferral] = {}
    for referral in (
        CinReferral.objects.filter(person_id__in=visible, referral_date__range=(first, last))
        .exclude(own)
        .order_by("person_id", "-referral_date", "-id")
    ):
        previous.setdefault(referral.person_id, referral)
    result = []
    for pid, group in rows.items():
        for row in group:
            if not row.hidden:
                episode = episodes.get(pid)
                row.episode = episode
                row.level = episode.current_levels[0].level if episode and episode.current_levels else None
                row.leads = episode.current_leads if episode else []
                row.taf = [m for f in sorted(families[pid]) for m in taf_by_family.get(f, [])]
                row.siblings = siblings.get(pid, [])
                row.contacts = contacts_by_child.get(pid, [])
                row.previous_referral = previous.get(pid)
            result.append(row)
    return sorted(result, key=lambda r: r.index)


def _siblings(*, user: User, ids: set[int]) -> dict[int, list[dict]]:
    """Each child's brothers and sisters: recorded as such (current or past), or children of the same parent or
    carer (a current relationship), in two queries: the relationships, then the brothers and sisters the user may
    open, with their open episode's level."""
    parents_of_ids = Relationship.objects.filter(
        to_person_id__in=ids, type__in=PARENT_OR_CARER_TYPES, end_date__isnull=True
    ).values("from_person_id")
    relations = list(
        Relationship.objects.filter(
            (Q(from_person_id__in=ids) | Q(to_person_id__in=ids)) & Q(type__in=SIBLING_TYPES)
            | Q(from_person_id__in=parents_of_ids, type__in=PARENT_OR_CARER_TYPES, end_date__isnull=True)
        )
        .select_related("from_person", "to_person")
        .order_by("id")
    )
    named = [r for r in relations if r.type in SIBLING_TYPES]
    # Children of the same parent or carer: parent -> [(child, relationship)], then each contact child's others.
    by_parent: dict[int, list] = {}
    for rel in relations:
        if rel.type in PARENT_OR_CARER_TYPES:
            by_parent.setdefault(rel.from_person_id, []).append(rel)
    through: list[tuple[int, object, str]] = []  # (contact child id, brother or sister, how)
    for rels in by_parent.values():
        for mine in (r for r in rels if r.to_person_id in ids):
            for theirs in rels:
                if theirs.to_person_id != mine.to_person_id and theirs.to_person.is_child:
                    how = f"same {mine.get_type_display().lower()}: {mine.from_person.display_name}"
                    through.append((mine.to_person_id, theirs.to_person, how))
    others = {pk for r in named for pk in (r.from_person_id, r.to_person_id)} | {o.pk for _c, o, _h in through}
    current_level = EpisodeLevel.objects.filter(
        episode__person_id=OuterRef("pk"), episode__closed_on__isnull=True, ended_at__isnull=True
    ).values("level__name")[:1]
    openable = (
        {
            p.pk: p.level_name
            for p in person_record_scope(user).filter(pk__in=others).annotate(level_name=Subquery(current_level))
        }
        if others
        else {}
    )
    result: dict[int, list[dict]] = {}
    seen: set[tuple[int, int]] = set()

    def add(child_id: int, other, relationship: str, current: bool) -> None:
        if other.pk in openable:
            entry = {"person": other, "label": other.display_name, "level": openable[other.pk] or ""}
        elif other.restricted:
            entry = {"person": None, "label": RESTRICTED_LABEL, "level": ""}
        else:
            return  # a record the user may not open: not named, not counted
        entry["relationship"] = relationship
        entry["current"] = current
        seen.add((child_id, other.pk))
        result.setdefault(child_id, []).append(entry)

    for rel in named:
        for child_id, other in ((rel.from_person_id, rel.to_person), (rel.to_person_id, rel.from_person)):
            if child_id in ids and other.pk != child_id:
                add(child_id, other, rel.get_type_display().lower(), rel.end_date is None)
    for child_id, other, how in through:
        if (child_id, other.pk) not in seen and other.pk != child_id and not other.merged_into_id:
            add(child_id, other, how, True)
    return result
