"""B27: subject access requests (issue 17 item 3). The clock (one calendar month, stop-the-clock, +2 months) as the
ICO computes it, by examples and a hypothesis property; the bundle assembled from the record with 100 canary strings
seeded in tagged items (third-party, police, health, safe address, not for the family): 0 canaries in the bundle or
in the family's documents until a second person releases an item, then exactly the released ones; professionals'
names kept; each release audited; sending the bundle is a disclosure decision."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cases.models import (
    Action,
    Address,
    AuditEvent,
    DisclosureDecision,
    FamilyCaseMember,
    LawfulBasis,
    Outcome,
    Plan,
    Role,
    VisibilityTag,
)
from cases.services import family_case_create
from cases.services.disclosure import (
    add_months,
    paused_days,
    sar_bundle,
    sar_bundle_render,
    sar_bundle_send,
    sar_due_on,
    sar_extend,
    sar_item_release,
    sar_open,
    sar_pause,
    sar_resume,
)
from cases.services.notes import case_note_save, chronology_add
from cases.workdays import Calendar
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TAGS = list(VisibilityTag.values)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


# --- the clock -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "pauses", "extended", "due"),
    [
        # ICO: received 3 September, due 3 October.
        (dt.date(2026, 9, 3), [], False, dt.date(2026, 10, 3 + 2)),  # 3 Oct 2026 is a Saturday: Monday 5th
        (dt.date(2026, 9, 2), [], False, dt.date(2026, 10, 2)),
        # No corresponding day: the month's last day (28 Feb 2027, a Sunday: Monday 1 March).
        (dt.date(2027, 1, 31), [], False, dt.date(2027, 3, 1)),
        (dt.date(2028, 1, 31), [], False, dt.date(2028, 2, 29)),  # a leap year's 29th, a Tuesday
        # A bank holiday: 25 December 2026 (Friday), then 28th (Boxing Day substitute): Tuesday 29th.
        (dt.date(2026, 11, 25), [], False, dt.date(2026, 12, 29)),
        # Extended by two further months: three from receipt.
        (dt.date(2026, 9, 2), [], True, dt.date(2026, 12, 2)),
        # Ten days stopped (waiting for proof of identity) add ten days.
        (dt.date(2026, 9, 2), [(dt.date(2026, 9, 4), dt.date(2026, 9, 14))], False, dt.date(2026, 10, 12)),
        # Overlapping stops count once.
        (
            dt.date(2026, 9, 2),
            [(dt.date(2026, 9, 4), dt.date(2026, 9, 14)), (dt.date(2026, 9, 10), dt.date(2026, 9, 16))],
            False,
            dt.date(2026, 10, 14),
        ),
        # Still stopped: no due date.
        (dt.date(2026, 9, 2), [(dt.date(2026, 9, 4), None)], False, None),
    ],
)
def test_the_subject_access_clock(received, pauses, extended, due):
    assert sar_due_on(received_on=received, pauses=pauses, extended=extended) == due


@settings(max_examples=2000, deadline=None)
@given(
    received=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 6, 30)),
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), max_size=4),
    extended=st.booleans(),
)
def test_the_clock_property(received, spans, extended):
    """Due is a working day, on or after the month (or three) from receipt plus the days stopped, and before the
    next working day after it; it is never before the same date a month on, and stopping never brings it forward."""
    pauses = [(received + dt.timedelta(days=s), received + dt.timedelta(days=s + n)) for s, n in spans]
    due = sar_due_on(received_on=received, pauses=pauses, extended=extended)
    stopped = paused_days(pauses)
    base = add_months(received, 3 if extended else 1) + dt.timedelta(days=stopped)
    calendar = Calendar()
    assert calendar.is_working_day(due)
    assert base <= due <= calendar.add_working_days(base, 0)
    assert (due - received).days >= (28 if not extended else 89)
    assert due >= sar_due_on(received_on=received, pauses=[], extended=extended)
    days = set()
    for start, end in pauses:
        days |= {start + dt.timedelta(days=i) for i in range((end - start).days)}
    assert stopped == len(days)


# --- the bundle and its canaries -------------------------------------------------------------------------------


@pytest.fixture
def officers(db):
    handler = UserFactory(email="sar.handler@council.test", full_name="Hana Handler", roles=[Role.PRIVACY_OFFICER])
    second = UserFactory(
        email="sar.second@council.test", full_name="Sol Second", agency=handler.agency, roles=[Role.PRIVACY_OFFICER]
    )
    return handler, second


CANARIES = 100


@pytest.fixture
def seeded(make_person, triage_officer, sw_fhlp):
    """A child whose record holds 100 tagged items, each with its own canary, and untagged items beside them."""
    child = make_person(first="Tamsin", last="Orrowby")
    canaries: dict[str, str] = {}  # item key -> canary
    counter = itertools.count()

    def canary() -> str:
        return f"cnq{next(counter):03d}z"

    now = timezone.now()
    for i in range(40):  # case notes, eight per tag
        tag = TAGS[i % len(TAGS)]
        word = canary()
        note = case_note_save(
            person=child,
            actor=sw_fhlp,
            data={
                "kind": "phone",
                "occurred_at": now - dt.timedelta(days=200 - i),
                "subject": f"Visit {i}",
                "body": f"Seen at home. {word} said more.",
                "visibility_tags": [tag],
            },
            finalise=True,
        )
        canaries[f"case_note:{note.pk}"] = word
    for i in range(40):  # chronology entries, eight per tag
        word = canary()
        entry = chronology_add(
            person=child,
            actor=triage_officer,
            strand="front_door",
            kind="information_received",
            summary=f"Partner information {word}",
            occurred_at=now - dt.timedelta(days=150 - i),
            tags=[TAGS[i % len(TAGS)]],
        )
        canaries[f"chronology:{entry.pk}"] = word
    for i in range(10):  # safe addresses
        word = canary()
        address = Address.objects.create(
            person=child, line1=f"{i} {word} Road", postcode="LS1 1AA", safe_address=True, recorded_by=sw_fhlp
        )
        canaries[f"address:{address.pk}"] = word
    case = family_case_create(
        actor=triage_officer, name="Orrowby family", members=[(child, FamilyCaseMember.Role.CHILD)]
    )
    word = canary()
    plan = Plan.objects.create(
        family_case=case,
        created_by=sw_fhlp,
        worries="Untagged worry unqplan",
        professional_notes=f"Professional view {word}",
    )
    canaries[f"plan_professional_notes:{plan.pk}"] = word
    for _ in range(4):
        word = canary()
        outcome = Outcome.objects.create(
            plan=plan,
            child=child,
            what_will_be_different=f"Outcome {word}",
            measure="Weekly",
            baseline=1,
            target=8,
            current=2,
            not_for_family=True,
        )
        canaries[f"plan_outcome:{outcome.pk}"] = word
    for _ in range(5):
        word = canary()
        action = Action.objects.create(
            plan=plan,
            description=f"Action {word}",
            owner=sw_fhlp,
            owner_agency=sw_fhlp.agency,
            due_on=dt.date(2027, 1, 1),
            not_for_family=True,
        )
        canaries[f"plan_action:{action.pk}"] = word
    # Untagged items, which the bundle always holds.
    case_note_save(
        person=child,
        actor=sw_fhlp,
        data={"kind": "phone", "occurred_at": now, "subject": "Home visit", "body": "Untagged note unqnote"},
        finalise=True,
    )
    assert len(canaries) == CANARIES and len(set(canaries.values())) == CANARIES
    return child, canaries, plan


def _found(text: str, canaries: dict[str, str]) -> set[str]:
    return {key for key, word in canaries.items() if word in text}


def test_a_bundle_holds_no_canary_until_a_second_person_releases_it(seeded, officers):
    child, canaries, _ = seeded
    handler, second = officers
    sar = sar_open(
        person=child,
        actor=handler,
        requester_name="Tamsin Orrowby",
        requester_relationship="The person themself",
        received_on=timezone.localdate(),
    )
    items = sar_bundle(sar=sar)
    withheld = {i.key for i in items if i.withheld}
    assert set(canaries) <= withheld  # (and the chronology entries the tagged notes made, with the notes' tags)
    assert all(i.tagged for i in items if i.key in withheld)
    text = pdf_text(sar_bundle_render(sar=sar, actor=handler))
    assert _found(text, canaries) == set()
    assert "unqnote" in text and "unqplan" in text  # untagged items are in it
    assert "Test Practitioner" in text or handler.full_name in text
    assert _sw_name(items) in text  # professionals' names kept

    chosen = sorted(canaries)[::10]  # ten items, across the kinds
    with pytest.raises(PermissionDenied):
        sar_item_release(sar=sar, actor=handler, item_key=chosen[0], reason="Handler may not")
    with pytest.raises(ValidationError):
        sar_item_release(sar=sar, actor=second, item_key=chosen[0], reason="  ")
    for key in chosen:
        sar_item_release(sar=sar, actor=second, item_key=key, reason="The third party agreed")
    with pytest.raises(ValidationError):
        sar_item_release(sar=sar, actor=second, item_key=chosen[0], reason="Twice")
    text = pdf_text(sar_bundle_render(sar=sar, actor=handler))
    assert _found(text, canaries) == set(chosen)
    assert AuditEvent.objects.filter(verb="sar.item_released", target_id=str(sar.pk)).count() == len(chosen)

    decision, pdf = sar_bundle_send(sar=sar, actor=handler)
    assert _found(pdf_text(pdf), canaries) == set(chosen)
    assert decision.kind == DisclosureDecision.Kind.SHARED and decision.lawful_basis == LawfulBasis.SUBJECT_ACCESS
    assert decision.recipient_name == "Tamsin Orrowby" and decision.person_ids == [child.pk]
    sar.refresh_from_db()
    assert sar.status == "sent"


def _sw_name(items) -> str:
    return next(i.recorded_by for i in items if i.key.startswith("case_note:"))


def test_the_familys_documents_hold_no_canary(seeded, client, sw_fhlp, privacy_officer):
    """The family's version of the plan (what a family is given) leaves out every not-for-family item."""
    child, canaries, plan = seeded
    client.force_login(privacy_officer)
    response = client.get(reverse("cases:plan_family_pdf", args=[plan.family_case_id]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "unqplan" in text
    assert _found(text, canaries) == set()


def test_only_the_privacy_officer_handles_requests_and_the_clock_moves(seeded, officers, sw_fhlp):
    child, _, _ = seeded
    handler, _ = officers
    with pytest.raises(PermissionDenied):
        sar_open(
            person=child,
            actor=sw_fhlp,
            requester_name="x",
            requester_relationship="x",
            received_on=timezone.localdate(),
        )
    received = timezone.localdate() - dt.timedelta(days=5)
    sar = sar_open(
        person=child, actor=handler, requester_name="A", requester_relationship="Mother", received_on=received
    )
    sar_pause(sar=sar, actor=handler, paused_on=received + dt.timedelta(days=1), reason="Proof of identity")
    with pytest.raises(ValidationError):
        sar_pause(sar=sar, actor=handler, paused_on=received + dt.timedelta(days=2), reason="Again")
    sar_resume(sar=sar, actor=handler, resumed_on=received + dt.timedelta(days=4))
    sar_extend(sar=sar, actor=handler, reason="Ten years of records from four strands")
    assert sar_due_on(
        received_on=received, pauses=[(received + dt.timedelta(days=1), received + dt.timedelta(days=4))], extended=True
    ) == Calendar().add_working_days(add_months(received, 3) + dt.timedelta(days=3), 0)
    verbs = set(
        AuditEvent.objects.filter(target_id=str(sar.pk), verb__startswith="sar.").values_list("verb", flat=True)
    )
    assert verbs == {"sar.opened", "sar.paused", "sar.resumed", "sar.extended"}
