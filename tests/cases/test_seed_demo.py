"""Demo data: one fictional council, a user per role and 30+ synthetic families, safe to run twice."""

import datetime as dt
import io
import re
from collections import Counter
from itertools import pairwise

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone
from nhs_number import is_valid as nhs_is_valid

from cases import demo
from cases.codes import valid_codes
from cases.demo import TEAMS, USERS
from cases.models import (
    Address,
    Agency,
    AgencyType,
    AuditEvent,
    CaseNote,
    ChronologyEntry,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCase,
    FamilyCaseMember,
    Household,
    HouseholdMember,
    Involvement,
    Person,
    PersonName,
    Relationship,
    RestrictedAccess,
    Team,
    User,
)
from cases.permissions import person_scope
from cases.selectors import SearchCriteria, person_find_duplicates, person_search
from cases.validators import validate_postcode, validate_upn

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "triage@demo.test",
    "frontdoor.manager@demo.test",
    "fhlp@demo.test",
    "sw.fhlp@demo.test",
    "lcpp@demo.test",
    "police@demo.test",
    "health@demo.test",
    "school.dsl@demo.test",
    "other.school.dsl@demo.test",
    "fgdm@demo.test",
    "manager@demo.test",
    "privacy@demo.test",
    "performance@demo.test",
    "admin@demo.test",
]


def test_seed_demo_is_idempotent_and_every_demo_user_can_sign_in(client, monkeypatch):
    # --no-families: the users are the point here; the families' own tests are below (seeded_demo).
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    counts = (Agency.objects.count(), Team.objects.count(), User.objects.count())
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    assert (Agency.objects.count(), Team.objects.count(), User.objects.count()) == counts
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(DEMO_USERS)
    for email in DEMO_USERS:
        response = client.post("/accounts/login/", {"username": email, "password": "a-demo-password-for-tests"})
        assert response.status_code == 302, email
        client.post("/accounts/logout/")


def test_demo_agencies_cover_the_partnership(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    types = list(Agency.objects.values_list("type", flat=True))
    for kind in (
        AgencyType.COUNCIL_SOCIAL_CARE,
        AgencyType.COUNCIL_EARLY_HELP,
        AgencyType.POLICE,
        AgencyType.HEALTH,
        AgencyType.VOLUNTARY_SECTOR,
    ):
        assert kind in types
    assert types.count(AgencyType.EDUCATION) == 2
    fhlp = User.objects.get(email="fhlp@demo.test")
    assert (fhlp.agency.type, fhlp.qualification) == (AgencyType.VOLUNTARY_SECTOR, "alternatively_qualified")
    assert User.objects.get(email="sw.fhlp@demo.test").qualification == "social_worker"
    assert User.objects.get(email="lcpp@demo.test").has_role("lcpp")
    macpt = Team.objects.get(name="Multi-Agency Child Protection Team")
    assert {m.agency.type for m in macpt.members.select_related("agency")} >= {
        "police",
        "health",
        "council_social_care",
    }


# --- the synthetic families -----------------------------------------------------------------------------

STRUCTURES = {
    "single_parent",
    "two_parents",
    "step_parent",
    "kinship",
    "half_siblings",
    "sibling_group",
    "unborn",
    "teenager",
    "previous_surname",
    "parent_partner",
    "shared_care",
    "restricted",
    "closed",
    "step_down",
}


def _plan() -> list[demo.FamilyPlan]:
    return demo.build_plan(timezone.localdate())


def _team_members() -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for email, _name, _title, _agency, team_keys, _roles, _qualification in USERS:
        for key in team_keys:
            members.setdefault(key, set()).add(email)
    return members


HEALTH = "health@demo.test"
FAMILY_HELP_TAF_HEALTH = {"Hollis family", "Clarke family"}  # family_help/demo_data.py


def _expected_scope(email: str) -> set[tuple[str, str, str]]:
    """What a practitioner without a council-wide role should see at least the summary of, read from the plan
    rather than the code: the children of open families they (or one of their teams) work with, and, where they
    hold the children's whole record, those children's adult relatives; a restricted family only if they are on
    its named list."""
    teams, today = _team_members(), timezone.localdate()
    expected = set()
    for family in _plan():
        e = family.episode
        if not family.is_open:
            continue  # closed: the lead's involvement ended with the episode
        # A handover ends the previous FHLP's access: only the current (last) FHLP is involved.
        # The whole record: leads, the MACPT, the LCPP and the facilitator.
        whole = {*e.fhlps[-1:], *e.macpt, *([e.lcpp] if e.lcpp else []), *([demo.FGDM] if e.fgdm else [])}
        # The summary (the family's plan and the children in it): the team around the family. Family Help's
        # demo puts the health visitor in these families' teams around the family.
        summary = {
            *(teams[e.team_taf] if e.team_taf else set()),
            *([HEALTH] if family.name in FAMILY_HELP_TAF_HEALTH else []),
        }
        if email not in whole | summary:
            continue
        if family.restriction and email not in {demo.PRIVACY, *family.restriction[1]}:
            continue
        kids = {p.key for p in family.children}
        related = {r.from_key for r in family.relationships if r.to_key in kids} | {
            r.to_key for r in family.relationships if r.from_key in kids
        }
        for person in family.people:
            # Adult relatives open with a child's whole record only, never through the summary.
            adult_relative = email in whole and person.key in related and person.age_on(today) >= 18
            if person.is_child or adult_relative:
                expected.add((family.name, person.first_name, person.last_name))
    return expected


def _visible(user: User) -> set[tuple[str | None, str, str]]:
    family_of = dict(FamilyCaseMember.objects.values_list("person_id", "family_case__name"))
    return {
        (family_of.get(pk), first, last)
        for pk, first, last in person_scope(user).values_list("pk", "first_name", "last_name")
    }


def test_the_plan_is_the_same_every_time_and_covers_every_structure():
    day = dt.date(2026, 11, 22)
    plan = demo.build_plan(day)
    assert plan == demo.build_plan(day)
    assert len(plan) >= 30
    assert len({f.name for f in plan}) == len(plan)
    assert set().union(*(f.structures for f in plan)) >= STRUCTURES


def test_teams_get_their_groups_and_members_on_a_database_seeded_before_teams_had_groups():
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    # As the earlier seed_demo left a database: users in their teams, but teams without groups.
    team_groups = list(Team.objects.exclude(group=None).values_list("group_id", flat=True))
    Team.objects.update(group=None)
    Group.objects.filter(pk__in=team_groups).delete()

    call_command("seed_demo", "--no-families", stdout=io.StringIO())

    teams = {t.name: t for t in Team.objects.select_related("group")}
    assert all(t.group is not None for t in teams.values())
    names = {key: name for key, name, _agency, _multi in TEAMS}
    for email, _name, _title, _agency, team_keys, _roles, _qualification in USERS:
        user = User.objects.get(email=email)
        for key in team_keys:
            team = teams[names[key]]
            assert user.teams.filter(pk=team.pk).exists(), (email, key)
            assert user.groups.filter(pk=team.group_id).exists(), (email, key)
    audit_rows = AuditEvent.objects.count()
    call_command("seed_demo", "--no-families", stdout=io.StringIO())
    assert AuditEvent.objects.count() == audit_rows  # nothing left to put right


def test_seed_makes_30_families_of_varied_structure(seeded_demo):
    today = timezone.localdate()
    assert re.search(
        r"\b3\d families \(3\d new\), \d+ people, \d+ restricted, [4-9] likely duplicate pairs", seeded_demo
    )
    assert FamilyCase.objects.count() == len(_plan()) >= 30
    types = Counter(Relationship.objects.values_list("type", flat=True))
    for kind in ("step_parent", "half_sibling", "grandparent", "partner_of_parent", "carer", "aunt_uncle"):
        assert types[kind] >= 2, kind
    # Kinship: a grandparent who is also the children's carer with parental responsibility.
    assert Relationship.objects.filter(
        type="carer", parental_responsibility=True, from_person__relationships_out__type="grandparent"
    ).exists()
    families = FamilyCase.objects.annotate(
        children=Count("members", filter=Q(members__role="child")),
        parents=Count("members", filter=Q(members__role="parent")),
    )
    assert families.filter(children__gte=4).count() >= 2  # sibling groups
    assert families.filter(parents=1).count() >= 5
    unborn = Person.objects.get(date_of_birth=None, expected_date_of_birth__gt=today)
    assert unborn.episodes.filter(closed_on=None).exists()
    children = Person.objects.filter(family_memberships__role="child").exclude(date_of_birth=None)
    adults = Person.objects.exclude(family_memberships__role="child").filter(family_memberships__isnull=False)
    eighteen, sixteen = today - relativedelta(years=18), today - relativedelta(years=16)
    assert not children.filter(date_of_birth__lte=eighteen).exists()
    assert not adults.filter(Q(date_of_birth__gt=eighteen) | Q(date_of_birth=None)).exists()
    assert children.filter(date_of_birth__gt=eighteen, date_of_birth__lte=sixteen).count() >= 2  # teenagers
    assert PersonName.objects.exclude(last_name=F("person__last_name")).count() >= 2  # previous surnames
    two_homes = HouseholdMember.objects.values("person").annotate(n=Count("household")).filter(n__gte=2)
    assert two_homes.count() >= 2  # shared care
    assert Person.objects.exclude(date_of_death=None).exists()
    assert Person.objects.filter(interpreter_needed=True).exists()
    for postcode in Address.objects.values_list("postcode", flat=True):
        validate_postcode(postcode)
        assert postcode.startswith("ZZ") and not postcode.startswith("ZZ99"), postcode


def test_episodes_move_along_the_continuum_with_leads_and_partners(seeded_demo):
    current = {
        e: lvl
        for e, lvl in EpisodeLevel.objects.filter(ended_at=None, episode__closed_on=None).values_list(
            "episode_id", "level__code"
        )
    }
    assert set(current.values()) == {"targeted_early_help", "child_in_need", "child_protection", "pre_proceedings"}
    ups = downs = 0
    for episode in Episode.objects.prefetch_related("levels__level"):
        ranks = [lvl.level.rank for lvl in episode.levels.all()]
        ups += any(b > a for a, b in pairwise(ranks))
        downs += any(b < a for a, b in pairwise(ranks))
    assert ups >= 5 and downs >= 3
    closed = Episode.objects.exclude(closed_on=None)
    assert all(re.fullmatch(r"RC[1-9]", c) for c in closed.values_list("closure_reason", flat=True))
    assert len(set(closed.values_list("closure_reason", flat=True))) >= 4

    leads = EpisodeLead.objects.filter(ended_at=None, episode__closed_on=None)
    for email in ("fhlp@demo.test", "sw.fhlp@demo.test"):
        assert leads.filter(kind="fhlp", user__email=email).values("episode__family_case").distinct().count() >= 4
    protection = [e for e, code in current.items() if code in ("child_protection", "pre_proceedings")]
    assert protection
    for episode_id in protection:
        episode = Episode.objects.get(pk=episode_id)
        assert leads.get(episode=episode, kind="lcpp").user.email == "lcpp@demo.test"
        involved = set(
            Involvement.objects.filter(person=episode.person, role="macpt_member", end_date=None).values_list(
                "user__email", flat=True
            )
        )
        assert involved >= {"police@demo.test", "health@demo.test"}
    fgdm = Involvement.objects.filter(user__email="fgdm@demo.test", role="fgdm_facilitator")
    # The facilitator is allocated the open families planned with FGDM (fgdm's demo step allocates them).
    planned = {f.name for f in _plan() if f.episode.fgdm and f.is_open}
    assert (
        set(FamilyCase.objects.filter(members__person__involvements__in=fgdm).values_list("name", flat=True)) == planned
    )
    assert Involvement.objects.filter(user__email="school.dsl@demo.test", role="referrer").count() >= 3


def test_every_child_has_a_chronology_across_strands_and_final_notes(seeded_demo):
    children = Person.objects.filter(family_memberships__role="child")
    assert children.count() >= 60
    for child in children:
        strands = set(child.chronology.values_list("strand", flat=True))
        assert {"front_door", "record"} <= strands and strands & {"family_help", "macpt"}, child
        assert child.chronology.count() >= 5
        first, last = child.chronology.aggregate(first=Min("occurred_at"), last=Max("occurred_at")).values()
        assert last <= timezone.now()
        assert child.date_of_birth is None or first.date() >= child.date_of_birth, child  # no story before birth
        notes = child.case_notes.filter(status="final")
        assert notes.count() >= 2
        if child.date_of_birth:  # an unborn child's notes are antenatal meetings with the mother
            visit = notes.get(kind="visit")
            assert visit.child_seen
            # Seen alone when old enough to talk to a worker on their own.
            assert visit.child_seen_alone == (child.age_on(visit.occurred_at.date()) >= 5), child
    assert CaseNote.objects.filter(status="final", kind="visit", child_seen_alone=True).count() >= 40
    reached_cp = Person.objects.filter(episodes__levels__level__code="child_protection").distinct()
    assert reached_cp.count() >= 10
    for child in reached_cp:
        assert child.chronology.filter(strand="macpt", kind="strategy_discussion").exists(), child


def test_a_second_run_adds_nothing(seeded_demo):
    tables = [
        Person,
        Relationship,
        ChronologyEntry,
        CaseNote,
        Episode,
        EpisodeLevel,
        EpisodeLead,
        Involvement,
        FamilyCase,
        Household,
        Address,
        RestrictedAccess,
        AuditEvent,
        Group,
    ]
    before = {model: model.objects.count() for model in tables}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert {model: model.objects.count() for model in tables} == before
    assert "14 users (0 new)" in out.getvalue() and "families (0 new)" in out.getvalue()


def test_restricted_records_are_seen_only_by_their_named_list(seeded_demo):
    plan = {f.name: f for f in _plan() if f.restriction}
    users = list(User.objects.filter(email__endswith="@demo.test"))
    restricted = Person.objects.filter(restricted=True)
    assert restricted.count() >= 3
    reasons = set()
    for person in restricted:
        family = plan[FamilyCaseMember.objects.get(person=person).family_case.name]
        reason, named = family.restriction
        expected = {"privacy@demo.test", *named}
        assert person.restriction_reason == reason
        reasons.add(reason)
        assert set(RestrictedAccess.objects.filter(person=person).values_list("user__email", flat=True)) == expected
        assert {u.email for u in users if person_scope(u).filter(pk=person.pk).exists()} == expected, person
    assert reasons == {"staff_family", "high_profile", "adoption"}
    # One list is exactly the front door manager and the privacy officer.
    assert any(set(f.restriction[1]) == {"frontdoor.manager@demo.test"} for f in plan.values())


@pytest.mark.parametrize(
    "email", ["fhlp@demo.test", "sw.fhlp@demo.test", "police@demo.test", "health@demo.test", "fgdm@demo.test"]
)
def test_involved_practitioners_see_exactly_their_families(seeded_demo, demo_user, email):
    expected = _expected_scope(email)
    assert len({family for family, _first, _last in expected}) >= 2
    assert _visible(demo_user(email)) == expected


def test_a_team_in_the_team_around_the_family_gives_its_members_access(seeded_demo, demo_user):
    family = next(f for f in _plan() if f.episode.team_taf == "vcs_support")
    assert "fhlp@demo.test" not in {*family.episode.fhlps, *family.episode.macpt}
    visible = _visible(demo_user("fhlp@demo.test"))
    assert {(family.name, c.first_name, c.last_name) for c in family.children} <= visible


@pytest.mark.parametrize("email", ["school.dsl@demo.test", "other.school.dsl@demo.test"])
def test_school_referrers_see_no_person(seeded_demo, demo_user, email):
    user = demo_user(email)
    referred = Involvement.objects.filter(user=user, role="referrer")
    assert referred.count() >= 2
    assert not person_scope(user).exists()
    assert person_search(user=user, criteria=SearchCriteria(name=referred.first().person.last_name)) == []


def test_likely_duplicates_are_flagged_by_the_duplicate_check(seeded_demo, demo_user):
    triage = demo_user("triage@demo.test")
    pairs = [(family, dup) for family in _plan() for dup in family.duplicates]
    assert len(pairs) >= 4
    assert {dup.kind for _, dup in pairs} >= {"one_letter", "swapped_dob", "sounds_alike", "no_nhs"}
    for family, dup in pairs:
        spec = family.person(dup.of_key)
        original = Person.objects.get(
            family_memberships__family_case__name=family.name, first_name=spec.first_name, last_name=spec.last_name
        )
        duplicate = Person.objects.get(
            first_name=dup.first_name,
            last_name=dup.last_name,
            date_of_birth=dup.date_of_birth,
            family_memberships__isnull=True,
        )
        assert duplicate.nhs_number is None
        # Creating the duplicate today would show the record that was there first, and vice versa.
        for record, other in ((duplicate, original), (original, duplicate)):
            hits = person_find_duplicates(
                user=triage,
                exclude_id=record.pk,
                data={
                    "first_name": record.first_name,
                    "last_name": record.last_name,
                    "date_of_birth": record.date_of_birth,
                    "nhs_number": record.nhs_number,
                },
            )
            scores = {hit.person.pk: hit.score for hit in hits if hit.person is not None}
            assert scores.get(other.pk, 0) >= 0.6, (dup.kind, record, scores)
    missing = next(dup for _, dup in pairs if dup.kind == "no_nhs")
    family = next(f for f, dup in pairs if dup is missing)
    assert family.person(missing.of_key).nhs_number


def test_identifiers_are_synthetic_and_valid(seeded_demo):
    numbers = list(Person.objects.exclude(nhs_number=None).values_list("nhs_number", flat=True))
    assert len(numbers) >= 30
    for number in numbers:
        assert number.startswith("999") and nhs_is_valid(number), number
    children = Person.objects.filter(family_memberships__role="child")
    assert children.filter(nhs_number=None).count() >= 5
    upns = list(Person.objects.exclude(upn="").values_list("upn", flat=True))
    assert len(upns) >= 10
    for upn in upns:
        validate_upn(upn)
        # DfE's pseudo-LA code 001, never a council's own (a census UPN must carry a recognised code: rule 1530).
        assert upn[1:4] == "001", upn
    ethnicities = set(Person.objects.exclude(ethnicity="").values_list("ethnicity", flat=True))
    assert len(ethnicities) >= 8 and ethnicities <= valid_codes("ethnicitytype")
    disabilities = {code for codes in Person.objects.values_list("disabilities", flat=True) for code in codes}
    assert len(disabilities) >= 4 and disabilities <= valid_codes("disabilitytype")


def test_no_audit_row_holds_a_demo_persons_identifiers(seeded_demo):
    """The whole demo, written through the services, leaves ids and field names in the audit: none of the 30+
    families' names, dates of birth, NHS numbers or postcodes (issue 11: the audit holds no personal values)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM cases_auditevent e")
        audit = "\n".join(row[0] for row in cursor.fetchall())
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.WRITE).count() > 500
    values = set()
    for first, last, dob, nhs in Person.objects.values_list("first_name", "last_name", "date_of_birth", "nhs_number"):
        values |= {first, last, nhs, dob.isoformat() if dob else None}
    values |= set(Address.objects.values_list("postcode", flat=True))
    found = sorted(v for v in values if v and len(v) > 2 and re.search(rf"\b{re.escape(v)}\b", audit))
    assert found == []
