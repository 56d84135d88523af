"""The child protection strand's rows of the policy table (cases.policy): who may take its role-gated actions.
Registered from MacptConfig.ready(); the code asks `policy.may(user, ACTION)`. Which child is the selectors' scope on
top of this (cases.permissions.person_record_scope): a MACPT member reaches only the children their MACPT works with."""

from cases.models import Role

CHAIR = "macpt.chair"  # chair strategy discussions and conferences; decide on s47 (LCPPs)
LEAD_ENQUIRY = "macpt.lead_enquiry"  # start and record an s47 enquiry, its outcome, emergency action
CONTRIBUTE = "macpt.contribute"  # add an agency's information to a discussion, an enquiry or a conference
MANAGE_TEAMS = "macpt.manage_teams"  # set up MACPT teams and their members
OVERSEE = "macpt.oversee"  # the oversight dashboard of every child in s47 or on a plan
PRE_PROCEEDINGS = "macpt.pre_proceedings"  # record pre-proceedings (the Public Law Outline)

# Roles intended for each action (issue 14). A row goes into POLICY with the page or endpoint that applies it, and its
# probe into tests/cases/test_policy_table.py (every registered action is probed).
ROLES = {
    CHAIR: frozenset({Role.LCPP}),
    LEAD_ENQUIRY: frozenset({Role.LCPP}),
    # The agencies around the child: MACPT members of every agency, and the LCPP.
    CONTRIBUTE: frozenset({Role.LCPP, Role.MACPT_MEMBER}),
    MANAGE_TEAMS: frozenset({Role.MANAGER, Role.ADMIN}),
    OVERSEE: frozenset({Role.LCPP, Role.MANAGER}),
    PRE_PROCEEDINGS: frozenset({Role.LCPP, Role.MANAGER}),
}
POLICY: dict[str, frozenset[str]] = {
    OVERSEE: ROLES[OVERSEE],  # the oversight dashboard (views/oversight.py)
    # Applied by the strategy discussion and s47 pages (macpt.views.strategy, enquiries) and the MACPT team pages
    # (macpt.views.teams); CHAIR and CONTRIBUTE by the conference and plan pages too (macpt.views.conference:
    # arranging, minuting and deciding a conference; an agency's report).
    CHAIR: ROLES[CHAIR],
    LEAD_ENQUIRY: ROLES[LEAD_ENQUIRY],  # and emergency action (macpt.views.emergency)
    CONTRIBUTE: ROLES[CONTRIBUTE],
    MANAGE_TEAMS: ROLES[MANAGE_TEAMS],
    # Pre-proceedings: macpt/views/pre_proceedings.py.
    PRE_PROCEEDINGS: ROLES[PRE_PROCEEDINGS],
}
