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
