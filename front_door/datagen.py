"""The front door's share of a generated data set: contacts over the years with their children,
decisions (on time and late, in national proportions), information requests, the episodes that
referrals open, chronology entries and the decision deadlines (met for history, open for today).
Registered as a generated-data step in FrontDoorConfig.ready() (see cases/datagen.py)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from cases.datagen import Context, copy_rows, move_sequence, next_id
from cases.models import Agency, AgencyType, NeedLevel, User
from cases.workdays import LONDON, Calendar

from .models import OUTCOME_PLAIN_WORDS, REFERRAL_OUTCOMES, Outcome

# Of 100 contacts: about 21 become referrals (4.8 contacts per referral, DfE 2024-25), 30 early help.
OUTCOME_WEIGHTS = [
    (Outcome.NO_FURTHER_ACTION, 49.0),
    (Outcome.EARLY_HELP, 30.0),
    (Outcome.CHILD_IN_NEED, 11.5),
    (Outcome.STRATEGY_DISCUSSION, 7.5),
    (Outcome.IMMEDIATE_PROTECTION, 0.5),
    (Outcome.SEE_CHILD, 0.8),
    (Outcome.IMMEDIATE_SERVICES, 0.4),
    (Outcome.SPECIALIST_ASSESSMENT, 0.3),
]
LEVEL_FOR = {
    Outcome.NO_FURTHER_ACTION: "universal",
    Outcome.EARLY_HELP: "targeted_early_help",
    Outcome.CHILD_IN_NEED: "child_in_need",
    Outcome.SEE_CHILD: "child_in_need",
    Outcome.IMMEDIATE_SERVICES: "child_in_need",
    Outcome.SPECIALIST_ASSESSMENT: "child_in_need",
    Outcome.STRATEGY_DISCUSSION: "child_protection",
    Outcome.IMMEDIATE_PROTECTION: "child_protection",
}
SOURCES = ["2A", "2A", "2A", "3A", "3B", "3E", "6", "6", "6", "1A", "1D", "5A", "8", "4"]
CATEGORIES = [
    "neglect",
    "domestic_abuse",
    "physical_abuse",
    "emotional_abuse",
    "parental_mental_health",
    "substance_misuse",
    "school_attendance",
    "child_mental_health",
]
PRE_BIRTH_DAYS = 270  # a pre-birth contact: at most this long before the birth (the census allows 280 days)
OPEN_CONTACTS_PER_100K = 420  # contacts still waiting for a decision on the day the data is generated


def _received_at(rng, day: dt.date) -> dt.datetime:
    hour = rng.choice([8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 17, 18, 21, 2])
    return dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=LONDON)


def generate_contacts(ctx: Context) -> None:
    rng, scale = ctx.rng, ctx.scale
    calendar = Calendar.from_database()
    now = timezone.now()
    triage = User.objects.get(email="triage@demo.test")
    levels = {lv.code: lv.pk for lv in NeedLevel.objects.all()}
    agencies = list(Agency.objects.exclude(type__in=[AgencyType.COUNCIL_SOCIAL_CARE]).values_list("pk", flat=True))
    police = Agency.objects.filter(type=AgencyType.POLICE).values_list("pk", flat=True).first()
    health = Agency.objects.filter(type=AgencyType.HEALTH).values_list("pk", flat=True).first()
    outcomes, weights = zip(*OUTCOME_WEIGHTS, strict=True)
    total = scale.contacts_per_year * scale.years
    open_count = max(20, total * OPEN_CONTACTS_PER_100K // (100_000 * scale.years))
    start = ctx.today - dt.timedelta(days=365 * scale.years)
    span_days = (ctx.today - start).days
    ids = {
        t: next_id(t)
        for t in (
            "front_door_contact",
            "front_door_contactchild",
            "front_door_decision",
            "front_door_informationrequest",
            "cases_episode",
            "cases_episodelevel",
            "cases_chronologyentry",
            "cases_deadline",
            "cases_cinreferral",
        )
    }
    contacts, children, decisions, requests, episodes, ep_levels, chronology, deadlines = ([] for _ in range(8))
    referrals: list[tuple] = []
    open_episode_until: dict[int, dt.date] = {}
    # Each child's episodes (id, opened, closed or None, closure reason) and census referral spans: a referral is
    # opened as the code opens it (cases.services.cin_referral_open: one at a time per child), closed with the episode.
    episodes_of: dict[int, list[tuple[int, dt.date, dt.date | None, str]]] = {}
    referral_spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    # Repeat contacts: a fifth of children get most of them (re-referrals), as in real front doors.
    pool = ctx.children
    born = dict(ctx.children)
    frequent = pool[: max(1, len(pool) // 5)]
    for n in range(total):
        is_open = n >= total - open_count
        if is_open:
            day = ctx.today - dt.timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 3, 4]))
        else:
            day = start + dt.timedelta(days=int(rng.random() * (span_days - 5)))
        received = min(_received_at(rng, day), now - dt.timedelta(minutes=5))
        due = calendar.contact_decision_due(received)
        child_id, _dob = rng.choice(frequent if rng.random() < 0.5 else pool)
        family = ctx.siblings.get(child_id, [child_id])
        kids = family if (len(family) > 1 and rng.random() < 0.3) else [child_id]
        # No contact about a child more than 40 weeks before their birth (census 8606): a pre-birth contact comes
        # in the pregnancy, so a contact drawn earlier moves to 40 weeks before the youngest child's birth.
        earliest = max(born[kid] for kid in kids) - dt.timedelta(days=PRE_BIRTH_DAYS)
        if not is_open and received.astimezone(LONDON).date() < earliest:
            received += dt.timedelta(days=(earliest - received.astimezone(LONDON).date()).days)
            due = calendar.contact_decision_due(received)
        contact_id = ids["front_door_contact"]
        ids["front_door_contact"] += 1
        outcome = None if is_open else rng.choices(outcomes, weights)[0]
        late = (not is_open) and rng.random() < 0.08
        decided_at = None
        if not is_open:
            window = (due - received).total_seconds()
            decided_at = (
                (due + dt.timedelta(hours=rng.uniform(0.5, 48)))
                if late
                else (received + dt.timedelta(seconds=rng.uniform(0.05, 0.98) * window))
            )
        # Census meaning (Contact.is_referral): outcomes 1-6 are referrals; 7 and 8 are contacts that were not.
        is_referral = outcome is not None and outcome in REFERRAL_OUTCOMES
        categories = "{" + ",".join(rng.sample(CATEGORIES, rng.randint(1, 2))) + "}"
        status = "decided" if not is_open else rng.choice(["received", "in_triage", "in_triage"])
        contacts.append(
            (
                contact_id,
                received,
                received,
                f"G{contact_id:09d}",
                received,
                due,
                "phone",
                triage.pk,
                None,
                "Referrer (generated)",
                "",
                rng.choice(agencies),
                "",
                "",
                rng.choice(SOURCES),
                "Generated worry.",
                categories,
                rng.random() < 0.06,
                "knows_and_agrees",
                "",
                False,
                status,
                None,
                triage.pk if status == "in_triage" else None,
                decided_at,
                late or (is_open and due < now),
                "",
            )
        )
        for kid in kids:
            children.append(
                (ids["front_door_contactchild"], received, received, contact_id, kid, "", "", None, "", "", "", "")
            )
            ids["front_door_contactchild"] += 1
            chronology.append(
                (
                    ids["cases_chronologyentry"],
                    received,
                    received,
                    kid,
                    received,
                    "front_door",
                    "contact_received",
                    f"Contact G{contact_id:09d}.",
                    False,
                    None,
                    None,
                    "front_door.contact",
                    str(contact_id),
                    f"/front-door/contacts/{contact_id}/",
                )
            )
            ids["cases_chronologyentry"] += 1
        deadlines.append(
            (
                ids["cases_deadline"],
                received,
                received,
                "front_door.decision",
                f"Front-door decision on contact G{contact_id:09d}",
                "front_door.contact",
                str(contact_id),
                "{" + ",".join(map(str, kids)) + "}",
                f"/front-door/contacts/{contact_id}/",
                due,
                max(received, calendar.subtract_working_hours(due, 2)),  # as contact_create sets it
                "open" if is_open else "met",
                None,
                None,
                "front_door_manager",
                None,
                decided_at if late else None,
                False,
                decided_at,
            )
        )
        ids["cases_deadline"] += 1
        if rng.random() < 0.25 and police and health:
            answered = not is_open or rng.random() < 0.5
            requests.append(
                (
                    ids["front_door_informationrequest"],
                    received,
                    received,
                    contact_id,
                    rng.choice([police, health]),
                    "Anything known about this family?",
                    triage.pk,
                    received,
                    min(due, received + dt.timedelta(hours=4)),
                    "answered" if answered else "open",
                    "Generated answer." if answered else "",
                    None,
                    received + dt.timedelta(hours=2) if answered else None,
                )
            )
            ids["front_door_informationrequest"] += 1
        if outcome is None:
            continue
        decision_id = ids["front_door_decision"]
        ids["front_door_decision"] += 1
        level_code = LEVEL_FOR[outcome]
        decisions.append(
            (
                decision_id,
                decided_at,
                decided_at,
                contact_id,
                int(outcome),
                levels[level_code],
                "Generated rationale.",
                "",
                "Advice given." if outcome == Outcome.NO_FURTHER_ACTION else "",
                is_referral,
                triage.pk,
                decided_at,
                False,
                None,
                "",
            )
        )
        for kid in kids:
            chronology.append(
                (
                    ids["cases_chronologyentry"],
                    decided_at,
                    decided_at,
                    kid,
                    decided_at,
                    "front_door",
                    "decision",
                    f"Front-door decision: {OUTCOME_PLAIN_WORDS[outcome]}",
                    True,
                    None,
                    triage.pk,
                    "front_door.decision",
                    str(decision_id),
                    f"/front-door/contacts/{contact_id}/",
                )
            )
            ids["cases_chronologyentry"] += 1
            if level_code == "universal":
                continue
            opened = decided_at.astimezone(LONDON).date()
            if open_episode_until.get(kid, dt.date.min) >= opened:
                continue  # the child's episode is still open: the level moves on it (not modelled here)
            length = rng.randint(40, 540)
            closed = opened + dt.timedelta(days=length)
            still_open = closed >= ctx.today
            episode_id = ids["cases_episode"]
            ids["cases_episode"] += 1
            episodes.append(
                (
                    episode_id,
                    decided_at,
                    decided_at,
                    kid,
                    None,
                    opened,
                    "Front-door decision",
                    "front_door.decision",
                    str(decision_id),
                    None if still_open else closed,
                    "" if still_open else rng.choice(["RC7", "RC7", "RC8", "RC9", "RC5"]),
                    "",
                )
            )
            ended = None if still_open else dt.datetime.combine(closed, dt.time(12), tzinfo=LONDON)
            ep_levels.append(
                (
                    ids["cases_episodelevel"],
                    decided_at,
                    decided_at,
                    episode_id,
                    levels[level_code],
                    decided_at,
                    ended,
                    triage.pk,
                    "",
                )
            )
            ids["cases_episodelevel"] += 1
            open_episode_until[kid] = dt.date.max if still_open else closed
            episodes_of.setdefault(kid, []).append(
                (episode_id, opened, None if still_open else closed, episodes[-1][10])
            )
        if is_referral:
            for kid in kids:
                _census_referral(
                    referrals,
                    ids,
                    kid,
                    received,
                    decided_at,
                    contact_id,
                    decision_id,
                    contacts[-1][14],
                    triage.pk,
                    episodes_of.get(kid, []),
                    referral_spans.setdefault(kid, []),
                )
    # One child with a long story (300 entries) for the chronology benchmark.
    long_story_child = ctx.children[0][0]
    for i in range(300):
        when = now - dt.timedelta(days=i * 7)
        chronology.append(
            (
                ids["cases_chronologyentry"],
                when,
                when,
                long_story_child,
                when,
                "family_help",
                "visit",
                f"Generated visit {i}.",
                i % 10 == 0,
                None,
                None,
                "",
                "",
                "",
            )
        )
        ids["cases_chronologyentry"] += 1
    ctx.counts["long_story_child"] = long_story_child
    _copy_all(ctx, contacts, children, decisions, requests, episodes, ep_levels, chronology, deadlines, referrals)


def _census_referral(
    referrals, ids, kid, received, decided_at, contact_id, decision_id, source_code, actor_id, episodes, spans
) -> None:
    """The child's CIN census referral from this decision, as the code makes it: dated the day the contact was
    received, closed when the episode it belongs to closed; none if it would overlap another (one at a time)."""
    referral_date = received.astimezone(LONDON).date()
    decided_on = decided_at.astimezone(LONDON).date()
    episode = next((e for e in episodes if e[1] <= decided_on and (e[2] is None or e[2] >= decided_on)), None)
    closed_on, reason = (episode[2], episode[3]) if episode else (None, "")
    end = closed_on or dt.date.max
    if any(start <= end and referral_date <= other_end for start, other_end in spans):
        return
    spans.append((referral_date, end))
    referrals.append(
        (
            ids["cases_cinreferral"],
            decided_at,
            decided_at,
            kid,
            episode[0] if episode else None,
            referral_date,
            source_code,
            "front_door.decision",
            str(decision_id),
            actor_id,
            closed_on,
            reason,
            False,
            actor_id if closed_on else None,
        )
    )
    ids["cases_cinreferral"] += 1


def _copy_all(
    ctx, contacts, children, decisions, requests, episodes, ep_levels, chronology, deadlines, referrals
) -> None:
    c = ctx.counts
    c["contacts"] = copy_rows(
        "front_door_contact",
        [
            "id",
            "created_at",
            "updated_at",
            "reference",
            "received_at",
            "decision_due_at",
            "channel",
            "recorded_by_id",
            "referrer_user_id",
            "referrer_name",
            "referrer_role",
            "referrer_agency_id",
            "referrer_phone",
            "referrer_email",
            "source_code",
            "worry",
            "categories",
            "urgent",
            "consent",
            "consent_override_reason",
            "no_identifiable_child",
            "status",
            "team_id",
            "assigned_to_id",
            "decided_at",
            "breached",
            "idempotency_key",
        ],
        contacts,
    )
    c["contact_children"] = copy_rows(
        "front_door_contactchild",
        [
            "id",
            "created_at",
            "updated_at",
            "contact_id",
            "person_id",
            "given_first_name",
            "given_last_name",
            "given_date_of_birth",
            "given_nhs_number",
            "given_address",
            "given_postcode",
            "description",
        ],
        children,
    )
    c["decisions"] = copy_rows(
        "front_door_decision",
        [
            "id",
            "created_at",
            "updated_at",
            "contact_id",
            "outcome",
            "level_id",
            "rationale",
            "urgent_services",
            "advice",
            "accepted_as_referral",
            "decided_by_id",
            "decided_at",
            "signoff_required",
            "supersedes_id",
            "change_reason",
        ],
        decisions,
    )
    c["information_requests"] = copy_rows(
        "front_door_informationrequest",
        [
            "id",
            "created_at",
            "updated_at",
            "contact_id",
            "agency_id",
            "question",
            "requested_by_id",
            "requested_at",
            "due_at",
            "status",
            "response",
            "responded_by_id",
            "responded_at",
        ],
        requests,
    )
    c["episodes"] = copy_rows(
        "cases_episode",
        [
            "id",
            "created_at",
            "updated_at",
            "person_id",
            "family_case_id",
            "opened_on",
            "opened_reason",
            "source_type",
            "source_id",
            "closed_on",
            "closure_reason",
            "closure_summary",
        ],
        episodes,
    )
    c["episode_levels"] = copy_rows(
        "cases_episodelevel",
        [
            "id",
            "created_at",
            "updated_at",
            "episode_id",
            "level_id",
            "started_at",
            "ended_at",
            "changed_by_id",
            "reason",
        ],
        ep_levels,
    )
    c["chronology"] = copy_rows(
        "cases_chronologyentry",
        [
            "id",
            "created_at",
            "updated_at",
            "person_id",
            "occurred_at",
            "strand",
            "kind",
            "summary",
            "significant",
            "source_agency_id",
            "author_id",
            "target_type",
            "target_id",
            "link",
        ],
        chronology,
    )
    c["deadlines"] = copy_rows(
        "cases_deadline",
        [
            "id",
            "created_at",
            "updated_at",
            "kind",
            "label",
            "target_type",
            "target_id",
            "person_ids",
            "link",
            "due_at",
            "warn_at",
            "state",
            "assignee_id",
            "notify_agency_id",
            "escalate_role",
            "warned_at",
            "breached_at",
            "breach_detected_late",
            "met_at",
        ],
        deadlines,
    )
    c["cin_referrals"] = copy_rows(
        "cases_cinreferral",
        [
            "id",
            "created_at",
            "updated_at",
            "person_id",
            "episode_id",
            "referral_date",
            "source_code",
            "source_type",
            "source_id",
            "opened_by_id",
            "closed_on",
            "closure_reason",
            "nfa",
            "closed_by_id",
        ],
        referrals,
    )
    for table in (
        "front_door_contact",
        "front_door_contactchild",
        "front_door_decision",
        "front_door_informationrequest",
        "cases_episode",
        "cases_episodelevel",
        "cases_chronologyentry",
        "cases_deadline",
        "cases_cinreferral",
    ):
        move_sequence(table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
