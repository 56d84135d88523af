"""The demo council's plan, as pure data: its agencies, teams and users (what each demo user is), and
33 synthetic families (their people, ties, homes and the story of their episodes). Nothing is written here.

`build_plan(today)` is pure: the same date gives the same families, every time (ages are relative to
today). cases.demo.writing writes the plan through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from cases.models import AgencyType, FamilyCaseMember, Qualification, RelationshipType, RestrictionReason, Role, Sex

from .names import BACKGROUNDS, MIXED_ETHNICITY, SyntheticNames

SEED = 2026

EH, CIN, CP, PP = "targeted_early_help", "child_in_need", "child_protection", "pre_proceedings"
LEVEL_NAMES = {
    EH: "targeted early help",
    CIN: "child in need (s17)",
    CP: "child protection (s47)",
    PP: "pre-proceedings",
}

# --- the council: agencies, teams and one demo user per role ------------------------------------------

# Demo users by role in the story.
TRIAGE = "triage@demo.test"
FD_MANAGER = "frontdoor.manager@demo.test"
FHLP_VCS = "fhlp@demo.test"
FHLP_SW = "sw.fhlp@demo.test"
LCPP = "lcpp@demo.test"
POLICE = "police@demo.test"
HEALTH = "health@demo.test"
SCHOOL_DSL = "school.dsl@demo.test"
OTHER_SCHOOL_DSL = "other.school.dsl@demo.test"
FGDM = "fgdm@demo.test"
MANAGER = "manager@demo.test"  # head of service
PRIVACY = "privacy@demo.test"
PERFORMANCE = "performance@demo.test"  # prepares the returns, exports child-level data (issue 16)
ADMIN = "admin@demo.test"


COUNCIL = settings.COUNCIL_NAME
AGENCIES = [
    # key, name, type, code
    ("csc", f"{COUNCIL} Council Children's Social Care", AgencyType.COUNCIL_SOCIAL_CARE, ""),
    ("eh", f"{COUNCIL} Council Early Help", AgencyType.COUNCIL_EARLY_HELP, ""),
    ("police", "Demoshire Constabulary", AgencyType.POLICE, ""),
    ("health", "Demo Community Health NHS Trust", AgencyType.HEALTH, ""),
    ("school_a", "Riverside Demo Primary School", AgencyType.EDUCATION, ""),
    ("school_b", "Hillview Demo Academy", AgencyType.EDUCATION, ""),
    ("vcs", "Demo Families Together (charity)", AgencyType.VOLUNTARY_SECTOR, ""),
]

TEAMS = [
    # key, name, agency key, multi-agency
    ("ifd", "Integrated Front Door", "csc", True),
    ("fh_north", "Family Help North", "eh", True),
    ("macpt", "Multi-Agency Child Protection Team", "csc", True),
    ("fgdm", "Family Group Decision Making Service", "eh", False),
    ("performance", "Performance and Quality", "csc", False),
    ("ig", "Information Governance", "csc", False),
    ("police_hub", "Police Safeguarding Hub", "police", False),
    ("health_safeguarding", "Health Safeguarding Team", "health", False),
    ("school_a_dsl", "Riverside Safeguarding", "school_a", False),
    ("school_b_dsl", "Hillview Safeguarding", "school_b", False),
    ("vcs_support", "Family Support Workers", "vcs", False),
]

# agency key -> its liaison team's key: the team that receives the front door's information requests (the police
# safeguarding hub, health's safeguarding team, each school's safeguarding team, the charity's support workers).
LIAISON_TEAMS = {
    "police": "police_hub",
    "health": "health_safeguarding",
    "school_a": "school_a_dsl",
    "school_b": "school_b_dsl",
    "vcs": "vcs_support",
}

SW, AQ = Qualification.SOCIAL_WORKER, Qualification.ALTERNATIVELY_QUALIFIED
USERS = [
    # email, name, job title, agency, teams, roles, qualification
    (TRIAGE, "Tara Triage", "Front door social worker", "csc", ["ifd"], [Role.TRIAGE_OFFICER], SW),
    (
        FD_MANAGER,
        "Frankie Doorway",
        "Front door team manager",
        "csc",
        ["ifd"],
        [Role.FRONT_DOOR_MANAGER, Role.TRIAGE_OFFICER],
        SW,
    ),
    (FHLP_VCS, "Robin Helper", "Family support worker", "vcs", ["fh_north", "vcs_support"], [Role.FHLP], AQ),
    (FHLP_SW, "Sam Casework", "Social worker", "eh", ["fh_north"], [Role.FHLP], SW),
    (LCPP, "Lee Protect", "Lead child protection practitioner", "csc", ["macpt"], [Role.LCPP, Role.MACPT_MEMBER], SW),
    (
        POLICE,
        "Pat Constable",
        "Detective constable, safeguarding",
        "police",
        ["macpt", "police_hub"],
        [Role.MACPT_MEMBER, Role.PARTNER_REFERRER],
        "",
    ),
    (
        HEALTH,
        "Hana Visitor",
        "Health visitor, safeguarding lead",
        "health",
        ["macpt", "health_safeguarding"],
        [Role.MACPT_MEMBER, Role.PARTNER_REFERRER],
        "",
    ),
    (
        SCHOOL_DSL,
        "Dana Lead",
        "Designated safeguarding lead",
        "school_a",
        ["school_a_dsl"],
        [Role.PARTNER_REFERRER],
        "",
    ),
    (
        OTHER_SCHOOL_DSL,
        "Olly Lead",
        "Designated safeguarding lead",
        "school_b",
        ["school_b_dsl"],
        [Role.PARTNER_REFERRER],
        "",
    ),
    (FGDM, "Fran Convenor", "Family group conference coordinator", "eh", ["fgdm"], [Role.FGDM_FACILITATOR], AQ),
    (MANAGER, "Morgan Oversight", "Head of service", "csc", ["performance"], [Role.MANAGER], SW),
    (PRIVACY, "Priya Records", "Information governance officer", "csc", ["ig"], [Role.PRIVACY_OFFICER], ""),
    (PERFORMANCE, "Parveen Figures", "Performance officer", "csc", ["performance"], [Role.PERFORMANCE_OFFICER], ""),
    (ADMIN, "Alex Admin", "System administrator", "csc", ["performance"], [Role.ADMIN], ""),
]

# --- the families ------------------------------------------------------------------------------------


@dataclass
class PersonPlan:
    key: str
    first_name: str
    last_name: str
    sex: str
    role: str  # FamilyCaseMember.Role
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    date_of_death: dt.date | None = None
    ethnicity: str = ""
    disabilities: list[str] = field(default_factory=list)
    first_language: str = "English"
    interpreter_needed: bool = False
    nhs_number: str = ""
    upn: str = ""
    preferred_name: str = ""
    middle_names: str = ""
    gender_identity: str = ""
    previous_names: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_child(self) -> bool:
        return self.role == FamilyCaseMember.Role.CHILD

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def person_data(self) -> dict:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "middle_names": self.middle_names,
            "preferred_name": self.preferred_name,
            "sex": self.sex,
            "gender_identity": self.gender_identity,
            "date_of_birth": self.date_of_birth,
            "expected_date_of_birth": self.expected_date_of_birth,
            "date_of_death": self.date_of_death,
            "ethnicity": self.ethnicity,
            "disabilities": self.disabilities,
            "first_language": self.first_language,
            "interpreter_needed": self.interpreter_needed,
            "nhs_number": self.nhs_number,
            "upn": self.upn,
        }


@dataclass
class RelationshipPlan:
    from_key: str
    to_key: str
    type: str
    parental_responsibility: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass
class HouseholdPlan:
    name: str
    keys: list[str]
    line1: str
    postcode: str
    start_date: dt.date
    line2: str = ""


@dataclass
class EarlierEpisodePlan:
    """A closed episode before the current one (a re-referral, or the work that ended in adoption)."""

    level: str
    opened_on: dt.date
    closed_on: dt.date
    closure_reason: str
    summary: str
    lead: str


@dataclass
class EpisodePlan:
    levels: list[tuple[str, str]]  # (level code, reason): the first is the opening level
    opened_on: dt.date
    contact_from: str  # who contacted the front door, as the chronology says it
    contact_user: str | None  # a demo user whose agency made the contact, if any
    concern: str
    fhlps: list[str] = field(default_factory=list)  # in order of appointment
    lcpp: str | None = None
    macpt: list[str] = field(default_factory=list)
    fgdm: bool = False  # the FGDM service's facilitator is allocated (fgdm.demo_data takes the family to a stage)
    referrer: str | None = None  # a partner referrer involvement (no access: that is the point)
    team_taf: str | None = None  # a team (by seed_demo key) in the team around the family
    cp_category: str = ""
    closed: tuple[str, str, dt.date] | None = None  # (RC code, summary, closed on): the whole family closed
    earlier: EarlierEpisodePlan | None = None

    @property
    def level_codes(self) -> list[str]:
        return [code for code, _ in self.levels]


@dataclass
class DuplicatePlan:
    """A second record for someone already known, made at the front door without spotting the first."""

    of_key: str
    kind: str  # one_letter | swapped_dob | sounds_alike | no_nhs
    first_name: str
    last_name: str
    sex: str
    date_of_birth: dt.date
    contact_from: str
    contact_user: str | None
    line1: str
    postcode: str


@dataclass
class FamilyPlan:
    name: str  # the FamilyCase name: the stable key that makes seeding idempotent
    structures: frozenset[str]
    people: list[PersonPlan]
    relationships: list[RelationshipPlan]
    households: list[HouseholdPlan]
    episode: EpisodePlan
    previous_addresses: list[tuple[str, str, str, dt.date, dt.date]] = field(default_factory=list)
    restriction: tuple[str, list[str]] | None = None  # (reason, named list beside the privacy officer)
    duplicates: list[DuplicatePlan] = field(default_factory=list)

    def person(self, key: str) -> PersonPlan:
        return next(p for p in self.people if p.key == key)

    @property
    def children(self) -> list[PersonPlan]:
        return [p for p in self.people if p.is_child]

    @property
    def is_open(self) -> bool:
        return self.episode.closed is None


OWN_SURNAME = "<own>"  # an adult's `last`: a surname of their own, drawn from their background


class _Builder:
    """Draws one family's people, ties and homes from the shared generator."""

    def __init__(self, plan: _Planner, background: str, surname: str | None = None) -> None:
        self.planner, self.rng, self.today = plan, plan.rng, plan.today
        self.background = background
        self.surname = surname or plan.surname(background)
        self.people: list[PersonPlan] = []
        self.relationships: list[RelationshipPlan] = []
        self.households: list[HouseholdPlan] = []
        self.previous_addresses: list[tuple[str, str, str, dt.date, dt.date]] = []
        self._parents: dict[str, set[str]] = {}
        self._used_first: set[str] = set()

    # people
    def _first(self, background: str, pool: str, first: str | None) -> str:
        if first:
            self._used_first.add(first)
            return first
        choices = [n for n in BACKGROUNDS[background][pool] if n not in self._used_first]
        name = self.rng.choice(choices)
        self._used_first.add(name)
        return name

    def _dob(self, min_years: float, max_years: float) -> dt.date:
        low, high = int(min_years * 365.25) + 1, int(max_years * 365.25) - 1
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def adult(
        self,
        key: str,
        sex: str,
        age: tuple[int, int],
        *,
        role: str = FamilyCaseMember.Role.PARENT,
        first: str | None = None,
        last: str | None = None,
        background: str | None = None,
        elder: bool = False,
        nhs_chance: float = 0.4,
    ) -> PersonPlan:
        bg = background or self.background
        if last == OWN_SURNAME:
            last = self.planner.surname(bg)
        pool = (
            ("elders_f" if sex == Sex.FEMALE else "elders_m") if elder else ("female" if sex == Sex.FEMALE else "male")
        )
        person = PersonPlan(
            key=key,
            first_name=self._first(bg, pool, first),
            last_name=last or self.surname,
            sex=sex,
            role=role,
            date_of_birth=self._dob(age[0], age[1] + 1),
            ethnicity=self.rng.choice(BACKGROUNDS[bg]["ethnicity"]),
            first_language=BACKGROUNDS[bg]["language"],
        )
        person.interpreter_needed = person.first_language != "English" and self.rng.random() < 0.35
        if self.rng.random() < nhs_chance:
            person.nhs_number = self.planner.nhs_number()
        self.people.append(person)
        return person

    def child(
        self,
        key: str,
        sex: str,
        age: tuple[float, float],
        *,
        first: str | None = None,
        last: str | None = None,
        background: str | None = None,
        ethnicity: str | None = None,
        nhs: bool | None = None,
    ) -> PersonPlan:
        bg = background or self.background
        pool = "girls" if sex == Sex.FEMALE else "boys"
        dob = self._dob(*age)
        person = PersonPlan(
            key=key,
            first_name=self._first(bg, pool, first),
            last_name=last or self.surname,
            sex=sex,
            role=FamilyCaseMember.Role.CHILD,
            date_of_birth=dob,
            ethnicity=ethnicity or self.rng.choice(BACKGROUNDS[bg]["ethnicity"]),
            first_language=BACKGROUNDS[bg]["language"],
        )
        if self.rng.random() < 0.12:
            person.ethnicity = "NOBT"
        roll = self.rng.random()
        person.disabilities = (
            ["NONE"]
            if roll < 0.55
            else []
            if roll < 0.8
            else sorted(self.rng.sample(["AUT", "LD", "COMM", "BEH", "HEAR", "MOB", "VIS"], self.rng.choice([1, 1, 2])))
        )
        if nhs if nhs is not None else self.rng.random() < 0.7:
            person.nhs_number = self.planner.nhs_number()
        age_now = person.age_on(self.today) or 0
        if age_now >= 5 and self.rng.random() < 0.6:
            person.upn = self.planner.upn(dob, secondary=age_now >= 11)
        self.people.append(person)
        return person

    def adults(self, *specs: tuple) -> list[PersonPlan]:
        """adult() for each (key, sex, age[, options]), in order."""
        return [self.adult(*spec[:3], **(spec[3] if len(spec) > 3 else {})) for spec in specs]

    def children(self, *specs: tuple) -> list[PersonPlan]:
        """child() for each (key, sex, age[, options]), in order."""
        return [self.child(*spec[:3], **(spec[3] if len(spec) > 3 else {})) for spec in specs]

    def unborn(self, key: str, weeks_until_due: int) -> PersonPlan:
        person = PersonPlan(
            key=key,
            first_name="Unborn",
            last_name=self.surname,
            sex=Sex.UNKNOWN,
            role=FamilyCaseMember.Role.CHILD,
            expected_date_of_birth=self.today + dt.timedelta(weeks=weeks_until_due),
        )
        self.people.append(person)
        return person

    def mixed(self, other: str) -> str:
        return MIXED_ETHNICITY.get(frozenset({self.background, other}), "MOTH")

    # ties
    def rel(
        self,
        from_key: str,
        to_key: str,
        type: str,
        pr: bool = False,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> None:
        self.relationships.append(RelationshipPlan(from_key, to_key, type, pr, start, end))

    def parent_of(self, parent_key: str, child_keys: list[str], pr: bool = True) -> None:
        parent = next(p for p in self.people if p.key == parent_key)
        kind = RelationshipType.MOTHER if parent.sex == Sex.FEMALE else RelationshipType.FATHER
        for key in child_keys:
            self.rel(parent_key, key, kind, pr)
            self._parents.setdefault(key, set()).add(parent_key)

    def kin(self, *parent_keys: str, siblings: bool = True) -> None:
        """Each of these parents is a parent (with PR) of every child; then the children's sibling ties."""
        kids = [p.key for p in self.people if p.is_child]
        for parent_key in parent_keys:
            self.parent_of(parent_key, kids)
        if siblings:
            self.siblings()

    def ties(
        self, from_key: str, to_keys: list[str], type: str, *, pr: bool = False, since: tuple[int, int] | None = None
    ) -> None:
        """The same tie from one person to each of several; `since` (days ago, low-high) draws each start."""
        for key in to_keys:
            self.rel(from_key, key, type, pr, self.planner.ago(*since) if since else None)

    def siblings(self) -> None:
        """Sibling or half-sibling ties between the children, read from the parents recorded."""
        kids = [p.key for p in self.people if p.is_child]
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                pa, pb = self._parents.get(a, set()), self._parents.get(b, set())
                if pa and pa == pb:
                    self.rel(a, b, RelationshipType.SIBLING)
                elif pa & pb:
                    self.rel(a, b, RelationshipType.HALF_SIBLING)

    # homes
    def address(self) -> tuple[str, str, str]:
        return self.planner.address()

    def household(
        self,
        keys: list[str] | None = None,
        *,
        name: str | None = None,
        years: int | None = None,
        address: tuple[str, str, str] | None = None,
    ) -> HouseholdPlan:
        keys = keys or [p.key for p in self.people]  # by default everyone in the family
        line1, line2, postcode = address or self.address()
        start = self.today - dt.timedelta(days=365 * (years or self.rng.randint(1, 8)) + self.rng.randint(0, 300))
        household = HouseholdPlan(
            name=name or f"{self.surname} household, {line1}",
            keys=keys,
            line1=line1,
            line2=line2,
            postcode=postcode,
            start_date=start,
        )
        self.households.append(household)
        return household

    def moved(self, keys: list[str], household: HouseholdPlan) -> None:
        """These people lived somewhere else before this household's address."""
        line1, _, postcode = self.address()
        start = household.start_date - dt.timedelta(days=self.rng.randint(400, 1500))
        for key in keys:
            self.previous_addresses.append((key, line1, postcode, start, household.start_date - dt.timedelta(days=1)))

    def done(
        self,
        structures: set[str],
        episode: EpisodePlan,
        *,
        name: str | None = None,
        restriction: tuple[str, list[str]] | None = None,
        duplicates: list[DuplicatePlan] | None = None,
    ) -> FamilyPlan:
        # Every child was born before the family first came to the front door (an unborn child is the
        # one who is expected), so no child's story starts before their birth.
        latest = episode.opened_on - dt.timedelta(days=14)
        for person in self.people:
            if person.is_child and person.date_of_birth and person.date_of_birth > latest:
                person.date_of_birth = latest - dt.timedelta(days=self.rng.randint(0, 45))
        return FamilyPlan(
            name=name or f"{self.surname} family",
            structures=frozenset(structures),
            people=self.people,
            relationships=self.relationships,
            households=self.households,
            previous_addresses=self.previous_addresses,
            episode=episode,
            restriction=restriction,
            duplicates=duplicates or [],
        )


class _Planner(SyntheticNames):
    """The shared generator of one plan: names and identifiers, and dates relative to today."""

    def __init__(self, today: dt.date) -> None:
        super().__init__(random.Random(SEED))  # noqa: S311  (synthetic demo data, not security)
        self.today = today

    def ago(self, low_days: int, high_days: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low_days, high_days))


F, M = Sex.FEMALE, Sex.MALE
CARER, OTHER = FamilyCaseMember.Role.CARER, FamilyCaseMember.Role.OTHER


def build_plan(today: dt.date | None = None) -> list[FamilyPlan]:
    """The demo families, the same every time for the same date (ages are relative to today)."""
    pl = _Planner(today or timezone.localdate())
    # Surnames the likely duplicates depend on are kept out of the random draw.
    pl.reserve("Smith", "Nowak", "Okafor", "Pearson", "Hollis")
    families: list[FamilyPlan] = []
    add = families.append
    rs = pl.rng

    def ep(levels, *, months: tuple[int, int], contact: tuple[str, str | None], concern: str, **kw) -> EpisodePlan:
        return EpisodePlan(
            levels=levels,
            opened_on=pl.ago(months[0] * 30, months[1] * 30),
            contact_from=contact[0],
            contact_user=contact[1],
            concern=concern,
            **kw,
        )

    school = ("Riverside Demo Primary School (DSL)", SCHOOL_DSL)
    academy = ("Hillview Demo Academy (DSL)", OTHER_SCHOOL_DSL)
    police = ("Demoshire Constabulary", POLICE)
    health = ("health visitor, Demo Community Health NHS Trust", HEALTH)
    gp = ("GP surgery", None)
    family_member = ("a relative", None)
    self_referral = ("parent (self-referral)", None)

    # 1. Single parent, two children; early help; one of the likely duplicates (no NHS number on one side).
    b = _Builder(pl, "english", "Pearson")
    b.adult("mum", F, (29, 36), nhs_chance=1)
    lily, _son = b.children(("lily", F, (7, 9), {"first": "Lily", "nhs": True}), ("son", M, (4, 6)))
    b.kin("mum")
    home = b.household()
    add(
        b.done(
            {"single_parent"},
            ep(
                [(EH, "Mum asked for help with routines and school attendance")],
                months=(3, 5),
                contact=school,
                concern="attendance at 82% and late most days",
                fhlps=[FHLP_VCS],
                referrer=SCHOOL_DSL,
            ),
            duplicates=[
                DuplicatePlan(
                    "lily",
                    "no_nhs",
                    lily.first_name,
                    "Pearson",
                    F,
                    lily.date_of_birth,
                    "Riverside Demo Primary School (DSL)",
                    SCHOOL_DSL,
                    home.line1,
                    home.postcode,
                )
            ],
        )
    )

    # 2. Two parents, three children; stepped up from early help to child in need; "John Smith".
    b = _Builder(pl, "english", "Smith")
    b.adults(("mum", F, (33, 40)), ("dad", M, (35, 44)))
    john, _girl, _baby = b.children(
        ("john", M, (10, 12), {"first": "John"}), ("girl", F, (7, 9)), ("baby", M, (0.5, 2))
    )
    b.kin("mum", "dad")
    b.household()
    add(
        b.done(
            {"two_parents"},
            ep(
                [
                    (EH, "Parenting support requested"),
                    (CIN, "Dad's mental health crisis; needs now complex: s17 assessment"),
                ],
                months=(8, 11),
                contact=gp,
                concern="father's mental health and home conditions",
                fhlps=[FHLP_VCS, FHLP_SW],
                fgdm=True,
            ),
            duplicates=[
                DuplicatePlan(
                    "john",
                    "sounds_alike",
                    "Jon",
                    "Smyth",
                    M,
                    john.date_of_birth,
                    "Demoshire Constabulary",
                    POLICE,
                    *pl.address()[::2],
                )
            ],
        )
    )

    # 3. Step-parent: mother, stepfather, her two children and their baby (half-siblings); child protection.
    b = _Builder(pl, "english")
    _mum, stepdad = b.adults(("mum", F, (28, 34)), ("stepdad", M, (30, 38), {"last": OWN_SURNAME}))
    b.children(("c1", F, (8, 10)), ("c2", M, (5, 7)), ("baby", F, (0.2, 1), {"last": stepdad.last_name}))
    b.kin("mum", siblings=False)
    b.parent_of("stepdad", ["baby"])
    b.ties("stepdad", ["c1", "c2"], RelationshipType.STEP_PARENT, since=(900, 1400))
    b.siblings()
    b.household(years=3)
    add(
        b.done(
            {"step_parent", "half_siblings"},
            ep(
                [
                    (CIN, "Neglect concerns: s17 assessment"),
                    (CP, "Strategy discussion: bruising to c1's arm, explanation inconsistent"),
                ],
                months=(6, 9),
                contact=school,
                concern="bruising seen by class teacher",
                fhlps=[FHLP_SW],
                lcpp=LCPP,
                macpt=[POLICE, HEALTH],
                cp_category="PHY",
                referrer=SCHOOL_DSL,
            ),
        )
    )

    # 4. Grandparent carer (kinship): grandmother looks after two grandchildren; mother in contact.
    b = _Builder(pl, "caribbean")
    b.adults(("nan", F, (56, 64), {"role": CARER, "elder": True}), ("mum", F, (30, 36)))
    b.children(("c1", M, (9, 11)), ("c2", F, (6, 8)))
    b.kin("mum", siblings=False)
    b.ties("nan", ["c1", "c2"], RelationshipType.GRANDPARENT)
    b.ties("nan", ["c1", "c2"], RelationshipType.CARER, pr=True, since=(500, 700))
    b.siblings()
    home = b.household(["nan", "c1", "c2"], years=2)
    b.moved(["c1", "c2"], home)
    b.household(["mum"], name=f"{b.surname} (mother's address)")
    add(
        b.done(
            {"kinship"},
            ep(
                [(CIN, "Kinship arrangement needs support: s17")],
                months=(5, 8),
                contact=family_member,
                concern="grandmother caring for two grandchildren without support",
                fhlps=[FHLP_SW],
            ),
        )
    )

    # 5. Half-siblings by two fathers; one father involved; early help; "Gemma/Jemma Hollis".
    b = _Builder(pl, "english", "Hollis")
    gemma, dad1, _dad2 = b.adults(
        ("mum", F, (30, 36), {"first": "Gemma"}),
        ("dad1", M, (32, 40), {"last": OWN_SURNAME}),
        ("dad2", M, (27, 34), {"role": OTHER, "background": "irish", "last": OWN_SURNAME}),
    )
    b.children(
        ("c1", F, (10, 12), {"last": dad1.last_name}),
        ("c2", M, (8, 9.5), {"last": dad1.last_name}),
        ("c3", F, (2, 4), {"ethnicity": "MOTH"}),
    )
    b.parent_of("mum", ["c1", "c2", "c3"])
    b.parent_of("dad1", ["c1", "c2"])
    b.parent_of("dad2", ["c3"], pr=False)
    b.siblings()
    b.household(["mum", "c1", "c2", "c3"])
    b.household(["dad1"], name=f"{dad1.last_name} household")
    add(
        b.done(
            {"half_siblings", "single_parent"},
            ep(
                [(EH, "Family asked for help after separation")],
                months=(2, 4),
                contact=self_referral,
                concern="mum struggling after separation; c1 self-harming thoughts reported to school",
                fhlps=[FHLP_VCS],
            ),
            duplicates=[
                DuplicatePlan(
                    "mum",
                    "one_letter",
                    "Jemma",
                    "Hollis",
                    F,
                    gemma.date_of_birth,
                    "Demoshire Constabulary",
                    POLICE,
                    *pl.address()[::2],
                )
            ],
        )
    )

    # 6. Sibling group of five; child protection stepped up to pre-proceedings; FGDM offered in the LBP.
    b = _Builder(pl, "irish")
    b.adults(("mum", F, (34, 39)), ("dad", M, (36, 44)))
    b.children(("c1", M, (13, 15)), ("c2", F, (11, 12.5)), ("c3", M, (8, 10)), ("c4", F, (5, 7)), ("c5", M, (1, 3)))
    b.kin("mum", "dad")
    b.household(years=6)
    add(
        b.done(
            {"sibling_group", "two_parents"},
            ep(
                [
                    (CIN, "Neglect: s17 assessment"),
                    (CP, "ICPC: child protection plans, category neglect"),
                    (PP, "Legal planning meeting: insufficient progress on plan, PLO pre-proceedings"),
                ],
                months=(14, 18),
                contact=health,
                concern="home conditions and missed health appointments",
                fhlps=[FHLP_SW],
                lcpp=LCPP,
                macpt=[POLICE, HEALTH],
                fgdm=True,
                cp_category="NEG",
                team_taf="vcs_support",
            ),
        )
    )

    # 7. Unborn child: pre-birth child protection; mother 22, partner the father.
    b = _Builder(pl, "english")
    b.adults(("mum", F, (21, 23), {"nhs_chance": 1}), ("partner", M, (24, 29), {"last": OWN_SURNAME}))
    b.unborn("unborn", weeks_until_due=7)
    b.parent_of("mum", ["unborn"])
    b.parent_of("partner", ["unborn"], pr=False)
    b.household(["mum", "partner"])
    add(
        b.done(
            {"unborn"},
            ep(
                [(CP, "Pre-birth strategy discussion: domestic abuse and substance misuse")],
                months=(1, 2),
                contact=health,
                concern="midwife concerned about domestic abuse",
                fhlps=[FHLP_SW],
                lcpp=LCPP,
                macpt=[POLICE, HEALTH],
                cp_category="EMO",
            ),
        )
    )

    # 8. Teenager (16-17) living with father; early help.
    b = _Builder(pl, "english")
    b.adult("dad", M, (42, 50))
    teen = b.child("teen", M, (16.05, 17.9))
    teen.preferred_name = teen.first_name[:3] if len(teen.first_name) > 4 else ""
    b.kin("dad")
    b.household()
    add(
        b.done(
            {"teenager", "single_parent"},
            ep(
                [(EH, "Young person agreed to targeted support")],
                months=(2, 3),
                contact=academy,
                concern="missing from home twice, going out of the area",
                fhlps=[FHLP_VCS],
                referrer=OTHER_SCHOOL_DSL,
            ),
        )
    )

    # 9. Young people with a previous surname: took their stepfather's name; child in need.
    b = _Builder(pl, "english")
    b.adults(("mum", F, (36, 42)), ("stepdad", M, (38, 46)))
    born_as = pl.surname("english")
    b.adult("dad", M, (37, 45), role=OTHER, last=born_as)
    for young in b.children(("y1", F, (14, 15.5)), ("y2", M, (12, 13.5))):
        young.previous_names.append((young.first_name, born_as))
    b.kin("mum", "dad", siblings=False)
    b.ties("stepdad", ["y1", "y2"], RelationshipType.STEP_PARENT, since=(2000, 2600))
    b.siblings()
    b.household(["mum", "stepdad", "y1", "y2"], years=5)
    add(
        b.done(
            {"previous_surname", "step_parent"},
            ep(
                [(CIN, "s17: y1 not attending, conflict at home")],
                months=(4, 6),
                contact=academy,
                concern="y1 disclosed arguments at home and not sleeping",
                fhlps=[FHLP_SW],
            ),
        )
    )

    # 10. A parent with a partner (not living there); child protection.
    b = _Builder(pl, "nigerian", "Okafor")
    b.adults(
        ("mum", F, (30, 36)), ("partner", M, (31, 38), {"role": OTHER, "background": "english", "last": OWN_SURNAME})
    )
    amara, _c2 = b.children(("amara", F, (7, 9), {"first": "Amara"}), ("c2", M, (4, 6)))
    amara.date_of_birth = amara.date_of_birth.replace(day=rs.randint(1, 12))
    if amara.date_of_birth.day == amara.date_of_birth.month:
        amara.date_of_birth = amara.date_of_birth.replace(day=amara.date_of_birth.day % 12 + 1)
    b.kin("mum", siblings=False)
    b.ties("partner", ["amara", "c2"], RelationshipType.PARTNER_OF_PARENT, since=(200, 400))
    b.siblings()
    home = b.household(["mum", "amara", "c2"])
    b.household(["partner"], name="Mother's partner's address")
    swapped = amara.date_of_birth.replace(month=amara.date_of_birth.day, day=amara.date_of_birth.month)
    add(
        b.done(
            {"parent_partner", "single_parent"},
            ep(
                [(CIN, "s17 assessment"), (CP, "Police callout: domestic abuse by mother's partner, children present")],
                months=(5, 7),
                contact=police,
                concern="domestic abuse incident, children in the house",
                fhlps=[FHLP_SW],
                lcpp=LCPP,
                macpt=[POLICE, HEALTH],
                cp_category="EMO",
            ),
            duplicates=[
                DuplicatePlan(
                    "amara",
                    "swapped_dob",
                    "Amara",
                    "Okafor",
                    F,
                    swapped,
                    "Riverside Demo Primary School (DSL)",
                    SCHOOL_DSL,
                    home.line1,
                    home.postcode,
                )
            ],
        )
    )

    # 11. Shared care across two households: separated parents, children alternate weeks.
    b = _Builder(pl, "english")
    b.adults(
        ("mum", F, (33, 39)), ("dad", M, (35, 42)), ("dads_partner", F, (30, 36), {"role": OTHER, "last": OWN_SURNAME})
    )
    b.children(("c1", M, (9, 11)), ("c2", F, (6, 8)))
    b.kin("mum", "dad", siblings=False)
    b.ties("dads_partner", ["c1", "c2"], RelationshipType.PARTNER_OF_PARENT)
    b.siblings()
    b.household(["mum", "c1", "c2"], name=f"{b.surname} household (mother's)", years=2)
    b.household(["dad", "dads_partner", "c1", "c2"], name=f"{b.surname} household (father's)", years=2)
    add(
        b.done(
            {"shared_care", "parent_partner"},
            ep(
                [(EH, "Parents asked for help agreeing arrangements")],
                months=(2, 5),
                contact=school,
                concern="children upset at handovers; parental conflict",
                fhlps=[FHLP_VCS],
                referrer=SCHOOL_DSL,
            ),
        )
    )

    # 12. Restricted (staff member's family): mother works for the council; child in need.
    b = _Builder(pl, "english")
    b.adults(("mum", F, (34, 40), {"nhs_chance": 1}), ("dad", M, (35, 42)))
    b.children(("c1", F, (10, 12)), ("c2", M, (6, 8)))
    b.kin("mum", "dad")
    b.household()
    add(
        b.done(
            {"restricted", "two_parents"},
            ep(
                [(CIN, "s17: c1's disability, respite needed")],
                months=(3, 6),
                contact=self_referral,
                concern="family needs short breaks",
                fhlps=[FHLP_SW],
            ),
            restriction=(RestrictionReason.STAFF_FAMILY, [FD_MANAGER, FHLP_SW]),
        )
    )

    # 13. Restricted (high profile): assessed and closed; only the front door manager and privacy officer see it.
    b = _Builder(pl, "english")
    b.adults(("mum", F, (38, 45)), ("dad", M, (40, 48)))
    b.child("teen", F, (14, 15.5))
    b.kin("mum", "dad")
    b.household()
    add(
        b.done(
            {"restricted", "two_parents", "closed"},
            ep(
                [(CIN, "s17 assessment after press coverage")],
                months=(6, 8),
                contact=police,
                concern="online threats after a local news story",
                fhlps=[FHLP_SW],
                closed=("RC8", "Assessment complete: no further action needed", pl.ago(60, 100)),
            ),
            restriction=(RestrictionReason.HIGH_PROFILE, [FD_MANAGER]),
        )
    )

    # 14. Restricted (adoption): adopted child with a previous (birth) surname; early help post-adoption.
    b = _Builder(pl, "english")
    b.adults(("mum", F, (40, 46)), ("dad", M, (41, 48)))
    adopted = b.child("child", M, (8, 10))
    adopted.previous_names.append((adopted.first_name, pl.surname("english")))
    b.kin("mum", "dad")
    b.household(years=4)
    add(
        b.done(
            {"restricted", "previous_surname", "adoption", "re_referral"},
            ep(
                [(EH, "Adoptive parents asked for support with behaviour at school")],
                months=(1, 3),
                contact=self_referral,
                concern="child's behaviour at school after a change of teacher",
                fhlps=[FHLP_VCS],
                earlier=EarlierEpisodePlan(
                    CIN, pl.ago(2100, 2300), pl.ago(1400, 1500), "RC1", "Adopted: adoption order granted", FHLP_SW
                ),
            ),
            restriction=(RestrictionReason.ADOPTION, [FD_MANAGER, FHLP_VCS]),
        )
    )

    # 15. Single father with a toddler; health visiting team around the family.
    b = _Builder(pl, "polish")
    b.adult("dad", M, (27, 33))
    b.child("c1", F, (1.5, 3))
    b.kin("dad")
    b.household()
    add(
        b.done(
            {"single_parent"},
            ep(
                [(EH, "Health visitor: father isolated, needs support")],
                months=(1, 3),
                contact=health,
                concern="father isolated after mother left",
                fhlps=[FHLP_VCS],
                team_taf="health_safeguarding",
            ),
        )
    )

    # 16. Two mothers; early help ended well (closed RC7).
    b = _Builder(pl, "english")
    b.adults(("mum1", F, (32, 38)), ("mum2", F, (31, 37), {"last": OWN_SURNAME}))
    b.children(("c1", M, (6, 8)), ("c2", F, (3, 5)))
    b.kin("mum1", "mum2")
    b.household()
    add(
        b.done(
            {"two_parents", "closed"},
            ep(
                [(EH, "Support with c1's sleep and behaviour")],
                months=(10, 14),
                contact=gp,
                concern="c1 not sleeping, parents exhausted",
                fhlps=[FHLP_VCS],
                closed=("RC7", "Family plan outcomes met: no longer needs targeted help", pl.ago(30, 80)),
            ),
        )
    )

    # 17. Stepped down: child in need to early help, with a change of lead practitioner.
    b = _Builder(pl, "pakistani")
    b.adult("mum", F, (31, 37))
    b.children(("c1", M, (10, 12)), ("c2", F, (7, 9)), ("c3", M, (3, 5)))
    b.kin("mum")
    b.household()
    add(
        b.done(
            {"single_parent", "step_down"},
            ep(
                [
                    (CIN, "s17: housing crisis and mother's health"),
                    (EH, "Step down: housing resolved, family plan continues in targeted early help"),
                ],
                months=(9, 12),
                contact=("Demo Borough housing options", None),
                concern="family in temporary accommodation, mother unwell",
                fhlps=[FHLP_SW, FHLP_VCS],
            ),
        )
    )

    # 18. Grandparents with a special guardianship order: closed RC4.
    b = _Builder(pl, "english")
    b.adults(
        ("gran", F, (60, 68), {"role": CARER, "elder": True}), ("grandad", M, (62, 70), {"role": CARER, "elder": True})
    )
    b.child("c1", F, (5, 7))
    for carer in ("gran", "grandad"):
        b.rel(carer, "c1", RelationshipType.GRANDPARENT)
        b.rel(carer, "c1", RelationshipType.CARER, pr=True, start=pl.ago(400, 600))
    b.household(years=2)
    add(
        b.done(
            {"kinship", "closed"},
            ep(
                [(CIN, "Kinship care assessment")],
                months=(16, 20),
                contact=family_member,
                concern="grandparents caring after parents' arrest",
                fhlps=[FHLP_SW],
                closed=("RC4", "Special guardianship order made to the grandparents", pl.ago(90, 150)),
            ),
        )
    )

    # 19. Aunt as kinship carer; FGDM arranged the care.
    b = _Builder(pl, "somali")
    b.adults(("aunt", F, (33, 40), {"role": CARER}), ("mum", F, (28, 33)))
    b.children(("c1", M, (11, 13)), ("c2", F, (8, 10)))
    b.kin("mum", siblings=False)
    for child in ("c1", "c2"):
        b.rel("aunt", child, RelationshipType.AUNT_UNCLE)
        b.rel("aunt", child, RelationshipType.CARER, start=pl.ago(150, 300))
    b.siblings()
    b.household(["aunt", "c1", "c2"], years=1)
    b.household(["mum"], name=f"{b.surname} (mother's address)")
    add(
        b.done(
            {"kinship"},
            ep(
                [(CIN, "s17: mother in hospital, children with their aunt")],
                months=(4, 6),
                contact=health,
                concern="mother admitted to hospital; no plan for the children",
                fhlps=[FHLP_SW],
                fgdm=True,
            ),
        )
    )

    # 20. Two parents, two children; straight to child protection after a strategy discussion.
    b = _Builder(pl, "ghanaian")
    b.adults(("mum", F, (29, 35)), ("dad", M, (32, 40)))
    b.children(("c1", F, (4, 6)), ("c2", M, (0.6, 2)))
    b.kin("mum", "dad")
    b.household()
    add(
        b.done(
            {"two_parents"},
            ep(
                [(CP, "Strategy discussion: unexplained injury to baby (A&E)")],
                months=(2, 3),
                contact=("Demo General Hospital A&E", None),
                concern="fracture to baby's arm",
                fhlps=[FHLP_SW],
                lcpp=LCPP,
                macpt=[POLICE, HEALTH],
                cp_category="PHY",
            ),
        )
    )

    # 21. Stepped down from child protection to child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (23, 28))
    b.children(("c1", M, (3, 5)), ("c2", F, (0.3, 1.5)))
    b.kin("mum")
    b.household()
    add(
        b.done(
            {"single_parent", "step_down"},
            ep(
                [(CP, "ICPC: plans for neglect"), (CIN, "RCPC: plans ended, progress sustained; s17 continues")],
                months=(10, 13),
                contact=health,
                concern="baby losing weight, missed appointments",
                fhlps=[FHLP_SW],
                cp_category="NEG",
            ),
        )
    )

    # 22. Second sibling group of four; early help; referred by the school.
    b = _Builder(pl, "bangladeshi")
    b.adults(("mum", F, (35, 41)), ("dad", M, (38, 46)))
    b.children(("c1", F, (12, 14)), ("c2", M, (9, 11)), ("c3", F, (6, 8)), ("c4", M, (3, 5)))
    b.kin("mum", "dad")
    b.household(years=7)
    add(
        b.done(
            {"sibling_group", "two_parents"},
            ep(
                [(EH, "Family plan: overcrowding and c1 caring for siblings")],
                months=(3, 5),
                contact=school,
                concern="c1 tired and late; says she looks after her brothers",
                fhlps=[FHLP_VCS],
                referrer=SCHOOL_DSL,
            ),
        )
    )

    # 23. Teenager (17) and younger brother with their mother; stepped up to child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (38, 45))
    teen, _c2 = b.children(("teen", F, (16.1, 17.8)), ("c2", M, (11, 13)))
    teen.gender_identity = "Non-binary"
    b.kin("mum")
    b.household()
    add(
        b.done(
            {"teenager", "single_parent"},
            ep(
                [(EH, "Support after exclusion"), (CIN, "Exploitation concerns: s17 assessment")],
                months=(6, 9),
                contact=academy,
                concern="fixed-term exclusion; older associates",
                fhlps=[FHLP_SW],
                referrer=OTHER_SCHOOL_DSL,
            ),
        )
    )

    # 24. Polish-speaking mother, interpreter needed; "Kacper/Kasper Nowak".
    b = _Builder(pl, "polish", "Nowak")
    mum = b.adult("mum", F, (30, 36))
    mum.first_language, mum.interpreter_needed = "Polish", True
    kacper, _c2 = b.children(("kacper", M, (6, 8), {"first": "Kacper"}), ("c2", F, (2, 4)))
    b.kin("mum")
    home = b.household()
    add(
        b.done(
            {"single_parent", "interpreter"},
            ep(
                [(EH, "Mother asked for help: isolation, no family in the UK")],
                months=(2, 4),
                contact=gp,
                concern="mother low in mood; children's health checks overdue",
                fhlps=[FHLP_VCS],
                fgdm=True,
            ),
            duplicates=[
                DuplicatePlan(
                    "kacper",
                    "one_letter",
                    "Kasper",
                    "Nowak",
                    M,
                    kacper.date_of_birth,
                    "health visitor, Demo Community Health NHS Trust",
                    HEALTH,
                    home.line1,
                    home.postcode,
                )
            ],
        )
    )

    # 25. Moved away: closed RC5.
    b = _Builder(pl, "romanian")
    b.adults(("mum", F, (27, 33)), ("dad", M, (29, 36)))
    b.child("c1", F, (4, 6))
    b.kin("mum", "dad")
    b.household()
    add(
        b.done(
            {"two_parents", "closed"},
            ep(
                [(CIN, "s17 assessment")],
                months=(7, 9),
                contact=gp,
                concern="c1 not registered with a school",
                fhlps=[FHLP_SW],
                closed=("RC5", "Family moved to another local authority: case transferred", pl.ago(20, 50)),
            ),
        )
    )

    # 26. Re-referral: child in need closed (RC9, referred to early help), now open to early help.
    b = _Builder(pl, "caribbean")
    b.adults(("mum", F, (30, 36)), ("dad", M, (32, 40), {"role": OTHER, "background": "english", "last": OWN_SURNAME}))
    mixed = {"ethnicity": b.mixed("english")}
    b.children(("c1", M, (9, 11), mixed), ("c2", F, (5, 7), mixed))
    b.kin("mum", "dad")
    b.household(["mum", "c1", "c2"])
    add(
        b.done(
            {"single_parent", "re_referral"},
            ep(
                [(EH, "Referred on to early help after s17 assessment")],
                months=(1, 3),
                contact=school,
                concern="c1's anger at school; mum asking for help",
                fhlps=[FHLP_VCS],
                referrer=SCHOOL_DSL,
                earlier=EarlierEpisodePlan(
                    CIN,
                    pl.ago(150, 170),
                    pl.ago(100, 120),
                    "RC9",
                    "Assessment complete: referred to early help",
                    FHLP_SW,
                ),
            ),
        )
    )

    # 27. Father and stepmother; child in need.
    b = _Builder(pl, "indian")
    b.adults(
        ("dad", M, (36, 43)),
        ("stepmum", F, (32, 38), {"last": OWN_SURNAME}),
        ("mum", F, (34, 40), {"role": OTHER, "last": OWN_SURNAME}),
    )
    b.children(("c1", F, (12, 14)), ("c2", M, (9, 11)))
    b.kin("dad", "mum", siblings=False)
    b.ties("stepmum", ["c1", "c2"], RelationshipType.STEP_PARENT, since=(700, 1000))
    b.siblings()
    b.household(["dad", "stepmum", "c1", "c2"], years=2)
    add(
        b.done(
            {"step_parent"},
            ep(
                [(CIN, "s17: c1's eating, conflict with stepmother")],
                months=(3, 5),
                contact=("school nurse", HEALTH),
                concern="c1 losing weight, upset",
                fhlps=[FHLP_SW],
            ),
        )
    )

    # 28. Bereaved: father died; half-siblings; child in need.
    b = _Builder(pl, "english")
    _mum, dad = b.adults(("mum", F, (32, 38)), ("dad", M, (34, 40), {"role": OTHER}))
    dad.date_of_death = pl.ago(200, 300)
    dad2 = b.adult("dad2", M, (30, 36), role=OTHER, last=OWN_SURNAME)
    b.children(("c1", M, (10, 12)), ("c2", F, (7, 9)), ("c3", F, (1, 3), {"last": dad2.last_name}))
    b.parent_of("mum", ["c1", "c2", "c3"])
    b.parent_of("dad", ["c1", "c2"])
    b.parent_of("dad2", ["c3"], pr=False)
    b.siblings()
    b.household(["mum", "c1", "c2", "c3"])
    add(
        b.done(
            {"bereaved", "half_siblings", "single_parent"},
            ep(
                [(EH, "Bereavement support"), (CIN, "Mother's alcohol use increasing: s17 assessment")],
                months=(7, 10),
                contact=school,
                concern="c1 withdrawn since his father died",
                fhlps=[FHLP_SW],
                referrer=SCHOOL_DSL,
            ),
        )
    )

    # 29. Two parents and twins plus one; early help.
    b = _Builder(pl, "chinese")
    b.adults(("mum", F, (33, 39)), ("dad", M, (35, 42)))
    twin1, twin2, _c3 = b.children(("twin1", F, (5, 7)), ("twin2", M, (5, 7)), ("c3", F, (1, 2.5)))
    twin2.date_of_birth = twin1.date_of_birth
    b.kin("mum", "dad")
    b.household()
    add(
        b.done(
            {"two_parents", "twins"},
            ep(
                [(EH, "Parenting support: twin2's diagnosis")],
                months=(4, 6),
                contact=health,
                concern="twin2 awaiting autism assessment; parents struggling",
                fhlps=[FHLP_VCS],
            ),
        )
    )

    # 30. Young carer: mother with a disability, two children; early help.
    b = _Builder(pl, "english")
    mum = b.adult("mum", F, (36, 42))
    mum.disabilities = ["MOB"]
    b.children(("c1", F, (13, 15)), ("c2", M, (8, 10)))
    b.kin("mum")
    b.household()
    add(
        b.done(
            {"young_carer", "single_parent"},
            ep(
                [(EH, "Young carer support")],
                months=(2, 4),
                contact=academy,
                concern="c1 often late; cares for her mother",
                fhlps=[FHLP_VCS],
                referrer=OTHER_SCHOOL_DSL,
            ),
        )
    )

    # 31. Three generations in one household; child protection stepped up to pre-proceedings.
    b = _Builder(pl, "syrian")
    b.adults(("gran", F, (55, 62), {"role": OTHER, "elder": True}), ("mum", F, (26, 31)))
    b.children(("c1", M, (6, 8)), ("c2", F, (2, 4)))
    b.kin("mum", siblings=False)
    b.ties("gran", ["c1", "c2"], RelationshipType.GRANDPARENT)
    b.siblings()
    b.household()
    add(
        b.done(
            {"three_generations", "kinship"},
            ep(
                [
                    (CP, "ICPC: emotional harm, category EMO"),
                    (PP, "Legal planning meeting: letter before proceedings, FGDM offered"),
                ],
                months=(9, 12),
                contact=police,
                concern="repeated police callouts, children distressed",
                fhlps=[FHLP_SW],
                lcpp=LCPP,
                macpt=[POLICE, HEALTH],
                cp_category="EMO",
            ),
        )
    )

    # 32. Care leaver parent (19) with a baby; child in need; health visiting team around the family.
    b = _Builder(pl, "english")
    b.adult("mum", F, (19, 19))
    b.child("baby", M, (0.1, 0.8))
    b.kin("mum")
    b.household(years=1)
    add(
        b.done(
            {"young_parent", "single_parent"},
            ep(
                [(CIN, "s17: care leaver parent, needs support")],
                months=(1, 3),
                contact=health,
                concern="mother a care leaver, little support",
                fhlps=[FHLP_SW],
                team_taf="health_safeguarding",
            ),
        )
    )

    # 33. Mother and her live-in partner; early help stepped up then down again.
    b = _Builder(pl, "irish")
    b.adults(
        ("mum", F, (29, 35)), ("partner", M, (30, 37), {"role": OTHER, "background": "english", "last": OWN_SURNAME})
    )
    b.children(("c1", F, (9, 11)), ("c2", M, (6, 8)))
    b.kin("mum", siblings=False)
    b.ties("partner", ["c1", "c2"], RelationshipType.PARTNER_OF_PARENT, since=(300, 500))
    b.siblings()
    b.household()
    add(
        b.done(
            {"parent_partner", "step_down"},
            ep(
                [
                    (EH, "Family plan: routines and school"),
                    (CIN, "s17 assessment after c1's disclosure"),
                    (EH, "Assessment: needs met by the family plan; step down to early help"),
                ],
                months=(8, 11),
                contact=school,
                concern="c1 said the partner shouts at her",
                fhlps=[FHLP_VCS],
                referrer=SCHOOL_DSL,
            ),
        )
    )
    return families
