"""Our own queries over the census file (issue 16 item 3), beside DfE's rules: what the file passes only because the
record says nothing, so the data-quality page asks for it. Standard library only (run in the validator's venv by
cin_runner.py, like module5.py); rows in the validator's shape, source "ffp".

- FFP8610Q: a referral that led to further action sent with primary need "N0 Not stated" (the record has no primary
  need from an assessment): DfE's 8610 is met, but the need should be recorded at the child's assessment.
"""

import xml.etree.ElementTree as ET

SOURCE = "ffp"
RULES = {
    "FFP8610Q": (
        "Query",
        "Primary need not recorded: the referral led to further action and was sent as 'N0 Not stated'; record the "
        "child's primary need at their assessment",
    ),
}


def check(root: ET.Element) -> list[dict]:
    rows = []
    kind, message = RULES["FFP8610Q"]
    for child in root.iterfind("Children/Child"):
        child_id = (child.findtext("ChildIdentifiers/LAchildID") or "").strip()
        for details in child.iterfind("CINdetails"):
            if (details.findtext("PrimaryNeedCode") or "").strip() == "N0" and (
                details.findtext("ReferralNFA") or ""
            ).strip() in {"0", "false"}:
                rows.append(
                    {
                        "rule": "FFP8610Q",
                        "type": kind,
                        "LAchildID": child_id,
                        "table": "CINdetails",
                        "column": "PrimaryNeedCode",
                        "value": "N0",
                        "message": message,
                        "source": SOURCE,
                    }
                )
    return rows
