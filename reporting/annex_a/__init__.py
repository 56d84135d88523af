"""Ofsted's Annex A (issue 16 item 5): the inspection lists this data model can fill, as the workbook Ofsted asks for
(one sheet per list, "List 1" to "List 7", with the template's column headings and lettered answers). Built in the
background like every return (reporting.builders), streamed list by list into a write-only workbook, and downloaded
under the same rules as every export of child-level data (reporting.permissions EXPORT, reporting.exports)."""

from ..builders import Builder
from ..models import RunKind
from ..permissions import EXPORT


def builder() -> Builder:
    from .periods import default_period, periods
    from .workbook import build

    return Builder(
        kind=RunKind.ANNEX_A,
        label="Ofsted Annex A",
        description=(
            "The lists Ofsted asks for before an inspection: contacts, early help, referrals, assessments, section 47 "
            "enquiries and initial conferences, children in need and child protection plans, one sheet each."
        ),
        action=EXPORT,
        build=build,
        periods=periods,
        default_period=default_period,
    )
