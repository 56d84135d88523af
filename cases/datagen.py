"""Synthetic, reproducible data at a council's scale, bulk-loaded with COPY (issue 5).

`manage.py generate_dataset --scale small|large-la|national --seed N` calls `generate_people` here for
the shared record (families: children, parents, addresses, relationships), then each strand's step
for its own records, registered in cases.registry (the front door: contacts, decisions, requests,
episodes, chronology, deadlines; then Family Help), so cases imports no strand.

Everything is synthetic: names from the demo name lists (so collisions and near-duplicates are
realistic), NHS numbers from the 999 test range, postcodes in made-up ZZ districts, identifiers with a
"G" infix (LA child IDs "999G…", contact references "G…") that the live sequences never produce. Rows
are written with explicit ids above the current maximum, and the id sequences are moved past them.
Bulk rows bypass the services (and so the audit trail): they stand for history migrated from an old
system, which is how a council's first years would arrive.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from .demo.names import BACKGROUNDS, POSTCODE_DISTRICTS, STREETS


@dataclass(frozen=True)
class Scale:
    families: int
    contacts_per_year: int
    years: int


SCALES = {
    # ~2,000 children: for tests and a quick look.
    "small": Scale(families=1_250, contacts_per_year=3_000, years=2),
    # England's largest councils: ~700,000 people, 100,000 contacts a year for 7 years.
    "large-la": Scale(families=220_000, contacts_per_year=100_000, years=7),
    # 153 councils' worth (~21 million contacts): run it in parts with --part/--parts.
    "national": Scale(families=6_000_000, contacts_per_year=3_000_000, years=7),
}


@dataclass
class Context:
    """What the people generator hands to the strands."""

    rng: random.Random
    scale: Scale
    today: dt.date
    children: list[tuple[int, dt.date]] = field(default_factory=list)  # (person id, date of birth)
    siblings: dict[int, list[int]] = field(default_factory=dict)  # child id -> the family's children
    counts: dict[str, int] = field(default_factory=dict)


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY rows (iterables of Python values; None = NULL) into a table, in chunks. Returns rows written."""
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608  (our table names)  # nosec B608
        return cursor.fetchone()[0]


def move_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  (our table names)  # nosec B608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def synthetic_nhs_numbers(rng: random.Random):
    """Valid NHS numbers in the 999 test range, each once (also across runs that add to a data set), in
    a shuffled but reproducible order. The range holds about 910,000; beyond that people get none."""
    from .models import Person

    taken = set(Person.objects.filter(nhs_number__startswith="999").values_list("nhs_number", flat=True))
    bodies = list(range(1_000_000))
    rng.shuffle(bodies)
    for body in bodies:
        digits = f"999{body:06d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check == 10 or digits + str(check) in taken:
            continue
        yield digits + str(check)


_NAME_POOL = [bg for bg in BACKGROUNDS.values()]


def generate_people(ctx: Context, *, part: int = 0) -> None:
    """Families of 1-5 children with one or two parents, an address each, and relationships."""
    rng, scale, today = ctx.rng, ctx.scale, ctx.today
    now = timezone.now()
    person_id = next_id("cases_person")
    address_id = next_id("cases_address")
    relationship_id = next_id("cases_relationship")
    nhs = synthetic_nhs_numbers(rng)
    people, addresses, relationships = [], [], []
    for _family in range(scale.families):
        background = rng.choice(_NAME_POOL)
        surname = rng.choice(background["surnames"])
        postcode = (
            f"{rng.choice(POSTCODE_DISTRICTS)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXY')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXY')}"
        )
        street = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
        mother_age = rng.randint(19, 48)
        mother_dob = today - dt.timedelta(days=mother_age * 365 + rng.randint(0, 364))
        family_ids = []
        parents = [(rng.choice(background["female"]), "F", mother_dob, "mother")]
        if rng.random() < 0.55:
            parents.append(
                (rng.choice(background["male"]), "M", mother_dob - dt.timedelta(days=rng.randint(0, 2500)), "father")
            )
        parent_ids = []
        for first, sex, dob, _role in parents:
            people.append(
                (
                    person_id,
                    now,
                    now,
                    first,
                    "",
                    surname,
                    "",
                    dob,
                    None,
                    None,
                    sex,
                    "",
                    rng.choice(background["ethnicity"]),
                    "{}",
                    background["language"],
                    False,
                    None,
                    "",
                    f"999G{part:02d}{person_id:011d}"[:20],
                    False,
                    "",
                    None,
                    1,
                    None,
                )
            )
            addresses.append(
                (
                    address_id,
                    now,
                    now,
                    person_id,
                    street,
                    "",
                    "Demo Borough",
                    postcode,
                    dob + dt.timedelta(days=18 * 365),
                    None,
                )
            )
            parent_ids.append(person_id)
            person_id += 1
            address_id += 1
        n_children = min(5, max(1, int(rng.expovariate(0.9)) + 1))
        for _ in range(n_children):
            age_days = rng.randint(0, min(17 * 365, max(1, (mother_age - 17) * 365)))
            dob = today - dt.timedelta(days=age_days)
            sex = rng.choice("MF")
            first = rng.choice(background["girls" if sex == "F" else "boys"])
            nhs_number = next(nhs, None) if rng.random() < 0.6 else None
            people.append(
                (
                    person_id,
                    now,
                    now,
                    first,
                    "",
                    surname,
                    "",
                    dob,
                    None,
                    None,
                    sex,
                    "",
                    rng.choice(background["ethnicity"]),
                    "{NONE}" if rng.random() < 0.9 else "{LD}",
                    background["language"],
                    False,
                    nhs_number,
                    "",
                    f"999G{part:02d}{person_id:011d}"[:20],
                    False,
                    "",
                    None,
                    1,
                    None,
                )
            )
            addresses.append((address_id, now, now, person_id, street, "", "Demo Borough", postcode, dob, None))
            for parent_id, (_f, _s, _d, role) in zip(parent_ids, parents, strict=True):
                relationships.append((relationship_id, now, now, parent_id, person_id, role, True, dob, None, ""))
                relationship_id += 1
            family_ids.append(person_id)
            ctx.children.append((person_id, dob))
            person_id += 1
            address_id += 1
            # About 1 in 100 children also has a near-duplicate record (a typo at a past contact).
            if rng.random() < 0.01:
                typo = first[:-1] + rng.choice("aeiouy") if len(first) > 3 else first + "e"
                people.append(
                    (
                        person_id,
                        now,
                        now,
                        typo,
                        "",
                        surname,
                        "",
                        dob,
                        None,
                        None,
                        sex,
                        "",
                        rng.choice(background["ethnicity"]),
                        "{}",
                        background["language"],
                        False,
                        None,
                        "",
                        f"999G{part:02d}{person_id:011d}"[:20],
                        False,
                        "",
                        None,
                        1,
                        None,
                    )
                )
                person_id += 1
        for child in family_ids:
            ctx.siblings[child] = family_ids
    columns = [
        "id",
        "created_at",
        "updated_at",
        "first_name",
        "middle_names",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "expected_date_of_birth",
        "date_of_death",
        "sex",
        "gender_identity",
        "ethnicity",
        "disabilities",
        "first_language",
        "interpreter_needed",
        "nhs_number",
        "upn",
        "la_child_id",
        "restricted",
        "restriction_reason",
        "merged_into_id",
        "version",
        "created_by_id",
    ]
    ctx.counts["people"] = copy_rows("cases_person", columns, people)
    ctx.counts["addresses"] = copy_rows(
        "cases_address",
        ["id", "created_at", "updated_at", "person_id", "line1", "line2", "town", "postcode", "start_date", "end_date"],
        addresses,
    )
    ctx.counts["relationships"] = copy_rows(
        "cases_relationship",
        [
            "id",
            "created_at",
            "updated_at",
            "from_person_id",
            "to_person_id",
            "type",
            "parental_responsibility",
            "start_date",
            "end_date",
            "notes",
        ],
        relationships,
    )
    for table in ("cases_person", "cases_address", "cases_relationship"):
        move_sequence(table)


def generate_workforce_history(ctx: Context) -> None:
    """The dated workforce history (issue 16 item 4) of every practitioner the strands generated with a qualification
    and no record yet: a first record from when they joined (most full time, some part time), then for some a change
    the FFP quarterly return must see on its day: hours changed, an alternatively qualified practitioner qualifying as
    a social worker, or leaving (0 hours)."""
    from .models import PractitionerRecord, Role, User

    rng, today = ctx.rng, ctx.today
    start = today - dt.timedelta(days=365 * ctx.scale.years)
    users = (
        User.objects.exclude(qualification="")
        .exclude(agency=None)
        .exclude(practitioner_records__isnull=False)
        .filter(email__endswith="@generated.test")
        .order_by("id")
    )
    fhlp_ids = set(User.objects.filter(groups__name=Role.FHLP).values_list("id", flat=True))
    rows = []
    for user in users.only("id", "agency_id", "qualification"):
        lead = user.pk in fhlp_ids
        joined = start - dt.timedelta(days=rng.randint(0, 700))
        hours = rng.choice(["37"] * 6 + ["30", "22.5", "18.5"])
        first = PractitionerRecord(
            user_id=user.pk,
            valid_from=joined,
            agency_id=user.agency_id,
            qualification=user.qualification,
            hours_per_week=hours,
            lead_practitioner=lead,
            note="Generated",
        )
        rows.append(first)
        roll = rng.random()
        if roll < 0.25:
            changed = start + dt.timedelta(days=rng.randint(30, max(31, (today - start).days - 1)))
            qualification, new_hours, note = user.qualification, hours, "Generated change"
            if roll < 0.08 and user.qualification == "alternatively_qualified":
                qualification = "social_worker"
                note = "Generated: qualified as a social worker"
            elif roll < 0.12:
                new_hours = "0"
                note = "Generated: left"
            else:
                new_hours = rng.choice(["37", "30", "22.5"])
            rows.append(
                PractitionerRecord(
                    user_id=user.pk,
                    valid_from=changed,
                    agency_id=user.agency_id,
                    qualification=qualification,
                    hours_per_week=new_hours,
                    lead_practitioner=lead,
                    note=note,
                )
            )
    PractitionerRecord.objects.bulk_create(rows, batch_size=2000)
    # User.qualification is the qualification in force today (cases.services.workforce keeps it so).
    qualified = [r.user_id for r in rows if r.note == "Generated: qualified as a social worker"]
    User.objects.filter(pk__in=qualified).update(qualification="social_worker")
    ctx.counts["practitioner_records"] = len(rows)
