"""The front door's rows of the policy table (cases.policy): who may take its role-gated actions.
Registered from FrontDoorConfig.ready(); the code asks `policy.may(user, WORK_CONTACTS)`. Which contact, and
which child, is the selectors' scope on top of this."""

from cases.models import Role

WORK_CONTACTS = "front_door.work_contacts"  # triage, assign, ask agencies, decide
READ_CONTACTS = "front_door.read_contacts"  # read every contact without working on them
RECORD_CONTACT = "front_door.record_contact"  # record a contact through the API

_FRONT_DOOR = frozenset({Role.TRIAGE_OFFICER, Role.FRONT_DOOR_MANAGER})

POLICY = {
    WORK_CONTACTS: _FRONT_DOOR,
    # LCPPs oversee and managers report: council-wide readers who never work a contact.
    READ_CONTACTS: _FRONT_DOOR | {Role.LCPP, Role.MANAGER},
    # A partner referrer records their own referrals (and then sees only those).
    RECORD_CONTACT: _FRONT_DOOR | {Role.PARTNER_REFERRER},
}
