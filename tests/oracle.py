"""Issue 11's need-to-know policy written down a second time, in plain rules, for the permission matrix.

This module is the matrix's expected answer. It restates the policy from the issue's words ("The policy to
build") and imports nothing from the code under test: no cases.policy, no permissions, no selectors, not even
the Role choices (the roles are spelled here; tests/test_permission_matrix.py checks that they are the
app's). If the table (cases.policy and its strands' rows) and this module disagree, one of them is wrong, and
the matrix says where.

Who stands how towards a child (RELATIONSHIPS), and what each relationship gives:
- the child's lead practitioner (and the MACPT/LCPP/FGDM roles that hold an involvement): the whole record,
  within the tag rules;
- a team-around-the-family member: a summary (identity, the family's plan and the people in it), never the
  chronology, notes or assessments;
- a team-mate of the lead, someone in another agency, the referrer only, or nobody: nothing, unless they hold a
  council-wide role;
- a restricted child: nothing for anyone off its access list, whatever the role.
A partner referrer sees their own referrals and their outcomes, and in a team around a family (the issue's school
DSL) its summary, never a whole record; an administrator configures and never reads child data, even when
involved or in a team. Exclusions look at roles, never at team groups. The record's own actions (its page,
lists, search, edit, the chronology's exports) need the whole record: a summary reaches the child through the
family's plan only.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- the roles, as the issue names them ---------------------------------------------------------------------
TRIAGE = "triage_officer"
FRONT_DOOR_MANAGER = "front_door_manager"
FHLP = "fhlp"
LCPP = "lcpp"
MACPT = "macpt_member"
FGDM = "fgdm_facilitator"
REFERRER_ROLE = "partner_referrer"
PARTNER_PRACTITIONER = "partner_practitioner"
MANAGER = "manager"
PRIVACY = "privacy_officer"
ADMIN = "admin"
PERFORMANCE = "performance_officer"
ROLES = frozenset(
    {
        TRIAGE,
        FRONT_DOOR_MANAGER,
        FHLP,
        LCPP,
        MACPT,
        FGDM,
        REFERRER_ROLE,
        PARTNER_PRACTITIONER,
        MANAGER,
        PRIVACY,
        ADMIN,
        PERFORMANCE,
    }
)

# An administrator configures and never reads child data, involved or in a team or not.
NEVER_READS = frozenset({ADMIN})
# A partner referrer sees their own referrals and their outcomes; in a team around a family (the school
# DSL), its summary; never a child's whole record.
NO_RECORD_ROLES = frozenset({REFERRER_ROLE, ADMIN})
# "Council-wide roles as today": the front door, LCPPs, managers and the privacy officer see every record; and the
# performance officer, who prepares the returns (issue 16), reads them and edits none.
COUNCIL_WIDE = frozenset({TRIAGE, FRONT_DOOR_MANAGER, LCPP, MANAGER, PRIVACY, PERFORMANCE})
# Who may change a record: the front door and LCPPs anywhere; practitioners on records they lead.
EDIT_ANYWHERE = frozenset({TRIAGE, FRONT_DOOR_MANAGER, LCPP})
EDIT_WHEN_LEAD = frozenset({FHLP, MACPT, FGDM, LCPP, TRIAGE, FRONT_DOOR_MANAGER, PARTNER_PRACTITIONER})
FRONT_DOOR = frozenset({TRIAGE, FRONT_DOOR_MANAGER})
# Who reads the front door's contacts without being a referrer: the front door, LCPPs and managers.
CONTACT_READERS = FRONT_DOOR | {LCPP, MANAGER}

# --- agencies ------------------------------------------------------------------------------------------------
COUNCIL_SOCIAL_CARE = "council_social_care"
COUNCIL_EARLY_HELP = "council_early_help"
COUNCIL_AGENCIES = frozenset({COUNCIL_SOCIAL_CARE, COUNCIL_EARLY_HELP})
POLICE_AGENCY = "police"
HEALTH_AGENCY = "health"
SOCIAL_WORKER = "social_worker"

# --- how a user stands towards a child (the seven) ----------------------------------------------------
LEAD = "lead"
SAME_TEAM = "same_team"
OTHER_AGENCY = "other_agency"
TAF_MEMBER = "taf_member"
REFERRER = "referrer"
RESTRICTED = "restricted"
NONE = "none"
RELATIONSHIPS = (LEAD, SAME_TEAM, OTHER_AGENCY, TAF_MEMBER, REFERRER, RESTRICTED, NONE)
# Issue 17 item 2: no connection, but the user's own active break-glass grant for the child (a reason given, at most
# 60 minutes). "A council practitioner may search the whole council only by giving a reason ... opening such a
# record starts break-glass": a council agency's user whose roles read records (a Family Help lead, an MACPT
# member, an FGDM facilitator); the council-wide roles see the record anyway; a partner agency's user never
# breaks glass (their search scope is their own work). It reads the record; it edits nothing. A restricted record
# stays closed to anyone off its list (RESTRICTED wins).
BREAK_GLASS = "break_glass"

# --- actions on a child's record ------------------------------------------------------------------------------
VIEW, LIST, SEARCH, EDIT, EXPORT, PDF = "view", "list", "search", "edit", "export", "pdf"
ACTIONS = (VIEW, LIST, SEARCH, EDIT, EXPORT, PDF)

# --- information tags -------------------------------------------------------------------------------------------
UNTAGGED = ""
POLICE_TAG = "police"
HEALTH_TAG = "health"
THIRD_PARTY = "third_party"
SAFE_ADDRESS = "safe_address"
NOT_FOR_FAMILY = "not_for_family"
TAGS = (POLICE_TAG, HEALTH_TAG, THIRD_PARTY, SAFE_ADDRESS, NOT_FOR_FAMILY)

FULL, SUMMARY, NOTHING = "full", "summary", "nothing"


@dataclass(frozen=True)
class Reader:
    """What the oracle needs to know about a user: their roles (never their team groups), their agency's type,
    their qualification, and whether they sit in the child's MACPT."""

    roles: frozenset[str]
    agency_type: str
    qualification: str = ""
    agency: str = ""  # the agency's name (who wrote an item: third-party and safe-address items)

    @property
    def reading_roles(self) -> frozenset[str]:
        """The roles that open a child's whole record (never a referrer's or an administrator's)."""
        return self.roles - NO_RECORD_ROLES

    @property
    def council(self) -> bool:
        return self.agency_type in COUNCIL_AGENCIES


def breaks_glass(reader: Reader) -> bool:
    """Whether this user may search the whole council with a reason and break glass into a record."""
    return reader.council and bool(reader.reading_roles) and not (reader.reading_roles & COUNCIL_WIDE)


def access(reader: Reader, relationship: str) -> str:
    """How much of the child's record this user sees: FULL, SUMMARY or NOTHING."""
    if not (reader.roles - NEVER_READS) or relationship == RESTRICTED:
        return NOTHING
    if reader.reading_roles & COUNCIL_WIDE:
        return FULL
    if relationship == BREAK_GLASS:
        return FULL if breaks_glass(reader) else NOTHING
    if relationship == LEAD:
        # A referrer-only user given a lead's involvement gets no more than a team-around-the-family member.
        return FULL if reader.reading_roles else SUMMARY
    if relationship == TAF_MEMBER:
        return SUMMARY
    return NOTHING


def allowed(reader: Reader, relationship: str, action: str) -> bool:
    """One cell of role x relationship x action on the child's record itself (its page, lists, search, edit,
    the chronology's exports): each needs the whole record. A summary reaches the child only through the
    family's plan (sees_plan). EDIT needs an editing role too: anywhere for the front door and LCPPs, on the
    records they lead for practitioners."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if access(reader, relationship) != FULL:
        return False
    if action != EDIT:
        return True
    return bool(reader.reading_roles & EDIT_ANYWHERE) or (
        relationship == LEAD and bool(reader.reading_roles & EDIT_WHEN_LEAD)
    )


def sees_plan(reader: Reader, relationship: str) -> bool:
    """The family's plan and the team around it: anyone who sees the record, a summary included."""
    return access(reader, relationship) != NOTHING


def tag_allows(reader: Reader, tag: str, *, author_agency: str, in_childs_macpt: bool) -> bool:
    """Whether the tag lets this reader see an item (on top of seeing the record in full)."""
    roles = reader.reading_roles
    council_social_worker = reader.council and reader.qualification == SOCIAL_WORKER
    front_door_staff = reader.council and bool(roles & FRONT_DOOR)
    council_manager = reader.council and MANAGER in roles
    common = (
        front_door_staff or council_social_worker or LCPP in roles or in_childs_macpt or council_manager
    ) or PRIVACY in roles
    if tag in (UNTAGGED, NOT_FOR_FAMILY):
        return True
    if tag == POLICE_TAG:
        return reader.agency_type == POLICE_AGENCY or common
    if tag == HEALTH_TAG:
        return reader.agency_type == HEALTH_AGENCY or common
    if tag == THIRD_PARTY:
        return reader.council or reader.agency == author_agency
    if tag == SAFE_ADDRESS:
        return reader.agency_type == COUNCIL_SOCIAL_CARE or reader.agency == author_agency
    raise ValueError(f"unknown tag {tag!r}")


def reads_item(reader: Reader, relationship: str, tag: str, *, author_agency: str, in_childs_macpt: bool) -> bool:
    """A tagged note or chronology entry: the whole record, then the tag."""
    return access(reader, relationship) == FULL and tag_allows(
        reader, tag, author_agency=author_agency, in_childs_macpt=in_childs_macpt
    )


def family_facing(tag: str) -> bool:
    """Whether an item with this tag may go into something the family receives (a family plan, a subject
    access bundle)."""
    return tag not in (SAFE_ADDRESS, NOT_FOR_FAMILY)


def works_contacts(reader: Reader) -> bool:
    """The front door's working queue: its staff only."""
    return bool(reader.reading_roles & FRONT_DOOR)


def sees_relatives(reader: Reader, relationship: str) -> bool:
    """The child's adult relatives (the family network, part of the whole record) open with the child's whole
    record (or council-wide), never through a summary or a child the reader may not see."""
    return bool(reader.reading_roles & COUNCIL_WIDE) or access(reader, relationship) == FULL


def reads_contacts(reader: Reader) -> bool:
    """The front door's queue and contacts: front-door staff, LCPPs and managers (a referrer: their own)."""
    return bool(reader.reading_roles & CONTACT_READERS)


def lists_people(reader: Reader) -> bool:
    """Whether the people list and search exist for this user at all (otherwise 404, never an empty 200)."""
    return bool(reader.reading_roles)


# --- hand-offs between teams (issue 13 item 1): the work-request inbox ------------------------------------------
# Strategy discussions and emergency action go to the LCPPs; Family Help allocation to the council's managers and
# front door managers; the offer of family group decision making to the child's lead practitioner(s). The inbox is
# there for those roles only; a request opens for its receivers (and for LCPPs, who may close any) about a child whose
# whole record they see.
WORK_REQUEST_RECEIVERS = frozenset({LCPP, FHLP, MANAGER, FRONT_DOOR_MANAGER})


def has_work_inbox(reader: Reader) -> bool:
    """Whether the work-request inbox exists for this user (otherwise 404)."""
    return bool(reader.reading_roles & WORK_REQUEST_RECEIVERS)


def sees_strategy_request(reader: Reader, relationship: str) -> bool:
    """A strategy-discussion request about the child: in the LCPPs' inbox and open to them, for children whose
    whole record they see (a restricted child: its named list only)."""
    return LCPP in reader.reading_roles and access(reader, relationship) == FULL


# --- child protection oversight (issue 14 item 9): the LCPPs' dashboard ---------------------------------------------
# The lead child protection practitioners oversee every child in an s47 enquiry or on a child protection plan, and the
# council's managers with them; no one else has the page. A restricted child stays on it, unnamed, for everyone off
# its list.
OVERSEERS = frozenset({LCPP, MANAGER})


def oversees_child_protection(reader: Reader) -> bool:
    """Whether the oversight dashboard exists for this user (otherwise 404)."""
    return bool(reader.reading_roles & OVERSEERS)


def named_on_oversight(reader: Reader, relationship: str, *, in_child_protection: bool) -> bool:
    """A child named on the oversight dashboard: in child protection, for those who oversee and see its record."""
    return in_child_protection and oversees_child_protection(reader) and access(reader, relationship) == FULL


# --- child protection (issue 14): strategy discussions and s47 enquiries ------------------------------------------
# A discussion or an enquiry is part of the child's whole record: it opens for whoever sees that record in full (the
# MACPT's members reach it through the MACPT's involvement with the child), never through a summary. Only an LCPP
# chairs: the strategy-discussion request's accept page and the page that starts a discussion for a child are theirs.


def sees_child_protection(reader: Reader, relationship: str) -> bool:
    """A strategy discussion, its record (PDF) and an s47 enquiry about the child."""
    return access(reader, relationship) == FULL


def chairs_strategy(reader: Reader, relationship: str) -> bool:
    """Starting a strategy discussion for the child (directly, or by accepting the request)."""
    return LCPP in reader.reading_roles and access(reader, relationship) == FULL


def manages_macpt_teams(reader: Reader) -> bool:
    """The MACPT teams and their members (no child on them): managers set them up, and the administrator."""
    return bool(reader.roles & {MANAGER, ADMIN})


# --- child protection conferences and plans (issue 14 items 4, 5, 11) ------------------------------------------
# A conference or a child protection plan opens with the child's whole record (a conference: every child it is
# about); arranging, inviting, minuting and deciding are the LCPPs'; an agency's report is an LCPP's or an MACPT
# member's; core groups and visits are an LCPP's, an MACPT member's or the child's lead practitioner's.
CONFERENCE_ARRANGERS = frozenset({LCPP})
CONFERENCE_CONTRIBUTORS = frozenset({LCPP, MACPT})


def sees_conference(reader: Reader, relationship: str) -> bool:
    """A conference's page and minutes PDFs, a child protection plan's page: the child's whole record."""
    return access(reader, relationship) == FULL


def arranges_conference(reader: Reader, relationship: str) -> bool:
    """Arrange a conference, invite, record attendance, minutes and decisions: an LCPP who sees the child whole."""
    return sees_conference(reader, relationship) and bool(reader.reading_roles & CONFERENCE_ARRANGERS)


def reports_to_conference(reader: Reader, relationship: str) -> bool:
    """Add an agency's report: an LCPP or MACPT member who sees the child whole."""
    return sees_conference(reader, relationship) and bool(reader.reading_roles & CONFERENCE_CONTRIBUTORS)


def records_on_cp_plan(reader: Reader, relationship: str) -> bool:
    """Record a core group or a visit: an LCPP or MACPT member, or the child's lead (the LEAD relationship is an
    involvement as lead practitioner), who sees the child whole."""
    if not sees_conference(reader, relationship):
        return False
    return bool(reader.reading_roles & CONFERENCE_CONTRIBUTORS)


def ends_cp_plan(reader: Reader, relationship: str) -> bool:
    """End a child protection plan without a conference (moved away, 18, looked after, died): an LCPP who sees the
    child whole."""
    return sees_conference(reader, relationship) and LCPP in reader.reading_roles


# --- child protection (issue 14 items 7 and 8): emergency action and pre-proceedings ------------------------------
# Whoever sees a child's whole record reads the child's emergency action (police protection, Emergency Protection
# Orders) and pre-proceedings. Recording them is narrower: emergency action, and taking an emergency-action request,
# is the LCPPs' (they receive those requests); pre-proceedings are recorded by LCPPs and managers (the legal planning
# decision is theirs). Always only for a child whose whole record the reader sees.
EMERGENCY_RECORDERS = frozenset({LCPP})
PRE_PROCEEDINGS_RECORDERS = frozenset({LCPP, MANAGER})


def reads_child_protection(reader: Reader, relationship: str) -> bool:
    """The child's emergency actions and pre-proceedings, and each one's page; harm outside the home recorded on an
    s47 enquiry or a conference (issue 14 item 6), recorded by the LCPPs as emergency action is."""
    return access(reader, relationship) == FULL


def records_emergency_action(reader: Reader, relationship: str) -> bool:
    """The form recording emergency action for the child, and an emergency-action request's page."""
    return bool(reader.reading_roles & EMERGENCY_RECORDERS) and access(reader, relationship) == FULL


def records_pre_proceedings(reader: Reader, relationship: str) -> bool:
    """The pre-proceedings forms: the steps, a meeting, a kinship assessment."""
    return bool(reader.reading_roles & PRE_PROCEEDINGS_RECORDERS) and access(reader, relationship) == FULL


def sees_cp_item(reader: Reader, relationship: str, tag: str, *, family_version: bool = False) -> bool:
    """An agency's tagged item at a strategy discussion or in a conference report, on the page or a PDF: the child's
    whole record, then the tag's rule; in the family's version of the minutes only what may go to the family too."""
    if not sees_conference(reader, relationship):
        return False
    if family_version and not family_facing(tag):
        return False
    return tag_allows(reader, tag, author_agency="", in_childs_macpt=False)


# --- reporting (issue 16) --------------------------------------------------------------------------------------------
# Managers and performance officers read the reports page, run and download the returns and the child-level exports
# (the census, Annex A, the SSD) and read the data-quality issues; the dashboards add the front door's and child
# protection's managers (figures, no child); only a manager keeps the grant ledger. Everyone else: 404.
RETURN_MAKERS = frozenset({MANAGER, PERFORMANCE})
DASHBOARD_READERS = frozenset({MANAGER, PERFORMANCE, FRONT_DOOR_MANAGER, LCPP})
LEDGER_KEEPERS = frozenset({MANAGER})


def makes_returns(reader: Reader) -> bool:
    return bool(reader.roles & RETURN_MAKERS)


def reads_dashboards(reader: Reader) -> bool:
    return bool(reader.roles & DASHBOARD_READERS)


def keeps_grant_ledger(reader: Reader) -> bool:
    return bool(reader.roles & LEDGER_KEEPERS)
