"""Every write of the child protection strand, `<entity>_<verb>(*, ..., actor)`: permission first, audit in the same
transaction; the shared record is written through cases.services. One module per concept, re-exported here."""

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
