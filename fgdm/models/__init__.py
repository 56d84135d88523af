from .meetings import (
    FamilyPlanItem,
    FamilyPlanReview,
    FgdmMeeting,
    MeetingAttendee,
    SharedInformation,
    SupportRequest,
)
from .offers import DecisionPointKind, FgdmOffer, OfferResponse
from .referrals import FgdmReferral, MeetingType, NetworkInvitee, PreparationStep

__all__ = [
    "DecisionPointKind",
    "FamilyPlanItem",
    "FamilyPlanReview",
    "FgdmMeeting",
    "FgdmOffer",
    "FgdmReferral",
    "MeetingAttendee",
    "MeetingType",
    "NetworkInvitee",
    "OfferResponse",
    "PreparationStep",
    "SharedInformation",
    "SupportRequest",
]
