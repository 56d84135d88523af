"""B9, change-audit completeness: every committed change to a child's record carries an audit row naming who made it.

The oracle is PostgreSQL, not the code under test (tests/change_audit.py): statement-level triggers on every
child-data table (tests/test_static_analysis.py's list and their many-to-many tables, 90-odd) and on the audit table
copy each changed row, with its transaction's id, into a test-only log that commits or rolls back with the change.

Definitions, so that "event count == mutation count" is exact:

- a *mutation* is a committed database transaction that inserted, updated or deleted at least one row of a watched
  child-data table (however it did it: save, update, bulk_create, delete, raw SQL). A service call that commits is one
  or more mutations (one, for an atomic service); a call that fails (validation, permission, conflict) must commit
  none: the test asserts it changed no row at all.
- an *event* for a mutation is an audit row (kind write or auth) inserted in the same transaction whose actor is the
  user who made the call (actor_id), and whose target is one of the rows the transaction changed (or a row a changed
  row points at: an action's plan), or whose child_ids name a person a changed row is about. The project has no
  system actor: the beat's own work (the deadline sweep here) audits with actor_id NULL, and for it the event must
  have actor_id NULL (a system write may not pass itself off as a user's).

The test counts mutations and the mutations with an event; they must be equal (100 %). The sequences are hypothesis
state machines: each starts with two children, a family allocated to a lead practitioner, a child with a strategy
discussion request and a school's contact (all made through the services, and checked), then draws from 50-odd calls
of the strands' real services (people, names, addresses, relationships, households, case notes (drafts, final,
corrections), restriction and its review, break-glass and the privacy alerts' review, merges and unmerges, families,
episodes and requests (taken, closed), the front door's contacts, assignment, decisions and information requests and
their answers, Family Help allocation, plans, outcomes, actions, the team around the family, assessments and
supervision, strategy discussions, attendees, information, decisions, s47 information, child seen and outcome, FGDM
offers, answers and referrals, disclosure decisions, legal holds, the disposal job, the deadline sweep), with actors
drawn from the personas (mostly ones allowed, a quarter of the time anyone) and invalid input half the time it can be.
Each sequence ends with the disposal job run as of a century on, as the privacy officer.

Sized by B9_SEQUENCES (sequences) and B9_STEPS (calls in each); the defaults keep the file under 60 s on one core.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases.models import FamilyCaseMember, Person, RestrictionReason, WorkRequest
from cases.services.state import Conflict
from tests.change_audit import ChangeLog

SEQUENCES = int(os.environ.get("B9_SEQUENCES", "20"))
STEPS = int(os.environ.get("B9_STEPS", "20"))
FAILURES = (ValidationError, PermissionDenied, Conflict, Http404, ValueError)
ACTORS = (
    "triage_officer",
    "front_door_manager",
    "lcpp",
    "police_officer",
    "school_dsl",
    "privacy_officer",
    "fh_manager",
    "sw_fhlp",
    "vcs_fhlp",
    "fgdm_facilitator",
)


class Tally:
    def __init__(self) -> None:
        self.sequences = self.calls = self.refused = self.transactions = self.mutations = self.events = 0
        self.deleted_people = 0  # records the disposal job removed
        self.gaps: list[str] = []
        self.by_call: dict[str, list[int]] = {}  # service -> [committed, refused]
        self.why: dict[str, set[str]] = {}  # service -> why it was refused


@pytest.fixture
def change_log(transactional_db):
    log = ChangeLog()
    log.install()
    try:
        yield log
    finally:
        log.uninstall()


def checked(log: ChangeLog, tally: Tally, actor, name: str, call):
    """Call one service as `actor`; then every transaction it committed must be a mutation with an event, and a
    refused call must have committed no change."""
    assert not log.take(), "the log holds work from before this call"
    tally.calls += 1
    try:
        result = call()
        refused = None
    except FAILURES as exc:
        result, refused = None, exc
    transactions = log.transactions(log.take())
    tally.transactions += len(transactions)
    for tx in transactions:
        if not tx.changes:
            continue
        if refused is not None:
            tally.gaps.append(f"{name} by {who_(actor)} was refused ({refused!r}) but committed {tx.describe()}")
            continue
        tally.mutations += 1
        tally.deleted_people += tx.changes.get(("cases_person", "DELETE"), 0)
        why = log.verdict(tx, actor.pk if actor is not None else None)
        if why:
            tally.gaps.append(f"{name} by {who_(actor)}: {tx.describe()}: {why}")
        else:
            tally.events += 1
    if refused is not None:
        tally.refused += 1
    tally.by_call.setdefault(name, [0, 0])[refused is not None] += 1
    if refused is not None:
        tally.why.setdefault(name, set()).add(f"{who_(actor)} {type(refused).__name__}: {refused}"[:150])
    return result


def who_(actor) -> str:
    return actor.email.split("@")[0] if actor is not None else "the system"


def made(obj):
    """What a call made goes into its bundle; a refused call's None does not."""
    return multiple() if obj is None else obj


def day(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def machine(log: ChangeLog, tally: Tally, people: dict, world: dict):
    everyone = st.sampled_from([people[name] for name in ACTORS])

    def who(*names):
        """Mostly someone allowed to make the call; a quarter of the time anyone (who is then refused, or not)."""
        allowed = st.sampled_from([people[name] for name in names])
        return st.one_of(allowed, allowed, allowed, everyone)

    class Sequence(RuleBasedStateMachine):
        persons = Bundle("persons")
        notes = Bundle("notes")
        grants = Bundle("grants")
        merges = Bundle("merges")
        discussions = Bundle("discussions")
        enquiries = Bundle("enquiries")
        holds = Bundle("holds")
        taf = Bundle("taf")
        strategy_requests = Bundle("strategy_requests")
        offers = Bundle("offers")
        families = Bundle("families")
        plans = Bundle("plans")
        contacts = Bundle("contacts")
        assessments = Bundle("assessments")

        def __init__(self) -> None:
            super().__init__()
            tally.sequences += 1
            self.disposal_ran = self.swept = False

        def teardown(self) -> None:
            """Each sequence ends with the disposal job run as of a century on: every record of the sequence (and
            of those before it) that is due goes, each disposal a transaction of its own, audited by the privacy
            officer who ran it."""
            from cases.services.retention import retention_run

            officer = people["privacy_officer"]
            later = timezone.localdate() + dt.timedelta(days=365 * 100)
            checked(log, tally, officer, "retention_run", lambda: retention_run(actor=officer, today=later))

        def call(self, actor, label, fn, /, **kwargs):
            return checked(log, tally, actor, label, lambda: fn(actor=actor, **kwargs))

        # --- each sequence starts with two children, one in a family with an open episode, and a contact ---------

        @initialize(target=persons)
        def two_children(self):
            from cases.services import person_create

            made_ = [
                checked(
                    log,
                    tally,
                    people["triage_officer"],
                    "person_create",
                    lambda: person_create(
                        actor=people["triage_officer"],
                        data={
                            "first_name": f"Initchild{tally.calls}",
                            "last_name": "Bnine",
                            "date_of_birth": day(365 * 6),
                            "sex": "M",
                        },
                    ),
                )
                for _ in range(2)
            ]
            return multiple(*made_)

        def _family(self, kind: str) -> dict | None:
            """A child in a family case with an open episode and a request (made by the front door's triage)."""
            from cases.services import (
                episode_open,
                family_case_create,
                person_create,
                relationship_add,
                work_request_create,
            )

            triage = people["triage_officer"]
            child = checked(
                log,
                tally,
                triage,
                "person_create",
                lambda: person_create(
                    actor=triage,
                    data={
                        "first_name": f"Famchild{tally.calls}",
                        "last_name": "Bnine",
                        "date_of_birth": day(365 * 8),
                        "sex": "F",
                    },
                ),
            )
            case = checked(
                log,
                tally,
                triage,
                "family_case_create",
                lambda: family_case_create(
                    actor=triage, name="Bnine family", members=[(child, FamilyCaseMember.Role.CHILD)]
                ),
            )
            level = world["levels"]["child_in_need"]
            episode = checked(
                log,
                tally,
                triage,
                "episode_open",
                lambda: episode_open(
                    person=child, actor=triage, level=level, family_case=case, reason="Front door decision"
                ),
            )
            request = checked(
                log,
                tally,
                triage,
                "work_request_create",
                lambda: work_request_create(
                    kind=kind, person=child, actor=triage, episode=episode, summary="Front door decision"
                ),
            )
            parent = checked(
                log,
                tally,
                triage,
                "person_create",
                lambda: person_create(
                    actor=triage,
                    data={"first_name": f"Parent{tally.calls}", "last_name": "Bnine", "date_of_birth": day(365 * 35)},
                ),
            )
            checked(
                log,
                tally,
                triage,
                "relationship_add",
                lambda: relationship_add(
                    actor=triage, from_person=parent, to_person=child, type="mother", parental_responsibility=True
                ),
            )
            return {"case": case, "request": request, "child": child, "episode": episode}

        @initialize(target=families)
        def allocated_family(self):
            from family_help.services.allocation import allocation_create

            family = self._family(WorkRequest.Kind.FAMILY_HELP_ALLOCATION)
            manager = people["fh_manager"]
            checked(
                log,
                tally,
                manager,
                "allocation_create",
                lambda: allocation_create(
                    work_request=family["request"], actor=manager, lead=people["sw_fhlp"], reason="Capacity"
                ),
            )
            return family

        @initialize(target=contacts)
        def school_contact(self):
            from cases.services import person_create
            from front_door.services import contact_create
            from tests.front_door.support import CONTACT

            triage, dsl = people["triage_officer"], people["school_dsl"]
            data = {"first_name": f"Conchild{tally.calls}", "last_name": "Bnine", "date_of_birth": day(365 * 9)}
            child = checked(log, tally, triage, "person_create", lambda: person_create(actor=triage, data=data))
            made_ = checked(
                log,
                tally,
                dsl,
                "contact_create",
                lambda: contact_create(actor=dsl, data=CONTACT, children=[{"person": child}]),
            )
            return made_[0]

        @initialize(target=strategy_requests)
        def strategy_request(self):
            return self._family(WorkRequest.Kind.STRATEGY_DISCUSSION)["request"]

        # --- the record: people, their details and relationships ---------------------------------------------

        @rule(
            target=persons,
            actor=who("triage_officer", "front_door_manager"),
            valid=st.booleans(),
            age=st.integers(0, 17),
        )
        def person_create(self, actor, valid, age):
            from cases.services import person_create

            dob = day(365 * age + 30) if valid else timezone.localdate() + dt.timedelta(days=400)
            data = {"first_name": f"Seqchild{tally.calls}", "last_name": "Bnine", "date_of_birth": dob, "sex": "F"}
            return made(self.call(actor, "person_create", person_create, data=data))

        @rule(
            person=persons,
            actor=who("triage_officer", "front_door_manager"),
            stale=st.booleans(),
            field=st.sampled_from(["first_name", "sex", "upn"]),
        )
        def person_update(self, person, actor, stale, field):
            from cases.services import person_update

            person.refresh_from_db()
            value = {"first_name": f"Renamed{tally.calls}", "sex": "M", "upn": "not a upn"}[field]
            self.call(
                actor,
                "person_update",
                person_update,
                person=person,
                data={field: value},
                expected_version=person.version - (1 if stale else 0),
            )

        @rule(person=persons, actor=who("triage_officer", "front_door_manager"), valid=st.booleans())
        def person_add_address(self, person, actor, valid):
            from cases.services import person_add_address

            self.call(
                actor,
                "person_add_address",
                person_add_address,
                person=person,
                line1="1 Test Street",
                postcode="LS1 4AP" if valid else "NOT A POSTCODE",
                start_date=day(10),
            )

        @rule(
            a=persons,
            b=persons,
            actor=who("triage_officer", "front_door_manager"),
            kind=st.sampled_from(["mother", "sibling", "nonsense"]),
        )
        def relationship_add(self, a, b, actor, kind):
            from cases.services import relationship_add

            self.call(actor, "relationship_add", relationship_add, from_person=a, to_person=b, type=kind)

        @rule(
            person=persons,
            actor=who("privacy_officer", "front_door_manager", "fh_manager"),
            restrict=st.booleans(),
            valid=st.booleans(),
        )
        def person_restrict(self, person, actor, restrict, valid):
            from cases.services import person_restrict, person_unrestrict

            if restrict:
                reason = RestrictionReason.HIGH_RISK if valid else "no reason"
                self.call(actor, "person_restrict", person_restrict, person=person, reason=reason, access_users=[])
            else:
                self.call(actor, "person_unrestrict", person_unrestrict, person=person, reason="Risk has passed")

        # --- case notes ---------------------------------------------------------------------------------------

        @rule(
            target=notes,
            person=persons,
            actor=who("triage_officer", "sw_fhlp", "lcpp"),
            finalise=st.booleans(),
            valid=st.booleans(),
        )
        def case_note_save(self, person, actor, finalise, valid):
            from cases.services.notes import case_note_save

            data = {
                "kind": "visit",
                "occurred_at": timezone.now() - dt.timedelta(hours=2),
                "subject": "Home visit" if valid else "",
                "body": "Saw the child at home; the kitchen was clean.",
                "child_seen": True,
                "child_seen_alone": False,
            }
            note = self.call(actor, "case_note_save", case_note_save, person=person, data=data, finalise=finalise)
            return made(note)

        @rule(note=notes, actor=who("triage_officer", "sw_fhlp", "lcpp"))
        def case_note_correct(self, note, actor):
            from cases.services.notes import case_note_correct

            self.call(actor, "case_note_correct", case_note_correct, note=note, body="The visit was on Tuesday.")

        # --- break-glass and merges ---------------------------------------------------------------------------

        @rule(target=grants, person=persons, actor=who("sw_fhlp", "fgdm_facilitator"), valid=st.booleans())
        def break_glass_start(self, person, actor, valid):
            from cases.services.breakglass import break_glass_start

            reason = "Police at the door asking about this child tonight" if valid else ""
            return made(
                self.call(
                    actor,
                    "break_glass_start",
                    lambda actor: break_glass_start(user=actor, person=person, reason=reason),
                )
            )

        @rule(grant=consumes(grants), actor=who("sw_fhlp", "fgdm_facilitator"))
        def break_glass_end(self, grant, actor):
            from cases.services.breakglass import break_glass_end

            self.call(actor, "break_glass_end", break_glass_end, grant=grant)

        @rule(
            target=merges,
            kept=persons,
            merged=persons,
            actor=who("triage_officer", "front_door_manager"),
            valid=st.booleans(),
        )
        def person_merge(self, kept, merged, actor, valid):
            from cases.services.merge import person_merge

            reason = "Same child: same date of birth and school" if valid else " "
            return made(self.call(actor, "person_merge", person_merge, kept=kept, merged=merged, reason=reason))

        @rule(merge=consumes(merges), actor=who("triage_officer", "front_door_manager"))
        def person_unmerge(self, merge, actor):
            from cases.services.merge import person_unmerge

            self.call(actor, "person_unmerge", person_unmerge, merge=merge, reason="Different children after all")

        # --- families, episodes, requests ---------------------------------------------------------------------

        @rule(
            target=families,
            child=persons,
            actor=who("triage_officer", "front_door_manager"),
            level=st.sampled_from(["targeted_early_help", "child_in_need"]),
            valid=st.booleans(),
        )
        def family_open(self, child, actor, level, valid):
            from cases.services import episode_open, family_case_create, work_request_create

            case = self.call(
                actor,
                "family_case_create",
                family_case_create,
                name="Bnine family",
                members=[(child, FamilyCaseMember.Role.CHILD)],
            )
            if case is None:
                return multiple()
            episode = self.call(
                actor,
                "episode_open",
                episode_open,
                person=child,
                level=world["levels"][level],
                family_case=case,
                reason="Front door: early help",
            )
            if episode is None:
                return multiple()
            request = self.call(
                actor,
                "work_request_create",
                work_request_create,
                kind=WorkRequest.Kind.FAMILY_HELP_ALLOCATION,
                person=child,
                episode=episode,
                summary="Family agree to Family Help." if valid else "",
            )
            return {"case": case, "request": request, "child": child, "episode": episode}

        @rule(family=families, actor=who("fh_manager"), lead=st.sampled_from(["sw_fhlp", "vcs_fhlp", "school_dsl"]))
        def allocation_create(self, family, actor, lead):
            from family_help.services.allocation import allocation_create

            if family["request"] is None:
                return
            self.call(
                actor,
                "allocation_create",
                allocation_create,
                work_request=family["request"],
                lead=people[lead],
                reason="Capacity",
            )

        # --- plans and assessments ----------------------------------------------------------------------------

        @rule(target=plans, family=families, actor=who("sw_fhlp", "fh_manager"))
        def plan_start(self, family, actor):
            from cases.services.plans import plan_start

            plan = self.call(actor, "plan_start", plan_start, family_case=family["case"], data={"worries": "Sleep"})
            return made(plan)

        @rule(plan=plans, actor=who("sw_fhlp", "fh_manager"), stale=st.booleans())
        def plan_update(self, plan, actor, stale):
            from cases.services.plans import plan_update

            plan.refresh_from_db()
            version = plan.version - (1 if stale else 0)
            self.call(
                actor, "plan_update", plan_update, plan=plan, data={"worries": "Bedtimes"}, expected_version=version
            )

        @rule(plan=plans, actor=who("sw_fhlp", "fh_manager"), valid=st.booleans())
        def outcome_and_action_add(self, plan, actor, valid):
            from cases.services.plans import action_add, outcome_add

            child = plan.family_case.members.filter(role=FamilyCaseMember.Role.CHILD).first()
            data = {
                "child": child.person if child else None,
                "what_will_be_different": "Goes to school every day" if valid else "",
                "measure": "Attendance",
                "scale_max": 10,
                "baseline": 3,
                "target": 9,
            }
            outcome = self.call(actor, "outcome_add", outcome_add, plan=plan, data=data)
            self.call(
                actor,
                "action_add",
                action_add,
                plan=plan,
                data={"owner": actor, "description": "Walk to school", "outcome": outcome, "due_on": day(-14)},
            )

        @rule(target=assessments, family=families, actor=who("sw_fhlp"))
        def assessment_start(self, family, actor):
            from family_help.services.assessment import assessment_start

            return made(self.call(actor, "assessment_start", assessment_start, family_case=family["case"]))

        @rule(assessment=assessments, actor=who("sw_fhlp"), stale=st.booleans())
        def assessment_save_draft(self, assessment, actor, stale):
            from family_help.services.assessment import assessment_save_draft

            assessment.refresh_from_db()
            self.call(
                actor,
                "assessment_save_draft",
                assessment_save_draft,
                assessment=assessment,
                expected_version=assessment.version - (1 if stale else 0),
                data={"analysis": "Mum's low mood is the main need."},
            )

        # --- the front door -----------------------------------------------------------------------------------

        @rule(
            target=contacts,
            actor=who("school_dsl", "triage_officer", "police_officer"),
            child=persons,
            valid=st.booleans(),
        )
        def contact_create(self, actor, child, valid):
            from front_door.services import contact_create
            from tests.front_door.support import CONTACT

            data = {**CONTACT, "worry": CONTACT["worry"] if valid else ""}
            contact = self.call(actor, "contact_create", contact_create, data=data, children=[{"person": child}])
            return contact[0] if contact else multiple()

        @rule(
            contact=contacts,
            actor=who("triage_officer", "front_door_manager"),
            outcome=st.sampled_from([1, 3, 4]),
            rationale=st.sampled_from(["", "x"]),
        )
        def decision_record(self, contact, actor, outcome, rationale):
            from front_door.services import decision_record

            level = world["levels"][{1: "child_protection", 3: "child_in_need", 4: "targeted_early_help"}[outcome]]
            self.call(
                actor,
                "decision_record",
                decision_record,
                contact=contact,
                outcome=outcome,
                level=level,
                rationale=rationale and "Needs assessment",
            )

        @rule(contact=contacts, actor=who("front_door_manager"), assignee=who("triage_officer", "front_door_manager"))
        def contact_assign(self, contact, actor, assignee):
            from front_door.services import contact_assign

            self.call(actor, "contact_assign", contact_assign, contact=contact, assignee=assignee)

        # --- child protection ---------------------------------------------------------------------------------

        # --- retention ----------------------------------------------------------------------------------------

        @rule(target=holds, child=persons, actor=who("privacy_officer"), valid=st.booleans())
        def legal_hold_create(self, child, actor, valid):
            from cases.services.retention import legal_hold_create

            return made(
                self.call(
                    actor,
                    "legal_hold_create",
                    legal_hold_create,
                    name="Inquiry B9" if valid else " ",
                    people=[child],
                )
            )

        @precondition(lambda self: not self.disposal_ran)
        @rule(actor=who("privacy_officer"))
        def retention_run(self, actor):
            self.disposal_ran = True
            from cases.services.retention import retention_run

            self.call(actor, "retention_run", retention_run)

        @rule(person=persons, actor=who("triage_officer", "front_door_manager"))
        def person_add_previous_name(self, person, actor):
            from cases.services import person_add_previous_name

            self.call(
                actor,
                "person_add_previous_name",
                person_add_previous_name,
                person=person,
                first_name="Ann",
                last_name="Before",
            )

        @rule(a=persons, b=persons, actor=who("triage_officer", "front_door_manager"))
        def household_create(self, a, b, actor):
            from cases.services import household_create

            self.call(actor, "household_create", household_create, name="Bnine household", members=[a, b])

        @rule(family=families, actor=who("triage_officer", "fh_manager"), valid=st.booleans())
        def episode_close(self, family, actor, valid):
            from cases.services import episode_close

            self.call(
                actor,
                "episode_close",
                episode_close,
                episode=family["episode"],
                reason_code="RC8" if valid else "XX",
                summary="Needs met",
            )

        @rule(target=taf, family=families, actor=who("sw_fhlp", "fh_manager"), user=everyone)
        def taf_add(self, family, actor, user):
            from cases.services.plans import taf_add

            return made(self.call(actor, "taf_add", taf_add, family_case=family["case"], user=user, role="Team member"))

        @rule(member=consumes(taf), actor=who("sw_fhlp", "fh_manager"))
        def taf_remove(self, member, actor):
            from cases.services.plans import taf_remove

            self.call(actor, "taf_remove", taf_remove, member=member, reason="Work finished")

        @rule(actor=who("fh_manager"), practitioner=who("sw_fhlp", "vcs_fhlp"), valid=st.booleans())
        def supervision_record(self, actor, practitioner, valid):
            from family_help.services.supervision import supervision_record

            self.call(
                actor,
                "supervision_record",
                supervision_record,
                practitioner=practitioner,
                held_on=day(1),
                reflection="Talked through the family's week" if valid else "",
            )

        @rule(contact=contacts, actor=who("triage_officer", "front_door_manager"), valid=st.booleans())
        def information_request_send(self, contact, actor, valid):
            from front_door.services import information_request_send
            from tests.personas import agency

            self.call(
                actor,
                "information_request_send",
                information_request_send,
                contact=contact,
                agency=agency("police"),
                question="Any callouts to the address?" if valid else " ",
            )

        @rule(target=discussions, request=consumes(strategy_requests), actor=who("lcpp"))
        def strategy_discussion_start(self, request, actor):
            from macpt.services.strategy import strategy_discussion_start

            return made(
                self.call(
                    actor,
                    "strategy_discussion_start",
                    strategy_discussion_start,
                    team=world["macpt"],
                    children=[request.person],
                    held_at=timezone.now() - dt.timedelta(hours=1),
                    reason="Disclosure at school",
                    work_request=request,
                )
            )

        @rule(discussion=discussions, actor=who("lcpp"), user=who("police_officer"))
        def strategy_attendee_add(self, discussion, actor, user):
            from macpt.services.strategy import strategy_attendee_add

            self.call(actor, "strategy_attendee_add", strategy_attendee_add, discussion=discussion, user=user)

        @rule(discussion=discussions, actor=who("lcpp"))
        def strategy_absence_record(self, discussion, actor):
            from macpt.services.strategy import strategy_absence_record

            self.call(
                actor,
                "strategy_absence_record",
                strategy_absence_record,
                discussion=discussion,
                health_reason="The health visitor was on leave",
            )

        @rule(discussion=discussions, actor=who("lcpp", "police_officer"), valid=st.booleans())
        def strategy_information_add(self, discussion, actor, valid):
            from macpt.services.strategy import strategy_information_add

            self.call(
                actor,
                "strategy_information_add",
                strategy_information_add,
                discussion=discussion,
                text="Two callouts this year" if valid else " ",
            )

        @rule(
            target=enquiries,
            discussion=discussions,
            actor=who("lcpp"),
            decision=st.sampled_from(["s47_joint", "s47_single", "no_s47"]),
        )
        def strategy_decide(self, discussion, actor, decision):
            from macpt.models import StrategyChild
            from macpt.services.strategy import strategy_decide

            child = StrategyChild.objects.filter(discussion=discussion).select_related("discussion").first()
            enquiry = self.call(
                actor,
                "strategy_decide",
                strategy_decide,
                child=child,
                decision=decision,
                reason="Disclosure",
                next_step="family_help" if decision == "no_s47" else "",
            )
            return made(enquiry)

        @rule(enquiry=enquiries, actor=who("lcpp", "police_officer"), valid=st.booleans())
        def s47_information_add(self, enquiry, actor, valid):
            from macpt.services.enquiries import s47_information_add

            self.call(
                actor,
                "s47_information_add",
                s47_information_add,
                enquiry=enquiry,
                text="Seen at school; no marks" if valid else "",
            )

        @rule(enquiry=enquiries, actor=who("lcpp"), days=st.integers(-3, 2))
        def s47_child_seen(self, enquiry, actor, days):
            from macpt.services.enquiries import s47_child_seen

            self.call(
                actor,
                "s47_child_seen",
                s47_child_seen,
                enquiry=enquiry,
                seen_on=timezone.localdate() - dt.timedelta(days=days),
            )

        @rule(actor=who("privacy_officer", "triage_officer"), child=persons, valid=st.booleans())
        def disclosure_record(self, actor, child, valid):
            from cases.services.disclosure import disclosure_record

            self.call(
                actor,
                "disclosure_record",
                disclosure_record,
                kind="shared" if valid else "nonsense",
                what_type="cases.person",
                what_id=child.pk,
                person_ids=[child.pk],
                purpose="Safeguarding",
                lawful_basis="6_1_e_s47",
                recipient_name="A health visitor",
            )

        @rule(hold=consumes(holds), actor=who("privacy_officer"), valid=st.booleans())
        def legal_hold_end(self, hold, actor, valid):
            from cases.services.retention import legal_hold_end

            self.call(actor, "legal_hold_end", legal_hold_end, hold=hold, ends_on=day(-1 if valid else 4000))

        # --- more of each strand --------------------------------------------------------------------------------

        @rule(person=persons, actor=who("triage_officer", "sw_fhlp"))
        def case_note_draft_then_finalise(self, person, actor):
            from cases.services.notes import case_note_finalise, case_note_save_draft

            data = {"kind": "phone", "occurred_at": timezone.now(), "subject": "Call", "body": "Spoke to mum"}
            note = self.call(actor, "case_note_save_draft", case_note_save_draft, person=person, data=data)
            if note is not None:
                self.call(actor, "case_note_finalise", case_note_finalise, note=note)

        @rule(request=strategy_requests, actor=who("lcpp"))
        def work_request_take(self, request, actor):
            from cases.services import work_request_take

            request.refresh_from_db()
            self.call(actor, "work_request_take", work_request_take, request=request)

        @rule(family=families, actor=who("fh_manager", "triage_officer"), valid=st.booleans())
        def work_request_close(self, family, actor, valid):
            from cases.services import work_request_close

            request = family["request"]
            request.refresh_from_db()
            self.call(
                actor, "work_request_close", work_request_close, request=request, reason="Withdrawn" if valid else ""
            )

        @rule(
            enquiry=enquiries,
            actor=who("lcpp"),
            outcome=st.sampled_from(["conference_needed", "not_substantiated", "bad"]),
        )
        def s47_outcome_record(self, enquiry, actor, outcome):
            from macpt.services.enquiries import s47_outcome_record

            enquiry.refresh_from_db()
            self.call(
                actor,
                "s47_outcome_record",
                s47_outcome_record,
                enquiry=enquiry,
                outcome=outcome,
                outcome_date=timezone.localdate(),
                reason="Enquiry complete",
            )

        @rule(contact=contacts, actor=who("police_officer"), shared=st.booleans())
        def information_request_respond(self, contact, actor, shared):
            from front_door.models import InformationRequest
            from front_door.services import information_request_respond

            request = InformationRequest.objects.filter(contact=contact).order_by("-pk").first()
            if request is None:
                return
            self.call(
                actor,
                "information_request_respond",
                information_request_respond,
                request=request,
                response="Two callouts in March" if shared else "",
                shared=shared,
                reason="" if shared else "Not relevant to the worry",
            )

        @rule(person=persons, actor=who("privacy_officer", "fh_manager"), keep=st.booleans())
        def restriction_review(self, person, actor, keep):
            from cases.models import RestrictedAccess
            from cases.services.restriction import restriction_review

            decisions = {
                access.user_id: (keep or access.user_id == actor.pk, None)
                for access in RestrictedAccess.objects.filter(person=person)
            }
            self.call(actor, "restriction_review", restriction_review, person=person, decisions=decisions)

        @rule(actor=who("privacy_officer"), challenged=st.booleans())
        def privacy_alert_review(self, actor, challenged):
            from cases.models import PrivacyAlert
            from cases.services.breakglass import privacy_alert_review

            alert = PrivacyAlert.objects.filter(status=PrivacyAlert.Status.OPEN).order_by("-pk").first()
            if alert is None:
                return
            status = PrivacyAlert.Status.CHALLENGED if challenged else PrivacyAlert.Status.REVIEWED
            self.call(
                actor,
                "privacy_alert_review",
                privacy_alert_review,
                alert=alert,
                status=status,
                outcome="Checked with the manager: a police call that night",
            )

        @rule(target=offers, plan=plans, actor=who("sw_fhlp", "lcpp"), offered=st.booleans())
        def offer_make(self, plan, actor, offered):
            from fgdm.services.offers import offer_make, parental_responsibility_holders

            children = [m.person for m in plan.family_case.members.filter(role=FamilyCaseMember.Role.CHILD)]
            return made(
                self.call(
                    actor,
                    "offer_make",
                    offer_make,
                    point=plan,
                    decision_point="family_plan",
                    children=children,
                    recipients=parental_responsibility_holders(children=children) if offered else [],
                    offered_on=timezone.localdate(),
                    not_offered_rationale=None if offered else "",
                )
            )

        @rule(offer=offers, actor=who("sw_fhlp", "lcpp"), accepted=st.booleans())
        def offer_respond(self, offer, actor, accepted):
            from fgdm.models import OfferResponse
            from fgdm.services.offers import offer_respond

            response = OfferResponse.ACCEPTED if accepted else OfferResponse.DECLINED
            self.call(actor, "offer_respond", offer_respond, offer=offer, response=response, reason="")

        @rule(offer=offers, actor=who("sw_fhlp", "lcpp"))
        def fgdm_referral_create(self, offer, actor):
            from fgdm.models import MeetingType
            from fgdm.services.referrals import referral_create

            self.call(
                actor,
                "fgdm_referral_create",
                referral_create,
                offer=offer,
                meeting_type=MeetingType.FAMILY_GROUP_CONFERENCE,
                reason="The family to make their own plan",
            )

        # --- the system's own work: the beat's deadline sweep (no user: its audit rows have no actor) ----------

        @precondition(lambda self: not self.swept)
        @rule(days=st.integers(0, 90))
        def deadline_sweep(self, days):
            self.swept = True
            from cases.services.deadlines import deadline_sweep

            checked(log, tally, None, "deadline_sweep", lambda: deadline_sweep(now=timezone.now() + dt.timedelta(days)))

    return Sequence


@pytest.mark.django_db(transaction=True)
def test_every_committed_change_to_a_childs_record_has_an_audit_row_naming_its_actor(change_log, request, levels):
    started = time.monotonic()
    tally = Tally()
    # Each sequence builds its own children and families through the services (checked like every other call).
    people = {name: request.getfixturevalue(name) for name in ACTORS}
    world = _world(levels)
    change_log.take()
    run_state_machine_as_test(
        machine(change_log, tally, people, world),
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    elapsed = time.monotonic() - started
    print(
        f"\nB9: {tally.sequences} sequences, {tally.calls} service calls ({tally.refused} refused), "
        f"{tally.transactions} transactions, {tally.mutations} mutations, {tally.events} with an event, "
        f"{len(tally.gaps)} gaps, {tally.deleted_people} records disposed of, {elapsed:.1f} s"
    )
    print("  " + ", ".join(f"{name} {ok}/{ok + no}" for name, (ok, no) in sorted(tally.by_call.items())))
    if os.environ.get("B9_WHY"):
        for name, why in sorted(tally.why.items()):
            print(f"  {name} refused: " + " | ".join(sorted(why)[:6]))
    assert tally.sequences >= SEQUENCES
    assert not tally.gaps, "\n".join(dict.fromkeys(tally.gaps))
    assert tally.events == tally.mutations
    assert tally.mutations > tally.sequences  # the sequences did change records


def _world(levels) -> dict:
    from tests.personas import team

    return {"levels": levels, "macpt": team("macpt")}


@pytest.mark.django_db(transaction=True)
def test_the_oracle_finds_a_change_without_an_audit_row(change_log, triage_officer, make_person):
    """The oracle can fail: a raw UPDATE (outside any service), and a service's write whose audit row names someone
    else or is about another child, are each a mutation without an event."""
    from cases.services.audit import audit_record

    amelia, zara = make_person(), make_person(first="Zara", last="Other")
    change_log.take()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET first_name = 'Raw' WHERE id = %s", [amelia.pk])
    [tx] = change_log.transactions(change_log.take())
    assert tx.changes == {("cases_person", "UPDATE"): 1}
    assert change_log.verdict(tx, triage_officer.pk) == "no audit row in the transaction"

    from django.db import transaction

    with transaction.atomic():
        Person.objects.filter(pk=amelia.pk).update(first_name="Orm")
        audit_record(actor=triage_officer, verb="person.updated", target=zara, child_ids=[zara.pk])
    [tx] = change_log.transactions(change_log.take())
    assert change_log.verdict(tx, triage_officer.pk).startswith("no audit row names the actor and what changed")
    with transaction.atomic():
        Person.objects.filter(pk=amelia.pk).update(first_name="Orm")
        audit_record(actor=None, verb="person.updated", target=amelia, child_ids=[amelia.pk])
    [tx] = change_log.transactions(change_log.take())
    assert change_log.verdict(tx, triage_officer.pk).startswith("no audit row names the actor and what changed")
    with transaction.atomic():
        Person.objects.filter(pk=amelia.pk).update(first_name="Orm")
        audit_record(actor=triage_officer, verb="person.updated", target=amelia, child_ids=[amelia.pk])
    [tx] = change_log.transactions(change_log.take())
    assert change_log.verdict(tx, triage_officer.pk) == ""
    # A rolled-back transaction leaves nothing in the log: only committed work is a mutation.
    with pytest.raises(RuntimeError), transaction.atomic():
        Person.objects.filter(pk=amelia.pk).update(first_name="Never")
        raise RuntimeError
    assert change_log.take() == []


@pytest.mark.django_db(transaction=True)
def test_a_return_run_asked_for_on_the_reports_page_is_audited_with_who_asked(change_log, client, fh_manager):
    """The reports page wrote the run (a council-wide return of children's data, once built) with no audit row: the
    static rule's finding (reporting/views/runs.py), fixed with reporting.run_requested in the same transaction."""
    from django.urls import reverse

    from reporting.models import ReturnRun, RunKind

    client.force_login(fh_manager)
    change_log.take()
    response = client.post(
        reverse("reporting:run_start", args=[RunKind.CIN_CENSUS]),
        {"cin_census-period": "2025-26", "cin_census-purpose": "Census draft"},
    )
    assert response.status_code == 302
    run = ReturnRun.objects.get()
    mutations = [tx for tx in change_log.transactions(change_log.take()) if tx.changes]
    assert [tx.describe() for tx in mutations] == ["INSERT 1 reporting_returnrun"]
    assert change_log.verdict(mutations[0], fh_manager.pk) == ""
    assert run.requested_by == fh_manager
