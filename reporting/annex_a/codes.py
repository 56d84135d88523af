"""How Ofsted's Annex A writes the census codes: the lettered answers of its list templates ("a) Male", "q) 6: Police",
"b) No"). The codes are the CIN census's (cases.codes); the letters and wording are the Annex A template's, as the
open-source Annex A tools (liiatools' annex_a spec) read them back."""

from cases.codes import codelist

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
NOT_STATED_GENDER = "c) Not stated/recorded"

# Ethnicity in the census's order, lettered a) to s); "not yet obtained" shares the letter s) with "refused" in the
# template as the tools read it.
_ETHNICITY_ORDER = (
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
)
ETHNICITY = {code: f"{chr(ord('a') + i)}) {code}" for i, code in enumerate(_ETHNICITY_ORDER)}
ETHNICITY["NOBT"] = "s) NOBT"
NOT_OBTAINED_ETHNICITY = "s) NOBT"

# Contact and referral source: the census's referral source codes with the template's letters and group names.
SOURCE = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}
UNKNOWN_SOURCE = SOURCE["10"]

YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"

CATEGORY = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}

CASE_STATUS_CP = "b) Child Protection plan"
CASE_STATUS_CIN = "c) Child in need plan"
CASE_STATUS_ASSESSMENT = "d) Open assessment"
CASE_STATUS_CLOSED = "e) Closed episode"


def gender(sex: str) -> str:
    return GENDER.get(sex or "", NOT_STATED_GENDER)


def ethnicity(code: str) -> str:
    return ETHNICITY.get(code or "", NOT_OBTAINED_ETHNICITY)


def source(code: str) -> str:
    return SOURCE.get(code or "", UNKNOWN_SOURCE)


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return YES if value else NO


def disability(codes: list[str] | None) -> str:
    """a) Yes for any census disability code but NONE, b) No for NONE alone, c) Unknown when none is recorded."""
    codes = [c for c in (codes or []) if c]
    if not codes:
        return UNKNOWN
    return NO if set(codes) == {"NONE"} else YES


def primary_need(code: str) -> str:
    """'N1 - Abuse, neglect and exploitation' (the census's wording); 'N0 - Not stated' when none was recorded."""
    labels = dict(codelist("primaryneedcodetype"))
    code = code if code in labels else "N0"
    return f"{code} - {labels[code]}"


def closure_reason(code: str) -> str:
    labels = dict(codelist("reasonforclosuretype"))
    return f"{code} - {labels[code]}" if code in labels else ""


def category(code: str) -> str:
    return CATEGORY.get(code or "", "")
