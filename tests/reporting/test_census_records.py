"""Issue 16 item 1: what the census says of a child, read from the record: an unborn child (and one born after the
reference date) as unborn, a restricted child counted by ids and codes only, a referral closed after the year still
open in it, module 5 from 2026-27 only, and the schema check refusing a broken file."""

import datetime as dt

import pytest
from lxml import etree

from cases.models import CinReferral, Person
from cases.services import person_restrict
from macpt.services.pre_proceedings import pre_proceedings_start
from reporting.census import validate_xsd

from .census_checks import census_bytes

pytestmark = pytest.mark.django_db
D = dt.date


def _refer(person, on, closed=None, reason="", nfa=False):
    return CinReferral.objects.create(
        person=person, referral_date=on, source_code="1A", closed_on=closed, closure_reason=reason, nfa=nfa
    )


def _child(root, person: Person):
    found = [
        c for c in root.iterfind("Children/Child") if c.findtext("ChildIdentifiers/LAchildID") == person.la_child_id
    ]
    assert len(found) == 1
    return found[0]


def test_an_unborn_child_and_one_born_after_the_reference_date_are_unborn_in_the_census(make_person):
    unborn = make_person("Baby", "Hartley", dob=None, sex="F")
    # Expected then (the service only takes a date from today on: written directly for a past census year).
    Person.objects.filter(pk=unborn.pk).update(expected_date_of_birth=D(2026, 5, 2))
    later = make_person("Newborn", "Hartley", dob=D(2026, 4, 20), sex="M")
    older = make_person("Amelia", "Hartley", dob=D(2015, 3, 14), sex="F", ethnicity="WBRI", disabilities=["HEAR"])
    for person in (unborn, later, older):
        _refer(person, D(2026, 1, 5))
    data, _ = census_bytes("2025-26")
    assert validate_xsd(data, "2025-26") == []
    root = etree.fromstring(data)
    for person, expected in ((unborn, "2026-05-02"), (later, "2026-04-20")):
        ids = _child(root, person).find("ChildIdentifiers")
        assert ids.findtext("PersonBirthDate") is None and ids.findtext("ExpectedPersonBirthDate") == expected
        assert ids.findtext("Sex") == "U" and ids.findtext("UPNunknown") == "UN1"
    child = _child(root, older)
    assert child.findtext("ChildIdentifiers/PersonBirthDate") == "2015-03-14"
    assert child.findtext("ChildIdentifiers/Sex") == "F"
    assert child.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    assert [e.text for e in child.iterfind("ChildCharacteristics/Disabilities/Disability")] == ["HEAR"]
    # Not yet born in 2025-26's census, born in 2026-27's.
    data, _ = census_bytes("2026-27")
    assert _child(etree.fromstring(data), later).findtext("ChildIdentifiers/PersonBirthDate") == "2026-04-20"


def test_a_restricted_child_is_counted_by_ids_and_codes_never_by_name(make_person, fh_manager, privacy_officer):
    person = make_person("Secretive", "Zanzibar", dob=D(2014, 6, 1))
    _refer(person, D(2025, 6, 2), closed=D(2025, 6, 3), reason="RC8")
    person_restrict(person=person, actor=privacy_officer, reason="high_profile", access_users=[])
    data, result = census_bytes("2025-26", user=fh_manager)  # the manager is not on the restriction's list
    assert result.children == 1 and person.la_child_id.encode() in data
    assert b"Secretive" not in data and b"Zanzibar" not in data
    details = _child(etree.fromstring(data), person).find("CINdetails")
    assert details.findtext("CINclosureDate") == "2025-06-03" and details.findtext("ReasonForClosure") == "RC8"


def test_a_referral_closed_after_the_year_is_open_in_its_census_and_one_closed_before_it_is_not_there(make_person):
    open_then = make_person("Open", "Then", dob=D(2012, 1, 1))
    _refer(open_then, D(2026, 2, 1), closed=D(2026, 4, 9), reason="RC1")
    gone = make_person("Gone", "Before", dob=D(2012, 1, 1))
    _refer(gone, D(2024, 5, 1), closed=D(2025, 3, 31), reason="RC1")
    data, result = census_bytes("2025-26")
    root = etree.fromstring(data)
    details = _child(root, open_then).find("CINdetails")
    assert details.findtext("CINclosureDate") is None and details.findtext("ReasonForClosure") is None
    assert details.findtext("ReferralNFA") == "0"
    assert result.children == 1 and gone.la_child_id.encode() not in data


def test_pre_proceedings_are_module_5_from_the_2026_27_census_on(family, lcpp):
    mia = family["mia"]
    _refer(mia, D(2026, 4, 2))
    pre_proceedings_start(person=mia, actor=lcpp, start_date=D(2026, 5, 11))
    old, _ = census_bytes("2025-26")
    assert b"PreProceedingsandFGDM" not in old
    data, result = census_bytes("2026-27")
    assert validate_xsd(data, "2026-27") == []
    assert validate_xsd(data, "2025-26") != []  # the 2025-26 schema has no module 5
    block = _child(etree.fromstring(data), mia).find("CINdetails/PreProceedingsandFGDM")
    assert [(e.tag, e.text) for e in block] == [("PPStartDate", "2026-05-11")]
    assert result.module5 == 1


def test_the_schema_check_names_what_is_wrong():
    broken = b"<Message><Header><Source><LEA>99</LEA></Source></Header><Children/></Message>"
    errors = validate_xsd(broken, "2025-26")
    assert any("LEA" in e for e in errors) and any("Children" in e for e in errors)
    assert validate_xsd(b"<Message><Child", "2025-26")[0].startswith("line 1:")
    with pytest.raises(ValueError, match="not a collection year"):
        validate_xsd(broken, "2025")
