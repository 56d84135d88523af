"""The CIN census XML for a collection year (issue 16 item 1), written from the records as the children stream from the
database: the children with a referral (CinReferral) open at any time in the year, in batches of BATCH, each batch read
in a fixed number of queries and written with lxml's incremental writer, so memory stays flat however many children
the council has.

Where each census item comes from (../shared/ARCHITECTURE.md section 4):
- ChildIdentifiers, ChildCharacteristics: cases Person (LA child ID, UPN, dates of birth, expected birth and death, sex,
  ethnicity, disabilities).
- CINdetails, one per CinReferral: its date, source, closure (date and RC code, when closed within the year) and NFA.
- PrimaryNeedCode, Assessments with factors: the Family Help assessment's child section (AssessmentChild) started in
  the referral; completed = authorised, its authorisation date the census one.
- CINPlanDates: CinPlanPeriod.
- Section47 and ChildProtectionPlans with Reviews: macpt.selectors.census (child_protection_rows).
- PreProceedingsandFGDM (2026-27 on): macpt.selectors.pre_proceedings.census_blocks, the FGDM answers from the FGDM
  strand's one selector.
An item a referral's dates do not hold (an enquiry, a plan or a pre-proceedings episode starting outside every referral
of the child) is left out and counted in the result's `unplaced` (the data-quality page shows why)."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from lxml import etree

from cases.models import CinPlanPeriod, CinReferral, Person, User
from family_help.models import AssessmentChild, AssessmentStatus
from macpt.models import PreProceedings
from macpt.selectors.census import child_protection_rows
from macpt.selectors.pre_proceedings import census_blocks

from ..scope import statutory_children
from .xsd import has_module5, schema_name, year_start

BATCH = 500
SOFTWARE_CODE = "FFP Case"
RELEASE = "1.0"
UPN_PATTERN = r"^[A-Za-z]\d{11}[0-9A-Za-z]$"
ETHNICITY_NOT_OBTAINED = "NOBT"
NO_DISABILITY = "NONE"
NEED_NOT_STATED = "N0"

Progress = Callable[[int, int, str], None]


@dataclass
class CensusResult:
    """What a census file holds: its year, schema and counts, and the records left out because no referral holds them
    ({kind: [LAchildID, ...]})."""

    year: str
    schema: str
    children: int = 0
    cin_details: int = 0
    assessments: int = 0
    cin_plans: int = 0
    section47: int = 0
    cp_plans: int = 0
    module5: int = 0
    unplaced: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "schema": self.schema,
            "children": self.children,
            "cin_details": self.cin_details,
            "assessments": self.assessments,
            "cin_plans": self.cin_plans,
            "section47": self.section47,
            "cp_plans": self.cp_plans,
            "module5": self.module5,
            "unplaced": {kind: len(ids) for kind, ids in self.unplaced.items()},
        }


def collection_year(year: str) -> tuple[dt.date, dt.date]:
    first = year_start(year)
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def census_people(user: User | None):
    """Whose records the census reads: a scheduled run (no user) reads council-wide; a person asking, their record
    scope with restricted records included (a statutory return counts every child; the file names none)."""
    return statutory_children(user)


def census_child_ids(*, year: str, user: User | None) -> list[int]:
    """The children in the census: a referral open at any time in the year, in person order."""
    start, end = collection_year(year)
    return list(
        CinReferral.objects.filter(referral_date__lte=end, person__in=census_people(user).values("pk"))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )


def write_census(out: IO[bytes], *, year: str, user: User | None, progress: Progress | None = None) -> CensusResult:
    """Write the census XML for `year` ("2025-26") to `out` (a binary file object), as `user` may see it (None: a
    scheduled run, council-wide), calling `progress(done, total, label)` after each batch of children."""
    start, end = collection_year(year)
    result = CensusResult(year=year, schema=schema_name(year))
    ids = census_child_ids(year=year, user=user)
    total = len(ids)
    if progress:
        progress(0, total, "Finding the children")
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write(_header(year, end), pretty_print=True)
            with xf.element("Children"):
                for offset in range(0, total, BATCH):
                    batch = ids[offset : offset + BATCH]
                    for child in _children(batch, year=year, start=start, end=end, result=result):
                        xf.write(child, pretty_print=True)
                    xf.flush()
                    if progress:
                        progress(min(offset + BATCH, total), total, f"Children written: {min(offset + BATCH, total)}")
    return result


# --- the XML ------------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _add(parent, name: str, value=None):
    element = etree.SubElement(parent, name)
    if value is not None:
        element.text = _text(value)
    return element


def _maybe(parent, name: str, value) -> None:
    if value is not None and value != "":
        _add(parent, name, value)


def _header(year: str, end: dt.date):
    header = etree.Element("Header")
    details = _add(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", end.year)
    _add(details, "ReferenceDate", end)
    source = _add(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", settings.COUNCIL_LA_CODE)
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", "001")
    _add(source, "DateTime", timezone.localtime().replace(microsecond=0, tzinfo=None).isoformat())
    return header


# --- one batch ------------------------------------------------------------------------------------------------------


@dataclass
class _Spell:
    """One CINdetails: the referral and what falls in it."""

    referral: Any
    first: dt.date
    last: dt.date | None  # closed_on, whatever the year
    assessments: list = field(default_factory=list)
    cin_plans: list = field(default_factory=list)
    section47: list = field(default_factory=list)
    cp_plans: list = field(default_factory=list)
    module5: list = field(default_factory=list)

    def holds(self, day: dt.date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


def _place(spells: list[_Spell], day: dt.date | None) -> _Spell | None:
    if day is None:
        return None
    return next((spell for spell in spells if spell.holds(day)), None)


def _children(ids: list[int], *, year: str, start: dt.date, end: dt.date, result: CensusResult) -> Iterator:
    people = Person.objects.filter(pk__in=ids).only(
        "pk",
        "la_child_id",
        "upn",
        "date_of_birth",
        "expected_date_of_birth",
        "date_of_death",
        "sex",
        "ethnicity",
        "disabilities",
    )
    spells: dict[int, list[_Spell]] = defaultdict(list)
    for referral in (
        CinReferral.objects.filter(person_id__in=ids, referral_date__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .order_by("person_id", "referral_date", "pk")
    ):
        spells[referral.person_id].append(_Spell(referral, referral.referral_date, referral.closed_on))

    for section in (
        AssessmentChild.objects.filter(person_id__in=ids, assessment__started_on__lte=end)
        .filter(Q(assessment__authorised_on__isnull=True) | Q(assessment__authorised_on__gte=start))
        .order_by("person_id", "assessment__started_on", "pk")
        .values("person_id", "factors", "primary_need", "assessment__started_on", "assessment__authorised_on")
        .annotate(status=F("assessment__status"))
    ):
        spell = _place(spells[section["person_id"]], section["assessment__started_on"])
        if spell is not None:
            spell.assessments.append(section)

    unplaced: dict[str, set[int]] = defaultdict(set)
    for person_id, first, last in (
        CinPlanPeriod.objects.filter(episode__person_id__in=ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("episode__person_id", "start_date", "pk")
        .values_list("episode__person_id", "start_date", "end_date")
    ):
        spell = _place(spells[person_id], first)
        if spell is None:
            unplaced["cin_plans"].add(person_id)
        else:
            spell.cin_plans.append((first, last))

    for person_id, census in child_protection_rows(ids, start=start, end=end).items():
        for row in census.section47:
            spell = _place(spells[person_id], row["S47ActualStartDate"])
            if spell is None:
                unplaced["section47"].add(person_id)
            else:
                spell.section47.append(row)
        for row in census.cp_plans:
            spell = _place(spells[person_id], row["CPPstartDate"])
            if spell is None:
                unplaced["cp_plans"].add(person_id)
            else:
                spell.cp_plans.append(row)

    if has_module5(year):
        episodes = PreProceedings.objects.filter(person_id__in=ids, start_date__lte=end).order_by(
            "person_id", "start_date", "pk"
        )
        for pp, block in census_blocks(episodes, year_start=year_start(year)):
            if block is None:
                continue
            person_spells = spells[pp.person_id]
            spell = _place(person_spells, pp.start_date) or _place(person_spells, pp.lbp_sent_date)
            if spell is None:
                unplaced["module5"].add(pp.person_id)
            else:
                spell.module5.append(block)

    la_ids = {}
    for person in people.order_by("pk"):
        la_ids[person.pk] = person.la_child_id
        person_spells = spells.get(person.pk)
        if not person_spells:
            continue
        yield _child(person, person_spells, start=start, end=end, result=result)
    for kind, person_ids in unplaced.items():
        result.unplaced.setdefault(kind, []).extend(la_ids[p] for p in sorted(person_ids) if p in la_ids)


def _child(person: Person, spells: list[_Spell], *, start: dt.date, end: dt.date, result: CensusResult):
    result.children += 1
    child = etree.Element("Child")
    identifiers = _add(child, "ChildIdentifiers")
    _add(identifiers, "LAchildID", person.la_child_id)
    upn = (person.upn or "").strip()
    if upn and re.match(UPN_PATTERN, upn):
        _add(identifiers, "UPN", upn.upper())
    else:
        unknown = _upn_unknown(person, spells, end)
        _maybe(identifiers, "UPNunknown", unknown)
    # As at the reference date: a child born after it was unborn then (its expected date, or the birth date when
    # none was kept), and an unborn child's sex is U (8750).
    born = person.date_of_birth if person.date_of_birth is not None and person.date_of_birth <= end else None
    expected = None if born else (person.expected_date_of_birth or person.date_of_birth)
    _maybe(identifiers, "PersonBirthDate", born)
    _maybe(identifiers, "ExpectedPersonBirthDate", expected)
    _add(identifiers, "Sex", "U" if expected is not None else (person.sex or "U"))
    if person.date_of_death is not None and person.date_of_death <= end:
        _add(identifiers, "PersonDeathDate", person.date_of_death)

    characteristics = _add(child, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", person.ethnicity or ETHNICITY_NOT_OBTAINED)
    disabilities = _add(characteristics, "Disabilities")
    codes = list(dict.fromkeys(person.disabilities or [])) or [NO_DISABILITY]
    if len(codes) > 1 and NO_DISABILITY in codes:
        codes.remove(NO_DISABILITY)
    for code in codes:
        _add(disabilities, "Disability", code)

    for spell in spells:
        child.append(_cin_details(spell, start=start, end=end, result=result))
    return child


def _upn_unknown(person: Person, spells: list[_Spell], end: dt.date) -> str | None:
    """UN1 for a child under six at the reference date (or unborn), UN7 when every referral in the year ended with no
    further action; otherwise no reason is given (the UPN is missing: the data-quality page asks for it)."""
    born = person.date_of_birth
    if born is None or born > end.replace(year=end.year - 6):
        return "UN1"
    if all(_is_nfa(spell, end) for spell in spells):
        return "UN7"
    return None


def _is_nfa(spell: _Spell, end: dt.date) -> bool:
    referral = spell.referral
    return bool(referral.nfa and referral.closed_on is not None and referral.closed_on <= end)


def _in_year(day: dt.date | None, start: dt.date, end: dt.date) -> dt.date | None:
    return day if day is not None and start <= day <= end else None


def _cin_details(spell: _Spell, *, start: dt.date, end: dt.date, result: CensusResult):
    result.cin_details += 1
    referral = spell.referral
    details = etree.Element("CINdetails")
    _add(details, "CINreferralDate", referral.referral_date)
    _add(details, "ReferralSource", referral.source_code)
    need = next((a["primary_need"] for a in reversed(spell.assessments) if a["primary_need"]), None)
    # A referral that led to further action has a primary need (8610): the assessment's, else "N0 Not stated" (what
    # the record says: none was stated), which the data-quality page lists as a query to complete.
    _maybe(details, "PrimaryNeedCode", need or (None if _is_nfa(spell, end) else NEED_NOT_STATED))
    closed = referral.closed_on if referral.closed_on is not None and referral.closed_on <= end else None
    if closed is not None:
        _add(details, "CINclosureDate", closed)
        _add(details, "ReasonForClosure", referral.closure_reason)
    # An initial conference whose enquiry is not in the year (it ended before the year began) is the CINdetails' own
    # DateOfInitialCPC: the day the plan it started began (2885); one the Section47 holds is not repeated here (2884).
    in_section47 = {_in_year(row["DateOfInitialCPC"], start, end) for row in spell.section47}
    plan_conferences = [
        row["CPPstartDate"]
        for row in spell.cp_plans
        if _in_year(row["CPPstartDate"], start, end) and row["CPPstartDate"] not in in_section47
    ]
    _maybe(details, "DateOfInitialCPC", max(plan_conferences, default=None))

    for section in spell.assessments:
        result.assessments += 1
        assessment = _add(details, "Assessments")
        _add(assessment, "AssessmentActualStartDate", section["assessment__started_on"])
        authorised = section["assessment__authorised_on"]
        completed = section["status"] == AssessmentStatus.AUTHORISED and authorised is not None and authorised <= end
        if completed:
            _add(assessment, "AssessmentAuthorisationDate", authorised)
            factors = list(dict.fromkeys(section["factors"] or []))
            if factors:
                listed = _add(assessment, "FactorsIdentifiedAtAssessment")
                for code in factors:
                    _add(listed, "AssessmentFactors", code)

    for first, last in spell.cin_plans:
        result.cin_plans += 1
        plan = _add(details, "CINPlanDates")
        _add(plan, "CINPlanStartDate", first)
        _maybe(plan, "CINPlanEndDate", last if last is not None and last <= end else None)

    for row in spell.section47:
        result.section47 += 1
        section = _add(details, "Section47")
        _add(section, "S47ActualStartDate", row["S47ActualStartDate"])
        _maybe(section, "InitialCPCtarget", row["InitialCPCtarget"])
        _maybe(section, "DateOfInitialCPC", _in_year(row["DateOfInitialCPC"], start, end))
        _add(section, "ICPCnotRequired", bool(row["ICPCnotRequired"]))

    _add(details, "ReferralNFA", _is_nfa(spell, end))

    for row in spell.cp_plans:
        result.cp_plans += 1
        plan = _add(details, "ChildProtectionPlans")
        _add(plan, "CPPstartDate", row["CPPstartDate"])
        _maybe(plan, "CPPendDate", row["CPPendDate"])
        _add(plan, "InitialCategoryOfAbuse", row["InitialCategoryOfAbuse"])
        _add(plan, "LatestCategoryOfAbuse", row["LatestCategoryOfAbuse"])
        _add(plan, "NumberOfPreviousCPP", row["NumberOfPreviousCPP"])
        reviews = [day for day in row["CPPreviewDate"] if start <= day <= end]
        if reviews:
            listed = _add(plan, "Reviews")
            for day in reviews:
                _add(listed, "CPPreviewDate", day)

    for block in spell.module5:
        result.module5 += 1
        module = _add(details, "PreProceedingsandFGDM")
        for name, value in block.items():
            _maybe(module, name, value)
    return details
