"""Shared checks of a census file: written for a year, schema-valid, each child once and a CINdetails for every
referral open in the year (used by the census tests for each data set)."""

import io

from django.db.models import Q
from lxml import etree

from cases.models import CinReferral
from reporting.census import collection_year, validate_xsd, write_census


def census_bytes(year: str, user=None) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = write_census(out, year=year, user=user)
    return out.getvalue(), result


def assert_valid_census(year: str):
    """The census for `year`, council-wide: schema-valid, with every child whose referral was open in the year once
    and one CINdetails per such referral. Returns the parsed file and the writer's result."""
    data, result = census_bytes(year)
    assert validate_xsd(data, year) == []
    root = etree.fromstring(data)
    start, end = collection_year(year)
    referrals = CinReferral.objects.filter(referral_date__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    ids = [e.text for e in root.iterfind("Children/Child/ChildIdentifiers/LAchildID")]
    assert len(ids) == len(set(ids)) == result.children == referrals.values("person").distinct().count() > 0
    assert len(root.findall("Children/Child/CINdetails")) == result.cin_details == referrals.count()
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == end.isoformat()
    return root, result
