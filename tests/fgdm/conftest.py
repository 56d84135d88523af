"""FGDM fixtures shared by the strand's tests (each area's module holds its own; imported here by name)."""

from tests.fgdm.facilitation_support import (  # noqa: F401 (fixtures)
    allocated,
    facilitator,
    led_family,
    offer,
    other_facilitator,
    other_family,
    referral,
)

# The meeting's family: referred, the facilitator allocated, Grandma Rose in the network (issue 15 items 4-6).
from tests.fgdm.meeting_support import fgdm_family  # noqa: F401 (fixtures)

# Offers (tests/fgdm/test_offers.py): the Okafor-Lewis family at child protection (tests/macpt/conftest.py's cp_family:
# Mia and Leo led by Sol Social, Mia's LCPP Lou Lead, their mother Grace with parental responsibility for both), a
# strategy discussion about them, and the front door's contacts.
from tests.front_door.conftest import new_contact  # noqa: F401  (a fixture)
from tests.macpt.conftest import (  # noqa: F401  (fixtures)
    chair,
    clock,
    cp_family,
    discussion,
    health_member,
    macpt,
    macpt_team,
    strategy_request,
)
