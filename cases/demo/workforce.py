"""The demo council's workforce history (issue 16 item 4): each lead practitioner's qualification and hours, dated,
with the changes a manager would have recorded, so the FFP quarterly return's workforce figures differ from quarter
to quarter the way a real council's do. Written once: a practitioner with any record is left as it is."""

from __future__ import annotations

import datetime as dt

from cases.models import PractitionerRecord, User
from cases.services.workforce import practitioner_record_set

from .planning import AQ, FGDM, FHLP_SW, FHLP_VCS, LCPP, SW

D = dt.date
# email -> [(from, qualification, hours a week, lead practitioner, note)]
HISTORY = {
    FHLP_VCS: [
        (D(2024, 4, 1), AQ, "22.5", True, "Joined on three days a week"),
        (D(2026, 7, 1), AQ, "30", True, "Hours up to four days a week"),
    ],
    FHLP_SW: [
        (D(2024, 4, 1), AQ, "37", True, "Family support worker, in training"),
        (D(2025, 9, 1), SW, "37", True, "Qualified: registered with Social Work England"),
    ],
    LCPP: [(D(2024, 4, 1), SW, "37", False, "Leads child protection; not a Family Help lead")],
    FGDM: [(D(2024, 4, 1), AQ, "30", False, "Independent facilitator")],
}


def seed_workforce_history(users: dict[str, User]) -> int:
    """The records of HISTORY for the demo users who have none yet; how many were written."""
    written = 0
    for email, rows in HISTORY.items():
        user = users.get(email)
        if user is None or PractitionerRecord.objects.filter(user=user).exists():
            continue
        for valid_from, qualification, hours, lead, note in rows:
            practitioner_record_set(
                practitioner=user,
                actor=None,
                valid_from=valid_from,
                qualification=qualification,
                hours_per_week=hours,
                lead_practitioner=lead,
                note=note,
            )
            written += 1
    return written
