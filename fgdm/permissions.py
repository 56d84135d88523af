"""The FGDM strand's rows of the policy table (cases.policy): who may take its role-gated actions. Registered from
FgdmConfig.ready(); the code asks `policy.may(user, ACTION)`. Which child is the selectors' scope on top of this
(cases.permissions.person_record_scope): a facilitator reaches only the children of the families allocated to them
(their FGDM_FACILITATOR involvement) and those children's network."""

from cases.models import Role

OFFER = "fgdm.offer"  # record an offer at a decision point, the family's answer, or why it was not offered
REFER = "fgdm.refer"  # refer an accepted offer to the FGDM service
ALLOCATE = "fgdm.allocate"  # allocate an independent facilitator to a referral (the FGDM service's coordinators)
FACILITATE = "fgdm.facilitate"  # prepare, record the meeting and the family's plan (the allocated facilitator)
REVIEW = "fgdm.review"  # review the family's plan at the agreed time
COUNTS = "fgdm.counts"  # the FGDM counts page (offers by decision point, meetings, plans, reviews)

# Roles intended for each action (issue 15). A row goes into POLICY with the page or endpoint that applies it, and its
# probe into tests/cases/test_policy_table.py (every registered action is probed).
ROLES = {
    # The lead practitioner or LCPP: the offer's "not offered" rationale is theirs (issue 15 item 1).
    OFFER: frozenset({Role.FHLP, Role.LCPP}),
    REFER: frozenset({Role.FHLP, Role.LCPP}),
    # The council's managers (the FGDM service's manager among them) allocate, as with Family Help allocation: a
    # facilitator sees a family only once it is allocated to them.
    ALLOCATE: frozenset({Role.MANAGER}),
    FACILITATE: frozenset({Role.FGDM_FACILITATOR}),
    REVIEW: frozenset({Role.FGDM_FACILITATOR, Role.FHLP, Role.LCPP}),
    COUNTS: frozenset({Role.FGDM_FACILITATOR, Role.MANAGER}),
}
POLICY: dict[str, frozenset[str]] = {
    # views/offers.py: the offer pages, the strand's inbox and the "decision_point" prompt.
    OFFER: ROLES[OFFER],
    # views/referrals.py: referring an accepted offer (fgdm:referral_create).
    REFER: ROLES[REFER],
    # views/referrals.py: the FGDM-referral hand-off's allocation page (fgdm:allocate).
    ALLOCATE: ROLES[ALLOCATE],
    # views/caseload.py and views/preparation.py: the facilitator's caseload and preparation (their own allocations);
    # views/meetings.py: recording the meeting, only by the allocated facilitator (fgdm.services.meetings checks).
    FACILITATE: ROLES[FACILITATE],
    COUNTS: ROLES[COUNTS],  # fgdm:counts (fgdm/views/counts.py)
    # Reviewing the family's plan and moving its review date (fgdm.views.meetings, fgdm.services.reviews).
    REVIEW: ROLES[REVIEW],
}
