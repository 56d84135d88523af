"""What the record's pages share: page sizes, labels and scope checks (the plumbing is in cases.web)."""

from ..models import (
    Strand,
    User,
)
from ..permissions import may_read_records

CHRONOLOGY_PAGE_SIZE = 100
RECORD_CHRONOLOGY_ENTRIES = 10
NOTES_PAGE_SIZE = 20
ACCESS_LOG_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50

# GOV.UK tag colours for the strands (each strand keeps its colour on every page).
STRAND_TAGS = {
    Strand.RECORD: "govuk-tag--grey",
    Strand.FRONT_DOOR: "govuk-tag--teal",
    Strand.FAMILY_HELP: "govuk-tag--green",
    Strand.MACPT: "govuk-tag--pink",
    Strand.FGDM: "govuk-tag--purple",
}
STRAND_LABELS = dict(Strand.choices)
DUPLICATE_RESTRICTED_TEXT = "A restricted record also matches. Ask the front door manager."


def _may_use_records(user: User) -> bool:
    # An administrator or a partner referrer who only refers never opens a child's record, and neither does a user
    # with no role (policy.NO_RECORD).
    return may_read_records(user)


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ").strip().capitalize()
