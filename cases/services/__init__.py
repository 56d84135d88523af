"""Writes to the shared record. Every service takes the acting user and records what it did.

A module per concept; the strands import from here (`from cases.services import episode_open`)."""

from .audit import (
    audit_read,
    audit_record,
)
from .deadlines import (
    LATE_DETECTION,
    deadline_cancel_for_children,
    deadline_met,
    deadline_reassign,
    deadline_set,
    deadline_sweep,
)
from .episodes import (
    episode_change_level,
    episode_close,
    episode_current_level,
    episode_open,
    episode_set_lead,
    family_case_create,
    involvement_add,
    involvement_end,
)
from .merge import (
    MergeRefused,
    person_merge,
    person_unmerge,
)
from .notes import (
    case_note_correct,
    case_note_finalise,
    case_note_save,
    case_note_save_draft,
    chronology_add,
)
from .notifications import (
    notification_emails_send,
    notification_mark_read,
    notify,
)
from .organisation import (
    team_ensure_group,
    team_member_add,
    team_member_remove,
)
from .people import (
    PERSON_EDITABLE_FIELDS,
    AddressInvalid,
    household_create,
    person_add_address,
    person_add_previous_name,
    person_create,
    person_create_with_address,
    person_restrict,
    person_unrestrict,
    person_update,
    relationship_add,
)
from .plans import (
    action_add,
    action_update,
    outcome_add,
    outcome_update,
    plan_start,
    plan_update,
    review_add,
    taf_add,
    taf_remove,
)
from .state import (
    Conflict,
    InvalidTransition,
    StaleEdit,
    compare_and_set,
    transition,
    transition_check,
    versioned_update,
)
from .system import (
    worker_heartbeat_record,
)
from .work_requests import (
    work_request_create,
    work_request_handle,
)

__all__ = [
    "AddressInvalid",
    "Conflict",
    "InvalidTransition",
    "LATE_DETECTION",
    "MergeRefused",
    "PERSON_EDITABLE_FIELDS",
    "StaleEdit",
    "action_add",
    "action_update",
    "audit_read",
    "audit_record",
    "case_note_correct",
    "case_note_finalise",
    "case_note_save",
    "case_note_save_draft",
    "chronology_add",
    "compare_and_set",
    "deadline_cancel_for_children",
    "deadline_met",
    "deadline_reassign",
    "deadline_set",
    "deadline_sweep",
    "episode_change_level",
    "episode_close",
    "episode_current_level",
    "episode_open",
    "episode_set_lead",
    "family_case_create",
    "household_create",
    "involvement_add",
    "involvement_end",
    "notification_emails_send",
    "notification_mark_read",
    "notify",
    "outcome_add",
    "outcome_update",
    "person_add_address",
    "person_add_previous_name",
    "person_create",
    "person_create_with_address",
    "person_merge",
    "person_restrict",
    "person_unmerge",
    "person_unrestrict",
    "person_update",
    "plan_start",
    "plan_update",
    "relationship_add",
    "review_add",
    "taf_add",
    "taf_remove",
    "team_ensure_group",
    "team_member_add",
    "team_member_remove",
    "transition",
    "transition_check",
    "versioned_update",
    "work_request_create",
    "work_request_handle",
    "worker_heartbeat_record",
]
