"""DfE's CIN validator (csc-validator-be-cin) run from the application in its own venv, and our module 5 checks over
the census file (issue 16 item 2). Files written by hand here (tests/reporting/cin_xml.py); the census of the
generated and demo data is checked in test_census_quality.py."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from reporting.quality import module5
from reporting.quality.validator import RUNNER, validate_census, validator_python
from tests.reporting.cin_xml import census, child

SATURDAY = "2025-06-07"


def _referral(**extra) -> dict:
    details = {
        "CINreferralDate": "2025-05-01",
        "ReferralSource": "1A",
        "PrimaryNeedCode": "N1",
    }
    details.update(extra)
    return details


def _s47_with_conference(conference: str) -> dict:
    return _referral(
        Assessments={
            "AssessmentActualStartDate": "2025-05-02",
            "AssessmentAuthorisationDate": "2025-05-20",
            "FactorsIdentifiedAtAssessment": {"AssessmentFactors": "2A"},
        },
        Section47={
            "S47ActualStartDate": "2025-05-20",
            "InitialCPCtarget": "2025-06-10",
            "DateOfInitialCPC": conference,
            "ICPCnotRequired": "false",
        },
        ReferralNFA="0",
    )


def test_the_validator_venv_is_installed():
    """`make test` makes .venv-cin (Makefile): without it no census check runs, so CI fails here first."""
    assert validator_python().exists(), "run `make .venv-cin/.synced`"


def test_an_initial_conference_on_a_weekend_is_dfe_rule_8875_for_that_child(tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(
        census(
            [
                child("CHILDWEEKEND1", cin_details=_s47_with_conference(SATURDAY)),
                child("CHILDWEEKDAY1", cin_details=_s47_with_conference("2025-06-09")),
            ]
        )
    )
    result = validate_census(path)
    assert result.ruleset == "cin2025_26"
    assert result.validator.startswith("csc-validator-be-cin ")
    assert result.rules_run >= 100
    assert result.rules_failed == []
    weekend = [row for row in result.errors if row["rule"] == "8875"]
    assert weekend == [
        {
            "rule": "8875",
            "type": "Error",
            "LAchildID": "CHILDWEEKEND1",
            "table": "Section47",
            "column": "DateOfInitialCPC",
            "value": SATURDAY,
            "message": "The Date of Initial Child Protection Conference cannot be a weekend",
            "source": "csc-validator-be-cin",
        }
    ]
    assert result.summary()["errors_by_rule"]["8875"] == 1


def test_the_runner_prints_json_rows_and_the_make_summary_fails_on_an_error(tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(census([child("CHILDWEEKEND1", cin_details=_s47_with_conference(SATURDAY))]))
    python = str(validator_python())
    done = subprocess.run([python, str(RUNNER), str(path)], capture_output=True, text=True, check=True)
    rows = json.loads(done.stdout)["rows"]
    weekend = next(row for row in rows if row["rule"] == "8875")
    assert (weekend["LAchildID"], weekend["column"]) == ("CHILDWEEKEND1", "DateOfInitialCPC")
    summary = subprocess.run([python, str(RUNNER), "--summary", str(path)], capture_output=True, text=True)
    assert summary.returncode == 1
    assert "ERROR 8875" in summary.stdout


def test_the_validator_refuses_a_file_that_is_not_xml(tmp_path):
    from reporting.quality.validator import ValidatorFailed

    path = tmp_path / "census.xml"
    path.write_text("not a census")
    with pytest.raises(ValidatorFailed):
        validate_census(path)


# --- module 5: our checks of the 2026-27 rules the released validator lacks ----------------------------------------


def _pp_child(la_child_id: str, block: dict) -> dict:
    return child(
        la_child_id,
        cin_details=_referral(
            CINreferralDate="2026-05-01",
            ReferralNFA="0",
            PreProceedingsandFGDM=block,
        ),
    )


GOOD = {
    "PPStartDate": "2026-06-01",
    "LBPSentDate": "2026-06-10",
    "FGDMMeetingOffer": "1",
    "FGDMMeetingFac": "1",
    "InitialPPMeetingDate": "2026-06-24",
    "ReviewMeetingsCount": "2",
    "StepDecisionDate": "2026-10-01",
    "PPOutcome": "A",
    "CourtAppDate": "2026-10-15",
    "LetterInitCPDate": "2026-10-20",
}

BROKEN = [
    ("9005", "PPStartDate", {"PPStartDate": "2026-03-31", "LBPSentDate": None, "FGDMMeetingOffer": None}),
    ("9006", "LBPSentDate", {"LBPSentDate": "2026-05-30"}),
    ("9006", "LBPSentDate", {"LBPSentDate": "2027-04-01"}),
    ("9007", "FGDMMeetingOffer", {"FGDMMeetingOffer": None, "FGDMMeetingFac": None}),
    ("9007", "LBPSentDate", {"LBPSentDate": None}),
    ("9008", "InitialPPMeetingDate", {"InitialPPMeetingDate": "2027-04-02"}),
    ("9009", "StepDecisionDate", {"StepDecisionDate": "2026-05-01"}),
    ("9010Q", "FGDMMeetingFac", {"FGDMMeetingFac": None}),
    ("9011", "PPOutcome", {"PPOutcome": "D"}),
    ("9012", "CourtAppDate", {"CourtAppDate": "2026-09-30"}),
    ("9013", "LetterInitCPDate", {"LetterInitCPDate": "2026-10-14"}),
    ("9015Q", "ReviewMeetingsCount", {"ReviewMeetingsCount": None}),
]


def _module5(children: list[dict]) -> list[dict]:
    return module5.check(ET.fromstring(census(children, year="2026-27")))  # noqa: S314  (written here)


def test_a_module5_block_that_keeps_every_rule_gives_no_row():
    assert _module5([_pp_child("PPGOOD1", GOOD)]) == []


@pytest.mark.parametrize(("rule", "column", "change"), BROKEN, ids=[f"{r}-{c}" for r, c, _ in BROKEN])
def test_each_module5_rule_names_the_child_and_the_field(rule, column, change):
    block = {key: value for key, value in {**GOOD, **change}.items() if value is not None}
    rows = _module5([_pp_child("PPGOOD1", GOOD), _pp_child("PPBROKEN1", block)])
    assert [(row["rule"], row["LAchildID"], row["table"], row["column"]) for row in rows] == [
        (rule, "PPBROKEN1", "PreProceedings", column)
    ]
    assert rows[0]["type"] == ("Query" if rule.endswith("Q") else "Error")


def test_module5_council_queries_when_no_child_has_a_block_or_a_start_date():
    plain = child("PLAIN1", cin_details=_referral(CINreferralDate="2026-05-01", ReferralNFA="0"))
    assert [(row["rule"], row["LAchildID"]) for row in _module5([plain])] == [("8995Q", None), ("9000Q", None)]
    no_start = {key: value for key, value in GOOD.items() if key != "PPStartDate"}
    assert [row["rule"] for row in _module5([_pp_child("PP1", no_start)])] == ["9000Q"]


def test_module5_is_not_asked_of_a_2025_26_census():
    plain = child("PLAIN1", cin_details=_referral(ReferralNFA="0"))
    assert module5.check(ET.fromstring(census([plain], year="2025-26"))) == []  # noqa: S314  (written here)


def test_the_runner_adds_module5_rows_to_the_validators(tmp_path):
    path = tmp_path / "census.xml"
    block = {**GOOD, "PPOutcome": "D"}
    path.write_bytes(census([_pp_child("PPBROKEN1", block)], year="2026-27"))
    result = validate_census(path)
    assert result.ruleset == "cin2026_27"
    assert [row for row in result.rows if row["source"] == "module5"] == [
        {
            "rule": "9011",
            "type": "Error",
            "LAchildID": "PPBROKEN1",
            "table": "PreProceedings",
            "column": "PPOutcome",
            "value": "D",
            "message": module5.RULES["9011"][1],
            "source": "module5",
        }
    ]


def test_module5_runs_in_the_validators_python_without_the_application():
    """module5.py is standard library only: the runner imports it inside .venv-cin, where Django is not."""
    done = subprocess.run(
        [str(validator_python()), "-c", f"import sys; sys.path.insert(0, {str(RUNNER.parent)!r}); import module5"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert sys.version_info >= (3, 11)


def test_a_referral_sent_with_primary_need_not_stated_is_our_own_query(tmp_path):
    """The census writes 'N0 Not stated' for a referral that led to further action with no primary need recorded
    (DfE's 8610 is met); our own query FFP8610Q asks for it on the data-quality page."""
    path = tmp_path / "census.xml"
    path.write_bytes(
        census(
            [
                child("NEEDN0", cin_details=_referral(PrimaryNeedCode="N0", ReferralNFA="0")),
                child("NEEDN1", cin_details=_referral(ReferralNFA="0")),
            ]
        )
    )
    result = validate_census(path)
    assert "8610" not in result.by_rule()
    ours = [row for row in result.rows if row["source"] == "ffp"]
    assert [(row["rule"], row["type"], row["LAchildID"], row["column"]) for row in ours] == [
        ("FFP8610Q", "Query", "NEEDN0", "PrimaryNeedCode")
    ]
