"""Family Help's rows of the policy table (cases.policy): who may take its role-gated actions. Registered
from FamilyHelpConfig.ready(); the code asks `policy.may(user, ALLOCATE)`. Which family is the selectors'
scope on top of this (can_work_on_family)."""

from cases.models import Role

ALLOCATE = "family_help.allocate"  # allocate and change a family's lead practitioner
WRITE_ASSESSMENT = "family_help.write_assessment"  # on a family they work with; managers on any
AUTHORISE_ASSESSMENT = "family_help.authorise_assessment"
MANAGE_TEAM = "family_help.manage_team"  # the team's caseloads, supervision, assessments on any family
CHANGE_ANY_CONTINUUM = "family_help.change_any_continuum"  # step up or down, change level, close: any family
CHANGE_LED_CONTINUUM = "family_help.change_led_continuum"  # ... the families one leads
SUPERVISED = "family_help.supervised"  # practitioners who are supervised (and read their own supervision)

POLICY = {
    # Team managers, and front door managers (who make the decisions that ask for Family Help).
    ALLOCATE: frozenset({Role.MANAGER, Role.FRONT_DOOR_MANAGER}),
    # Lead practitioners (an LCPP when child protection leads); a team-around-the-family partner reads it.
    WRITE_ASSESSMENT: frozenset({Role.FHLP, Role.LCPP}),
    AUTHORISE_ASSESSMENT: frozenset({Role.MANAGER}),
    MANAGE_TEAM: frozenset({Role.MANAGER}),
    # Managers and LCPPs on any family they can see; a lead practitioner only on the families they lead.
    CHANGE_ANY_CONTINUUM: frozenset({Role.MANAGER, Role.LCPP}),
    CHANGE_LED_CONTINUUM: frozenset({Role.FHLP}),
    SUPERVISED: frozenset({Role.FHLP}),
}
