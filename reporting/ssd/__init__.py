"""The Standard Safeguarding Dataset extract (issue 16 item 8): one CSV per SSD table this product fills, with the SSD's
field names in its order, zipped, and FIELDS_LEFT_EMPTY.md inside the zip saying which fields no record holds and why.
Built in the background like every return (reporting.builders) and downloaded under the rules of every export of
child-level data (reporting.permissions EXPORT, reporting.exports)."""

from ..builders import Builder
from ..models import RunKind
from ..permissions import EXPORT


def builder() -> Builder:
    from .extract import build, default_period, periods

    return Builder(
        kind=RunKind.SSD,
        label="Standard Safeguarding Dataset",
        description=(
            "The sector's common extract: people, families, contacts, early help, referrals, assessments, plans, "
            "visits, section 47 enquiries, conferences, pre-proceedings, involvements and professionals, one CSV per "
            "table with the SSD's field names, zipped."
        ),
        action=EXPORT,
        build=build,
        periods=periods,
        default_period=default_period,
    )
