"""Reads of the shared record, always scoped to what the user may see.

A module per concept; the strands import from here (`from cases.services import episode_open`)."""

from .audit import (
    audit_events,
    person_access_log,
)
from .compiled import scoped_sql
from .deadlines import (
    RAG_TAG_CLASSES,
    Rag,
    rag_by_working_hours,
    rag_status,
    rag_tag,
)
from .families import (
    current_lead_ids,
    current_leads,
    current_leads_of,
    family_case_get_for_user,
    family_case_scope,
    family_children,
)
from .notes import (
    case_note_corrections,
    case_note_get_for_user,
    case_notes_for_children,
    case_notes_for_person,
    chronology_for_person,
    chronology_tag_filter,
    episode_open_for,
    note_tag_filter,
    notes_readable_by,
)
from .organisation import (
    COUNCIL_AGENCY_TYPES,
    agency_find,
    council_teams,
    user_find,
    users_by_id,
    users_with_role,
)
from .people import (
    current_postcodes,
    family_network,
    merge_get_for_user,
    merges_into,
    people_in_scope_by_id,
    people_restricted_for_user,
    person_get_by_la_child_id,
    person_get_for_user,
    person_ids_in_scope,
    person_list_for_user,
    person_record,
)
from .plans import (
    plan_can_edit,
    plan_for_family,
)
from .search import (
    LIKELY_DUPLICATE_SCORE,
    SearchCriteria,
    SearchHit,
    person_find_duplicates,
    person_search,
)
from .system import (
    worker_heartbeat_latest,
)
from .work_requests import (
    receives_work_requests,
    work_request_get_for_user,
    work_request_inbox,
    work_request_inbox_counts,
    work_request_rag,
    work_request_receivers,
    work_requests_to_accept,
)

__all__ = [
    "current_lead_ids",
    "current_leads",
    "current_leads_of",
    "scoped_sql",
    "audit_events",
    "current_postcodes",
    "merge_get_for_user",
    "merges_into",
    "person_get_by_la_child_id",
    "people_restricted_for_user",
    "COUNCIL_AGENCY_TYPES",
    "agency_find",
    "council_teams",
    "user_find",
    "users_by_id",
    "users_with_role",
    "RAG_TAG_CLASSES",
    "Rag",
    "rag_by_working_hours",
    "rag_status",
    "rag_tag",
    "LIKELY_DUPLICATE_SCORE",
    "SearchCriteria",
    "SearchHit",
    "case_note_corrections",
    "case_note_get_for_user",
    "case_notes_for_children",
    "case_notes_for_person",
    "chronology_for_person",
    "chronology_tag_filter",
    "note_tag_filter",
    "notes_readable_by",
    "family_case_get_for_user",
    "family_case_scope",
    "family_children",
    "episode_open_for",
    "family_network",
    "person_access_log",
    "person_find_duplicates",
    "person_get_for_user",
    "people_in_scope_by_id",
    "person_ids_in_scope",
    "person_list_for_user",
    "person_record",
    "person_search",
    "receives_work_requests",
    "work_request_get_for_user",
    "work_request_inbox",
    "work_request_inbox_counts",
    "work_request_rag",
    "work_request_receivers",
    "work_requests_to_accept",
    "plan_can_edit",
    "plan_for_family",
    "worker_heartbeat_latest",
]
