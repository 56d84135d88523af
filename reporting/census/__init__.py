"""The CIN census return (issue 16 item 1): `write_census` streams the XML for a collection year from the records;
`validate_xsd` checks a file against its year's schema (schemas/, see the README there)."""

from .writer import CensusResult, census_child_ids, collection_year, write_census
from .xsd import schema_name, validate_xsd

__all__ = ["CensusResult", "census_child_ids", "collection_year", "schema_name", "validate_xsd", "write_census"]
