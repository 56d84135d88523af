"""The front door's rows of the policy table (cases.policy): who may take its role-gated actions.
Registered from FrontDoorConfig.ready(); the code asks `policy.may(user, WORK_CONTACTS)`. Which contact, and
which child, is the selectors' scope on top of this."""

from cases.models import Role

WORK_CONTACTS = "front_door.work_contacts"  # triage, assign, ask agencies, decide
READ_CONTACTS = "front_door.read_contacts"  # read every contact without working on them
RECORD_CONTACT = "front_door.record_contact"  # record a contact through the API
SIGN_OFF = "front_door.sign_off"  # agree a decision that needs a manager's sign-off, or send it back
OWN_REFERRALS = "front_door.own_referrals"  # follow one's own referrals and what happened to them
DASHBOARD = "front_door.dashboard"  # the front door's performance figures

_FRONT_DOOR = frozenset({Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER})

POLICY = {
    WORK_CONTACTS: _FRONT_DOOR,
    # LCPPs oversee and managers report: council-wide readers who never work a contact.
    READ_CONTACTS: _FRONT_DOOR | {Role.LCPP, Role.MANAGER},
    # A partner referrer records their own referrals (and then sees only those).
    RECORD_CONTACT: _FRONT_DOOR | {Role.PARTNER_REFERRER},
    SIGN_OFF: frozenset({Role.FRONT_DOOR_MANAGER}),
    OWN_REFERRALS: frozenset({Role.PARTNER_REFERRER}),
    DASHBOARD: frozenset({Role.FRONT_DOOR_MANAGER, Role.MANAGER}),
}
