"""Reads of the shared record, always scoped to what the user may see.

A module per concept; the strands import from here (`from cases.services import episode_open`)."""

from .audit import (
    person_access_log,
)
from .families import (
    family_case_get_for_user,
    family_case_scope,
    family_children,
)
from .notes import (
    chronology_for_person,
)
from .people import (
    family_network,
    person_get_for_user,
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
    work_requests_to_accept,
)

__all__ = [
    "LIKELY_DUPLICATE_SCORE",
    "SearchCriteria",
    "SearchHit",
    "chronology_for_person",
    "family_case_get_for_user",
    "family_case_scope",
    "family_children",
    "family_network",
    "person_access_log",
    "person_find_duplicates",
    "person_get_for_user",
    "person_list_for_user",
    "person_record",
    "person_search",
    "work_requests_to_accept",
    "plan_can_edit",
    "plan_for_family",
    "worker_heartbeat_latest",
]
