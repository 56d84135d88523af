"""Who may do what with a person's record: the policy as one table.

Access comes from two places only:
- a council-wide role (front door, LCPP, managers, privacy officer) sees every record in the council;
- otherwise, an active involvement in an access-granting role (cases.models.ACCESS_GRANTING_ROLES),
  held by the user or by one of their teams, grants the object permissions on that child.
A restricted record is visible only to its named list, whatever the role.
Anything out of scope is 404, never 403: a user cannot learn that a record they may not see exists
(except the bare fact of a restricted match in a search they could otherwise have seen it in).

The tests' permission matrix reads its expected results from `allowed` below, not from the code.

Beside the record's actions, the table holds role-gated actions that are not about one child's record
("cases.merge", "family_help.allocate"): the shared record's are ROLE_ACTIONS below, and each strand adds
its own from its permissions.py, registered from its AppConfig.ready() (cases.registry). Code asks
`may(user, action)`; the tests read the expected answers from `role_actions()`.
"""

from django.core.exceptions import ImproperlyConfigured

from .models import Role, User
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
# Roles that may never see a child's record, involved or not.
NEVER = frozenset({Role.PARTNER_REFERRER, Role.ADMIN})
# Roles that may merge and unmerge duplicate records.
MERGERS = frozenset({Role.FRONT_DOOR_MANAGER, Role.TRIAGE_OFFICER})
# Roles that may restrict a record and manage its named list.
RESTRICTERS = frozenset({Role.PRIVACY_OFFICER, Role.FRONT_DOOR_MANAGER, Role.MANAGER})
# Roles that may read who has looked at a record.
AUDIT_READERS = frozenset({Role.PRIVACY_OFFICER})

# The shared record's role-gated actions (registered from CasesConfig.ready(), as a strand registers its own).
CREATE_PERSON, MERGE, READ_AUDIT = "cases.create_person", "cases.merge", "cases.read_audit"
ROLE_ACTIONS = {CREATE_PERSON: CREATORS, MERGE: MERGERS, READ_AUDIT: AUDIT_READERS}

# How a user stands towards a child, for the matrix.
INVOLVED = "involved"  # an active access-granting involvement (their own)
SAME_TEAM = "same_team"  # a team-mate of an involved practitioner, not involved themselves
OTHER_AGENCY = "other_agency"  # from another agency, not involved
REFERRER_ONLY = "referrer"  # made the referral (referrer involvement), nothing else
RESTRICTED = "restricted"  # involved, but the record is restricted and they are not on its list
NONE = "none"  # no connection at all
RELATIONSHIPS = (INVOLVED, SAME_TEAM, OTHER_AGENCY, REFERRER_ONLY, RESTRICTED, NONE)


def allowed(roles: frozenset[str] | set[str], relationship: str, action: str) -> bool:
    """The expected answer for one cell of the matrix (the oracle the tests use)."""
    roles = frozenset(roles) - NEVER
    if not roles or relationship == RESTRICTED:
        return False
    council_wide = bool(roles & COUNCIL_WIDE_ROLES)
    involved = relationship == INVOLVED
    if action in READ_ACTIONS:
        return council_wide or involved
    if action == EDIT:
        return bool(roles & COUNCIL_WIDE_EDITORS) or (involved and bool(roles & INVOLVED_EDITORS))
    raise ValueError(f"unknown action {action!r}")


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
