"""Who may do what with a person's record: the policy as one table.

Access comes from two places only, and is at one of two levels:
- a council-wide role (front door, LCPP, managers, privacy officer) sees every record in the council, whole;
- otherwise, an active involvement held by the user or by one of their teams (cases.models.ACCESS_GRANTING_ROLES):
  - the family's lead practitioner, an MACPT member or an FGDM facilitator (RECORD_INVOLVEMENTS) sees the
    WHOLE record (within the information tags' rules);
  - a team-around-the-family member (SUMMARY_INVOLVEMENTS: a school DSL, a health visitor, a youth worker) sees
    the SUMMARY: the family's plan (its outcomes, ratings and actions; they change only the actions they own), the
    children's identity summary (name, date of birth, address) and the people in the plan. Never the chronology,
    case notes, assessments, NHS number, the family network, the audit or exports of the record.
- a partner referrer (REFERRER_ONLY_ROLES) sees their own referrals and their outcomes only (the front door's
  my-referrals pages); in a team around a family they get its summary, and never more, whatever the involvement;
- a system administrator (NEVER) configures the system and never reads a child's data, even if added to a team
  or a team around the family (taf_add refuses them with a reason).
A restricted record is visible only to its named list, whatever the role.
Anything out of scope is 404, never 403: a user cannot learn that a record they may not see exists
(except the bare fact of a restricted match in a search they could otherwise have seen it in). A refusal is
answered 404 in one place each: ffp.exceptions for the API, ffp.urls.handler403 for pages.

The tests' permission matrix (tests/test_permission_matrix.py) reads its expected answers from an oracle written
apart from this table (tests/oracle.py); tests/cases/test_policy_oracle.py checks this table against it cell by cell.

Beside the record's actions, the table holds role-gated actions that are not about one child's record
("cases.merge", "family_help.allocate"): the shared record's are ROLE_ACTIONS below, and each strand adds
its own from its permissions.py, registered from its AppConfig.ready() (cases.registry). Code asks
`may(user, action)`; the tests read the expected answers from `role_actions()`.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from .models import AgencyType, Involvement, InvolvementRole, Qualification, Role, User, VisibilityTag
from .registry import registry

# Actions on a child's record.
VIEW, SEARCH, EDIT, LIST, EXPORT, PDF = "view", "search", "edit", "list", "export", "pdf"
ALL_ACTIONS = (VIEW, SEARCH, EDIT, LIST, EXPORT, PDF)
READ_ACTIONS = frozenset({VIEW, SEARCH, LIST, EXPORT, PDF})

# Roles whose holders see every (unrestricted) record in the council without being involved.
COUNCIL_WIDE_ROLES = frozenset(
    {
        Role.TRIAGE_OFFICER,
        Role.FRONT_DOOR_MANAGER,
        Role.LCPP,
        Role.MANAGER,
        Role.PRIVACY_OFFICER,
        Role.PERFORMANCE_OFFICER,
    }
)
# Of those, the roles that may also edit any record they can see.
COUNCIL_WIDE_EDITORS = frozenset({Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER, Role.LCPP})
# Roles that may edit a record they are involved with (a privacy officer or manager only reads).
INVOLVED_EDITORS = frozenset(
    {
        Role.FHLP,
        Role.MACPT_MEMBER,
        Role.FGDM_FACILITATOR,
        Role.LCPP,
        Role.TRIAGE_OFFICER,
        Role.FRONT_DOOR_MANAGER,
        Role.PARTNER_PRACTITIONER,
    }
)
# Roles that may create a person's record (others would lose sight of it the moment it was made).
CREATORS = COUNCIL_WIDE_EDITORS
# Roles that may never see a child's data at any level, involved or not, in a team or not (`user.roles <= NEVER`).
NEVER = frozenset({Role.ADMIN})
# Roles that never open a child's whole record: a user holding only these (and NEVER's) sees at most the summary of
# the families whose team around the family they are in (a school DSL who refers, added to a family's team).
REFERRER_ONLY_ROLES = frozenset({Role.PARTNER_REFERRER})
NO_RECORD = NEVER | REFERRER_ONLY_ROLES
# Roles that may merge and unmerge duplicate records.
MERGERS = frozenset({Role.FRONT_DOOR_MANAGER, Role.TRIAGE_OFFICER})
# Roles that may restrict a record and manage its named list.
RESTRICTERS = frozenset({Role.PRIVACY_OFFICER, Role.FRONT_DOOR_MANAGER, Role.MANAGER})
# Roles that may read who has looked at a record.
AUDIT_READERS = frozenset({Role.PRIVACY_OFFICER})

# The shared record's role-gated actions (registered from CasesConfig.ready(), as a strand registers its own).
CREATE_PERSON, MERGE, READ_AUDIT = "cases.create_person", "cases.merge", "cases.read_audit"
EDIT_ANY_PLAN = "cases.edit_any_plan"  # a manager edits the plan of any family they can see (leads: their own)
RESTRICT = "cases.restrict"  # restrict a record to a named list, change the list, lift the restriction
# Step a child down from child protection or pre-proceedings, or close an episode with child protection work (an open
# strategy-discussion or emergency-action request, an LCPP on the episode): the LCPP's decision, never any Family
# Help lead's (issue 13 item 6; the child protection strand will add the conference's decision to it).
STEP_DOWN_CHILD_PROTECTION = "cases.step_down_child_protection"
CLOSE_WORK_REQUEST = "cases.close_work_request"  # close an open hand-off with a reason (issue 13 item 2)
# Start the family's one plan when the family has none, as a child protection conference decides a plan for a child
# (a child straight from the front door to an s47 may have no Family Help plan nor lead): the LCPP chairing it.
START_PLAN_AT_CONFERENCE = "cases.start_plan_at_conference"
# Start the family's one plan when the family has none, as the family's own plan is agreed at a family group
# decision-making meeting (issue 15 item 4): the allocated facilitator, the children in their scope.
START_PLAN_AT_FAMILY_MEETING = "cases.start_plan_at_family_meeting"
# The privacy officer's review queue: break-glass alerts and curious-colleague alerts (issue 17 item 2, B6, B28).
REVIEW_PRIVACY_ALERTS = "cases.review_privacy_alerts"
# Keep the practitioners' dated qualification, hours and lead-practitioner status (issue 16 item 4): managers.
WORKFORCE = "cases.workforce"
# Set the retention rules, record legal holds, see the disposal job's dry run and run it (issue 17 item 4).
MANAGE_RETENTION = "cases.manage_retention"
# Handle subject access requests (open, stop the clock, extend, release a withheld item as a second person, send the
# bundle) and read the disclosure decisions (issue 17 item 3): the privacy officer.
SUBJECT_ACCESS = "cases.subject_access"
ROLE_ACTIONS = {
    MANAGE_RETENTION: frozenset({Role.PRIVACY_OFFICER}),
    SUBJECT_ACCESS: frozenset({Role.PRIVACY_OFFICER}),
    WORKFORCE: frozenset({Role.MANAGER}),
    RESTRICT: RESTRICTERS,
    CREATE_PERSON: CREATORS,
    MERGE: MERGERS,
    READ_AUDIT: AUDIT_READERS,
    REVIEW_PRIVACY_ALERTS: AUDIT_READERS,
    EDIT_ANY_PLAN: frozenset({Role.MANAGER}),
    STEP_DOWN_CHILD_PROTECTION: frozenset({Role.LCPP}),
    CLOSE_WORK_REQUEST: frozenset({Role.LCPP}),
    START_PLAN_AT_CONFERENCE: frozenset({Role.LCPP}),
    START_PLAN_AT_FAMILY_MEETING: frozenset({Role.FGDM_FACILITATOR}),
}

# Involvements by the level of access they grant (cases.permissions.person_permissions_sync grants it).
RECORD_INVOLVEMENTS = frozenset(
    {InvolvementRole.LEAD_PRACTITIONER, InvolvementRole.MACPT_MEMBER, InvolvementRole.FGDM_FACILITATOR}
)
SUMMARY_INVOLVEMENTS = frozenset({InvolvementRole.TAF_MEMBER})

# Levels of access to one child.
RECORD, SUMMARY = "record", "summary"

# How a user stands towards a child, for the matrix.
INVOLVED = "involved"  # the lead: an active whole-record involvement of their own (lead practitioner, MACPT, FGDM)
SAME_TEAM = "same_team"  # a team-mate of an involved practitioner, not involved themselves
OTHER_AGENCY = "other_agency"  # from another agency, not involved
REFERRER_ONLY = "referrer"  # made the referral (referrer involvement), nothing else
RESTRICTED = "restricted"  # involved, but the record is restricted and they are not on its list
NONE = "none"  # no connection at all
TAF_MEMBER = "taf_member"  # in the team around the child's family (a team-around-the-family involvement), nothing else
RELATIONSHIPS = (INVOLVED, SAME_TEAM, OTHER_AGENCY, REFERRER_ONLY, RESTRICTED, NONE, TAF_MEMBER)
# Not involved, but holding an active break-glass grant of their own for the child (issue 17 item 2). Apart from the
# issue's seven: it is a grant of the user's own making, not a standing of their work.
BREAK_GLASS = "break_glass"


def may_break_glass(roles: frozenset[str] | set[str], agency_type: str) -> bool:
    """Who may search the whole council with a reason and open a child's record outside their work for an hour: a
    council practitioner (a user of a council agency) whose roles read records but are not council-wide (a Family
    Help lead, an MACPT member, an FGDM facilitator). The council-wide roles see every record already; a partner
    agency's practitioner never searches the council's records (the DHIS2 rule: break-glass only within the user's
    own organisation's search scope)."""
    roles = frozenset(roles)
    record_roles = roles - NO_RECORD
    return (
        agency_type in COUNCIL_AGENCY_TYPES
        and bool(record_roles)
        and not (record_roles & COUNCIL_WIDE_ROLES)
        and not (roles <= NEVER)
    )


def level(roles: frozenset[str] | set[str], relationship: str, *, agency_type: str = "") -> str | None:
    """The level of access a user with these roles has to a child they stand towards as `relationship`: RECORD
    (the whole record), SUMMARY (the family's plan and the child's identity summary) or None (404). A break-glass
    grant opens the whole record to those who may break glass (their agency's type decides), no one else."""
    if relationship == BREAK_GLASS and may_break_glass(roles, agency_type):
        return RECORD
    roles = frozenset(roles) - NEVER
    if not roles or relationship == RESTRICTED:
        return None
    record_roles = roles - REFERRER_ONLY_ROLES
    if record_roles & COUNCIL_WIDE_ROLES:
        return RECORD
    if relationship == INVOLVED:
        return RECORD if record_roles else SUMMARY
    if relationship == TAF_MEMBER:
        return SUMMARY
    return None


def allowed(roles: frozenset[str] | set[str], relationship: str, action: str, *, agency_type: str = "") -> bool:
    """The expected answer for one cell of the matrix (the oracle the tests use). The actions are on the child's
    record (its page, lists, search, edit, exports): each needs the whole record; the summary level reaches the
    child only through the family's plan (its pages and API), never through these. Break-glass reads, never edits."""
    if action not in ALL_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if level(roles, relationship, agency_type=agency_type) != RECORD:
        return False
    if action in READ_ACTIONS:
        return True
    roles = frozenset(roles)
    return bool(roles & COUNCIL_WIDE_EDITORS) or (relationship == INVOLVED and bool(roles & INVOLVED_EDITORS))


def role_actions() -> dict[str, frozenset[str]]:
    """The whole table of role-gated actions, the shared record's and every strand's: action -> roles."""
    return registry.policy_actions()


def roles_for(action: str) -> frozenset[str]:
    """The roles that may take a role-gated action; an action no app registered is a programming error."""
    roles = registry.policy_roles(action)
    if roles is None:
        raise ImproperlyConfigured(f"No app registers the policy action {action!r}")
    return roles


def may(user: User, action: str) -> bool:
    """Whether this user holds a role that may take the action. Scope (which child, which family) is the
    selectors' and services' own check, on top of this."""
    return user.is_authenticated and user.has_role(*roles_for(action))


# ======================================================================================================
# TAGS: information tags narrow who reads an item (issue 11, finding 3).
#
# An item (a case note, the chronology entry made from it, an address marked safe) carries the tags of its
# source. Each tag's rule below says whom it admits; an item with several tags is readable only by a user
# every one of its tags admits, and its author always reads it. This is on top of the record's scope: a tag
# only ever narrows. `tag_filter()` turns the table into one SQL condition, so every surface (lists, counts,
# pages, API, PDFs, CSV) applies the same rule; `tags_admit()` is the same answer in Python, for the tests'
# matrix and for one item already in hand.
# ======================================================================================================

COUNCIL_AGENCY_TYPES = frozenset({AgencyType.COUNCIL_SOCIAL_CARE, AgencyType.COUNCIL_EARLY_HELP})
FRONT_DOOR_ROLES = frozenset({Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER})


@dataclass(frozen=True)
class TagRule:
    """Who reads an item carrying one tag: a user admitted by any one of these clauses."""

    agency_types: frozenset[str] = frozenset()  # the user's agency is of one of these types
    roles: frozenset[str] = frozenset()  # the user holds one of these roles, whatever their agency
    council_roles: frozenset[str] = frozenset()  # ... one of these roles, in a council agency
    council_qualifications: frozenset[str] = frozenset()  # a council practitioner so qualified (a social worker)
    childs_macpt: bool = False  # an active MACPT-member involvement on the child, the user's own or a team's
    author_agency: bool = False  # the user is in the agency the item came from
    everyone: bool = False  # everyone who sees the record (the tag limits where it goes, not who reads it)


# Police and health information: their own agency, the council's front door and social workers, the LCPPs,
# the child's MACPT, council managers and the privacy officer.
_SAFEGUARDING_READERS = {
    "roles": frozenset({Role.LCPP, Role.PRIVACY_OFFICER}),
    "council_roles": FRONT_DOOR_ROLES | {Role.MANAGER},
    "council_qualifications": frozenset({Qualification.SOCIAL_WORKER}),
    "childs_macpt": True,
}
TAG_RULES: dict[str, TagRule] = {
    VisibilityTag.POLICE: TagRule(agency_types=frozenset({AgencyType.POLICE}), **_SAFEGUARDING_READERS),
    VisibilityTag.HEALTH: TagRule(agency_types=frozenset({AgencyType.HEALTH}), **_SAFEGUARDING_READERS),
    VisibilityTag.THIRD_PARTY: TagRule(agency_types=COUNCIL_AGENCY_TYPES, author_agency=True),
    VisibilityTag.SAFE_ADDRESS: TagRule(agency_types=frozenset({AgencyType.COUNCIL_SOCIAL_CARE}), author_agency=True),
    VisibilityTag.NOT_FOR_FAMILY: TagRule(everyone=True),
}
# Never in anything a family member may receive: family-facing documents and subject access bundles.
FAMILY_WITHHELD_TAGS = frozenset({VisibilityTag.NOT_FOR_FAMILY, VisibilityTag.SAFE_ADDRESS})


def _rule_admits_user(rule: TagRule, *, roles: frozenset[str], agency_type: str, qualification: str) -> bool:
    """The clauses that depend on the user alone (not on the item or the child)."""
    council = agency_type in COUNCIL_AGENCY_TYPES
    return (
        rule.everyone
        or agency_type in rule.agency_types
        or bool(roles & rule.roles)
        or (council and bool(roles & rule.council_roles))
        or (council and qualification in rule.council_qualifications)
    )


def tag_admits(
    tag: str,
    *,
    roles: frozenset[str] | set[str],
    agency_type: str,
    qualification: str = "",
    in_childs_macpt: bool = False,
    authors_agency: bool = False,
) -> bool:
    """One tag's rule for one user and one item (the oracle the tests use). An unknown tag admits no one."""
    rule = TAG_RULES.get(tag)
    if rule is None:
        return False
    return (
        _rule_admits_user(rule, roles=frozenset(roles), agency_type=agency_type, qualification=qualification)
        or (rule.childs_macpt and in_childs_macpt)
        or (rule.author_agency and authors_agency)
    )


def tags_admit(tags, *, is_author: bool = False, **user) -> bool:
    """Whether a user reads an item with these tags: the author always, anyone else only if every tag admits them."""
    return is_author or all(tag_admits(tag, **user) for tag in tags)


def _childs_macpt_children(user: User):
    """The children on whose MACPT this user sits (an active MACPT-member involvement, theirs or a team's)."""
    return (
        Involvement.objects.active()
        .filter(role=InvolvementRole.MACPT_MEMBER)
        .filter(Q(user=user) | Q(team__members=user))
        .values("person_id")
    )


def _opening_conditions(user: User, tag: str, *, person: str, agency: str) -> list[Q] | None:
    """None when the tag's rule admits this user outright; otherwise the conditions on an item, any of which
    opens it to them (none: nothing about the item can)."""
    rule = TAG_RULES[tag]
    if _rule_admits_user(rule, roles=user.roles, agency_type=user.agency_type, qualification=user.qualification):
        return None
    opens = []
    if rule.childs_macpt:
        opens.append(Q(**{f"{person}__in": _childs_macpt_children(user)}))
    if rule.author_agency and agency and user.agency_id:
        opens.append(Q(**{agency: user.agency_id}))
    return opens


def _any(conditions: list[Q]) -> Q:
    either = conditions[0]
    for condition in conditions[1:]:
        either |= condition
    return either


def tag_filter(
    user: User, *, tags: str = "visibility_tags", person: str = "person", agency: str = "", author: str = ""
) -> Q:
    """The items this user may read, as one WHERE condition on a queryset of tagged items.

    `tags` names the items' tag array; `person` their child; `agency` the id of the agency the item came from
    (for "the author's agency"); `author` their author, who always reads their own. Tags that admit the user
    outright add nothing; tags nothing about an item can open for them are one `NOT (tags && [...])`; the rest
    compare the item's agency, or its child with the user's MACPT involvements in a subquery. No query of its
    own: the roles and agency type come with the request's user (cases.auth)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    closed: list[str] = []
    conditions = Q()
    for tag in TAG_RULES:
        opens = _opening_conditions(user, tag, person=person, agency=agency)
        if opens is None:
            continue
        if not opens:
            closed.append(tag)
            continue
        conditions &= ~Q(**{f"{tags}__contains": [tag]}) | _any(opens)
    if closed:
        conditions &= ~Q(**{f"{tags}__overlap": closed})
    if not conditions:
        return conditions
    return conditions | Q(**{author: user}) if author else conditions


def safe_address_filter(
    user: User, *, person: str = "person", agency: str = "recorded_by__agency_id", author: str = "recorded_by"
) -> Q:
    """The addresses whose detail this user may see: any address not marked safe, and a safe one only under the
    safe-address tag's rule (an Address carries the tag as its `safe_address` flag)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    opens = _opening_conditions(user, VisibilityTag.SAFE_ADDRESS, person=person, agency=agency)
    if opens is None:
        return Q()
    return _any([Q(safe_address=False), *opens, Q(**{author: user})])
