"""Family Help's rows of the policy table (cases.policy): who may take its role-gated actions. Registered
from FamilyHelpConfig.ready(); the code asks `policy.may(user, ALLOCATE)`. Which family is the selectors'
scope on top of this (can_work_on_family)."""

from cases.models import Role

ALLOCATE = "family_help.allocate"  # allocate and change a family's lead practitioner
WRITE_ASSESSMENT = "family_help.write_assessment"  # on a family they work with; managers on any
AUTHORISE_ASSESSMENT = "family_help.authorise_assessment"

POLICY = {
    # Team managers, and front door managers (who make the decisions that ask for Family Help).
    ALLOCATE: frozenset({Role.MANAGER, Role.FRONT_DOOR_MANAGER}),
    # Lead practitioners (an LCPP when child protection leads); a team-around-the-family partner reads it.
    WRITE_ASSESSMENT: frozenset({Role.FHLP, Role.LCPP}),
    AUTHORISE_ASSESSMENT: frozenset({Role.MANAGER}),
}
