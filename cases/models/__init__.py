"""The shared record's models, a module per concept; everything is re-exported here, so strands and
migrations keep writing `cases.models.Person`."""

from .api_tokens import (
    ApiToken,
    TokenScope,
)
from .audit import (
    AuditEvent,
    AuditSeal,
    RecordHistory,
)
from .base import (
    TimeStampedModel,
)
from .breakglass import (
    BREAK_GLASS_MINUTES,
    BreakGlass,
    PrivacyAlert,
)
from .deadlines import (
    ClosureDay,
    Deadline,
)
from .disclosure import (
    DisclosureDecision,
    LawfulBasis,
    SarPause,
    SarRelease,
    SubjectAccessRequest,
)
from .episodes import (
    ACCESS_GRANTING_ROLES,
    CensusMeaning,
    Episode,
    EpisodeLead,
    EpisodeLevel,
    FamilyCase,
    FamilyCaseMember,
    Involvement,
    InvolvementRole,
    LeadKind,
    NeedLevel,
    Strand,
)
from .merge import (
    PersonMerge,
)
from .notes import (
    CaseNote,
    CaseNoteCorrection,
    ChronologyEntry,
    VisibilityTag,
    tag_labels,
)
from .notifications import (
    Notification,
)
from .organisation import (
    Agency,
    AgencyType,
    Qualification,
    Role,
    Team,
    User,
    UserManager,
)
from .people import (
    RELATIONSHIP_INVERSE,
    Address,
    Household,
    HouseholdMember,
    Person,
    PersonGroupObjectPermission,
    PersonName,
    PersonUserObjectPermission,
    Relationship,
    RelationshipType,
    RestrictedAccess,
    RestrictionReason,
    Sex,
)
from .plans import (
    Action,
    ActionStatus,
    CinPlanPeriod,
    Outcome,
    OutcomeRating,
    Plan,
    PlanVersion,
    Review,
    TafMember,
)
from .referrals import (
    CinReferral,
)
from .restriction import (
    REVIEW_EVERY_DAYS,
    RestrictionReview,
)
from .retention import (
    Disposal,
    DisposalRun,
    LegalHold,
    RecordType,
    RetentionBasis,
    RetentionRule,
)
from .system import (
    WorkerHeartbeat,
)
from .work_requests import (
    WorkRequest,
    WorkRequestSettings,
)
from .workforce import (
    PractitionerRecord,
)

__all__ = [
    "BREAK_GLASS_MINUTES",
    "BreakGlass",
    "PrivacyAlert",
    "ACCESS_GRANTING_ROLES",
    "Action",
    "ActionStatus",
    "Address",
    "ApiToken",
    "Agency",
    "AgencyType",
    "AuditEvent",
    "AuditSeal",
    "RecordHistory",
    "CaseNote",
    "CaseNoteCorrection",
    "CensusMeaning",
    "ChronologyEntry",
    "CinPlanPeriod",
    "CinReferral",
    "ClosureDay",
    "Deadline",
    "Disposal",
    "DisposalRun",
    "DisclosureDecision",
    "LawfulBasis",
    "SarPause",
    "SarRelease",
    "SubjectAccessRequest",
    "Episode",
    "EpisodeLead",
    "EpisodeLevel",
    "FamilyCase",
    "FamilyCaseMember",
    "Household",
    "HouseholdMember",
    "Involvement",
    "InvolvementRole",
    "LeadKind",
    "LegalHold",
    "NeedLevel",
    "Notification",
    "Outcome",
    "OutcomeRating",
    "Person",
    "PersonGroupObjectPermission",
    "PersonMerge",
    "PersonName",
    "PersonUserObjectPermission",
    "Plan",
    "PlanVersion",
    "PractitionerRecord",
    "Qualification",
    "REVIEW_EVERY_DAYS",
    "RecordType",
    "RELATIONSHIP_INVERSE",
    "Relationship",
    "RelationshipType",
    "RestrictedAccess",
    "RestrictionReason",
    "RestrictionReview",
    "RetentionBasis",
    "RetentionRule",
    "Review",
    "Role",
    "Sex",
    "Strand",
    "TafMember",
    "Team",
    "TimeStampedModel",
    "TokenScope",
    "User",
    "UserManager",
    "VisibilityTag",
    "tag_labels",
    "WorkRequest",
    "WorkRequestSettings",
    "WorkerHeartbeat",
]
