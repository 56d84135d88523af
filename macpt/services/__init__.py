"""Every write of the child protection strand, `<entity>_<verb>(*, ..., actor)`: permission first, audit in the same
transaction; the shared record is written through cases.services. One module per concept, re-exported here."""

from .conference import (
    conference_arrange,
    conference_attendance_set,
    conference_decide,
    conference_invitee_add,
    conference_record,
    conference_report_save,
)
from .cp_plans import (
    core_group_record,
    cp_plan_continue,
    cp_plan_end_by_conference,
    cp_plan_start,
    visit_record,
)
from .enquiries import (
    icpc_target,
    s47_child_seen,
    s47_information_add,
    s47_information_update,
    s47_outcome_record,
    s47_start,
)
from .strategy import (
    strategy_absence_record,
    strategy_attendee_add,
    strategy_decide,
    strategy_discussion_start,
    strategy_information_add,
    strategy_information_update,
    strategy_record_share,
)
from .teams import (
    macpt_member_add,
    macpt_member_remove,
)

__all__ = [
    "conference_arrange",
    "conference_attendance_set",
    "conference_decide",
    "conference_invitee_add",
    "conference_record",
    "conference_report_save",
    "core_group_record",
    "cp_plan_continue",
    "cp_plan_end_by_conference",
    "cp_plan_start",
    "visit_record",
    "icpc_target",
    "macpt_member_add",
    "macpt_member_remove",
    "s47_child_seen",
    "s47_information_add",
    "s47_information_update",
    "s47_outcome_record",
    "s47_start",
    "strategy_absence_record",
    "strategy_attendee_add",
    "strategy_decide",
    "strategy_discussion_start",
    "strategy_information_add",
    "strategy_information_update",
    "strategy_record_share",
]
