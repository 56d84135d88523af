"""Synthetic families for the demo council: a plan built from a seeded random generator, then written
through cases.services by demo users, so that the audit trail, chronology and access are the real thing.

Everything here is fictional: names are drawn from a synthetic list, NHS numbers come only from the
999 test range, UPNs use LA code 999, and postcodes use the "ZZ" area, which no real postcode uses
(the NHS's ZZ99 pseudo-postcodes mean "no fixed abode" and similar, so they are avoided too).

`build_plan(today)` is pure: the same date gives the same families, every time. `seed_families()`
writes the plan, skipping any family whose FamilyCase (by name) already exists, so it is safe to run
again. Timestamps the services take from the clock (level changes, lead appointments, family case
opening) are "now"; dates the services accept (episode opening and closure, chronology, notes,
addresses, relationships, involvement starts) are spread over each family's history.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from nhs_number import calculate_checksum

from . import services
from .models import (
    CaseNote,
    FamilyCase,
    FamilyCaseMember,
    InvolvementRole,
    LeadKind,
    NeedLevel,
    Person,
    RelationshipType,
    RestrictionReason,
    Sex,
    Strand,
    Team,
    User,
    VisibilityTag,
)
from .validators import upn_check_letter

SEED = 2026

EH, CIN, CP, PP = "targeted_early_help", "child_in_need", "child_protection", "pre_proceedings"
LEVEL_NAMES = {EH: "targeted early help", CIN: "child in need (s17)", CP: "child protection (s47)",
               PP: "pre-proceedings"}

# Demo users by role in the story (emails from seed_demo).
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
PRIVACY = "privacy@demo.test"

TOWN = "Demo Borough"
# DfE establishment numbers for the two demo schools (UPN characters 5-8).
SCHOOL_ESTABLISHMENTS = ("2001", "4001")

# --- synthetic names --------------------------------------------------------------------------------
# Common first names and surnames of several backgrounds, combined at random: no real person is meant.

BACKGROUNDS: dict[str, dict] = {
    "english": {
        "surnames": ["Ashworth", "Barlow", "Bennett", "Cartwright", "Dawson", "Fletcher", "Gibbons", "Hadley",
                     "Holloway", "Jennings", "Kershaw", "Lambert", "Marsden", "Naylor", "Radcliffe", "Sheldon",
                     "Thornton", "Whitfield", "Yates", "Mellor", "Haworth", "Pickering", "Brierley", "Ogden",
                     "Tattersall", "Hollis", "Crowther", "Pilling"],
        "female": ["Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Kayleigh", "Stacey", "Hayley", "Danielle",
                   "Natalie", "Claire", "Joanne", "Leanne", "Amy", "Charlotte", "Jade"],
        "male": ["Daniel", "Craig", "Lee", "Wayne", "Darren", "Jamie", "Ryan", "Stuart", "Gary", "Mark", "Kevin",
                 "Dean", "Carl", "Adam", "Scott", "Liam"],
        "girls": ["Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Mia", "Ella", "Grace", "Sophie", "Poppy",
                  "Evie", "Ruby", "Millie", "Daisy", "Harper", "Willow", "Rosie"],
        "boys": ["Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Freddie",
                 "Alfie", "Theo", "Finley", "Archie", "Jacob", "Mason", "Riley", "Tyler"],
        "elders_f": ["Margaret", "Susan", "Linda", "Carol", "Pauline", "Brenda", "Janet", "Christine"],
        "elders_m": ["Keith", "Roy", "Brian", "Terry", "Trevor", "Malcolm", "Derek", "Graham"],
        "ethnicity": ["WBRI"],
        "language": "English",
    },
    "irish": {
        "surnames": ["Brennan", "Doyle", "Gallagher", "Mooney", "Quinn", "Walsh", "Byrne", "Kavanagh", "Nolan"],
        "female": ["Siobhan", "Aoife", "Niamh", "Ciara", "Orla", "Roisin"],
        "male": ["Sean", "Ciaran", "Declan", "Eoin", "Padraig", "Conor"],
        "girls": ["Saoirse", "Caoimhe", "Erin", "Aisling", "Clodagh"],
        "boys": ["Cillian", "Oisin", "Darragh", "Fionn", "Ronan"],
        "elders_f": ["Bridget", "Maureen", "Kathleen"],
        "elders_m": ["Patrick", "Michael", "Gerard"],
        "ethnicity": ["WIRI"],
        "language": "English",
    },
    "polish": {
        "surnames": ["Wojcik", "Mazur", "Krawczyk", "Kaczmarek", "Pawlak"],
        "female": ["Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Monika"],
        "male": ["Tomasz", "Piotr", "Marcin", "Krzysztof", "Pawel"],
        "girls": ["Zuzanna", "Julia", "Maja", "Hanna", "Lena"],
        "boys": ["Jakub", "Antoni", "Szymon", "Filip", "Igor"],
        "elders_f": ["Halina", "Danuta"],
        "elders_m": ["Zbigniew", "Jerzy"],
        "ethnicity": ["WOTH"],
        "language": "Polish",
    },
    "romanian": {
        "surnames": ["Popescu", "Ionescu", "Dumitru", "Constantin"],
        "female": ["Ioana", "Elena", "Andreea", "Mihaela"],
        "male": ["Andrei", "Bogdan", "Mihai", "Florin"],
        "girls": ["Ana", "Sofia", "Daria", "Bianca"],
        "boys": ["Luca", "Matei", "Stefan", "Darius"],
        "elders_f": ["Maria", "Viorica"],
        "elders_m": ["Gheorghe", "Ion"],
        "ethnicity": ["WOTH"],
        "language": "Romanian",
    },
    "nigerian": {
        "surnames": ["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Adebayo"],
        "female": ["Chioma", "Ngozi", "Funmilayo", "Adaeze", "Folake", "Titilayo"],
        "male": ["Chinedu", "Emeka", "Oluwaseun", "Tunde", "Obinna", "Kayode"],
        "girls": ["Amara", "Adanna", "Temi", "Zara", "Ifeoma", "Morenike"],
        "boys": ["Tobi", "David", "Chidi", "Femi", "Daniel", "Kelechi"],
        "elders_f": ["Comfort", "Grace"],
        "elders_m": ["Samuel", "Joseph"],
        "ethnicity": ["BAFR"],
        "language": "English",
    },
    "ghanaian": {
        "surnames": ["Mensah", "Owusu", "Asante", "Boateng", "Appiah"],
        "female": ["Abena", "Akosua", "Efua", "Adwoa"],
        "male": ["Kwame", "Kofi", "Kwabena", "Yaw"],
        "girls": ["Ama", "Esi", "Afia", "Nana"],
        "boys": ["Kojo", "Kwesi", "Ekow", "Fiifi"],
        "elders_f": ["Agnes", "Dora"],
        "elders_m": ["Emmanuel", "Francis"],
        "ethnicity": ["BAFR"],
        "language": "English",
    },
    "somali": {
        "surnames": ["Abdi", "Warsame", "Jama", "Osman", "Aden"],
        "female": ["Hodan", "Sahra", "Ayaan", "Ubah", "Faadumo"],
        "male": ["Abdirahman", "Abdullahi", "Yusuf", "Liban", "Guled"],
        "girls": ["Hibo", "Sagal", "Idil", "Ayan"],
        "boys": ["Bilal", "Khalid", "Sakariye", "Ilyas"],
        "elders_f": ["Halimo", "Asha"],
        "elders_m": ["Nuur", "Cali"],
        "ethnicity": ["BAFR"],
        "language": "Somali",
    },
    "caribbean": {
        "surnames": ["Campbell", "Clarke", "Francis", "Gordon", "Grant", "Thompson", "Bailey", "Reid"],
        "female": ["Shanice", "Keisha", "Marcia", "Tanisha", "Simone"],
        "male": ["Delroy", "Marlon", "Jermaine", "Tyrone", "Andre"],
        "girls": ["Aaliyah", "Jada", "Kiara", "Naomi", "Tianna"],
        "boys": ["Malachi", "Jayden", "Isaiah", "Tyrese", "Elijah"],
        "elders_f": ["Beverley", "Hyacinth", "Pearl"],
        "elders_m": ["Winston", "Clifton", "Errol"],
        "ethnicity": ["BCRB"],
        "language": "English",
    },
    "pakistani": {
        "surnames": ["Hussain", "Akhtar", "Iqbal", "Mahmood", "Rashid", "Siddiqui"],
        "female": ["Ayesha", "Nadia", "Sana", "Farah", "Rukhsana", "Saima"],
        "male": ["Imran", "Asif", "Tariq", "Zahid", "Kamran", "Waqas"],
        "girls": ["Maryam", "Inaya", "Aleena", "Hafsa", "Zainab"],
        "boys": ["Ayaan", "Rayyan", "Hamza", "Zayn", "Musa"],
        "elders_f": ["Parveen", "Shamim"],
        "elders_m": ["Mohammed", "Bashir"],
        "ethnicity": ["APKN"],
        "language": "Urdu",
    },
    "bangladeshi": {
        "surnames": ["Miah", "Uddin", "Rahman", "Chowdhury", "Ali"],
        "female": ["Nasima", "Shahana", "Rubina", "Taslima", "Jahanara"],
        "male": ["Abdul", "Shahid", "Jamal", "Rafiq", "Anwar"],
        "girls": ["Tasnim", "Nusrat", "Mahira", "Safa"],
        "boys": ["Arif", "Ibrahim", "Rayhan", "Yusuf"],
        "elders_f": ["Rokeya", "Halima"],
        "elders_m": ["Abdur", "Nurul"],
        "ethnicity": ["ABAN"],
        "language": "Bengali",
    },
    "indian": {
        "surnames": ["Mistry", "Sharma", "Gill", "Sandhu", "Joshi", "Parmar"],
        "female": ["Anjali", "Pooja", "Harpreet", "Neha", "Kavita"],
        "male": ["Rajesh", "Sanjay", "Gurpreet", "Vikram", "Amit"],
        "girls": ["Aanya", "Diya", "Simran", "Riya"],
        "boys": ["Arjun", "Veer", "Rohan", "Kabir"],
        "elders_f": ["Kamla", "Surinder"],
        "elders_m": ["Harbans", "Ramesh"],
        "ethnicity": ["AIND"],
        "language": "Punjabi",
    },
    "chinese": {
        "surnames": ["Chen", "Wong", "Lam", "Zhang", "Cheung"],
        "female": ["Mei", "Xiu", "Ling", "Yan"],
        "male": ["Wei", "Jun", "Hao", "Ming"],
        "girls": ["Yiyi", "Anya", "Jia", "Lucy"],
        "boys": ["Kai", "Ethan", "Hong", "Ryan"],
        "elders_f": ["Fong", "Lai"],
        "elders_m": ["Kwok", "Tak"],
        "ethnicity": ["CHNE"],
        "language": "Cantonese",
    },
    "syrian": {
        "surnames": ["Haddad", "Khalil", "Najjar", "Saleh"],
        "female": ["Rania", "Lina", "Hiba", "Dima"],
        "male": ["Omar", "Khaled", "Samer", "Bassam"],
        "girls": ["Layla", "Nour", "Yasmin", "Salma"],
        "boys": ["Adam", "Karim", "Yahya", "Zaid"],
        "elders_f": ["Fatima", "Samira"],
        "elders_m": ["Mahmoud", "Walid"],
        "ethnicity": ["OOTH"],
        "language": "Arabic",
    },
}

# Children of parents of two backgrounds, by CIN census code.
MIXED_ETHNICITY = {
    frozenset({"english", "caribbean"}): "MWBC",
    frozenset({"english", "nigerian"}): "MWBA",
    frozenset({"english", "ghanaian"}): "MWBA",
    frozenset({"english", "pakistani"}): "MWAS",
    frozenset({"english", "indian"}): "MWAS",
    frozenset({"english", "chinese"}): "MWAS",
}

STREETS = ["Larkspur Road", "Foundry Lane", "Kestrel Close", "Brookside Avenue", "Weavers Row", "Linnet Way",
           "Orchard Terrace", "Canal Street", "Hawthorn Drive", "Millstone Crescent", "Tanners Walk",
           "Bracken Rise", "Quarry Hill", "Station Parade", "Elmfield Grove", "Sorrel Court", "Ropewalk",
           "Chapel Fold", "Beacon View", "Heron Gardens", "Wharf Road", "Cobble Yard", "Lantern Street",
           "Fernbank Close", "Pennine View", "Willow Mews", "Dyers Lane", "Northgate", "Furnace Road"]
BLOCKS = ["Cobbett House", "Ashby Court", "Riverside Heights", "Priestley House", "Mayfield Court"]
# Postcode districts of the fictional "ZZ" area; inward codes avoid the NHS's ZZ99 pseudo-postcodes.
POSTCODE_DISTRICTS = ["ZZ1", "ZZ2", "ZZ3", "ZZ4"]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXY"

CHILD_VOICE = [
    "I like it when Mum reads to me at bedtime.",
    "I don't like it when they shout, I go upstairs and put my headphones on.",
    "I want to stay at Nan's because it's calm there.",
    "School is okay but I'm tired because I look after my little brother.",
    "I'm worried about Mum when she's sad.",
    "I like football club, it's the best day.",
    "I wish Dad came to see us more.",
    "I don't want to move school again.",
    "It's better now, there's food in the cupboards.",
    "I feel safe at home now he doesn't live here.",
]


# --- the plan -------------------------------------------------------------------------------------


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
            "first_name": self.first_name, "last_name": self.last_name, "middle_names": self.middle_names,
            "preferred_name": self.preferred_name, "sex": self.sex, "gender_identity": self.gender_identity,
            "date_of_birth": self.date_of_birth, "expected_date_of_birth": self.expected_date_of_birth,
            "date_of_death": self.date_of_death, "ethnicity": self.ethnicity, "disabilities": self.disabilities,
            "first_language": self.first_language, "interpreter_needed": self.interpreter_needed,
            "nhs_number": self.nhs_number, "upn": self.upn,
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
    fgdm: bool = False
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

    def adult(self, key: str, sex: str, age: tuple[int, int], *, role: str = FamilyCaseMember.Role.PARENT,
              first: str | None = None, last: str | None = None, background: str | None = None,
              elder: bool = False, nhs_chance: float = 0.4) -> PersonPlan:
        bg = background or self.background
        pool = ("elders_f" if sex == Sex.FEMALE else "elders_m") if elder else (
            "female" if sex == Sex.FEMALE else "male")
        person = PersonPlan(
            key=key, first_name=self._first(bg, pool, first), last_name=last or self.surname, sex=sex, role=role,
            date_of_birth=self._dob(age[0], age[1] + 1), ethnicity=self.rng.choice(BACKGROUNDS[bg]["ethnicity"]),
            first_language=BACKGROUNDS[bg]["language"],
        )
        person.interpreter_needed = person.first_language != "English" and self.rng.random() < 0.35
        if self.rng.random() < nhs_chance:
            person.nhs_number = self.planner.nhs_number()
        self.people.append(person)
        return person

    def child(self, key: str, sex: str, age: tuple[float, float], *, first: str | None = None,
              last: str | None = None, background: str | None = None, ethnicity: str | None = None,
              nhs: bool | None = None) -> PersonPlan:
        bg = background or self.background
        pool = "girls" if sex == Sex.FEMALE else "boys"
        dob = self._dob(*age)
        person = PersonPlan(key=key, first_name=self._first(bg, pool, first), last_name=last or self.surname,
                            sex=sex, role=FamilyCaseMember.Role.CHILD, date_of_birth=dob,
                            ethnicity=ethnicity or self.rng.choice(BACKGROUNDS[bg]["ethnicity"]),
                            first_language=BACKGROUNDS[bg]["language"])
        if self.rng.random() < 0.12:
            person.ethnicity = "NOBT"
        roll = self.rng.random()
        person.disabilities = (["NONE"] if roll < 0.55 else [] if roll < 0.8 else
                               sorted(self.rng.sample(["AUT", "LD", "COMM", "BEH", "HEAR", "MOB", "VIS"],
                                                      self.rng.choice([1, 1, 2]))))
        if nhs if nhs is not None else self.rng.random() < 0.7:
            person.nhs_number = self.planner.nhs_number()
        age_now = person.age_on(self.today) or 0
        if age_now >= 5 and self.rng.random() < 0.6:
            person.upn = self.planner.upn(dob, secondary=age_now >= 11)
        self.people.append(person)
        return person

    def unborn(self, key: str, weeks_until_due: int) -> PersonPlan:
        person = PersonPlan(key=key, first_name="Unborn", last_name=self.surname, sex=Sex.UNKNOWN,
                            role=FamilyCaseMember.Role.CHILD,
                            expected_date_of_birth=self.today + dt.timedelta(weeks=weeks_until_due))
        self.people.append(person)
        return person

    def mixed(self, other: str) -> str:
        return MIXED_ETHNICITY.get(frozenset({self.background, other}), "MOTH")

    # ties
    def rel(self, from_key: str, to_key: str, type: str, pr: bool = False, start: dt.date | None = None,
            end: dt.date | None = None) -> None:
        self.relationships.append(RelationshipPlan(from_key, to_key, type, pr, start, end))

    def parent_of(self, parent_key: str, child_keys: list[str], pr: bool = True) -> None:
        parent = next(p for p in self.people if p.key == parent_key)
        kind = RelationshipType.MOTHER if parent.sex == Sex.FEMALE else RelationshipType.FATHER
        for key in child_keys:
            self.rel(parent_key, key, kind, pr)
            self._parents.setdefault(key, set()).add(parent_key)

    def siblings(self) -> None:
        """Sibling or half-sibling ties between the children, read from the parents recorded."""
        kids = [p.key for p in self.people if p.is_child]
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                pa, pb = self._parents.get(a, set()), self._parents.get(b, set())
                if pa and pa == pb:
                    self.rel(a, b, RelationshipType.SIBLING)
                elif pa & pb:
                    self.rel(a, b, RelationshipType.HALF_SIBLING)

    # homes
    def address(self) -> tuple[str, str, str]:
        return self.planner.address()

    def household(self, keys: list[str], *, name: str | None = None, years: int | None = None,
                  address: tuple[str, str, str] | None = None) -> HouseholdPlan:
        line1, line2, postcode = address or self.address()
        start = self.today - dt.timedelta(days=365 * (years or self.rng.randint(1, 8)) + self.rng.randint(0, 300))
        household = HouseholdPlan(name=name or f"{self.surname} household, {line1}", keys=keys, line1=line1,
                                  line2=line2, postcode=postcode, start_date=start)
        self.households.append(household)
        return household

    def moved(self, keys: list[str], household: HouseholdPlan) -> None:
        """These people lived somewhere else before this household's address."""
        line1, _, postcode = self.address()
        start = household.start_date - dt.timedelta(days=self.rng.randint(400, 1500))
        for key in keys:
            self.previous_addresses.append((key, line1, postcode, start, household.start_date - dt.timedelta(days=1)))

    def done(self, structures: set[str], episode: EpisodePlan, *, name: str | None = None,
             restriction: tuple[str, list[str]] | None = None,
             duplicates: list[DuplicatePlan] | None = None) -> FamilyPlan:
        # Every child was born before the family first came to the front door (an unborn child is the
        # one who is expected), so no child's story starts before their birth.
        latest = episode.opened_on - dt.timedelta(days=14)
        for person in self.people:
            if person.is_child and person.date_of_birth and person.date_of_birth > latest:
                person.date_of_birth = latest - dt.timedelta(days=self.rng.randint(0, 45))
        return FamilyPlan(name=name or f"{self.surname} family", structures=frozenset(structures),
                          people=self.people, relationships=self.relationships, households=self.households,
                          previous_addresses=self.previous_addresses, episode=episode, restriction=restriction,
                          duplicates=duplicates or [])


class _Planner:
    def __init__(self, today: dt.date) -> None:
        self.rng = random.Random(SEED)  # noqa: S311  (synthetic demo data, not security)
        self.today = today
        self._nhs: set[str] = set()
        self._surnames: set[str] = set()
        self._addresses: set[str] = set()
        self._postcodes: set[str] = set()

    def reserve(self, *surnames: str) -> None:
        self._surnames.update(surnames)

    def surname(self, background: str) -> str:
        name = self.rng.choice([s for s in BACKGROUNDS[background]["surnames"] if s not in self._surnames])
        self._surnames.add(name)
        return name

    def nhs_number(self) -> str:
        """A number in the 999 test range with a valid mod-11 check digit (never 10)."""
        while True:
            stem = f"999{self.rng.randint(0, 999_999):06d}"
            check = calculate_checksum(stem)
            if check is None or check == 10:
                continue
            number = f"{stem}{check}"
            if number not in self._nhs:
                self._nhs.add(number)
                return number

    def upn(self, dob: dt.date, *, secondary: bool) -> str:
        """LA 999, the demo school, the year the pupil started school, a serial; DfE check letter first."""
        year = (dob.year + 5) % 100
        tail = f"999{SCHOOL_ESTABLISHMENTS[secondary]}{year:02d}{self.rng.randint(1, 999):03d}"
        return upn_check_letter(tail) + tail

    def address(self) -> tuple[str, str, str]:
        while True:
            street = self.rng.choice(STREETS)
            if self.rng.random() < 0.2:
                line1, line2 = f"Flat {self.rng.randint(1, 40)}, {self.rng.choice(BLOCKS)}", street
            else:
                line1, line2 = f"{self.rng.randint(1, 120)} {street}", ""
            if (line1, line2) in self._addresses:
                continue
            self._addresses.add((line1, line2))
            while True:
                inward = (f"{self.rng.randint(1, 9)}{self.rng.choice(_INWARD_LETTERS)}"
                          f"{self.rng.choice(_INWARD_LETTERS)}")
                postcode = f"{self.rng.choice(POSTCODE_DISTRICTS)} {inward}"
                if postcode not in self._postcodes:
                    self._postcodes.add(postcode)
                    return line1, line2, postcode

    def ago(self, low_days: int, high_days: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low_days, high_days))


F, M = Sex.FEMALE, Sex.MALE
PARENT, CARER, OTHER = FamilyCaseMember.Role.PARENT, FamilyCaseMember.Role.CARER, FamilyCaseMember.Role.OTHER


def build_plan(today: dt.date | None = None) -> list[FamilyPlan]:
    """The demo families, the same every time for the same date (ages are relative to today)."""
    pl = _Planner(today or timezone.localdate())
    # Surnames the likely duplicates depend on are kept out of the random draw.
    pl.reserve("Smith", "Nowak", "Okafor", "Pearson", "Hollis")
    families: list[FamilyPlan] = []
    add = families.append
    rs = pl.rng

    def ep(levels, *, months: tuple[int, int], contact: tuple[str, str | None], concern: str, **kw) -> EpisodePlan:
        return EpisodePlan(levels=levels, opened_on=pl.ago(months[0] * 30, months[1] * 30), contact_from=contact[0],
                           contact_user=contact[1], concern=concern, **kw)

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
    lily = b.child("lily", F, (7, 9), first="Lily", nhs=True)
    b.child("son", M, (4, 6))
    b.parent_of("mum", ["lily", "son"])
    b.siblings()
    home = b.household(["mum", "lily", "son"])
    add(b.done({"single_parent"}, ep([(EH, "Mum asked for help with routines and school attendance")],
                                     months=(3, 5), contact=school, concern="attendance at 82% and late most days",
                                     fhlps=[FHLP_VCS], referrer=SCHOOL_DSL),
               duplicates=[DuplicatePlan("lily", "no_nhs", lily.first_name, "Pearson", F, lily.date_of_birth,
                                         "Riverside Demo Primary School (DSL)", SCHOOL_DSL, home.line1,
                                         home.postcode)]))

    # 2. Two parents, three children; stepped up from early help to child in need; "John Smith".
    b = _Builder(pl, "english", "Smith")
    b.adult("mum", F, (33, 40))
    b.adult("dad", M, (35, 44))
    john = b.child("john", M, (10, 12), first="John")
    b.child("girl", F, (7, 9))
    b.child("baby", M, (0.5, 2))
    b.parent_of("mum", ["john", "girl", "baby"])
    b.parent_of("dad", ["john", "girl", "baby"])
    b.siblings()
    b.household(["mum", "dad", "john", "girl", "baby"])
    add(b.done({"two_parents"}, ep([(EH, "Parenting support requested"),
                                    (CIN, "Dad's mental health crisis; needs now complex: s17 assessment")],
                                   months=(8, 11), contact=gp, concern="father's mental health and home conditions",
                                   fhlps=[FHLP_VCS, FHLP_SW]),
               duplicates=[DuplicatePlan("john", "sounds_alike", "Jon", "Smyth", M, john.date_of_birth,
                                         "Demoshire Constabulary", POLICE, *pl.address()[::2])]))

    # 3. Step-parent: mother, stepfather, her two children and their baby (half-siblings); child protection.
    b = _Builder(pl, "english")
    b.adult("mum", F, (28, 34))
    b.adult("stepdad", M, (30, 38), last=pl.surname("english"))
    b.child("c1", F, (8, 10))
    b.child("c2", M, (5, 7))
    b.child("baby", F, (0.2, 1), last=b.people[1].last_name)
    b.parent_of("mum", ["c1", "c2", "baby"])
    b.parent_of("stepdad", ["baby"])
    b.rel("stepdad", "c1", RelationshipType.STEP_PARENT, start=pl.ago(900, 1400))
    b.rel("stepdad", "c2", RelationshipType.STEP_PARENT, start=pl.ago(900, 1400))
    b.siblings()
    b.household(["mum", "stepdad", "c1", "c2", "baby"], years=3)
    add(b.done({"step_parent", "half_siblings"},
               ep([(CIN, "Neglect concerns: s17 assessment"),
                   (CP, "Strategy discussion: bruising to c1's arm, explanation inconsistent")],
                  months=(6, 9), contact=school, concern="bruising seen by class teacher",
                  fhlps=[FHLP_SW], lcpp=LCPP, macpt=[POLICE, HEALTH], cp_category="PHY", referrer=SCHOOL_DSL)))

    # 4. Grandparent carer (kinship): grandmother looks after two grandchildren; mother in contact.
    b = _Builder(pl, "caribbean")
    b.adult("nan", F, (56, 64), role=CARER, elder=True)
    b.adult("mum", F, (30, 36), role=PARENT)
    b.child("c1", M, (9, 11))
    b.child("c2", F, (6, 8))
    b.parent_of("mum", ["c1", "c2"])
    b.rel("nan", "c1", RelationshipType.GRANDPARENT)
    b.rel("nan", "c2", RelationshipType.GRANDPARENT)
    b.rel("nan", "c1", RelationshipType.CARER, pr=True, start=pl.ago(500, 700))
    b.rel("nan", "c2", RelationshipType.CARER, pr=True, start=pl.ago(500, 700))
    b.siblings()
    home = b.household(["nan", "c1", "c2"], years=2)
    b.moved(["c1", "c2"], home)
    b.household(["mum"], name=f"{b.surname} (mother's address)")
    add(b.done({"kinship"}, ep([(CIN, "Kinship arrangement needs support: s17")], months=(5, 8), contact=family_member,
                               concern="grandmother caring for two grandchildren without support",
                               fhlps=[FHLP_SW])))

    # 5. Half-siblings by two fathers; one father involved; early help; "Gemma/Jemma Hollis".
    b = _Builder(pl, "english", "Hollis")
    gemma = b.adult("mum", F, (30, 36), first="Gemma")
    dad1 = b.adult("dad1", M, (32, 40), last=pl.surname("english"))
    b.adult("dad2", M, (27, 34), role=OTHER, background="irish", last=pl.surname("irish"))
    b.child("c1", F, (10, 12), last=dad1.last_name)
    b.child("c2", M, (8, 9.5), last=dad1.last_name)
    b.child("c3", F, (2, 4), ethnicity="MOTH")
    b.parent_of("mum", ["c1", "c2", "c3"])
    b.parent_of("dad1", ["c1", "c2"])
    b.parent_of("dad2", ["c3"], pr=False)
    b.siblings()
    b.household(["mum", "c1", "c2", "c3"])
    b.household(["dad1"], name=f"{dad1.last_name} household")
    add(b.done({"half_siblings", "single_parent"},
               ep([(EH, "Family asked for help after separation")], months=(2, 4), contact=self_referral,
                  concern="mum struggling after separation; c1 self-harming thoughts reported to school",
                  fhlps=[FHLP_VCS]),
               duplicates=[DuplicatePlan("mum", "one_letter", "Jemma", "Hollis", F, gemma.date_of_birth,
                                         "Demoshire Constabulary", POLICE, *pl.address()[::2])]))

    # 6. Sibling group of five; child protection stepped up to pre-proceedings; FGDM offered in the LBP.
    b = _Builder(pl, "irish")
    b.adult("mum", F, (34, 39))
    b.adult("dad", M, (36, 44))
    for i, (sex, age) in enumerate([(M, (13, 15)), (F, (11, 12.5)), (M, (8, 10)), (F, (5, 7)), (M, (1, 3))]):
        b.child(f"c{i + 1}", sex, age)
    kids = [f"c{i}" for i in range(1, 6)]
    b.parent_of("mum", kids)
    b.parent_of("dad", kids)
    b.siblings()
    b.household(["mum", "dad", *kids], years=6)
    add(b.done({"sibling_group", "two_parents"},
               ep([(CIN, "Neglect: s17 assessment"), (CP, "ICPC: child protection plans, category neglect"),
                   (PP, "Legal planning meeting: insufficient progress on plan, PLO pre-proceedings")],
                  months=(14, 18), contact=health, concern="home conditions and missed health appointments",
                  fhlps=[FHLP_SW], lcpp=LCPP, macpt=[POLICE, HEALTH], fgdm=True, cp_category="NEG",
                  team_taf="vcs_support")))

    # 7. Unborn child: pre-birth child protection; mother 22, partner the father.
    b = _Builder(pl, "english")
    b.adult("mum", F, (21, 23), nhs_chance=1)
    b.adult("partner", M, (24, 29), last=pl.surname("english"))
    b.unborn("unborn", weeks_until_due=7)
    b.parent_of("mum", ["unborn"])
    b.parent_of("partner", ["unborn"], pr=False)
    b.household(["mum", "partner"])
    add(b.done({"unborn"}, ep([(CP, "Pre-birth strategy discussion: domestic abuse and substance misuse")],
                              months=(1, 2), contact=health, concern="midwife concerned about domestic abuse",
                              fhlps=[FHLP_SW], lcpp=LCPP, macpt=[POLICE, HEALTH], cp_category="EMO")))

    # 8. Teenager (16-17) living with father; early help.
    b = _Builder(pl, "english")
    b.adult("dad", M, (42, 50))
    teen = b.child("teen", M, (16.05, 17.9))
    teen.preferred_name = teen.first_name[:3] if len(teen.first_name) > 4 else ""
    b.parent_of("dad", ["teen"])
    b.household(["dad", "teen"])
    add(b.done({"teenager", "single_parent"},
               ep([(EH, "Young person agreed to targeted support")], months=(2, 3), contact=academy,
                  concern="missing from home twice, going out of the area", fhlps=[FHLP_VCS],
                  referrer=OTHER_SCHOOL_DSL)))

    # 9. Young people with a previous surname: took their stepfather's name; child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (36, 42))
    b.adult("stepdad", M, (38, 46))
    born_as = pl.surname("english")
    b.adult("dad", M, (37, 45), role=OTHER, last=born_as)
    y1 = b.child("y1", F, (14, 15.5))
    y2 = b.child("y2", M, (12, 13.5))
    y1.previous_names.append((y1.first_name, born_as))
    y2.previous_names.append((y2.first_name, born_as))
    b.parent_of("mum", ["y1", "y2"])
    b.parent_of("dad", ["y1", "y2"])
    b.rel("stepdad", "y1", RelationshipType.STEP_PARENT, start=pl.ago(2000, 2600))
    b.rel("stepdad", "y2", RelationshipType.STEP_PARENT, start=pl.ago(2000, 2600))
    b.siblings()
    b.household(["mum", "stepdad", "y1", "y2"], years=5)
    add(b.done({"previous_surname", "step_parent"},
               ep([(CIN, "s17: y1 not attending, conflict at home")], months=(4, 6), contact=academy,
                  concern="y1 disclosed arguments at home and not sleeping", fhlps=[FHLP_SW])))

    # 10. A parent with a partner (not living there); child protection.
    b = _Builder(pl, "nigerian", "Okafor")
    b.adult("mum", F, (30, 36))
    b.adult("partner", M, (31, 38), role=OTHER, background="english", last=pl.surname("english"))
    amara = b.child("amara", F, (7, 9), first="Amara")
    b.child("c2", M, (4, 6))
    amara.date_of_birth = amara.date_of_birth.replace(day=rs.randint(1, 12))
    if amara.date_of_birth.day == amara.date_of_birth.month:
        amara.date_of_birth = amara.date_of_birth.replace(day=amara.date_of_birth.day % 12 + 1)
    b.parent_of("mum", ["amara", "c2"])
    b.rel("partner", "amara", RelationshipType.PARTNER_OF_PARENT, start=pl.ago(200, 400))
    b.rel("partner", "c2", RelationshipType.PARTNER_OF_PARENT, start=pl.ago(200, 400))
    b.siblings()
    home = b.household(["mum", "amara", "c2"])
    b.household(["partner"], name="Mother's partner's address")
    swapped = amara.date_of_birth.replace(month=amara.date_of_birth.day, day=amara.date_of_birth.month)
    add(b.done({"parent_partner", "single_parent"},
               ep([(CIN, "s17 assessment"),
                   (CP, "Police callout: domestic abuse by mother's partner, children present")],
                  months=(5, 7), contact=police, concern="domestic abuse incident, children in the house",
                  fhlps=[FHLP_SW], lcpp=LCPP, macpt=[POLICE, HEALTH], cp_category="EMO"),
               duplicates=[DuplicatePlan("amara", "swapped_dob", "Amara", "Okafor", F, swapped,
                                         "Riverside Demo Primary School (DSL)", SCHOOL_DSL, home.line1,
                                         home.postcode)]))

    # 11. Shared care across two households: separated parents, children alternate weeks.
    b = _Builder(pl, "english")
    b.adult("mum", F, (33, 39))
    b.adult("dad", M, (35, 42))
    b.adult("dads_partner", F, (30, 36), role=OTHER, last=pl.surname("english"))
    b.child("c1", M, (9, 11))
    b.child("c2", F, (6, 8))
    b.parent_of("mum", ["c1", "c2"])
    b.parent_of("dad", ["c1", "c2"])
    b.rel("dads_partner", "c1", RelationshipType.PARTNER_OF_PARENT)
    b.rel("dads_partner", "c2", RelationshipType.PARTNER_OF_PARENT)
    b.siblings()
    b.household(["mum", "c1", "c2"], name=f"{b.surname} household (mother's)", years=2)
    b.household(["dad", "dads_partner", "c1", "c2"], name=f"{b.surname} household (father's)", years=2)
    add(b.done({"shared_care", "parent_partner"},
               ep([(EH, "Parents asked for help agreeing arrangements")], months=(2, 5), contact=school,
                  concern="children upset at handovers; parental conflict", fhlps=[FHLP_VCS], referrer=SCHOOL_DSL)))

    # 12. Restricted (staff member's family): mother works for the council; child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (34, 40), nhs_chance=1)
    b.adult("dad", M, (35, 42))
    b.child("c1", F, (10, 12))
    b.child("c2", M, (6, 8))
    b.parent_of("mum", ["c1", "c2"])
    b.parent_of("dad", ["c1", "c2"])
    b.siblings()
    b.household(["mum", "dad", "c1", "c2"])
    add(b.done({"restricted", "two_parents"},
               ep([(CIN, "s17: c1's disability, respite needed")], months=(3, 6), contact=self_referral,
                  concern="family needs short breaks", fhlps=[FHLP_SW]),
               restriction=(RestrictionReason.STAFF_FAMILY, [FD_MANAGER, FHLP_SW])))

    # 13. Restricted (high profile): assessed and closed; only the front door manager and privacy officer see it.
    b = _Builder(pl, "english")
    b.adult("mum", F, (38, 45))
    b.adult("dad", M, (40, 48))
    b.child("teen", F, (14, 15.5))
    b.parent_of("mum", ["teen"])
    b.parent_of("dad", ["teen"])
    b.household(["mum", "dad", "teen"])
    add(b.done({"restricted", "two_parents", "closed"},
               ep([(CIN, "s17 assessment after press coverage")], months=(6, 8), contact=police,
                  concern="online threats after a local news story", fhlps=[FHLP_SW],
                  closed=("RC8", "Assessment complete: no further action needed", pl.ago(60, 100))),
               restriction=(RestrictionReason.HIGH_PROFILE, [FD_MANAGER])))

    # 14. Restricted (adoption): adopted child with a previous (birth) surname; early help post-adoption.
    b = _Builder(pl, "english")
    b.adult("mum", F, (40, 46), role=PARENT)
    b.adult("dad", M, (41, 48), role=PARENT)
    adopted = b.child("child", M, (8, 10))
    adopted.previous_names.append((adopted.first_name, pl.surname("english")))
    b.parent_of("mum", ["child"])
    b.parent_of("dad", ["child"])
    b.household(["mum", "dad", "child"], years=4)
    add(b.done({"restricted", "previous_surname", "adoption", "re_referral"},
               ep([(EH, "Adoptive parents asked for support with behaviour at school")], months=(1, 3),
                  contact=self_referral, concern="child's behaviour at school after a change of teacher",
                  fhlps=[FHLP_VCS],
                  earlier=EarlierEpisodePlan(CIN, pl.ago(2100, 2300), pl.ago(1400, 1500), "RC1",
                                             "Adopted: adoption order granted", FHLP_SW)),
               restriction=(RestrictionReason.ADOPTION, [FD_MANAGER, FHLP_VCS])))

    # 15. Single father with a toddler; health visiting team around the family.
    b = _Builder(pl, "polish")
    b.adult("dad", M, (27, 33))
    b.child("c1", F, (1.5, 3))
    b.parent_of("dad", ["c1"])
    b.household(["dad", "c1"])
    add(b.done({"single_parent"}, ep([(EH, "Health visitor: father isolated, needs support")], months=(1, 3),
                                     contact=health, concern="father isolated after mother left",
                                     fhlps=[FHLP_VCS], team_taf="health_safeguarding")))

    # 16. Two mothers; early help ended well (closed RC7).
    b = _Builder(pl, "english")
    b.adult("mum1", F, (32, 38))
    b.adult("mum2", F, (31, 37), last=pl.surname("english"))
    b.child("c1", M, (6, 8))
    b.child("c2", F, (3, 5))
    b.parent_of("mum1", ["c1", "c2"])
    b.parent_of("mum2", ["c1", "c2"])
    b.siblings()
    b.household(["mum1", "mum2", "c1", "c2"])
    add(b.done({"two_parents", "closed"},
               ep([(EH, "Support with c1's sleep and behaviour")], months=(10, 14), contact=gp,
                  concern="c1 not sleeping, parents exhausted", fhlps=[FHLP_VCS],
                  closed=("RC7", "Family plan outcomes met: no longer needs targeted help", pl.ago(30, 80)))))

    # 17. Stepped down: child in need to early help, with a change of lead practitioner.
    b = _Builder(pl, "pakistani")
    b.adult("mum", F, (31, 37))
    b.child("c1", M, (10, 12))
    b.child("c2", F, (7, 9))
    b.child("c3", M, (3, 5))
    b.parent_of("mum", ["c1", "c2", "c3"])
    b.siblings()
    b.household(["mum", "c1", "c2", "c3"])
    add(b.done({"single_parent", "step_down"},
               ep([(CIN, "s17: housing crisis and mother's health"),
                   (EH, "Step down: housing resolved, family plan continues in targeted early help")],
                  months=(9, 12), contact=("Demo Borough housing options", None),
                  concern="family in temporary accommodation, mother unwell", fhlps=[FHLP_SW, FHLP_VCS])))

    # 18. Grandparents with a special guardianship order: closed RC4.
    b = _Builder(pl, "english")
    b.adult("gran", F, (60, 68), role=CARER, elder=True)
    b.adult("grandad", M, (62, 70), role=CARER, elder=True)
    b.child("c1", F, (5, 7))
    for carer in ("gran", "grandad"):
        b.rel(carer, "c1", RelationshipType.GRANDPARENT)
        b.rel(carer, "c1", RelationshipType.CARER, pr=True, start=pl.ago(400, 600))
    b.household(["gran", "grandad", "c1"], years=2)
    add(b.done({"kinship", "closed"},
               ep([(CIN, "Kinship care assessment")], months=(16, 20), contact=family_member,
                  concern="grandparents caring after parents' arrest", fhlps=[FHLP_SW],
                  closed=("RC4", "Special guardianship order made to the grandparents", pl.ago(90, 150)))))

    # 19. Aunt as kinship carer; FGDM arranged the care.
    b = _Builder(pl, "somali")
    b.adult("aunt", F, (33, 40), role=CARER)
    b.adult("mum", F, (28, 33), role=PARENT)
    b.child("c1", M, (11, 13))
    b.child("c2", F, (8, 10))
    b.parent_of("mum", ["c1", "c2"])
    for child in ("c1", "c2"):
        b.rel("aunt", child, RelationshipType.AUNT_UNCLE)
        b.rel("aunt", child, RelationshipType.CARER, start=pl.ago(150, 300))
    b.siblings()
    b.household(["aunt", "c1", "c2"], years=1)
    b.household(["mum"], name=f"{b.surname} (mother's address)")
    add(b.done({"kinship"}, ep([(CIN, "s17: mother in hospital, children with their aunt")], months=(4, 6),
                               contact=health, concern="mother admitted to hospital; no plan for the children",
                               fhlps=[FHLP_SW], fgdm=True)))

    # 20. Two parents, two children; straight to child protection after a strategy discussion.
    b = _Builder(pl, "ghanaian")
    b.adult("mum", F, (29, 35))
    b.adult("dad", M, (32, 40))
    b.child("c1", F, (4, 6))
    b.child("c2", M, (0.6, 2))
    b.parent_of("mum", ["c1", "c2"])
    b.parent_of("dad", ["c1", "c2"])
    b.siblings()
    b.household(["mum", "dad", "c1", "c2"])
    add(b.done({"two_parents"}, ep([(CP, "Strategy discussion: unexplained injury to baby (A&E)")], months=(2, 3),
                                   contact=("Demo General Hospital A&E", None), concern="fracture to baby's arm",
                                   fhlps=[FHLP_SW], lcpp=LCPP, macpt=[POLICE, HEALTH], cp_category="PHY")))

    # 21. Stepped down from child protection to child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (23, 28))
    b.child("c1", M, (3, 5))
    b.child("c2", F, (0.3, 1.5))
    b.parent_of("mum", ["c1", "c2"])
    b.siblings()
    b.household(["mum", "c1", "c2"])
    add(b.done({"single_parent", "step_down"},
               ep([(CP, "ICPC: plans for neglect"), (CIN, "RCPC: plans ended, progress sustained; s17 continues")],
                  months=(10, 13), contact=health, concern="baby losing weight, missed appointments",
                  fhlps=[FHLP_SW], cp_category="NEG")))

    # 22. Second sibling group of four; early help; referred by the school.
    b = _Builder(pl, "bangladeshi")
    b.adult("mum", F, (35, 41))
    b.adult("dad", M, (38, 46))
    for i, (sex, age) in enumerate([(F, (12, 14)), (M, (9, 11)), (F, (6, 8)), (M, (3, 5))]):
        b.child(f"c{i + 1}", sex, age)
    kids = [f"c{i}" for i in range(1, 5)]
    b.parent_of("mum", kids)
    b.parent_of("dad", kids)
    b.siblings()
    b.household(["mum", "dad", *kids], years=7)
    add(b.done({"sibling_group", "two_parents"},
               ep([(EH, "Family plan: overcrowding and c1 caring for siblings")], months=(3, 5), contact=school,
                  concern="c1 tired and late; says she looks after her brothers", fhlps=[FHLP_VCS],
                  referrer=SCHOOL_DSL)))

    # 23. Teenager (17) and younger brother with their mother; stepped up to child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (38, 45))
    teen = b.child("teen", F, (16.1, 17.8))
    teen.gender_identity = "Non-binary"
    b.child("c2", M, (11, 13))
    b.parent_of("mum", ["teen", "c2"])
    b.siblings()
    b.household(["mum", "teen", "c2"])
    add(b.done({"teenager", "single_parent"},
               ep([(EH, "Support after exclusion"), (CIN, "Exploitation concerns: s17 assessment")],
                  months=(6, 9), contact=academy, concern="fixed-term exclusion; older associates",
                  fhlps=[FHLP_SW], referrer=OTHER_SCHOOL_DSL)))

    # 24. Polish-speaking mother, interpreter needed; "Kacper/Kasper Nowak".
    b = _Builder(pl, "polish", "Nowak")
    mum = b.adult("mum", F, (30, 36))
    mum.first_language, mum.interpreter_needed = "Polish", True
    kacper = b.child("kacper", M, (6, 8), first="Kacper")
    b.child("c2", F, (2, 4))
    b.parent_of("mum", ["kacper", "c2"])
    b.siblings()
    home = b.household(["mum", "kacper", "c2"])
    add(b.done({"single_parent", "interpreter"},
               ep([(EH, "Mother asked for help: isolation, no family in the UK")], months=(2, 4), contact=gp,
                  concern="mother low in mood; children's health checks overdue", fhlps=[FHLP_VCS]),
               duplicates=[DuplicatePlan("kacper", "one_letter", "Kasper", "Nowak", M, kacper.date_of_birth,
                                         "health visitor, Demo Community Health NHS Trust", HEALTH, home.line1,
                                         home.postcode)]))

    # 25. Moved away: closed RC5.
    b = _Builder(pl, "romanian")
    b.adult("mum", F, (27, 33))
    b.adult("dad", M, (29, 36))
    b.child("c1", F, (4, 6))
    b.parent_of("mum", ["c1"])
    b.parent_of("dad", ["c1"])
    b.household(["mum", "dad", "c1"])
    add(b.done({"two_parents", "closed"},
               ep([(CIN, "s17 assessment")], months=(7, 9), contact=gp, concern="c1 not registered with a school",
                  fhlps=[FHLP_SW],
                  closed=("RC5", "Family moved to another local authority: case transferred", pl.ago(20, 50)))))

    # 26. Re-referral: child in need closed (RC9, referred to early help), now open to early help.
    b = _Builder(pl, "caribbean")
    b.adult("mum", F, (30, 36))
    b.adult("dad", M, (32, 40), role=OTHER, background="english", last=pl.surname("english"))
    mixed = b.mixed("english")
    b.child("c1", M, (9, 11), ethnicity=mixed)
    b.child("c2", F, (5, 7), ethnicity=mixed)
    b.parent_of("mum", ["c1", "c2"])
    b.parent_of("dad", ["c1", "c2"])
    b.siblings()
    b.household(["mum", "c1", "c2"])
    add(b.done({"single_parent", "re_referral"},
               ep([(EH, "Referred on to early help after s17 assessment")], months=(1, 3), contact=school,
                  concern="c1's anger at school; mum asking for help", fhlps=[FHLP_VCS], referrer=SCHOOL_DSL,
                  earlier=EarlierEpisodePlan(CIN, pl.ago(150, 170), pl.ago(100, 120), "RC9",
                                             "Assessment complete: referred to early help", FHLP_SW))))

    # 27. Father and stepmother; child in need.
    b = _Builder(pl, "indian")
    b.adult("dad", M, (36, 43))
    b.adult("stepmum", F, (32, 38), last=pl.surname("indian"))
    b.adult("mum", F, (34, 40), role=OTHER, last=pl.surname("indian"))
    b.child("c1", F, (12, 14))
    b.child("c2", M, (9, 11))
    b.parent_of("dad", ["c1", "c2"])
    b.parent_of("mum", ["c1", "c2"])
    b.rel("stepmum", "c1", RelationshipType.STEP_PARENT, start=pl.ago(700, 1000))
    b.rel("stepmum", "c2", RelationshipType.STEP_PARENT, start=pl.ago(700, 1000))
    b.siblings()
    b.household(["dad", "stepmum", "c1", "c2"], years=2)
    add(b.done({"step_parent"}, ep([(CIN, "s17: c1's eating, conflict with stepmother")], months=(3, 5),
                                   contact=("school nurse", HEALTH), concern="c1 losing weight, upset",
                                   fhlps=[FHLP_SW])))

    # 28. Bereaved: father died; half-siblings; child in need.
    b = _Builder(pl, "english")
    b.adult("mum", F, (32, 38))
    dad = b.adult("dad", M, (34, 40), role=OTHER)
    dad.date_of_death = pl.ago(200, 300)
    b.adult("dad2", M, (30, 36), role=OTHER, last=pl.surname("english"))
    b.child("c1", M, (10, 12))
    b.child("c2", F, (7, 9))
    b.child("c3", F, (1, 3), last=b.people[2].last_name)
    b.parent_of("mum", ["c1", "c2", "c3"])
    b.parent_of("dad", ["c1", "c2"])
    b.parent_of("dad2", ["c3"], pr=False)
    b.siblings()
    b.household(["mum", "c1", "c2", "c3"])
    add(b.done({"bereaved", "half_siblings", "single_parent"},
               ep([(EH, "Bereavement support"), (CIN, "Mother's alcohol use increasing: s17 assessment")],
                  months=(7, 10), contact=school, concern="c1 withdrawn since his father died", fhlps=[FHLP_SW],
                  referrer=SCHOOL_DSL)))

    # 29. Two parents and twins plus one; early help.
    b = _Builder(pl, "chinese")
    b.adult("mum", F, (33, 39))
    b.adult("dad", M, (35, 42))
    twin1 = b.child("twin1", F, (5, 7))
    twin2 = b.child("twin2", M, (5, 7))
    twin2.date_of_birth = twin1.date_of_birth
    b.child("c3", F, (1, 2.5))
    b.parent_of("mum", ["twin1", "twin2", "c3"])
    b.parent_of("dad", ["twin1", "twin2", "c3"])
    b.siblings()
    b.household(["mum", "dad", "twin1", "twin2", "c3"])
    add(b.done({"two_parents", "twins"}, ep([(EH, "Parenting support: twin2's diagnosis")], months=(4, 6),
                                           contact=health, concern="twin2 awaiting autism assessment; parents "
                                           "struggling", fhlps=[FHLP_VCS])))

    # 30. Young carer: mother with a disability, two children; early help.
    b = _Builder(pl, "english")
    mum = b.adult("mum", F, (36, 42))
    mum.disabilities = ["MOB"]
    b.child("c1", F, (13, 15))
    b.child("c2", M, (8, 10))
    b.parent_of("mum", ["c1", "c2"])
    b.siblings()
    b.household(["mum", "c1", "c2"])
    add(b.done({"young_carer", "single_parent"},
               ep([(EH, "Young carer support")], months=(2, 4), contact=academy,
                  concern="c1 often late; cares for her mother", fhlps=[FHLP_VCS], referrer=OTHER_SCHOOL_DSL)))

    # 31. Three generations in one household; child protection stepped up to pre-proceedings.
    b = _Builder(pl, "syrian")
    b.adult("gran", F, (55, 62), role=OTHER, elder=True)
    b.adult("mum", F, (26, 31))
    b.child("c1", M, (6, 8))
    b.child("c2", F, (2, 4))
    b.parent_of("mum", ["c1", "c2"])
    b.rel("gran", "c1", RelationshipType.GRANDPARENT)
    b.rel("gran", "c2", RelationshipType.GRANDPARENT)
    b.siblings()
    b.household(["gran", "mum", "c1", "c2"])
    add(b.done({"three_generations", "kinship"},
               ep([(CP, "ICPC: emotional harm, category EMO"),
                   (PP, "Legal planning meeting: letter before proceedings, FGDM offered")],
                  months=(9, 12), contact=police, concern="repeated police callouts, children distressed",
                  fhlps=[FHLP_SW], lcpp=LCPP, macpt=[POLICE, HEALTH], cp_category="EMO")))

    # 32. Care leaver parent (19) with a baby; child in need; health visiting team around the family.
    b = _Builder(pl, "english")
    b.adult("mum", F, (19, 19))
    b.child("baby", M, (0.1, 0.8))
    b.parent_of("mum", ["baby"])
    b.household(["mum", "baby"], years=1)
    add(b.done({"young_parent", "single_parent"},
               ep([(CIN, "s17: care leaver parent, needs support")], months=(1, 3), contact=health,
                  concern="mother a care leaver, little support", fhlps=[FHLP_SW], team_taf="health_safeguarding")))

    # 33. Mother and her live-in partner; early help stepped up then down again.
    b = _Builder(pl, "irish")
    b.adult("mum", F, (29, 35))
    b.adult("partner", M, (30, 37), role=OTHER, background="english", last=pl.surname("english"))
    b.child("c1", F, (9, 11))
    b.child("c2", M, (6, 8))
    b.parent_of("mum", ["c1", "c2"])
    b.rel("partner", "c1", RelationshipType.PARTNER_OF_PARENT, start=pl.ago(300, 500))
    b.rel("partner", "c2", RelationshipType.PARTNER_OF_PARENT, start=pl.ago(300, 500))
    b.siblings()
    b.household(["mum", "partner", "c1", "c2"])
    add(b.done({"parent_partner", "step_down"},
               ep([(EH, "Family plan: routines and school"), (CIN, "s17 assessment after c1's disclosure"),
                   (EH, "Assessment: needs met by the family plan; step down to early help")],
                  months=(8, 11), contact=school, concern="c1 said the partner shouts at her", fhlps=[FHLP_VCS],
                  referrer=SCHOOL_DSL)))
    return families


# --- writing the plan through the services ---------------------------------------------------------


@dataclass
class SeedSummary:
    families: int
    new_families: int
    people: int
    restricted: int
    duplicate_pairs: int

    def __str__(self) -> str:
        return (f"{self.families} families ({self.new_families} new), {self.people} people, "
                f"{self.restricted} restricted, {self.duplicate_pairs} likely duplicate pairs")


class _Writer:
    def __init__(self, today: dt.date, teams: dict[str, Team]) -> None:
        self.today = today
        self.teams = teams
        self.tz = timezone.get_current_timezone()
        self.users = {u.email: u for u in User.objects.select_related("agency").filter(email__endswith="@demo.test")}
        self.levels = {lvl.code: lvl for lvl in NeedLevel.objects.all()}
        self.rng = random.Random(SEED)  # noqa: S311  (synthetic demo data, not security)

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def u(self, email: str) -> User:
        return self.users[email]

    def write(self, plan: FamilyPlan) -> None:
        triage, manager = self.u(TRIAGE), self.u(FD_MANAGER)
        # Each family draws its own story details, so skipping one that exists changes nothing in the next.
        self.rng.seed(f"{SEED}:{plan.name}")
        people: dict[str, Person] = {}
        for spec in plan.people:
            data = spec.person_data()
            if data["nhs_number"] and Person.objects.filter(nhs_number=data["nhs_number"]).exists():
                data["nhs_number"] = ""  # someone has since used this test number for another record
            people[spec.key] = services.person_create(actor=triage, data=data, reason="Demo data: synthetic family")
            for first, last in spec.previous_names:
                services.person_add_previous_name(person=people[spec.key], actor=triage, first_name=first,
                                                  last_name=last)
        for key, line1, postcode, start, end in plan.previous_addresses:
            services.person_add_address(person=people[key], actor=triage, line1=line1, postcode=postcode,
                                        town=TOWN, start_date=start, end_date=end)
        for household in plan.households:
            members = [people[k] for k in household.keys]
            services.household_create(actor=triage, name=household.name, members=members,
                                      start_date=household.start_date)
            for person in members:
                services.person_add_address(person=person, actor=triage, line1=household.line1,
                                            line2=household.line2, town=TOWN, postcode=household.postcode,
                                            start_date=household.start_date)
        for rel in plan.relationships:
            services.relationship_add(actor=triage, from_person=people[rel.from_key], to_person=people[rel.to_key],
                                      type=rel.type, parental_responsibility=rel.parental_responsibility,
                                      start_date=rel.start_date, end_date=rel.end_date)
        family = services.family_case_create(actor=manager, name=plan.name,
                                             members=[(people[p.key], p.role) for p in plan.people])
        for spec in plan.children:
            self._child_story(plan, spec, people[spec.key], family)
        if plan.restriction:
            reason, names = plan.restriction
            for person in people.values():
                services.person_restrict(person=person, actor=self.u(PRIVACY), reason=reason,
                                         access_users=[self.u(e) for e in names])
        for dup in plan.duplicates:
            self._duplicate(dup)

    def _child_story(self, plan: FamilyPlan, spec: PersonPlan, person: Person, family: FamilyCase) -> None:
        e = plan.episode
        triage, manager = self.u(TRIAGE), self.u(FD_MANAGER)
        rng = self.rng
        if e.earlier:
            self._earlier_episode(e.earlier, person)
        contact_day = e.opened_on - dt.timedelta(days=rng.randint(1, 3))
        contact_agency = self.u(e.contact_user).agency if e.contact_user else None
        services.chronology_add(person=person, actor=triage, strand=Strand.FRONT_DOOR, kind="contact",
                                summary=f"Contact from {e.contact_from}: {e.concern}.", source_agency=contact_agency,
                                occurred_at=self.at(contact_day, 9, rng.randint(0, 59)),
                                significant=e.levels[0][0] in (CP, PP))
        if e.referrer:
            services.involvement_add(person=person, actor=triage, role=InvolvementRole.REFERRER,
                                     user=self.u(e.referrer), start_date=contact_day)
        first_level, first_reason = e.levels[0]
        services.chronology_add(person=person, actor=manager, strand=Strand.FRONT_DOOR, kind="decision",
                                summary=f"Front door decision: {LEVEL_NAMES[first_level]}. {first_reason}.",
                                occurred_at=self.at(e.opened_on, 15, rng.randint(0, 59)), significant=True)
        episode = services.episode_open(person=person, actor=manager, level=self.levels[first_level],
                                        opened_on=e.opened_on, reason=first_reason, family_case=family)
        closing = e.closed
        ended_leads = []
        for fhlp in e.fhlps:
            if closing:
                # The services cannot yet back-date a lead appointment, so the lead of work that has ended is
                # recorded as a dated involvement, ended at closure (their access ends with it).
                ended_leads.append(services.involvement_add(
                    person=person, actor=manager, role=InvolvementRole.LEAD_PRACTITIONER, user=self.u(fhlp),
                    start_date=e.opened_on + dt.timedelta(days=2)))
            else:
                services.episode_set_lead(episode=episode, actor=manager, user=self.u(fhlp), kind=LeadKind.FHLP)
        if e.lcpp:
            services.episode_set_lead(episode=episode, actor=manager, user=self.u(e.lcpp), kind=LeadKind.LCPP)
        end = closing[2] if closing else self.today - dt.timedelta(days=2)
        steps = len(e.levels)
        starts = [e.opened_on + (end - e.opened_on) * i // steps for i in range(steps)] + [end]
        protection_from = next((starts[i] for i, code in enumerate(e.level_codes) if code in (CP, PP)), e.opened_on)
        for email in e.macpt:  # from the strategy discussion on
            services.involvement_add(person=person, actor=self.u(LCPP), role=InvolvementRole.MACPT_MEMBER,
                                     user=self.u(email), start_date=protection_from)
        if e.team_taf:
            team = self.teams[e.team_taf]
            services.involvement_add(person=person, actor=self.u(e.fhlps[0]), role=InvolvementRole.TAF_MEMBER,
                                     team=team, start_date=self._between(e.opened_on, 0.1, 0.3))
        # Level changes, with the events that led to them in the strands' words.
        for i, (code, reason) in enumerate(e.levels):
            if i:
                actor = self.u(LCPP) if code in (CP, PP) else self.u(e.fhlps[-1] if e.fhlps else FD_MANAGER)
                services.episode_change_level(episode=episode, actor=actor, level=self.levels[code], reason=reason)
            self._level_events(e, code, person, starts[i], starts[i + 1], i)
        self._notes(plan, spec, person, episode, end)
        if closing:
            code, summary, closed_on = closing
            services.chronology_add(person=person, actor=manager, strand=Strand.FAMILY_HELP, kind="closure_summary",
                                    summary=f"Closure summary: {summary}.", occurred_at=self.at(closed_on, 16))
            services.episode_close(episode=episode, actor=manager, reason_code=code, summary=summary,
                                   closed_on=closed_on)
            for involvement in ended_leads:
                services.involvement_end(involvement=involvement, actor=manager, end_date=closed_on,
                                         reason="Episode closed")

    def _between(self, start: dt.date, low: float, high: float) -> dt.date:
        span = max((self.today - start).days - 2, 0)
        return start + dt.timedelta(days=int(span * self.rng.uniform(low, high)))

    def _level_events(self, e: EpisodePlan, code: str, person: Person, start: dt.date, end: dt.date,
                      index: int) -> None:
        rng = self.rng
        fhlp = self.u(e.fhlps[-1]) if e.fhlps else self.u(FHLP_SW)
        lcpp = self.u(LCPP)

        def day(fraction: float) -> dt.date:
            return start + dt.timedelta(days=int((end - start).days * fraction))

        unborn = person.date_of_birth is None
        if code in (EH, CIN):
            kind = "Family Help assessment (s17)" if code == CIN else "Family Help assessment"
            services.chronology_add(person=person, actor=fhlp, strand=Strand.FAMILY_HELP, kind="home_visit",
                                    summary="Home visit: introductions, family's view of what help they need.",
                                    occurred_at=self.at(day(0.1), 11, rng.randint(0, 59)))
            services.chronology_add(person=person, actor=fhlp, strand=Strand.FAMILY_HELP, kind="assessment",
                                    summary=f"{kind} completed; family plan agreed with the family.",
                                    occurred_at=self.at(day(0.45), 14), significant=code == CIN)
            services.chronology_add(person=person, actor=fhlp, strand=Strand.FAMILY_HELP, kind="plan_review",
                                    summary="Team around the family review: progress on the family plan.",
                                    occurred_at=self.at(day(0.8), 13, 30))
            if e.fgdm and code == CIN:
                self._fgdm(person, day(0.6), fhlp)
        elif code == CP:
            services.chronology_add(
                person=person, actor=lcpp, strand=Strand.MACPT, kind="strategy_discussion",
                summary="Strategy discussion (social care, police, health, education): s47 enquiry to start.",
                occurred_at=self.at(day(0.02), 12), significant=True, source_agency=lcpp.agency)
            services.chronology_add(person=person, actor=lcpp, strand=Strand.MACPT, kind="s47_outcome",
                                    summary="s47 enquiry: concerns substantiated, ICPC needed.",
                                    occurred_at=self.at(day(0.1), 16), significant=True)
            category = e.cp_category or "NEG"
            services.chronology_add(
                person=person, actor=lcpp, strand=Strand.MACPT, kind="icpc",
                summary=("Initial child protection conference (pre-birth): plan from birth" if unborn else
                         f"Initial child protection conference: child protection plan, category {category}."),
                occurred_at=self.at(day(0.25), 10), significant=True)
            services.chronology_add(person=person, actor=fhlp, strand=Strand.MACPT, kind="core_group",
                                    summary="Core group meeting: plan actions reviewed.",
                                    occurred_at=self.at(day(0.35), 14))
            if index and not unborn:
                services.chronology_add(person=person, actor=fhlp, strand=Strand.FAMILY_HELP, kind="home_visit",
                                        summary="Statutory visit: child seen.", occurred_at=self.at(day(0.6), 16))
        elif code == PP:
            services.chronology_add(person=person, actor=lcpp, strand=Strand.MACPT, kind="legal_planning",
                                    summary="Legal planning meeting: threshold met, pre-proceedings to start.",
                                    occurred_at=self.at(day(0.05), 11), significant=True)
            services.chronology_add(person=person, actor=lcpp, strand=Strand.MACPT, kind="letter_before_proceedings",
                                    summary="Letter before proceedings sent; FGDM meeting offered.",
                                    occurred_at=self.at(day(0.15), 15), significant=True)
            services.chronology_add(person=person, actor=lcpp, strand=Strand.MACPT, kind="pp_meeting",
                                    summary="Initial pre-proceedings meeting with parents and their solicitors.",
                                    occurred_at=self.at(day(0.3), 10), significant=True)
            if e.fgdm:
                self._fgdm(person, day(0.5), lcpp)

    def _fgdm(self, person: Person, day: dt.date, requested_by: User) -> None:
        """FGDM offered at a decision point; the facilitator is involved from the first offer."""
        fgdm = self.u(FGDM)
        first = not person.involvements.filter(user=fgdm, role=InvolvementRole.FGDM_FACILITATOR).exists()
        if first:
            services.involvement_add(person=person, actor=requested_by, role=InvolvementRole.FGDM_FACILITATOR,
                                     user=fgdm, start_date=day)
        offer = ("Family group decision making offered and accepted by the family." if first else
                 "FGDM offered again at this decision point; the family asked to review their plan.")
        meeting = ("Family group meeting held (with private family time): family plan made." if first else
                   "Family group review meeting: the family's plan updated.")
        services.chronology_add(person=person, actor=fgdm, strand=Strand.FGDM, kind="fgdm_offer", summary=offer,
                                occurred_at=self.at(day, 11))
        services.chronology_add(person=person, actor=fgdm, strand=Strand.FGDM, kind="fgdm_meeting", summary=meeting,
                                occurred_at=self.at(day + dt.timedelta(days=21), 17), significant=True)

    def _notes(self, plan: FamilyPlan, spec: PersonPlan, person: Person, episode, end: dt.date) -> None:
        e = plan.episode
        rng = self.rng
        author = self.u(e.fhlps[-1]) if e.fhlps else self.u(FHLP_SW)
        visit_day = end - dt.timedelta(days=rng.randint(3, 20))
        if visit_day <= e.opened_on:
            visit_day = e.opened_on + dt.timedelta(days=1)
        age = spec.age_on(visit_day)
        strand = Strand.MACPT if e.level_codes[-1] in (CP, PP) else Strand.FAMILY_HELP
        if spec.date_of_birth is None:
            first = {"kind": CaseNote.Kind.MEETING, "subject": "Antenatal visit with mother",
                     "body": "Met mother at home with the midwife. Talked about the birth plan and the safety plan."}
        else:
            alone = age is not None and age >= 5
            voice = f" Seen alone; in their words: \u201c{rng.choice(CHILD_VOICE)}\u201d" if alone else ""
            first = {"kind": CaseNote.Kind.VISIT, "subject": "Home visit", "child_seen": True,
                     "child_seen_alone": alone,
                     "body": f"Visited at home. {spec.first_name} showed me their room.{voice}"}
        notes = [(author, {**first, "occurred_at": self.at(visit_day, 16, rng.randint(0, 59)), "strand": strand})]
        if e.lcpp and plan.is_open:
            notes.append((self.u(e.lcpp), {
                "kind": CaseNote.Kind.MEETING, "subject": "Core group meeting", "strand": Strand.MACPT,
                "occurred_at": self.at(end - dt.timedelta(days=rng.randint(21, 35)), 10),
                "body": "Core group: police and health updates shared; plan actions reviewed, two overdue.",
                "significant": True, "visibility_tags": [VisibilityTag.POLICE]}))
        else:
            notes.append((author, {
                "kind": CaseNote.Kind.PHONE, "subject": "Call with school", "strand": Strand.FAMILY_HELP,
                "occurred_at": self.at(end - dt.timedelta(days=rng.randint(21, 35)), 12, 15),
                "body": "School report attendance and mood; agreed to share at the next plan review."}))
        for note_author, data in notes:
            if data["occurred_at"].date() <= e.opened_on:
                data["occurred_at"] = self.at(e.opened_on + dt.timedelta(days=1), 12)
            note = services.case_note_save_draft(person=person, actor=note_author, data={**data, "episode": episode})
            services.case_note_finalise(note=note, actor=note_author)

    def _earlier_episode(self, earlier: EarlierEpisodePlan, person: Person) -> None:
        manager = self.u(FD_MANAGER)
        lead = self.u(earlier.lead)
        services.chronology_add(person=person, actor=self.u(TRIAGE), strand=Strand.FRONT_DOOR, kind="contact",
                                summary="Contact: earlier referral.", occurred_at=self.at(earlier.opened_on, 9))
        # Not part of today's family case: that work was with the family as it was then.
        episode = services.episode_open(person=person, actor=manager, level=self.levels[earlier.level],
                                        opened_on=earlier.opened_on, reason="Earlier referral")
        # As for a closed family: the lead is a dated involvement, ended at closure.
        involvement = services.involvement_add(person=person, actor=manager, role=InvolvementRole.LEAD_PRACTITIONER,
                                               user=lead, start_date=earlier.opened_on)
        services.chronology_add(person=person, actor=lead, strand=Strand.FAMILY_HELP, kind="assessment",
                                summary="Assessment completed.",
                                occurred_at=self.at(earlier.opened_on + dt.timedelta(days=30), 14), significant=True)
        services.episode_close(episode=episode, actor=manager, reason_code=earlier.closure_reason,
                               summary=earlier.summary, closed_on=earlier.closed_on)
        services.involvement_end(involvement=involvement, actor=manager, end_date=earlier.closed_on,
                                 reason="Episode closed")

    def _duplicate(self, dup: DuplicatePlan) -> None:
        triage = self.u(TRIAGE)
        person = services.person_create(actor=triage, reason="Demo data: a likely duplicate made at the front door",
                                        data={"first_name": dup.first_name, "last_name": dup.last_name,
                                              "sex": dup.sex, "date_of_birth": dup.date_of_birth})
        services.person_add_address(person=person, actor=triage, line1=dup.line1, postcode=dup.postcode, town=TOWN)
        agency = self.u(dup.contact_user).agency if dup.contact_user else None
        services.chronology_add(person=person, actor=triage, strand=Strand.FRONT_DOOR, kind="contact",
                                summary=f"Contact from {dup.contact_from}: concern about {dup.first_name}.",
                                source_agency=agency, occurred_at=self.at(self.today - dt.timedelta(days=4), 10))
        if dup.contact_user in (SCHOOL_DSL, OTHER_SCHOOL_DSL):
            services.involvement_add(person=person, actor=triage, role=InvolvementRole.REFERRER,
                                     user=self.u(dup.contact_user), start_date=self.today - dt.timedelta(days=4))


def seed_families(*, teams: dict[str, Team], today: dt.date | None = None) -> SeedSummary:
    """Write every family of the plan that is not there yet (by FamilyCase name); one transaction each.

    `teams` maps seed_demo's team keys to teams (a family's team around the family names one)."""
    today = today or timezone.localdate()
    plan = build_plan(today)
    existing = set(FamilyCase.objects.filter(name__in=[f.name for f in plan]).values_list("name", flat=True))
    writer = _Writer(today, teams)
    created = 0
    for family in plan:
        if family.name in existing:
            continue
        with transaction.atomic():
            writer.write(family)
        created += 1
    names = [f.name for f in plan]
    present = set(FamilyCase.objects.filter(name__in=names).values_list("name", flat=True))
    return SeedSummary(
        families=len(present), new_families=created, people=Person.objects.filter(merged_into__isnull=True).count(),
        restricted=Person.objects.filter(restricted=True, merged_into__isnull=True).count(),
        duplicate_pairs=sum(len(f.duplicates) for f in plan if f.name in present),
    )
