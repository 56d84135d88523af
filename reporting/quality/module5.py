"""The CIN census 2026-27 module 5 rules (pre-proceedings and FGDM) that the released csc-validator-be-cin does not
check yet, checked over the census file itself (issue 16 item 2; ../shared/data/cin/module5_rules.md).

Standard library only: it runs inside the validator's venv (cin_runner.py, beside it) as well as in the application
(reporting.quality.checks). It reads the XML as DfE would receive it, whatever wrote it, and gives rows in the
validator's shape: {rule, type Error/Query, LAchildID, table "PreProceedings", column, value, message, source}.

How each rule is checked (per `PreProceedingsandFGDM` block, in the census year from the header's ReferenceDate):
- 8995Q (council): no block in the whole file.                    - 9000Q (council): no PPStartDate anywhere.
- 9005: PPStartDate, when present, in the census year.
- 9006: LBPSentDate, when present, in the year and on or after PPStartDate.
- 9007: LBPSentDate present -> FGDMMeetingOffer given; FGDMMeetingOffer given -> LBPSentDate present.
- 9008: InitialPPMeetingDate, when present, in the year.
- 9009: StepDecisionDate, when present, in the year and on or after PPStartDate.
- 9010Q: FGDMMeetingOffer = 1 -> FGDMMeetingFac given (0 or 1).
- 9011: PPOutcome, when present, one of A, B, C.
- 9012: CourtAppDate, when present, in the year and on or after StepDecisionDate.
- 9013: LetterInitCPDate, when present, in the year and on or after CourtAppDate.
- 9015Q: InitialPPMeetingDate present -> ReviewMeetingsCount given.
A date that is not a date (not YYYY-MM-DD) breaks its rule too ("falls within the census year" cannot hold). The rules
apply to a 2026-27 collection onwards (header Year 2027 or later) and to any file that holds a module 5 block.
"""

import datetime as dt
import xml.etree.ElementTree as ET

SOURCE = "module5"
TABLE = "PreProceedings"
BLOCK = "PreProceedingsandFGDM"
FIRST_YEAR = 2027  # the header's Year of the first collection with module 5 (2026-27)

RULES = {
    "8995Q": ("Query", "No pre-proceedings and FGDM (module 5) information for any child: give a reason"),
    "9000Q": ("Query", "No pre-proceedings start date for any child: if not yet collected, give a reason"),
    "9005": ("Error", "Pre-proceedings start date must fall within the census year"),
    "9006": (
        "Error",
        "Letter before proceedings sent date must fall within the census year and not before the pre-proceedings "
        "start date",
    ),
    "9007": (
        "Error",
        "Where a letter before proceedings was sent, whether an FGDM meeting was offered must be given; an FGDM "
        "offer needs the letter's date",
    ),
    "9008": ("Error", "Initial pre-proceedings meeting date must fall within the census year"),
    "9009": (
        "Error",
        "Step up or step down decision date must fall within the census year and not before the pre-proceedings "
        "start date",
    ),
    "9010Q": ("Query", "An FGDM meeting was offered: whether it was facilitated should be given (0 or 1)"),
    "9011": ("Error", "Pre-proceedings outcome must be A, B or C"),
    "9012": (
        "Error",
        "Court application date must fall within the census year and not before the step up or down decision date",
    ),
    "9013": (
        "Error",
        "Letter initiating care proceedings date must fall within the census year and not before the court "
        "application date",
    ),
    "9015Q": ("Query", "An initial pre-proceedings meeting was held: the number of review meetings should be given"),
}
OUTCOMES = frozenset({"A", "B", "C"})
_BAD = object()  # a value that is not a date


def census_year(root: ET.Element) -> tuple[dt.date, dt.date] | None:
    """1 April to 31 March ending on the header's ReferenceDate (or 31 March of its Year); None when neither is
    there."""
    reference = _date(root.findtext("Header/CollectionDetails/ReferenceDate"))
    if reference is None or reference is _BAD:
        year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
        if not year.isdigit():
            return None
        reference = dt.date(int(year), 3, 31)
    return dt.date(reference.year - 1, 4, 1), reference


def applies(root: ET.Element) -> bool:
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    return (year.isdigit() and int(year) >= FIRST_YEAR) or root.find(f".//{BLOCK}") is not None


def _date(text):
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return _BAD


def _row(rule: str, child: str | None, column: str | None, value) -> dict:
    kind, message = RULES[rule]
    return {
        "rule": rule,
        "type": kind,
        "LAchildID": child,
        "table": TABLE if child is not None else None,
        "column": column,
        "value": None if value is None else str(value),
        "message": message,
        "source": SOURCE,
    }


def check_block(block: ET.Element, child: str, first: dt.date, last: dt.date) -> list[dict]:
    """The rows one block breaks."""
    texts = {element.tag: (element.text or "").strip() for element in block}
    dates = {name: _date(texts.get(name)) for name in _DATES}
    rows = []

    def given(name) -> bool:
        return bool(texts.get(name))

    def outside(name) -> bool:
        day = dates[name]
        return day is _BAD or (day is not None and not first <= day <= last)

    def before(name, other) -> bool:
        day, earlier = dates[name], dates[other]
        return day not in (None, _BAD) and earlier not in (None, _BAD) and day < earlier

    def fail(rule, column):
        rows.append(_row(rule, child, column, texts.get(column) or None))

    if outside("PPStartDate"):
        fail("9005", "PPStartDate")
    if outside("LBPSentDate") or before("LBPSentDate", "PPStartDate"):
        fail("9006", "LBPSentDate")
    if given("LBPSentDate") and not given("FGDMMeetingOffer"):
        fail("9007", "FGDMMeetingOffer")
    elif given("FGDMMeetingOffer") and not given("LBPSentDate"):
        fail("9007", "LBPSentDate")
    if outside("InitialPPMeetingDate"):
        fail("9008", "InitialPPMeetingDate")
    if outside("StepDecisionDate") or before("StepDecisionDate", "PPStartDate"):
        fail("9009", "StepDecisionDate")
    answered = {"0", "1", "true", "false"}
    if texts.get("FGDMMeetingOffer") in {"1", "true"} and texts.get("FGDMMeetingFac") not in answered:
        fail("9010Q", "FGDMMeetingFac")
    if given("PPOutcome") and texts["PPOutcome"] not in OUTCOMES:
        fail("9011", "PPOutcome")
    if outside("CourtAppDate") or before("CourtAppDate", "StepDecisionDate"):
        fail("9012", "CourtAppDate")
    if outside("LetterInitCPDate") or before("LetterInitCPDate", "CourtAppDate"):
        fail("9013", "LetterInitCPDate")
    if given("InitialPPMeetingDate") and not given("ReviewMeetingsCount"):
        fail("9015Q", "ReviewMeetingsCount")
    return rows


_DATES = ("PPStartDate", "LBPSentDate", "InitialPPMeetingDate", "StepDecisionDate", "CourtAppDate", "LetterInitCPDate")


def check(root: ET.Element) -> list[dict]:
    """Every module 5 row the file breaks: per block, then the council-level queries."""
    if not applies(root):
        return []
    year = census_year(root)
    rows: list[dict] = []
    blocks = 0
    starts = 0
    for child in root.iterfind("Children/Child"):
        child_id = (child.findtext("ChildIdentifiers/LAchildID") or "").strip()
        for block in child.iterfind(f"CINdetails/{BLOCK}"):
            blocks += 1
            starts += bool((block.findtext("PPStartDate") or "").strip())
            if year is not None:
                rows.extend(check_block(block, child_id, *year))
    if not blocks:
        rows.append(_row("8995Q", None, None, None))
    if not starts:
        rows.append(_row("9000Q", None, None, None))
    return rows
