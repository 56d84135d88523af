"""Multi-agency child protection: one module per concept (teams and strategy discussions, s47 enquiries,
conferences and plans, emergency action and pre-proceedings), re-exported here."""

from .enquiries import (
    S47Enquiry,
    S47Information,
    S47Outcome,
)
from .strategy import (
    Attendance,
    DiscussionForm,
    MacptSettings,
    NextStep,
    StrategyAttendee,
    StrategyChild,
    StrategyDecision,
    StrategyDiscussion,
    StrategyInformation,
)

__all__ = [
    "Attendance",
    "DiscussionForm",
    "MacptSettings",
    "NextStep",
    "S47Enquiry",
    "S47Information",
    "S47Outcome",
    "StrategyAttendee",
    "StrategyChild",
    "StrategyDecision",
    "StrategyDiscussion",
    "StrategyInformation",
]
